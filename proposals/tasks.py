from celery import shared_task

from proposals.models import Decision
from proposals.notifications import holders, message, recipients
from workflow.notifications import EMAIL_RETRY, tell


@shared_task(**EMAIL_RETRY)
def notify_decision(decision_id: int) -> int:
    """Email everyone a decision concerns; safe to retry, each person is told once."""
    decision = Decision.objects.select_related("proposal", "actor").get(pk=decision_id)
    subject, body = message(decision)
    return tell(
        f"decision:{decision.pk}",
        recipients(decision),
        subject=subject,
        body=body,
        url=decision.proposal.get_absolute_url(),
        must_act=holders(decision.proposal, decision.to_state),
    )
