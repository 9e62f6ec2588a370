import calendar
import datetime
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django_fsm import GET_STATE, FSMField, transition

from evaluation import permissions
from people import policy
from proposals.models import KPIDirection
from workflow import transitions
from workflow.models import AppendOnlyRecord, StateMachine
from workflow.states import Badge, State
from workflow.validators import single_line


def add_months(day: datetime.date, months: int, anchor_day: int | None = None) -> datetime.date:
    """Calendar months, clamped to the month's end: 31 January + 1 month is 28 or 29 February.
    With `anchor_day` the result goes back to that day where the month has it, so a schedule
    that started on the 31st does not drift to the 28th after February."""
    moved = day + relativedelta(months=months)
    if anchor_day:
        last_day = calendar.monthrange(moved.year, moved.month)[1]
        moved = moved.replace(day=min(anchor_day, last_day))
    return moved


class ReviewSchedule(models.Model):
    """When an account is next reviewed: the period under review runs from `period_start` to
    `next_due_on`, and a review is raised on `next_due_on`."""

    account = models.OneToOneField(
        "accounts.Account", on_delete=models.CASCADE, related_name="review_schedule"
    )
    frequency = models.CharField(
        max_length=20, choices=policy.ReviewFrequency, default=policy.ReviewFrequency.QUARTERLY
    )
    period_start = models.DateField()
    next_due_on = models.DateField()
    anchor_day = models.PositiveSmallIntegerField(
        default=1, help_text="The day of the month periods end on, where the month has it."
    )

    class Meta:
        indexes = [models.Index(fields=["next_due_on"], name="schedule_due")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_start__lt=models.F("next_due_on")),
                name="schedule_period_ends_after_it_starts",
                violation_error_message="The period under review must end after it starts.",
            ),
            models.CheckConstraint(
                condition=models.Q(anchor_day__gte=1, anchor_day__lte=31),
                name="schedule_anchor_day_is_a_day_of_the_month",
                violation_error_message="The anchor day is a day of the month, 1 to 31.",
            ),
        ]

    def __str__(self):
        return f"{self.get_frequency_display()} reviews of {self.account}"

    def clean(self):
        super().clean()
        if self.period_start and self.next_due_on and self.next_due_on <= self.period_start:
            raise ValidationError(
                {"next_due_on": "The next review must fall after the period starts."}
            )

    def following(self, day: datetime.date) -> datetime.date:
        return add_months(day, policy.REVIEW_FREQUENCY_MONTHS[self.frequency], self.anchor_day)


class Aggregation(models.TextChoices):
    LAST = "last", "Latest value in the period"
    SUM = "sum", "Total over the period"
    AVERAGE = "average", "Average over the period"


class KPI(models.Model):
    """A key performance indicator of an account, with its target."""

    account = models.ForeignKey("accounts.Account", on_delete=models.CASCADE, related_name="kpis")
    metric = models.CharField(max_length=120, validators=[single_line])
    unit = models.CharField(max_length=40, validators=[single_line])
    target = models.DecimalField(max_digits=12, decimal_places=2)
    direction = models.CharField(max_length=10, choices=KPIDirection, default=KPIDirection.HIGHER)
    aggregation = models.CharField(
        "from imported figures", max_length=10, choices=Aggregation, default=Aggregation.LAST
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = "KPI"
        constraints = [
            models.UniqueConstraint("account", Lower("metric"), name="one_kpi_per_metric"),
        ]

    def __str__(self):
        return f"{self.metric} ({self.target} {self.unit})"

    def met_by(self, value) -> bool:
        if value is None:
            return False
        return (
            value >= self.target
            if self.direction == KPIDirection.HIGHER
            else (value <= self.target)
        )


class ReviewState(models.TextChoices):
    DUE = "due", "Due"
    SUBMITTED = "submitted", "Submitted"
    ASSESSED = "assessed", "Assessed"


class Outcome(models.TextChoices):
    EFFECTIVE = "effective", "Effective: continue"
    IMPROVE = "improve", "Needs to improve: action plan"
    CLOSE = "close", "Not effective: close"


R = ReviewState

# What each state looks like and what happens next: read by the review pages and the home page.
STATES = {
    R.DUE: State(
        Badge.WAITING,
        "The team reports the figures, what went well and what did not, and the time it took.",
        to_do="Report on it",
        holder="team",
    ),
    R.SUBMITTED: State(
        Badge.WAITING,
        "Submitted; DCCT assesses it: effective, needs to improve, or close.",
        to_do="Assess it",
        holder="dcct",
    ),
    R.ASSESSED: State(Badge.GOOD, "Assessed. The outcome is recorded on the account."),
}


class Review(StateMachine, models.Model):
    """The review of one account for one period: the team reports, DCCT assesses."""

    STATES = STATES

    account = models.ForeignKey(
        "accounts.Account", on_delete=models.PROTECT, related_name="reviews"
    )
    period_start = models.DateField()
    period_end = models.DateField()
    due_on = models.DateField(help_text="When the team's report is due.")
    state = FSMField(default=R.DUE, choices=ReviewState, protected=True)
    state_changed_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(auto_now_add=True)
    went_well = models.TextField("what went well", blank=True)
    not_well = models.TextField("what did not go well", blank=True)
    hours_spent = models.DecimalField(
        "hours actually spent a week", max_digits=5, decimal_places=1, null=True, blank=True
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome, blank=True)
    assessment = models.TextField("DCCT's assessment", blank=True)
    action_plan = models.TextField(blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    assessed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-period_end"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "period_end"], name="one_review_per_account_and_period"
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gt=models.F("period_start")),
                name="review_period_ends_after_it_starts",
            ),
        ]
        indexes = [
            models.Index(
                fields=["due_on"],
                name="review_open_by_due",
                condition=models.Q(state__in=["due", "submitted"]),
            ),
            # The reports count a day's assessments by outcome from the index alone.
            models.Index(
                fields=["assessed_at"],
                include=["outcome"],
                name="review_by_assessed",
                condition=models.Q(assessed_at__isnull=False),
            ),
            # The open reviews of the accounts a person sees or helps run, however long each
            # account's history of reviews.
            models.Index(
                fields=["account", "due_on"],
                name="review_open_by_account",
                condition=models.Q(state__in=["due", "submitted"]),
            ),
            # DCCT's queues: reviews waiting for assessment, oldest first, and overdue ones;
            # counted from the index alone (with the account, to keep only live ones).
            models.Index(
                fields=["state_changed_at"],
                name="review_submitted",
                condition=models.Q(state="submitted"),
            ),
            models.Index(
                fields=["due_on"],
                include=["account"],
                name="review_due",
                condition=models.Q(state="due"),
            ),
        ]

    def __str__(self):
        return f"Review of {self.account}, {self.period_label}"

    def get_absolute_url(self):
        return reverse("evaluation:review", args=[self.pk])

    @property
    def period_label(self):
        return f"{self.period_start:%-d %b %Y} to {self.period_end:%-d %b %Y}"

    def is_overdue(self, on=None) -> bool:
        return self.state == R.DUE and self.due_on < (on or timezone.localdate())

    def report_complete(self) -> bool:
        return not self.missing_items()

    def missing_items(self) -> list[str]:
        missing = []
        given = {value.kpi_id for value in self.values.all()}  # uses a prefetch where there is
        for kpi in self.account.kpis.all():
            if kpi.active and kpi.pk not in given:
                missing.append(f"Give a value for {kpi.metric}.")
        if self.hours_spent is None:
            missing.append("Say how many hours a week it actually took.")
        if not self.went_well.strip() or not self.not_well.strip():
            missing.append("Say what went well and what did not.")
        return missing

    def clean(self):
        super().clean()
        if self.hours_spent is not None and self.hours_spent < Decimal(0):
            raise ValidationError({"hours_spent": "Hours cannot be negative."})

    @transition(
        field=state,
        source=R.DUE,
        target=R.SUBMITTED,
        conditions=[report_complete],
        permission=permissions.may_report,
        custom={"label": "Submit review", "role": "team", "comment": "optional"},
    )
    def submit(self):
        self.submitted_at = timezone.now()

    @transition(
        field=state,
        source=R.SUBMITTED,
        target=R.ASSESSED,
        permission=permissions.may_assess,
        custom={"label": "Assess review", "role": "dcct", "form": "assessment"},
    )
    def assess(self):
        self.assessed_at = timezone.now()


class MetricValue(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="values")
    kpi = models.ForeignKey(KPI, on_delete=models.PROTECT, related_name="values")
    value = models.DecimalField(max_digits=14, decimal_places=2)
    target = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, help_text="The KPI's target at the time."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["review", "kpi"], name="one_value_per_kpi_and_review")
        ]

    def __str__(self):
        return f"{self.kpi.metric}: {self.value}"

    @property
    def met(self):
        """Judged against the target in force when the figures were reported."""
        if self.target is None:
            return self.kpi.met_by(self.value)
        return KPI(target=self.target, direction=self.kpi.direction).met_by(self.value)


class MetricObservation(models.Model):
    """A figure from a platform's analytics export: one metric on one day."""

    account = models.ForeignKey(
        "accounts.Account", on_delete=models.CASCADE, related_name="observations"
    )
    kpi = models.ForeignKey(KPI, on_delete=models.CASCADE, related_name="observations")
    day = models.DateField()
    value = models.DecimalField(max_digits=14, decimal_places=2)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    imported_at = models.DateTimeField(auto_now_add=True)
    read_from = models.CharField(
        max_length=40,
        blank=True,
        help_text="The platform it was read from by the daily reading (evaluation/activity.py); "
        "empty for a figure imported by a person. A reading is no sign of the team's activity.",
    )

    class Meta:
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(fields=["kpi", "day"], name="one_observation_per_kpi_and_day")
        ]
        indexes = [
            models.Index(fields=["account", "day"]),
            # The team's own figures, for the daily repair of last_activity_on: the readings
            # of every day since are not walked.
            models.Index(
                fields=["account", "day"],
                name="observation_imported",
                condition=models.Q(read_from=""),
            ),
        ]

    def __str__(self):
        return f"{self.kpi.metric} on {self.day}: {self.value}"


class ReviewEvent(AppendOnlyRecord):
    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="events")
    from_state = models.CharField(max_length=20, choices=ReviewState, blank=True)
    to_state = models.CharField(max_length=20, choices=ReviewState, blank=True)

    class Meta(AppendOnlyRecord.Meta):
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.review}: {self.action}"

    @property
    def label(self):
        return transitions.action_label(Review, self.action)


# --- Yearly recertification (DESIGN.md section 4) ------------------------------------------------


class RecertificationSchedule(models.Model):
    """When an account's next yearly recertification falls due. It opens
    policy.RECERTIFICATION_OPENS_DAYS_BEFORE days before that; once it is done, the schedule moves
    on to the next anniversary of `anchor_on` (policy.RECERTIFICATION_INTERVAL_MONTHS), so each
    account keeps its own day: one that went live on 29 February is due on the 29th in leap
    years and on the 28th in others, never drifting to the 28th for good."""

    account = models.OneToOneField(
        "accounts.Account", on_delete=models.CASCADE, related_name="recertification_schedule"
    )
    next_due_on = models.DateField()
    anchor_on = models.DateField(
        help_text="The day the yearly dates are anniversaries of: going live, the day spread "
        "across the year for an account from the inventory, or the date DCCT last chose."
    )

    class Meta:
        indexes = [models.Index(fields=["next_due_on"], name="recertification_schedule_due")]

    def __str__(self):
        return f"Recertification of {self.account}, next due {self.next_due_on:%-d %b %Y}"

    def save(self, *args, **kwargs):
        if self.anchor_on is None:  # a schedule given only its date keeps that date's day
            self.anchor_on = self.next_due_on
        super().save(*args, **kwargs)

    @property
    def opens_on(self) -> datetime.date:
        return self.next_due_on - datetime.timedelta(days=policy.RECERTIFICATION_OPENS_DAYS_BEFORE)


class RecertificationState(models.TextChoices):
    OPEN = "open", "Open"
    NEEDS_FOLLOW_UP = "needs_follow_up", "Needs follow-up"
    RECERTIFIED = "recertified", "Recertified"
    FOLLOWED_UP = "followed_up", "Recertified after follow-up"
    WITHDRAWN = "withdrawn", "Withdrawn: account closed"


RS = RecertificationState
# Open until the owner answers and, after any "no", until DCCT has followed it up.
OPEN_RECERTIFICATION_STATES = [RS.OPEN, RS.NEEDS_FOLLOW_UP]
DONE_RECERTIFICATION_STATES = [RS.RECERTIFIED, RS.FOLLOWED_UP]

RECERTIFICATION_STATES = {
    RS.OPEN: State(
        Badge.WAITING,
        "The account's owner confirms, item by item, that it is still run as the policy requires.",
        to_do="Recertify the account",
        holder="owner",
    ),
    RS.NEEDS_FOLLOW_UP: State(
        Badge.ATTENTION,
        "The owner answered “no” to at least one item; DCCT follows it up with them and closes "
        "the follow-up once it is sorted.",
        to_do="Follow up the answers",
        holder="dcct",
    ),
    RS.RECERTIFIED: State(
        Badge.GOOD, "Recertified for the year; the next recertification falls due a year on."
    ),
    RS.FOLLOWED_UP: State(
        Badge.GOOD,
        "Followed up by DCCT and sorted; recertified for the year, and the next falls due a "
        "year on.",
    ),
    RS.WITHDRAWN: State(
        Badge.ENDED,
        "Withdrawn when the account closed: a closed account is not recertified, and nothing "
        "is left to do.",
    ),
}

# What the owner confirms each year: (field, the question, what it means).
RECERTIFICATION_ITEMS = [
    (
        "team_current",
        "The team is current",
        "Everyone listed still helps run the account, and anyone who has left has been removed.",
    ),
    (
        "team_trained",
        f"At least {policy.MIN_TRAINED_TEAM} of the team hold current training",
        "Social media training that has not expired, so there is cover.",
    ),
    (
        "credentials_in_password_manager",
        "The sign-in is held in the password manager",
        "Not in a personal note, browser or inbox.",
    ),
    ("two_factor", "Two-factor authentication is on", "For the account's sign-in."),
    (
        "corporate_email",
        "The corporate email address still works",
        "The account is registered to a corporate (not personal) address that someone reads.",
    ),
    (
        "links_to_website",
        "The profile links to the website",
        "The bio or profile links to the Parliament's website.",
    ),
    (
        "still_needed",
        "The account is still needed",
        "It still serves its purpose and its audience.",
    ),
]
RECERTIFICATION_FIELDS = [field for field, _, _ in RECERTIFICATION_ITEMS]


def training_contradiction(trained: int) -> str:
    """Why a "yes" to the training item is refused when the register shows fewer than
    policy.MIN_TRAINED_TEAM of the team with current training ("" when it does not)."""
    if trained >= policy.MIN_TRAINED_TEAM:
        return ""
    return (
        f"The register shows {trained} of the team with current training, fewer than "
        f"{policy.MIN_TRAINED_TEAM}. Answer no and say who has been trained, and when, so that "
        "DCCT can record it."
    )


def _recertification_outcome(recertification) -> str:
    """All "yes": recertified; any "no": DCCT follows it up first."""
    return RS.RECERTIFIED if recertification.all_yes() else RS.NEEDS_FOLLOW_UP


class Recertification(StateMachine, models.Model):
    """One year's recertification of a live account: its owner answers each item yes or no (a
    "no" with a note); any "no" goes to DCCT to follow up before it counts as recertified."""

    STATES = RECERTIFICATION_STATES
    ITEMS = RECERTIFICATION_ITEMS

    account = models.ForeignKey(
        "accounts.Account", on_delete=models.PROTECT, related_name="recertifications"
    )
    due_on = models.DateField()
    state = FSMField(default=RS.OPEN, choices=RecertificationState, protected=True)
    state_changed_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(auto_now_add=True)
    team_current = models.BooleanField(null=True, blank=True)
    team_current_note = models.TextField(blank=True)
    team_trained = models.BooleanField(null=True, blank=True)
    team_trained_note = models.TextField(blank=True)
    credentials_in_password_manager = models.BooleanField(null=True, blank=True)
    credentials_in_password_manager_note = models.TextField(blank=True)
    two_factor = models.BooleanField(null=True, blank=True)
    two_factor_note = models.TextField(blank=True)
    corporate_email = models.BooleanField(null=True, blank=True)
    corporate_email_note = models.TextField(blank=True)
    links_to_website = models.BooleanField(null=True, blank=True)
    links_to_website_note = models.TextField(blank=True)
    still_needed = models.BooleanField(null=True, blank=True)
    still_needed_note = models.TextField(blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    follow_up_note = models.TextField("what DCCT did", blank=True)
    followed_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    followed_up_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-due_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "due_on"], name="one_recertification_per_account_and_date"
            ),
            models.UniqueConstraint(
                fields=["account"],
                condition=models.Q(state__in=["open", "needs_follow_up"]),
                name="one_open_recertification_per_account",
            ),
            *[
                models.CheckConstraint(
                    condition=~models.Q(**{field: False}) | ~models.Q(**{f"{field}_note": ""}),
                    name=f"recert_{field}_no_has_note",
                    violation_error_message="Say what is wrong where the answer is no.",
                )
                for field in RECERTIFICATION_FIELDS
            ],
        ]
        indexes = [
            # The open ones, by due date: the job, the reminders, the overdue queue and flags.
            models.Index(
                fields=["due_on"],
                include=["account"],
                name="recertification_open_by_due",
                condition=models.Q(state="open"),
            ),
            # "Waiting for you": the open ones, longest open first.
            models.Index(
                fields=["state_changed_at"],
                name="recertification_open_by_time",
                condition=models.Q(state="open"),
            ),
            models.Index(
                fields=["state_changed_at"],
                name="recertification_follow_ups",
                condition=models.Q(state="needs_follow_up"),
            ),
            models.Index(
                fields=["due_on"],
                name="recertification_follow_ups_due",
                condition=models.Q(state="needs_follow_up"),
            ),
            # The done ones, latest first: the list's "Done" tab, however long the history.
            models.Index(
                fields=["-due_on", "id"],
                name="recertification_done_by_due",
                condition=models.Q(state__in=["recertified", "followed_up"]),
            ),
        ]

    def __str__(self):
        return f"Recertification of {self.account}, {self.due_label}"

    def get_absolute_url(self):
        return reverse("evaluation:recertification", args=[self.pk])

    @property
    def due_label(self) -> str:
        return f"due {self.due_on:%-d %b %Y}"

    def is_overdue(self, on=None) -> bool:
        return self.state == RS.OPEN and self.due_on < (on or timezone.localdate())

    def days_overdue(self, on=None) -> int:
        return max(0, ((on or timezone.localdate()) - self.due_on).days)

    def past_grace(self, on=None) -> bool:
        """Overdue for longer than settings.RECERTIFICATION_GRACE_DAYS: not recertified."""
        return self.is_overdue(on) and self.days_overdue(on) > settings.RECERTIFICATION_GRACE_DAYS

    def answers(self) -> list[dict]:
        """Each item with its answer (True, False or None) and note, in the order asked."""
        return [
            {
                "field": field,
                "question": question,
                "help": help_text,
                "answer": getattr(self, field),
                "note": getattr(self, f"{field}_note"),
            }
            for field, question, help_text in self.ITEMS
        ]

    def unanswered(self) -> list[str]:
        return [
            f"Answer “{question}”."
            for field, question, _ in self.ITEMS
            if getattr(self, field) is None
        ]

    def all_answered(self) -> bool:
        return not self.unanswered()

    def all_yes(self) -> bool:
        return all(getattr(self, field) is True for field in RECERTIFICATION_FIELDS)

    def account_not_closed(self) -> bool:
        return self.account.state != "closed"

    def account_closed(self) -> bool:
        return self.account.state == "closed"

    def clean(self):
        super().clean()
        errors = {
            f"{field}_note": "Say what is wrong and what is being done about it."
            for field in RECERTIFICATION_FIELDS
            if getattr(self, field) is False and not getattr(self, f"{field}_note").strip()
        }
        if errors:
            raise ValidationError(errors)

    @transition(
        field=state,
        source=RS.OPEN,
        target=GET_STATE(_recertification_outcome, states=[RS.RECERTIFIED, RS.NEEDS_FOLLOW_UP]),
        conditions=[all_answered, account_not_closed],
        permission=permissions.may_recertify,
        custom={"label": "Submit recertification", "role": "owner", "form": "recertification"},
    )
    def submit(self):
        self.submitted_at = timezone.now()

    @transition(
        field=state,
        source=RS.NEEDS_FOLLOW_UP,
        target=RS.FOLLOWED_UP,
        permission=permissions.may_close_follow_up,
        custom={
            "label": "Close follow-up",
            "role": "dcct",
            "comment": "required",
        },
    )
    def close_follow_up(self):
        self.followed_up_at = timezone.now()

    @transition(
        field=state,
        source=OPEN_RECERTIFICATION_STATES,
        target=RS.WITHDRAWN,
        conditions=[account_closed],
        permission=permissions.may_withdraw,
        custom={"label": "Withdraw: account closed", "role": "dcct"},
    )
    def withdraw(self):
        """Run by evaluation.services.withdraw_recertifications when the account closes, never
        from a page."""


# Steps in a recertification's log that are not transitions.
RECERTIFICATION_OTHER_STEPS = {"reschedule": "Due date moved: the account is live again"}


class RecertificationEvent(AppendOnlyRecord):
    """A recertification's log: submitted, followed up, withdrawn, its due date moved."""

    recertification = models.ForeignKey(
        Recertification, on_delete=models.PROTECT, related_name="events"
    )
    from_state = models.CharField(max_length=20, choices=RecertificationState, blank=True)
    to_state = models.CharField(max_length=20, choices=RecertificationState, blank=True)

    class Meta(AppendOnlyRecord.Meta):
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.recertification}: {self.action}"

    @property
    def label(self):
        return transitions.action_label(Recertification, self.action, RECERTIFICATION_OTHER_STEPS)


class PlatformReading(models.Model):
    """How the daily reading of one platform went (evaluation/activity.py): its circuit
    breaker's state between runs, and what DCCT's dashboard says of it."""

    platform = models.OneToOneField(
        "accounts.Platform", on_delete=models.CASCADE, related_name="reading"
    )
    skipped_until = models.DateTimeField(
        null=True, blank=True, help_text="Failing: not read again before this."
    )
    last_error = models.TextField(blank=True)
    last_run_at = models.DateTimeField(null=True, blank=True)
    accounts_read = models.PositiveIntegerField(default=0)
    accounts_failed = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"Reading of {self.platform}"
