import datetime
from collections import defaultdict

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django_fsm import FSMField, transition

from accounts import permissions
from accounts.handles import (
    HandleError,
    canonical_url,
    handle_from_url,
    handle_key,
    normalise_handle,
)
from people import policy
from workflow import transitions
from workflow.models import AppendOnlyRecord, EscalationRecord, StateMachine
from workflow.states import Badge, State
from workflow.validators import single_line


class Platform(models.Model):
    """A channel in the catalogue. Its rules for reading a profile URL are data: a new platform
    is an admin edit rather than a release; a changed host name is a change to the catalogue
    (accounts/catalogue.py, `load_catalogues`), since the rules decide what the lookup calls
    official and the admin shows them read-only once the platform exists."""

    name = models.CharField(max_length=80, unique=True, validators=[single_line])
    slug = models.SlugField(max_length=40, unique=True)
    internal = models.BooleanField(
        default=False,
        help_text="Internal tools (SharePoint blogs and forums) need no approval: site owners "
        "decide.",
    )
    icon = models.CharField(
        max_length=40, blank=True, help_text="Bootstrap Icons name, for example 'twitter-x'."
    )
    hosts = models.JSONField(
        default=list,
        blank=True,
        help_text="Host names a profile URL may use, aliases included, without 'www.' or 'm.'.",
    )
    profile_path = models.CharField(
        max_length=200,
        blank=True,
        help_text="Regular expression for a profile URL's path, with a group named 'handle'.",
    )
    handle_pattern = models.CharField(
        max_length=200, blank=True, help_text="Regular expression a bare handle must match."
    )
    canonical_url = models.CharField(
        max_length=200,
        blank=True,
        help_text="Profile URL template with {handle}, for example https://x.com/{handle}.",
    )
    handles_case_sensitive = models.BooleanField(default=False)
    federated = models.BooleanField(
        default=False,
        help_text="Its accounts live on servers anywhere (Mastodon and the rest of the "
        "fediverse): a profile address may be on any host, and a handle names its server, as "
        "name@server. The address template then has {name} and {server}, not {handle}.",
    )
    sort_order = models.PositiveSmallIntegerField(default=100)
    active = models.BooleanField(
        default=True, help_text="Untick to stop offering it for new proposals."
    )

    class Meta:
        ordering = ["internal", "sort_order", "name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # Its accounts keep a copy of its place, which the register sorts on (Account).
        self.accounts.exclude(platform_sort_order=self.sort_order).update(
            platform_sort_order=self.sort_order
        )


class AccountState(models.TextChoices):
    SETTING_UP = "setting_up", "Being set up"
    LIVE = "live", "Live"
    CLOSURE_PROPOSED = "closure_proposed", "Closure proposed"
    CLOSURE_CONTESTED = "closure_contested", "Closure contested"
    CLOSURE_ESCALATED = "closure_escalated", "Closure escalated to HEC"
    CLOSING = "closing", "Closing"
    CLOSED = "closed", "Closed"


A = AccountState

# What each state looks like and what happens next: read by the account page, the emails and
# the home page.
STATES = {
    A.SETTING_UP: State(
        Badge.WORKING,
        "DCCT is setting it up. It goes live when the checklist is complete and at least "
        f"{policy.MIN_TRAINED_TEAM} team members have current training.",
        to_do="Finish the set-up checklist and go live",
        holder="dcct",
    ),
    A.LIVE: State(Badge.GOOD, "Live and on the register. Reviews check that it keeps working."),
    A.CLOSURE_PROPOSED: State(
        Badge.ATTENTION,
        "Closure has been proposed; the other side agrees an exit strategy or contests it.",
        to_do="Agree an exit strategy or contest the closure",
        holder="other_side",
    ),
    A.CLOSURE_CONTESTED: State(
        Badge.ATTENTION,
        "The closure is contested; DCCT escalates it to HEC.",
        to_do="Escalate the closure to HEC",
        holder="dcct",
    ),
    A.CLOSURE_ESCALATED: State(
        Badge.ATTENTION,
        "The Head of Engagement and Communications decides whether it closes or stays.",
        to_do="Decide: close or retain",
        holder="hec",
    ),
    A.CLOSING: State(
        Badge.ATTENTION,
        "Closing: the exit strategy's steps are being done.",
        to_do="Work through the exit steps",
        holder="both_sides",
    ),
    A.CLOSED: State(Badge.ENDED, "Closed. It is listed as no longer official."),
}


class AccountKind(models.TextChoices):
    CORPORATE = "corporate", "Corporate"
    BUSINESS_AREA = "business_area", "Business area"


class ClosureReason(models.TextChoices):
    NOT_EFFECTIVE = "not_effective", "Not effective"
    CANNOT_BE_RESOURCED = "cannot_be_resourced", "Cannot be resourced"
    CAMPAIGN_ENDED = "campaign_ended", "Campaign ended"


class Side(models.TextChoices):
    DCCT = "dcct", "DCCT"
    BUSINESS_AREA = "business_area", "Business area"


class Account(StateMachine, models.Model):
    """An official social media account of the Parliament, from set-up to closure."""

    STATES = STATES

    platform = models.ForeignKey(Platform, on_delete=models.PROTECT, related_name="accounts")
    handle = models.CharField(max_length=120, blank=True, validators=[single_line])
    url = models.URLField("profile URL", blank=True)
    display_name = models.CharField(max_length=150, validators=[single_line])
    office = models.ForeignKey("people.Office", on_delete=models.PROTECT, related_name="accounts")
    kind = models.CharField(max_length=20, choices=AccountKind, default=AccountKind.BUSINESS_AREA)
    purpose = models.TextField(blank=True)
    audience = models.TextField(blank=True)
    proposal = models.OneToOneField(
        "proposals.Proposal",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="account",
    )
    state = FSMField(default=A.SETTING_UP, choices=AccountState, protected=True)
    state_changed_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(auto_now_add=True)
    went_live_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    closure_reason = models.CharField(max_length=30, choices=ClosureReason, blank=True)
    closure_explanation = models.TextField(blank=True)
    closure_proposed_by = models.CharField(max_length=20, choices=Side, blank=True)
    closure_proposer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    retention_conditions = models.TextField(blank=True)
    # Facts kept on the row, so that the register and DCCT's queues read a page from an index
    # rather than join and count every account's history on each request.
    platform_sort_order = models.PositiveSmallIntegerField(
        default=100,
        editable=False,
        help_text="The platform's sort_order, copied as the account is created and kept in step "
        "by Platform.save: the register's order.",
    )
    team_trained_from = models.DateField(
        null=True,
        blank=True,
        editable=False,
        help_text="The first day of the run of days on which at least policy.MIN_TRAINED_TEAM "
        "of the current team hold current training: the run today is in, or else the next one "
        "(empty: none). Kept by accounts.services.refresh_team_training.",
    )
    team_trained_until = models.DateField(
        null=True,
        blank=True,
        editable=False,
        help_text="The last day of that run (empty: its training does not expire).",
    )
    last_activity_on = models.DateField(
        null=True,
        blank=True,
        editable=False,
        help_text="The latest day it was seen in use: a review submitted, or figures for that "
        "day. Kept by evaluation, whose list of dormant accounts reads it.",
    )
    last_post_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When it last posted, as its platform says (evaluation/activity.py reads it "
        "every day where a connector can): dormancy is read from it where there is one.",
    )
    feed_url = models.URLField(
        "feed address",
        max_length=500,
        blank=True,
        help_text="Its public RSS or Atom feed, where it has one (a YouTube channel's, a blog's, "
        "a podcast's): the daily reading takes its latest post from it.",
    )
    activity_read_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When its platform was last read."
    )
    activity_tried_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When the daily reading last tried it, read or not: the ones tried longest "
        "ago go first.",
    )
    activity_source = models.CharField(
        max_length=40, blank=True, editable=False, help_text="What it was read from."
    )
    minimised_on = models.DateField(
        null=True,
        blank=True,
        editable=False,
        help_text="When the retention job removed its free text and its reviews', years after "
        "it closed (portal/retention.py); its decisions stay on record.",
    )
    owner_wanted_since = models.DateField(
        null=True,
        blank=True,
        editable=False,
        help_text="Since when it has had no owner: its owner left the organisation and nobody "
        "else on the team was trained to take over. DCCT's dashboard lists it until someone is "
        "made owner.",
    )

    class Meta:
        ordering = ["platform_sort_order", Lower("display_name"), "pk"]
        constraints = [
            models.UniqueConstraint(
                "platform",
                Lower("handle"),
                name="one_live_account_per_platform_handle",
                condition=models.Q(state="live"),
                violation_error_message="A live account with this handle is already on the "
                "register for this platform.",
            ),
        ]
        indexes = [
            models.Index(
                fields=["platform", "kind"],
                name="account_live_by_platform",
                condition=models.Q(state="live"),
            ),
            models.Index(fields=["office", "state"], name="account_office_state"),
            # The reports count every account by platform and state, from this index alone, in
            # its order (and by office and state from the one above).
            models.Index(fields=["platform", "state"], name="account_counted"),
            # The register's order: its first and its deepest pages are read from here, from
            # the index alone (PostgreSQL reads a page's keys off an index of an expression
            # without visiting the table only when the index carries the column itself: the
            # middle page of 20,000 accounts, 10,000 keys in, took 21 ms with a visit to the
            # table for each, 2 ms without). `state` is carried for the public register, which
            # leaves out the states the public does not see.
            models.Index(
                "platform_sort_order",
                Lower("display_name"),
                "id",
                name="account_register_order",
                include=["display_name", "state"],
            ),
            # DCCT's queue of teams below policy.MIN_TRAINED_TEAM (selectors.untrained_teams).
            models.Index(
                fields=["team_trained_from"],
                name="account_team_trained_from",
                condition=models.Q(state__in=[A.LIVE, A.SETTING_UP]),
            ),
            models.Index(
                fields=["team_trained_until"],
                name="account_team_trained_until",
                condition=models.Q(state__in=[A.LIVE, A.SETTING_UP]),
            ),
            # "Of a live account", which DCCT's counts of reviews and recertifications ask,
            # answered from the index alone.
            models.Index(fields=["id"], name="account_live", condition=models.Q(state=A.LIVE)),
            # A home page's "your office's accounts": an office's first few by name.
            models.Index(fields=["office", "display_name", "id"], name="account_office_by_name"),
            # "Waiting for you": the accounts in a state somebody must act on, longest first.
            models.Index(
                fields=["state_changed_at"],
                name="account_in_hand_by_time",
                condition=models.Q(
                    state__in=[
                        A.SETTING_UP,
                        A.CLOSURE_PROPOSED,
                        A.CLOSURE_CONTESTED,
                        A.CLOSURE_ESCALATED,
                        A.CLOSING,
                    ]
                ),
            ),
            # DCCT's list of dormant accounts (evaluation.selectors.dormant_accounts): each
            # half of its "quiet" (not posted since, where the platform is read; no review or
            # figures since, elsewhere) from an index of its own, so that the count reads the
            # quiet accounts rather than every live one (12 ms → 2.4 ms for 14,700 live).
            models.Index(
                fields=["last_activity_on"],
                name="account_live_last_activity",
                condition=models.Q(state=A.LIVE),
            ),
            models.Index(
                fields=["last_post_at"],
                name="account_live_last_post",
                condition=models.Q(state=A.LIVE),
            ),
            # DCCT's queue of accounts whose owner left with nobody trained to take over.
            models.Index(
                fields=["owner_wanted_since"],
                name="account_owner_wanted",
                condition=models.Q(owner_wanted_since__isnull=False),
            ),
        ]

    def __str__(self):
        return f"{self.display_name} on {self.platform}"

    def save(self, *args, **kwargs):
        if self._state.adding and self.platform_id:
            self.platform_sort_order = self.platform.sort_order
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("accounts:detail", args=[self.pk])

    def clean(self):
        super().clean()
        if not self.platform_id:
            return
        errors = {}
        if self.handle:
            try:
                self.handle = normalise_handle(self.platform, self.handle)
            except HandleError as error:
                errors["handle"] = str(error)
        if self.url:
            try:
                from_url = handle_from_url(self.platform, self.url)
            except HandleError as error:
                errors["url"] = str(error)
            else:
                if not self.handle:
                    self.handle = from_url
                elif handle_key(self.platform, from_url) != handle_key(self.platform, self.handle):
                    errors["url"] = f"This address is for “{from_url}”, not “{self.handle}”."
        if self.handle and not errors:
            self.url = canonical_url(self.platform, self.handle) or self.url
        if errors:
            raise ValidationError(errors)

    # --- Guards ---------------------------------------------------------------------------------

    def current_team(self):
        return [member for member in self.members.all() if member.removed_on is None]

    def trained_team(self, on=None):
        return [member for member in self.current_team() if member.is_trained(on)]

    def setup_complete(self) -> bool:
        checklist = getattr(self, "setup", None)
        return checklist is not None and checklist.is_complete

    def exit_steps_done(self) -> bool:
        strategy = getattr(self, "exit_strategy", None)
        return strategy is not None and strategy.is_complete

    def team_trained_on(self, day) -> bool:
        """Whether enough of its team held current training on `day` (team_trained_from/until,
        kept by services.refresh_team_training)."""
        trained_from, until = self.team_trained_from, self.team_trained_until
        return trained_from is not None and trained_from <= day and (until is None or day <= until)

    def go_live_blockers(self) -> list[str]:
        blockers = []
        if not self.setup_complete():
            blockers.append("Complete the set-up checklist.")
        trained = len(self.trained_team())
        if trained < policy.MIN_TRAINED_TEAM:
            blockers.append(
                f"At least {policy.MIN_TRAINED_TEAM} team members need current training "
                f"({trained} have it)."
            )
        if not self.handle:
            blockers.append("Record the account's handle.")
        elif self.handle_taken():
            blockers.append(
                f"Another live account on {self.platform} already uses the handle “{self.handle}”."
            )
        return blockers

    def handle_taken(self) -> bool:
        """A live account other than this one already has this platform and handle."""
        return (
            Account.objects.filter(platform_id=self.platform_id, state=A.LIVE)
            .annotate(key=Lower("handle"))
            .filter(key=self.handle.lower())
            .exclude(pk=self.pk)
            .exists()
        )

    def may_be_retained(self) -> bool:
        return not self.handle_taken()

    def ready_to_go_live(self) -> bool:
        return not self.go_live_blockers()

    # --- Transitions (DESIGN.md section 4); called only through accounts.services ---------------

    @transition(
        field=state,
        source=A.SETTING_UP,
        target=A.LIVE,
        conditions=[ready_to_go_live],
        permission=permissions.is_dcct_for,
        custom={"label": "Go live", "role": "dcct", "comment": "optional"},
    )
    def go_live(self):
        self.went_live_on = timezone.localdate()

    @transition(
        field=state,
        source=A.LIVE,
        target=A.CLOSURE_PROPOSED,
        permission=permissions.may_propose_closure,
        custom={
            "label": "Propose closure",
            "role": "either",
            "form": "closure",
            "style": "outline-danger",
        },
    )
    def propose_closure(self):
        pass

    @transition(
        field=state,
        source=A.CLOSURE_PROPOSED,
        target=A.CLOSING,
        permission=permissions.is_other_side,
        custom={"label": "Agree exit strategy", "role": "either", "form": "exit_strategy"},
    )
    def agree_exit_strategy(self):
        pass

    @transition(
        field=state,
        source=A.CLOSURE_PROPOSED,
        target=A.CLOSURE_CONTESTED,
        permission=permissions.is_other_side,
        custom={
            "label": "Contest closure",
            "role": "either",
            "comment": "required",
            "style": "outline-secondary",
        },
    )
    def contest_closure(self):
        pass

    @transition(
        field=state,
        source=A.CLOSURE_CONTESTED,
        target=A.CLOSURE_ESCALATED,
        permission=permissions.is_dcct_for,
        custom={
            "label": "Escalate to HEC",
            "role": "dcct",
            "form": "escalation",
            "style": "outline-danger",
        },
    )
    def escalate_closure(self):
        pass

    @transition(
        field=state,
        source=A.CLOSURE_ESCALATED,
        target=A.CLOSING,
        permission=permissions.may_decide_escalation,
        custom={
            "label": "Close account",
            "role": "hec",
            "form": "exit_strategy",
            "comment": "required",
            "style": "danger",
        },
    )
    def close_account(self):
        pass

    @transition(
        field=state,
        source=A.CLOSURE_ESCALATED,
        target=A.LIVE,
        conditions=[may_be_retained],
        permission=permissions.may_decide_escalation,
        custom={"label": "Retain account", "role": "hec", "comment": "required", "form": "retain"},
    )
    def retain_account(self):
        self.closure_reason = ""
        self.closure_proposed_by = ""
        self.closure_proposer = None

    @transition(
        field=state,
        source=A.CLOSING,
        target=A.CLOSED,
        conditions=[exit_steps_done],
        permission=permissions.is_dcct_for,
        custom={"label": "Mark as closed", "role": "dcct", "comment": "optional"},
    )
    def mark_closed(self):
        self.closed_on = timezone.localdate()


class AccountMember(models.Model):
    """A person on an account's team; leaving is recorded, never deleted."""

    class Role(models.TextChoices):
        OWNER = "owner", "Owner"
        EDITOR = "editor", "Editor"
        MODERATOR = "moderator", "Moderator"

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="account_memberships"
    )
    role = models.CharField(max_length=20, choices=Role, default=Role.EDITOR)
    provides_cover = models.BooleanField(
        default=False, help_text="Covers for the owner when they are away."
    )
    added_on = models.DateField(default=timezone.localdate)
    removed_on = models.DateField(null=True, blank=True)
    removal_reason = models.CharField(max_length=200, blank=True, validators=[single_line])

    class Meta:
        ordering = ["role", "person__full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "person"],
                condition=models.Q(removed_on__isnull=True),
                name="one_current_place_per_account_team",
            ),
        ]

    def __str__(self):
        return f"{self.person} ({self.get_role_display()})"

    def is_trained(self, on=None) -> bool:
        """Holds current social media training (uses prefetched records where there are)."""
        return any(record.is_current(on) for record in self.person.training_records.all())


ONE_DAY = datetime.timedelta(days=1)


def trained_period(training, *, on, minimum):
    """When a team has at least `minimum` people with current training (TrainingRecord.
    is_current), from `training`: each current member's (completed_on, expires_on) pairs.
    Returns (first day, last day) of the run of such days that `on` falls in, or else of the
    next run to begin; the last day is None when that run does not end, and both are None when
    there is no such run. Stored as an account's team_trained_from/until."""
    changes = defaultdict(int)  # day: how many more (or fewer) people hold training from then
    for records in training.values():
        # Each person counts once a day, however many of their records cover it.
        for start, end in _merged(records):
            changes[start] += 1
            if end is not None:
                changes[end + ONE_DAY] -= 1
    trained, first = 0, None
    for day in sorted(changes):
        trained += changes[day]
        if trained >= minimum and first is None:
            first = day
        elif trained < minimum and first is not None:
            if day > on:
                return first, day - ONE_DAY
            first = None
    return first, None


def _merged(records):
    """(start, end) spans of days covered by any of the records (inclusive; end None: open)."""
    spans = []
    for start, end in sorted(records, key=lambda record: record[0]):
        if spans and (spans[-1][1] is None or start <= spans[-1][1] + ONE_DAY):
            last = spans[-1][1]
            spans[-1][1] = None if last is None or end is None else max(last, end)
        else:
            spans.append([start, end])
    return spans


class SetupChecklist(models.Model):
    """What DCCT ticks off before an account goes live. Where the sign-in is kept is recorded;
    the password itself never is."""

    ITEMS = [
        ("corporate_email", "Created with a corporate (not personal) email address"),
        ("credentials_in_password_manager", "Sign-in details held in the password manager"),
        ("two_factor", "Two-factor authentication turned on"),
        ("profile_complete", "Profile, bio and a link to the website"),
        ("in_management_tool", "Added to the social media management tool"),
        ("team_trained", "Team trained"),
        ("listed_in_register", "Listed in the register"),
    ]

    account = models.OneToOneField(Account, on_delete=models.CASCADE, related_name="setup")
    corporate_email = models.BooleanField(default=False)
    corporate_email_address = models.EmailField(blank=True)
    credentials_in_password_manager = models.BooleanField(default=False)
    password_manager_entry = models.CharField(
        "where in the password manager",
        max_length=200,
        blank=True,
        validators=[single_line],
        help_text="The vault or entry name. Never type a password here.",
    )
    two_factor = models.BooleanField(default=False)
    profile_complete = models.BooleanField(default=False)
    in_management_tool = models.BooleanField(default=False)
    team_trained = models.BooleanField(default=False)
    listed_in_register = models.BooleanField(default=False)

    def __str__(self):
        return f"Set-up of {self.account}"

    def clean(self):
        super().clean()
        errors = {}
        if self.corporate_email and not self.corporate_email_address:
            errors["corporate_email_address"] = "Give the corporate email address used."
        if self.credentials_in_password_manager and not self.password_manager_entry:
            errors["password_manager_entry"] = "Say where in the password manager they are."
        if errors:
            raise ValidationError(errors)

    @property
    def items(self):
        return [(label, getattr(self, field)) for field, label in self.ITEMS]

    @property
    def is_complete(self) -> bool:
        return all(done for _, done in self.items)


class ExitStrategy(models.Model):
    """How an account closes, agreed by the business area and DCCT (or decided by HEC), with
    the steps that follow practice elsewhere: notices four weeks, two weeks and two days before,
    a pinned pointer to the channel that replaces it, content archived, access revoked,
    sign-off."""

    class HandleOutcome(models.TextChoices):
        DORMANT = "dormant", "Keep the handle, dormant"
        DELETE = "delete", "Delete the account"

    STEPS = [
        ("notice_four_weeks_on", "Notice to followers four weeks before", "four_weeks"),
        ("notice_two_weeks_on", "Notice to followers two weeks before", "two_weeks"),
        ("notice_two_days_on", "Notice to followers two days before", "two_days"),
        ("pinned_pointer_on", "Pinned post pointing to the replacement channel", "two_days"),
        ("content_archived_on", "Content archived", None),
        ("access_revoked_on", "Admins removed and credentials revoked", None),
        ("signed_off_on", "Closure signed off", None),
    ]

    account = models.OneToOneField(Account, on_delete=models.CASCADE, related_name="exit_strategy")
    final_post = models.TextField("text of the final post")
    redirect_to = models.CharField(
        "where followers are redirected",
        max_length=200,
        help_text="The channel or page that replaces it.",
        validators=[single_line],
    )
    archive_location = models.CharField(
        "where the content is archived", max_length=200, validators=[single_line]
    )
    handle_outcome = models.CharField(
        max_length=20, choices=HandleOutcome, default=HandleOutcome.DORMANT
    )
    closing_date = models.DateField()
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    agreed_at = models.DateTimeField(default=timezone.now)
    notice_four_weeks_on = models.DateField(null=True, blank=True)
    notice_two_weeks_on = models.DateField(null=True, blank=True)
    notice_two_days_on = models.DateField(null=True, blank=True)
    pinned_pointer_on = models.DateField(null=True, blank=True)
    content_archived_on = models.DateField(null=True, blank=True)
    access_revoked_on = models.DateField(null=True, blank=True)
    signed_off_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "exit strategies"

    def __str__(self):
        return f"Exit strategy for {self.account}"

    @staticmethod
    def earliest_closing_date(agreed_on: datetime.date) -> datetime.date:
        """The first notice goes out the longest notice period before the closing date."""
        return agreed_on + datetime.timedelta(days=max(policy.CLOSURE_NOTICE_DAYS.values()))

    def clean(self):
        super().clean()
        if not self._state.adding:
            return  # agreed already, under the rule of its day: its steps are ticked as agreed
        agreed_on = timezone.localdate(self.agreed_at) if self.agreed_at else timezone.localdate()
        if self.closing_date and self.closing_date < self.earliest_closing_date(agreed_on):
            raise ValidationError(
                {
                    "closing_date": "Allow the notices to followers: the earliest closing date "
                    f"is {self.earliest_closing_date(agreed_on):%-d %B %Y}."
                }
            )

    @property
    def steps(self):
        """(field, label, due date, done on) for each step of the closure."""
        return [
            (
                field,
                label,
                self.closing_date
                - datetime.timedelta(days=policy.CLOSURE_NOTICE_DAYS.get(notice, 0)),
                getattr(self, field),
            )
            for field, label, notice in self.STEPS
        ]

    @property
    def is_complete(self) -> bool:
        return all(done for *_, done in self.steps)


# The steps of an account's log that change the public register (its feed says each).
REGISTER_ACTIONS = ["go_live", "import", "update_details", "mark_closed"]


class AccountEvent(AppendOnlyRecord):
    """The account's timeline: every transition and team change, append-only."""

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="events")
    from_state = models.CharField(max_length=30, choices=AccountState, blank=True)
    to_state = models.CharField(max_length=30, choices=AccountState, blank=True)

    class Meta(AppendOnlyRecord.Meta):
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["account", "created_at"]),
            # The register's feed: its latest changes, newest first.
            models.Index(
                fields=["-created_at", "-id"],
                name="account_event_register_change",
                condition=models.Q(action__in=REGISTER_ACTIONS),
            ),
        ]

    def __str__(self):
        return f"{self.account}: {self.action} by {self.actor}"

    @property
    def label(self):
        return transitions.action_label(Account, self.action, TEAM_ACTIONS)


# Steps in an account's log that are not transitions of its state.
TEAM_ACTIONS = {
    "add_member": "Added to the team",
    "remove_member": "Left the team",
    "hand_over": "Ownership handed over",
    "owner_wanted": "Owner left: DCCT to find a new one",
    "team_below_policy": "Team below the trained minimum",
    "record_training": "Training recorded",
    "update_setup": "Set-up checklist updated",
    "update_exit_steps": "Exit steps updated",
    "update_details": "Details updated",
    "import": "Registered from the inventory import",
    "adjust_kpis": "KPIs adjusted",
    "import_metrics": "Figures imported",
    "move_recertification": "Recertification date moved",
    "set_feed": "Feed address changed",
    "created": "Account created for set-up",
}


class ClosureEscalation(EscalationRecord):
    """A closure the business area and DCCT could not agree, put to HEC with both positions."""

    class Ruling(models.TextChoices):
        CLOSE = "close_account", "Closed"
        RETAIN = "retain_account", "Retained with conditions"

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="escalations")
    ruling = models.CharField(max_length=30, choices=Ruling, blank=True)

    class Meta(EscalationRecord.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["account"],
                condition=models.Q(decided_at__isnull=True),
                name="one_open_closure_escalation_per_account",
            ),
        ]
        indexes = [
            # HEC's inbox: the most recently decided first.
            models.Index(
                fields=["-decided_at"],
                name="closure_recently_decided",
                condition=models.Q(decided_at__isnull=False),
            ),
            models.Index(
                fields=["escalated_at"],
                name="closure_escalation_waiting",
                condition=models.Q(decided_at__isnull=True),
            ),
        ]

    def __str__(self):
        return f"Closure escalation of {self.account}"


# --- Reports of accounts pretending to be the Parliament (DESIGN.md section 5) -------------------


class ReportState(models.TextChoices):
    OPEN = "open", "Open"
    REPORTED_TO_PLATFORM = "reported_to_platform", "Reported to the platform"
    RESOLVED = "resolved", "Taken down"
    PLATFORM_DECLINED = "platform_declined", "The platform declined to act"
    NOT_IMPERSONATION = "not_impersonation", "Not impersonation"
    MERGED = "merged", "Merged with an earlier report"


RS = ReportState

# A report in one of these is still being dealt with: a new report of the same account joins it.
OPEN_REPORT_STATES = [RS.OPEN, RS.REPORTED_TO_PLATFORM]
# The outcomes the people who reported an account are told.
REPORT_OUTCOMES = [RS.RESOLVED, RS.PLATFORM_DECLINED, RS.NOT_IMPERSONATION]
# How long a report may wait in a state DCCT holds (a key of settings.WORKFLOW_TARGET_DAYS).
REPORT_TARGETS = {RS.OPEN: "impersonation_open", RS.REPORTED_TO_PLATFORM: "impersonation_reported"}


class AcknowledgementWithheld(models.TextChoices):
    """Why a reporter was not told that their report arrived."""

    ADDRESS_LIMIT = "address_limit", "the day's limit for this email address was reached"
    DAILY_CAP = "daily_cap", "the day's limit for all reporters was reached"


REPORT_STATES = {
    RS.OPEN: State(
        Badge.WAITING,
        "DCCT checks the account and reports it to the platform, or closes the report as not "
        "impersonation.",
        to_do="Check the account and report it to the platform",
        holder="dcct",
    ),
    RS.REPORTED_TO_PLATFORM: State(
        Badge.WORKING,
        "Reported to the platform; DCCT follows the platform's case until the platform takes "
        "the account down or declines to.",
        to_do="Follow up the platform's case",
        holder="dcct",
    ),
    RS.RESOLVED: State(Badge.GOOD, "The platform took the account down."),
    RS.PLATFORM_DECLINED: State(
        Badge.ENDED,
        "Closed: DCCT reported the account, and the platform decided not to act on it.",
    ),
    RS.NOT_IMPERSONATION: State(
        Badge.ENDED, "Closed: DCCT found that the account does not pretend to be the Parliament."
    ),
    RS.MERGED: State(
        Badge.ENDED,
        "The same account was already reported; this report is dealt with together with it.",
    ),
}


class ImpersonationReport(StateMachine, models.Model):
    """A member of the public's report of an account pretending to be the Parliament. The
    address is read by the register's rules, so that every spelling of one account is one
    report: a report of an account already being dealt with is merged into it."""

    STATES = REPORT_STATES

    address = models.CharField(
        "profile address",
        max_length=400,
        help_text="The account's address as the register writes it: its canonical address on a "
        "platform we know, otherwise the address given, with a lower-case host and without "
        "query or fragment.",
    )
    platform = models.ForeignKey(
        Platform,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="impersonation_reports",
    )
    handle = models.CharField(max_length=255, blank=True)
    handle_key = models.CharField(
        max_length=255, blank=True, help_text="The handle as compared: see handles.handle_key."
    )
    looks_official = models.TextField("what makes it look official")
    reporter_email = models.EmailField(
        "reporter's email address",
        blank=True,
        help_text="Given by the reporter to hear the outcome. Never shown on public pages.",
    )
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duplicates",
        help_text="The earlier report of the same account that this one joined.",
    )
    state = FSMField(default=RS.OPEN, choices=ReportState, protected=True)
    state_changed_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(default=timezone.now)
    case_reference = models.CharField(
        "the platform's case reference", max_length=100, blank=True, validators=[single_line]
    )
    acknowledged_at = models.DateTimeField(
        null=True, blank=True, help_text="When the reporter was emailed that it was received."
    )
    outcome_sent_at = models.DateTimeField(
        null=True, blank=True, help_text="When the reporter was emailed the outcome."
    )
    acknowledgement_withheld = models.CharField(
        max_length=20,
        choices=AcknowledgementWithheld,
        blank=True,
        help_text="Why the reporter was not emailed that it was received: the limits that keep "
        "the form from making us send mail to any address (settings.IMPERSONATION_"
        "ACKNOWLEDGEMENTS_PER_ADDRESS and _PER_DAY).",
    )

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            # Two people reporting one account at the same moment still make one queue item.
            models.UniqueConstraint(
                fields=["platform", "handle_key"],
                name="one_open_impersonation_report_per_handle",
                condition=models.Q(state__in=OPEN_REPORT_STATES) & ~models.Q(handle_key=""),
            ),
            models.UniqueConstraint(
                fields=["address"],
                name="one_open_impersonation_report_per_address",
                condition=models.Q(state__in=OPEN_REPORT_STATES),
            ),
            models.CheckConstraint(
                condition=models.Q(state=RS.MERGED, merged_into__isnull=False)
                | (~models.Q(state=RS.MERGED) & models.Q(merged_into__isnull=True)),
                name="impersonation_report_merged_into_another",
            ),
        ]
        indexes = [
            models.Index(
                fields=["state", "state_changed_at"],
                name="impersonation_report_open",
                condition=models.Q(state__in=OPEN_REPORT_STATES),
            ),
            # The closed lists, most recently closed first, and the list of all reports, newest
            # first: read a page at a time from an index, however long the history grows.
            models.Index(
                fields=["state", "-state_changed_at", "-id"], name="impersonation_report_by_state"
            ),
            models.Index(fields=["-created_at", "-id"], name="impersonation_report_newest"),
        ]

    def __str__(self):
        return f"Impersonation report {self.pk}: {self.address}"

    def get_absolute_url(self):
        return reverse("accounts:report", args=[self.pk])

    @property
    def platform_name(self) -> str:
        return self.platform.name if self.platform_id else "A platform not in our catalogue"

    # --- Transitions; called only through accounts.services -----------------------------------

    @transition(
        field=state,
        source=RS.OPEN,
        target=RS.REPORTED_TO_PLATFORM,
        permission=permissions.may_handle_report,
        custom={
            "label": "Report to the platform",
            "role": "dcct",
            "comment": "optional",
            "form": "case_reference",
        },
    )
    def report_to_platform(self):
        pass

    @transition(
        field=state,
        source=RS.REPORTED_TO_PLATFORM,
        target=RS.RESOLVED,
        permission=permissions.may_handle_report,
        custom={"label": "Mark as taken down", "role": "dcct", "comment": "optional"},
    )
    def mark_taken_down(self):
        pass

    @transition(
        field=state,
        source=RS.REPORTED_TO_PLATFORM,
        target=RS.PLATFORM_DECLINED,
        permission=permissions.may_handle_report,
        custom={
            "label": "The platform declined to act",
            "role": "dcct",
            "comment": "required",
            "comment_label": "The platform's answer (the people who reported it are told)",
            "style": "outline-secondary",
        },
    )
    def mark_platform_declined(self):
        pass

    @transition(
        field=state,
        source=OPEN_REPORT_STATES,
        target=RS.NOT_IMPERSONATION,
        permission=permissions.may_handle_report,
        custom={
            "label": "Not impersonation",
            "role": "dcct",
            "comment": "required",
            "comment_label": "Why it is not impersonation (the people who reported it are told)",
            "style": "outline-secondary",
        },
    )
    def close_as_not_impersonation(self):
        pass


class ImpersonationReportEvent(AppendOnlyRecord):
    """A report's log: every step DCCT takes on it, append-only."""

    report = models.ForeignKey(ImpersonationReport, on_delete=models.PROTECT, related_name="events")
    from_state = models.CharField(max_length=30, choices=ReportState, blank=True)
    to_state = models.CharField(max_length=30, choices=ReportState, blank=True)

    class Meta(AppendOnlyRecord.Meta):
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["report", "created_at"])]

    def __str__(self):
        return f"{self.report}: {self.action} by {self.actor}"

    @property
    def label(self):
        return transitions.action_label(ImpersonationReport, self.action)
