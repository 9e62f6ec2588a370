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
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from evaluation import permissions
from people import policy
from proposals.models import KPIDirection
from workflow import transitions
from workflow.models import AppendOnlyRecord
from workflow.states import Badge, State


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
    metric = models.CharField(max_length=120)
    unit = models.CharField(max_length=40)
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


class Review(ConcurrentTransitionMixin, models.Model):
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

    class Meta:
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(fields=["kpi", "day"], name="one_observation_per_kpi_and_day")
        ]
        indexes = [models.Index(fields=["account", "day"])]

    def __str__(self):
        return f"{self.kpi.metric} on {self.day}: {self.value}"


class ReviewEvent(AppendOnlyRecord):
    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="events")
    from_state = models.CharField(max_length=20, choices=ReviewState, blank=True)
    to_state = models.CharField(max_length=20, choices=ReviewState, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.review}: {self.action}"

    @property
    def label(self):
        return transitions.action_label(Review, self.action)
