from celery import shared_task

from accounts.models import AccountEvent
from accounts.notifications import holders, message, recipients
from workflow.notifications import EMAIL_RETRY, tell


@shared_task(**EMAIL_RETRY)
def notify_account_event(event_id: int) -> int:
    """Email everyone an account's step concerns; safe to retry, each person is told once."""
    event = (
        AccountEvent.objects.select_related("account__office__head", "account__platform", "actor")
        .prefetch_related("account__members__person")
        .get(pk=event_id)
    )
    subject, body = message(event)
    return tell(
        f"account-event:{event.pk}",
        recipients(event),
        subject=subject,
        body=body,
        url=event.account.get_absolute_url(),
        must_act=holders(event.account),
    )
