import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django_fsm import FSMField, transition

from people import policy
from proposals import evidence, permissions
from workflow import transitions
from workflow.models import (
    AppendOnlyRecord,
    EscalationRecord,
    StateMachine,
    append_only_trigger,
)
from workflow.states import Badge, State
from workflow.validators import single_line

# A substantive answer to "why can the existing corporate channels not reach this audience".


class EngagementPriority(models.Model):
    """A public engagement priority that a proposal must say it supports."""

    name = models.CharField(max_length=150, unique=True, validators=[single_line])
    description = models.TextField(blank=True)
    sort_order = models.PositiveSmallIntegerField(default=100)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name_plural = "engagement priorities"

    def __str__(self):
        return self.name


class ProposalState(models.TextChoices):
    DRAFT = "draft", "Draft"
    WITH_OFFICE_HEAD = "with_office_head", "With office head"
    WITH_DCCT = "with_dcct", "With DCCT"
    REVISING = "revising", "Changes requested"
    ALTERNATIVE_OFFERED = "alternative_offered", "Alternative offered"
    CONTESTED = "contested", "Alternative disputed"
    ESCALATED = "escalated", "Escalated to HEC"
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined by office head"
    REJECTED = "rejected", "Rejected by HEC"
    WITHDRAWN = "withdrawn", "Withdrawn"
    SET_UP = "set_up", "Set-up started"


S = ProposalState
OPEN_STATES = [
    S.WITH_OFFICE_HEAD,
    S.WITH_DCCT,
    S.REVISING,
    S.ALTERNATIVE_OFFERED,
    S.CONTESTED,
    S.ESCALATED,
]
# DCCT's queue: open proposals past the office head, and approved ones waiting to be set up.
DCCT_QUEUE = models.Q(state__in=[s for s in OPEN_STATES if s != S.WITH_OFFICE_HEAD]) | models.Q(
    state=S.APPROVED, for_new_account=True
)

# What each state looks like and what happens next: read by the proposal page, the emails and
# the home page. `holder` names who acts next (see Proposal.holder).
STATES = {
    S.DRAFT: State(
        Badge.DRAFT,
        "A draft: the proposer completes the business case and submits it to their office head.",
        to_do="Returned by the office head: revise and submit again",
        holder="proposer",
    ),
    S.WITH_OFFICE_HEAD: State(
        Badge.WAITING,
        "Waiting for the office head to approve it in principle, return it or decline it.",
        to_do="Approve in principle, return or decline",
        holder="approver",
    ),
    S.WITH_DCCT: State(
        Badge.WAITING,
        "Approved in principle; DCCT is assessing it. DCCT may endorse it, ask for changes or "
        "advise against it with an alternative plan.",
        to_do="Assess: endorse, request changes or advise against",
        holder="dcct",
    ),
    S.REVISING: State(
        Badge.WAITING,
        "DCCT has asked for changes; the proposer revises the business case and resubmits it.",
        to_do="Revise the business case and resubmit",
        holder="proposer",
    ),
    S.ALTERNATIVE_OFFERED: State(
        Badge.WAITING,
        "DCCT has advised against it and offered an alternative plan; the proposer accepts it, "
        "disagrees or withdraws.",
        to_do="Accept the alternative, disagree or withdraw",
        holder="proposer",
    ),
    S.CONTESTED: State(
        Badge.ATTENTION,
        "The proposer disagrees with DCCT's alternative; DCCT revises its advice or escalates "
        "to HEC.",
        to_do="Revise the advice or escalate to HEC",
        holder="dcct",
    ),
    S.ESCALATED: State(
        Badge.ATTENTION,
        "DCCT and the business area could not agree; the Head of Engagement and Communications "
        "decides.",
        to_do="Decide the escalation",
        holder="hec",
    ),
    S.APPROVED: State(
        Badge.GOOD,
        "Approved; DCCT sets the account up and trains the team.",
        to_do="Start set-up",
        holder="dcct",
    ),
    S.DECLINED: State(Badge.ENDED, "Declined by the office head. Nothing more happens."),
    S.REJECTED: State(Badge.ENDED, "Rejected by HEC. Nothing more happens."),
    S.WITHDRAWN: State(Badge.ENDED, "Withdrawn by the proposer. Nothing more happens."),
    S.SET_UP: State(Badge.GOOD, "DCCT has started setting up the account."),
}


class Outcome(models.TextChoices):
    AS_PROPOSED = "as_proposed", "Endorsed as proposed"
    ALTERNATIVE = "alternative", "Alternative plan agreed"


class ResponseTime(models.TextChoices):
    SAME_DAY = "same_day", "The same working day"
    ONE_DAY = "one_day", "Within one working day"
    TWO_DAYS = "two_days", "Within two working days"
    FIVE_DAYS = "five_days", "Within five working days"


class Proposal(StateMachine, models.Model):
    """A business case for a new account or channel (DESIGN.md section 3), and where it has got
    to in the approval process (section 4)."""

    STATES = STATES

    proposer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="proposals"
    )
    # Who started the draft, once somebody else carries it on (a leaver's proposal, passed on
    # by services.proposer_left); empty while its proposer is who started it.
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    office = models.ForeignKey("people.Office", on_delete=models.PROTECT, related_name="proposals")
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Who approves in principle: the office head, or their line manager when the "
        "head is the proposer. Set on submission.",
    )
    state = FSMField(default=S.DRAFT, choices=ProposalState, protected=True)
    state_changed_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome, blank=True)
    for_new_account = models.BooleanField(
        default=False,
        editable=False,
        help_text="Approved for a new account (as proposed, or an agreed alternative that is a "
        "pilot), which DCCT sets up. Set on approval, so that DCCT's queue is read from its "
        "index, not by looking at every alternative plan ever offered.",
    )
    conditions = models.TextField(
        blank=True, help_text="Conditions DCCT or HEC attached to the approval."
    )

    # 1. What and where
    minimised_on = models.DateField(
        null=True,
        blank=True,
        editable=False,
        help_text="When the retention job removed its attachments and free text, years after "
        "it ended (portal/retention.py); its decisions stay on record.",
    )
    title = models.CharField("working title", max_length=150, validators=[single_line])
    platform = models.ForeignKey(
        "accounts.Platform",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proposals",
        help_text="Leave empty for a channel that is not in the catalogue, and name it below.",
    )
    other_platform_name = models.CharField(
        "other or new channel", max_length=100, blank=True, validators=[single_line]
    )
    proposed_handle = models.CharField(
        "proposed account name or handle", max_length=120, blank=True, validators=[single_line]
    )
    start_date = models.DateField(null=True, blank=True)
    time_limited = models.BooleanField("time-limited", default=False)
    end_date = models.DateField(null=True, blank=True)

    # 2. Objectives
    objectives = models.TextField(blank=True)
    priorities = models.ManyToManyField(
        EngagementPriority,
        blank=True,
        related_name="proposals",
        verbose_name="public engagement priorities",
    )

    # 3. Audience
    audience = models.TextField("target audience", blank=True)
    audience_evidence = models.TextField(
        "evidence the audience is active on this channel", blank=True
    )

    # 4. Existing channels first
    why_not_existing = models.TextField(
        "why the existing corporate channels cannot reach this audience", blank=True
    )
    existing_accounts_response = models.TextField(
        "why the live corporate accounts on this platform are not enough", blank=True
    )

    # 5. Content plan
    content_types = models.TextField(blank=True)
    posting_frequency = models.CharField(max_length=150, blank=True, validators=[single_line])
    content_sources = models.TextField("where content comes from", blank=True)
    website_links = models.TextField("how posts link back to the website", blank=True)

    # 6. Resourcing
    hours_per_week = models.DecimalField(
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0.5)],
    )
    cover_arrangements = models.TextField(blank=True)
    monitoring_plan = models.TextField(
        "how comments and messages will be monitored and answered", blank=True
    )
    response_time = models.CharField(
        "response-time target", max_length=20, choices=ResponseTime, blank=True
    )

    # 7. Evaluation
    review_frequency = models.CharField(
        max_length=20, choices=policy.ReviewFrequency, default=policy.ReviewFrequency.QUARTERLY
    )

    # 8. Risks
    risks = models.TextField("risks (reputational, moderation, security)", blank=True)
    accessibility = models.TextField(blank=True)
    records_and_data_protection = models.TextField("records and data protection", blank=True)

    # 9. Exit plan
    exit_plan = models.TextField(
        blank=True, help_text="What happens if it does not work or cannot be resourced."
    )

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(start_date__isnull=True)
                | models.Q(end_date__gt=models.F("start_date")),
                name="proposal_ends_after_it_starts",
            ),
        ]
        indexes = [
            # Queues read open proposals only; ended ones never slow them down.
            models.Index(
                fields=["state", "state_changed_at"],
                name="proposal_open_by_state",
                condition=models.Q(state__in=[*OPEN_STATES, S.APPROVED]),
            ),
            # Queues across several states, longest waiting first (DCCT's "waiting for you").
            models.Index(
                fields=["state_changed_at"],
                name="proposal_open_by_time",
                condition=models.Q(state__in=[*OPEN_STATES, S.APPROVED]),
            ),
            models.Index(fields=["office", "state"], name="proposal_office_state"),
            # DCCT's queue (selectors.dcct_queue), its count and its pages: this index alone.
            models.Index(
                fields=["state_changed_at", "id"],
                name="proposal_dcct_queue",
                condition=DCCT_QUEUE,
            ),
        ]

    def __str__(self):
        return f"{self.reference}: {self.title}"

    def get_absolute_url(self):
        return reverse("proposals:detail", args=[self.pk])

    @property
    def reference(self):
        return f"P-{self.pk:04d}" if self.pk else "New proposal"

    @property
    def starter(self):
        """Who started the draft: its proposer, unless somebody else has carried it on since."""
        return self.started_by or self.proposer

    def holder(self):
        """Who must act next, in words."""
        holder = STATES[self.state].holder
        if holder == "approver" and self.approver_id:
            return f"{self.approver} (office head)"
        if holder == "proposer":
            return f"{self.proposer} (proposer)"
        if holder == "dcct" and (self.state != S.APPROVED or self.for_new_account):
            return "DCCT, to set the account up" if self.state == S.APPROVED else "DCCT"
        if holder == "hec":
            return "Head of Engagement and Communications"
        return ""

    @property
    def platform_name(self):
        return self.platform.name if self.platform_id else self.other_platform_name or "–"

    def clean(self):
        super().clean()
        errors = {}
        if self.time_limited and not self.end_date:
            errors["end_date"] = "A time-limited account needs an end date."
        if self.end_date and self.start_date and self.end_date <= self.start_date:
            errors["end_date"] = "The end date must be after the start date."
        if self.platform_id and self.other_platform_name:
            errors["other_platform_name"] = (
                "Name another channel only when it is not in the list above."
            )
        if errors:
            raise ValidationError(errors)

    # --- What is still missing before it can be submitted --------------------------------------

    def missing_items(self) -> list[tuple[int, str]]:
        """(section, what is missing) for every gap in the business case."""
        missing = []

        def need(section, value, message):
            if not value or (isinstance(value, str) and not value.strip()):
                missing.append((section, message))

        need(1, self.title, "Give the proposal a working title.")
        need(1, self.platform_id or self.other_platform_name, "Choose the platform or channel.")
        need(1, self.proposed_handle, "Suggest an account name or handle.")
        need(1, self.start_date, "Give a start date.")
        if self.time_limited:
            need(1, self.end_date, "Give the end date of this time-limited account.")
        need(2, self.objectives, "Describe the objectives.")
        if self.pk is None or not self.priorities.exists():
            missing.append((2, "Choose at least one public engagement priority it supports."))
        need(3, self.audience, "Describe the target audience.")
        need(3, self.audience_evidence, "Give evidence that this audience is active there.")
        words = len(re.findall(r"\w+", self.why_not_existing))
        if words < policy.MIN_WORDS_WHY_NOT_EXISTING:
            missing.append(
                (
                    4,
                    "Explain why the existing corporate channels cannot reach this audience "
                    f"(at least {policy.MIN_WORDS_WHY_NOT_EXISTING} words; you have {words}).",
                )
            )
        need(5, self.content_types, "Describe the types of content.")
        need(5, self.posting_frequency, "Say how often you will post.")
        need(5, self.content_sources, "Say where the content will come from.")
        need(5, self.website_links, "Say how posts will link back to the website.")
        team = self.team.count() if self.pk else 0
        if team < policy.MIN_TEAM:
            missing.append(
                (6, f"Name at least {policy.MIN_TEAM} people in the team, so there is cover.")
            )
        need(6, self.hours_per_week, "Estimate the hours per week.")
        need(6, self.cover_arrangements, "Describe the cover arrangements.")
        need(6, self.monitoring_plan, "Say how comments and messages will be monitored.")
        need(6, self.response_time, "Choose a response-time target.")
        if self.pk is None or not self.kpis.exists():
            missing.append((7, "Add at least one KPI with a target."))
        need(8, self.risks, "Describe the risks.")
        need(8, self.accessibility, "Say how the content will be accessible.")
        need(8, self.records_and_data_protection, "Cover records and data protection.")
        need(9, self.exit_plan, "Describe the exit plan.")
        return missing

    def business_case_complete(self) -> bool:
        return not self.missing_items()

    def has_alternative_plan(self) -> bool:
        return self.alternative_plans.exists()

    @property
    def current_alternative(self):
        return self.alternative_plans.order_by("-created_at").first()

    @property
    def open_escalation(self):
        return self.escalations.filter(decided_at__isnull=True).first()

    @property
    def creates_new_account(self) -> bool:
        if self.outcome == Outcome.ALTERNATIVE:
            plan = self.current_alternative
            return plan is not None and plan.creates_new_account
        # As proposed: a new account, on the catalogue's platform or on a new channel that DCCT
        # adds to the catalogue and chooses when it starts the set-up.
        return True

    @property
    def alternative_on_table(self) -> bool:
        """DCCT's alternative is under discussion, or is what was agreed."""
        return self.state in (S.ALTERNATIVE_OFFERED, S.CONTESTED, S.ESCALATED) or (
            self.outcome == Outcome.ALTERNATIVE
        )

    def approved_for_a_new_account(self) -> bool:
        return self.for_new_account

    # --- Transitions: the policy's own actions (DESIGN.md section 4) ---------------------------
    # Each is called only through proposals.services, which records the Decision.

    @transition(
        field=state,
        source=S.DRAFT,
        target=S.WITH_OFFICE_HEAD,
        conditions=[business_case_complete],
        permission=permissions.is_proposer,
        custom={"label": "Submit to office head", "role": "proposer"},
    )
    def submit(self):
        self.submitted_at = timezone.now()

    @transition(
        field=state,
        source=[S.DRAFT, S.WITH_OFFICE_HEAD, S.REVISING, S.ALTERNATIVE_OFFERED],
        target=S.WITHDRAWN,
        permission=permissions.is_proposer,
        custom={
            "label": "Withdraw",
            "role": "proposer",
            "comment": "optional",
            "style": "outline-danger",
        },
    )
    def withdraw(self):
        self.decided_at = timezone.now()

    @transition(
        field=state,
        source=S.WITH_OFFICE_HEAD,
        target=S.WITH_DCCT,
        permission=permissions.is_approver,
        custom={"label": "Approve in principle", "role": "approver", "comment": "optional"},
    )
    def approve_in_principle(self):
        pass

    @transition(
        field=state,
        source=S.WITH_OFFICE_HEAD,
        target=S.DRAFT,
        permission=permissions.is_approver,
        custom={
            "label": "Return to proposer",
            "role": "approver",
            "comment": "required",
            "style": "outline-secondary",
        },
    )
    def return_to_proposer(self):
        pass

    @transition(
        field=state,
        source=S.WITH_OFFICE_HEAD,
        target=S.DECLINED,
        permission=permissions.is_approver,
        custom={
            "label": "Decline",
            "role": "approver",
            "comment": "required",
            "style": "outline-danger",
        },
    )
    def decline(self):
        self.decided_at = timezone.now()

    @transition(
        field=state,
        source=S.WITH_DCCT,
        target=S.APPROVED,
        permission=permissions.may_assess,
        custom={"label": "Endorse", "role": "dcct", "form": "endorse"},
    )
    def endorse(self):
        self.outcome = Outcome.AS_PROPOSED
        self.for_new_account = True
        self.decided_at = timezone.now()

    @transition(
        field=state,
        source=S.WITH_DCCT,
        target=S.REVISING,
        permission=permissions.may_assess,
        custom={
            "label": "Request changes",
            "role": "dcct",
            "comment": "required",
            "style": "outline-secondary",
        },
    )
    def request_changes(self):
        pass

    @transition(
        field=state,
        source=S.REVISING,
        target=S.WITH_DCCT,
        conditions=[business_case_complete],
        permission=permissions.is_proposer,
        custom={"label": "Resubmit", "role": "proposer", "comment": "optional"},
    )
    def resubmit(self):
        pass

    @transition(
        field=state,
        source=S.WITH_DCCT,
        target=S.ALTERNATIVE_OFFERED,
        permission=permissions.may_assess,
        custom={
            "label": "Advise against",
            "role": "dcct",
            "form": "alternative",
            "style": "outline-primary",
        },
    )
    def advise_against(self):
        pass

    @transition(
        field=state,
        source=S.ALTERNATIVE_OFFERED,
        target=S.APPROVED,
        conditions=[has_alternative_plan],
        permission=permissions.is_proposer,
        custom={"label": "Accept alternative", "role": "proposer", "comment": "optional"},
    )
    def accept_alternative(self):
        self.outcome = Outcome.ALTERNATIVE
        self.for_new_account = self.creates_new_account
        self.decided_at = timezone.now()

    @transition(
        field=state,
        source=S.ALTERNATIVE_OFFERED,
        target=S.CONTESTED,
        permission=permissions.is_proposer,
        custom={
            "label": "Disagree",
            "role": "proposer",
            "comment": "required",
            "style": "outline-secondary",
        },
    )
    def disagree(self):
        pass

    @transition(
        field=state,
        source=S.CONTESTED,
        target=S.WITH_DCCT,
        permission=permissions.may_assess,
        custom={
            "label": "Revise advice",
            "role": "dcct",
            "comment": "required",
            "style": "outline-secondary",
        },
    )
    def revise_advice(self):
        pass

    @transition(
        field=state,
        source=[S.WITH_DCCT, S.CONTESTED],
        target=S.ESCALATED,
        permission=permissions.may_assess,
        custom={
            "label": "Escalate to HEC",
            "role": "dcct",
            "form": "escalation",
            "style": "outline-danger",
        },
    )
    def escalate(self):
        pass

    @transition(
        field=state,
        source=S.ESCALATED,
        target=S.APPROVED,
        permission=permissions.may_decide_escalation,
        custom={"label": "Approve as proposed", "role": "hec", "comment": "required"},
    )
    def approve_as_proposed(self):
        self.outcome = Outcome.AS_PROPOSED
        self.for_new_account = True
        self.decided_at = timezone.now()

    @transition(
        field=state,
        source=S.ESCALATED,
        target=S.APPROVED,
        conditions=[has_alternative_plan],
        permission=permissions.may_decide_escalation,
        custom={"label": "Approve alternative", "role": "hec", "comment": "required"},
    )
    def approve_alternative(self):
        self.outcome = Outcome.ALTERNATIVE
        self.for_new_account = self.creates_new_account
        self.decided_at = timezone.now()

    @transition(
        field=state,
        source=S.ESCALATED,
        target=S.REJECTED,
        permission=permissions.may_decide_escalation,
        custom={"label": "Reject", "role": "hec", "comment": "required", "style": "outline-danger"},
    )
    def reject(self):
        self.decided_at = timezone.now()

    @transition(
        field=state,
        source=S.ESCALATED,
        target=S.WITH_DCCT,
        permission=permissions.may_decide_escalation,
        custom={
            "label": "Refer back to DCCT",
            "role": "hec",
            "comment": "required",
            "style": "outline-secondary",
        },
    )
    def refer_back(self):
        pass

    @transition(
        field=state,
        source=S.APPROVED,
        target=S.SET_UP,
        conditions=[approved_for_a_new_account],
        permission=permissions.may_set_up,
        custom={"label": "Start set-up", "role": "dcct", "comment": "optional", "form": "set_up"},
    )
    def start_set_up(self):
        pass


class ProposalTeamMember(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner", "Owner"
        EDITOR = "editor", "Editor"
        MODERATOR = "moderator", "Moderator"

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="team")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="proposal_teams",
        db_index=False,  # proposal_team_by_person serves it
    )
    role = models.CharField(max_length=20, choices=Role, default=Role.EDITOR)

    class Meta:
        ordering = ["role", "person__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "person"], name="one_place_per_team"),
        ]
        indexes = [
            # "Mine": the proposals a person is named in, read from the index alone.
            models.Index(fields=["person", "proposal"], name="proposal_team_by_person"),
        ]

    def __str__(self):
        return f"{self.person} ({self.get_role_display()})"


class KPIDirection(models.TextChoices):
    HIGHER = "higher", "Higher is better"
    LOWER = "lower", "Lower is better"


class ProposalKPI(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="kpis")
    metric = models.CharField(max_length=120, validators=[single_line])
    unit = models.CharField(
        max_length=40,
        help_text="For example: followers, %, posts, hours.",
        validators=[single_line],
    )
    target = models.DecimalField(max_digits=12, decimal_places=2)
    direction = models.CharField(max_length=10, choices=KPIDirection, default=KPIDirection.HIGHER)

    class Meta:
        ordering = ["pk"]
        verbose_name = "KPI"

    def __str__(self):
        return f"{self.metric}: {self.target} {self.unit}"


class Decision(AppendOnlyRecord):
    """One step in a proposal's life: who did what, in which role, from which state to which."""

    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="decisions")
    from_state = models.CharField(max_length=30, choices=ProposalState)
    to_state = models.CharField(max_length=30, choices=ProposalState)

    class Meta(AppendOnlyRecord.Meta):
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["proposal", "created_at"]),
            # The reports count a day's decisions by action from the index alone.
            models.Index(fields=["created_at"], include=["action"], name="decision_by_time"),
        ]

    def __str__(self):
        return f"{self.proposal.reference}: {self.action} by {self.actor}"

    @property
    def label(self):
        return transitions.action_label(Proposal, self.action)


class Comment(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        return f"Comment by {self.author} on {self.proposal.reference}"


class AlternativeApproach(models.TextChoices):
    CORPORATE_SLOT = "corporate_slot", "A content slot on a corporate account"
    CAMPAIGN = "campaign", "A campaign on the existing corporate channels"
    PILOT = "pilot", "A time-limited pilot of the new account"
    OTHER = "other", "Another approach"


class AlternativePlan(models.Model):
    """DCCT's alternative to what was proposed; the newest one is the one on the table. Saved
    with the decision to advise against, and as much part of the record: never changed or
    deleted (a revised plan is a new row)."""

    proposal = models.ForeignKey(
        Proposal, on_delete=models.PROTECT, related_name="alternative_plans"
    )
    approach = models.CharField(max_length=20, choices=AlternativeApproach)
    corporate_account = models.ForeignKey(
        "accounts.Account",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The corporate account that would carry the content.",
    )
    pilot_end_date = models.DateField(null=True, blank=True)
    recommendation = models.TextField("what DCCT recommends")
    rationale = models.TextField("why this meets the aims better")
    proposer_gets = models.TextField("what the proposer gets")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        triggers = [append_only_trigger()]

    def __str__(self):
        return f"{self.get_approach_display()} for {self.proposal.reference}"

    @property
    def creates_new_account(self) -> bool:
        return self.approach == AlternativeApproach.PILOT

    def clean(self):
        super().clean()
        if self.approach == AlternativeApproach.CORPORATE_SLOT and not self.corporate_account_id:
            raise ValidationError({"corporate_account": "Choose the corporate account."})
        if self.approach == AlternativeApproach.PILOT and not self.pilot_end_date:
            raise ValidationError({"pilot_end_date": "A pilot needs an end date."})


class Escalation(EscalationRecord):
    class Ruling(models.TextChoices):
        APPROVE_AS_PROPOSED = "approve_as_proposed", "Approved as proposed"
        APPROVE_ALTERNATIVE = "approve_alternative", "Approved the alternative"
        REJECT = "reject", "Rejected"
        REFER_BACK = "refer_back", "Referred back to DCCT"

    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="escalations")
    ruling = models.CharField(max_length=30, choices=Ruling, blank=True)

    class Meta(EscalationRecord.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["proposal"],
                condition=models.Q(decided_at__isnull=True),
                name="one_open_escalation_per_proposal",
            ),
        ]
        indexes = [
            # HEC's inbox: the most recently decided first.
            models.Index(
                fields=["-decided_at"],
                name="escalation_recently_decided",
                condition=models.Q(decided_at__isnull=False),
            ),
            # HEC's inbox: the open ones, longest waiting first.
            models.Index(
                fields=["escalated_at"],
                name="escalation_waiting",
                condition=models.Q(decided_at__isnull=True),
            ),
        ]

    def __str__(self):
        return f"Escalation of {self.proposal.reference}"


def evidence_path(instance, filename):
    # Never the uploader's name: that is only shown (original_name).
    return evidence.storage_name(instance.content_type)


class Attachment(models.Model):
    """Evidence for a business case, stored outside the public static and media URLs under a
    generated name (proposals/evidence.py); `original_name` is the uploader's, cleaned, shown."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=evidence_path, max_length=300)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=120)
    size = models.PositiveIntegerField()
    description = models.CharField(max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at"]

    def __str__(self):
        return self.original_name

    @property
    def kind(self):
        return evidence.type_of(self.content_type)
