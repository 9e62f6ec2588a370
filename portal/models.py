from django.db import models

from proposals.models import Decision, ProposalState

# The stages at which somebody decides on a proposal, in the reports' words.
STAGES = [
    (ProposalState.WITH_OFFICE_HEAD, "Office head: approval in principle"),
    (ProposalState.WITH_DCCT, "DCCT: assessment"),
    (ProposalState.ESCALATED, "HEC: escalation"),
]


class TimeAtStage(models.Model):
    """How long a proposal waited at one of the STAGES until somebody there decided: one row
    for each decision that ended the stage the decision before it began (a withdrawal ends a
    stage, but nobody at it decided anything). The reports take medians of these in the
    database; from the decision log alone they would read every proposal's history in order.

    Written with each decision (portal.services, called from portal/apps.py); `manage.py
    recount_report_figures` writes them all again from the log."""

    decision = models.OneToOneField(
        Decision, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    stage = models.CharField(max_length=30)
    decided_at = models.DateTimeField()
    # An integer, so that it sorts fast and the median in days is worked out from exactly the
    # microseconds the log holds.
    microseconds = models.BigIntegerField()

    class Meta:
        indexes = [
            # A stage's decisions within a range, and their count.
            models.Index(
                fields=["stage", "decided_at"],
                include=["microseconds"],
                name="time_at_stage_by_decided",
            ),
            # The middle of a long range: walked to, from the shortest time, without a sort.
            models.Index(
                fields=["stage", "microseconds"],
                include=["decided_at"],
                name="time_at_stage_by_length",
            ),
        ]

    def __str__(self):
        return f"{self.stage}: {self.microseconds} µs to decision {self.decision_id}"


class DailyCount(models.Model):
    """What the reports count on one day of the site's time zone (portal.figures.COUNTED), as
    {group: {key: count}}: decisions by action, times at a stage by stage and whole days taken,
    reviews assessed by outcome. Counted again from the rows whenever one of that day is
    written (portal.services): a range reads its part months at either end from these."""

    day = models.DateField(primary_key=True)
    counts = models.JSONField(default=dict)

    def __str__(self):
        return f"{self.day:%-d %b %Y}"


class MonthlyCount(models.Model):
    """A month's DailyCounts added up, kept with them, so that a range of years reads a row a
    month, however long the history and however busy each month."""

    month = models.DateField(primary_key=True)  # its first day
    counts = models.JSONField(default=dict)

    def __str__(self):
        return f"{self.month:%b %Y}"
