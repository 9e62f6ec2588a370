from celery import shared_task

from accounts.models import AccountEvent, ImpersonationReport
from accounts.notifications import (
    acknowledge,
    holders,
    message,
    recipients,
    report_notice,
    report_recipients,
    tell_outcome,
)
from workflow.models import NoticeKind
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


@shared_task(**EMAIL_RETRY)
def notify_impersonation_report(report_id: int) -> int:
    """Tell DCCT of a new report of impersonation; safe to retry, each person is told once."""
    report = ImpersonationReport.objects.select_related("platform").get(pk=report_id)
    subject, body = report_notice(report)
    return tell(
        f"impersonation-report:{report.pk}",
        report_recipients(),
        subject=subject,
        body=body,
        url=report.get_absolute_url(),
        kind=NoticeKind.ACTION,
    )


@shared_task(**EMAIL_RETRY)
def acknowledge_impersonation_report(report_id: int) -> bool:
    """Tell the reporter their report arrived; the report records it, so a retry never sends
    it twice."""
    report = ImpersonationReport.objects.select_related("platform", "merged_into__platform").get(
        pk=report_id
    )
    return acknowledge(report)


@shared_task(**EMAIL_RETRY)
def tell_impersonation_outcome(report_id: int) -> int:
    """Tell everyone who reported the account what came of it, each once."""
    report = (
        ImpersonationReport.objects.select_related("platform")
        .prefetch_related("duplicates")
        .get(pk=report_id)
    )
    return tell_outcome(report)
