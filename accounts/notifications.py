"""Who hears about an account's step, and what they are told; and what the people who report
an account pretending to be the Parliament are told."""

import logging
from smtplib import SMTPRecipientsRefused

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import (
    REPORT_OUTCOMES,
    STATES,
    AccountEvent,
    AccountState,
    ImpersonationReport,
    ReportState,
)
from people import roles
from people.models import User
from people.roles import Role
from workflow import transitions
from workflow.notifications import others

logger = logging.getLogger(__name__)

A = AccountState


def business_area(account) -> list[User]:
    """The office head and the account's current owners."""
    owners = [m.person for m in account.current_team() if m.role == "owner"]
    return [account.office.head, *owners]


def holders(account, teams=None) -> list[User]:
    """Who must act on this account now: the state table's holder, as people. `teams`
    (roles.teams()) saves a job reading DCCT and HEC again."""
    teams = teams or roles.teams()
    holder = STATES[account.state].holder
    if holder == "other_side":
        proposed_by_dcct = account.closure_proposed_by == "dcct"
        return business_area(account) if proposed_by_dcct else teams["dcct"]
    if holder == "both_sides":
        return [*business_area(account), *teams["dcct"]]
    if holder in ("dcct", "hec"):
        return teams[holder]
    return []


def recipients(event: AccountEvent) -> list[User]:
    """The business area (team and office head) hears of every step; DCCT of every step of a
    closure; HEC of an escalation. Never the person who took the step."""
    account = event.account
    people = [member.person for member in account.current_team()]
    if account.office.head is not None:
        people.append(account.office.head)
    if event.to_state != A.LIVE or event.from_state == A.CLOSURE_ESCALATED:
        people.extend(roles.members_of(Role.DCCT))
    if event.to_state == A.CLOSURE_ESCALATED:
        people.extend(roles.members_of(Role.HEC))
    return others(people, event.actor_id)


def message(event: AccountEvent) -> tuple[str, str]:
    account = event.account
    subject = f"{account}: {event.get_to_state_display()}"
    lines = [
        f"{event.actor} ({event.actor_role}) took the step “{event.label}” on "
        f"{account.display_name}.",
        STATES[event.to_state].next_step,
    ]
    if event.comment:
        lines += ["", "Their comments:", event.comment]
    return subject, "\n".join(lines)


# --- Reports of impersonation -------------------------------------------------------------------


def report_notice(report: ImpersonationReport) -> tuple[str, str]:
    """What DCCT reads of a new report."""
    subject = f"Reported as impersonating us: {report.address}"
    lines = [
        f"Someone has reported an account on {report.platform_name} as pretending to be us:",
        report.address,
        "",
        "What makes it look official, in their words:",
        report.looks_official,
        "",
        ImpersonationReport.STATES[report.state].next_step,
    ]
    return subject, "\n".join(lines)


def report_recipients() -> list[User]:
    return roles.members_of(Role.DCCT)


def _email_reporter(report, *, subject, template, context) -> None:
    context = {
        "report": report,
        "organisation": settings.ORGANISATION_NAME,
        "register_url": settings.SITE_URL + reverse("public-register"),
        "subject": subject,
        **context,
    }
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"accounts/email/{template}.txt", context),
        to=[report.reporter_email],
    )
    message.attach_alternative(
        render_to_string(f"accounts/email/{template}.html", context), "text/html"
    )
    message.send()


def _send_once(report, stamp: str, send) -> bool:
    """Stamp the report (`stamp`: the field that records the email), then send: of two runs of
    a task only the one that stamps it sends, and a send that fails removes the stamp so that
    the task's retry sends it. True if it was sent now."""
    rows = ImpersonationReport.objects.filter(pk=report.pk).exclude(reporter_email="")
    if not rows.filter(**{f"{stamp}__isnull": True}).update(**{stamp: timezone.now()}):
        return False
    try:
        send()
    except SMTPRecipientsRefused:
        # An address the mail server refuses stays refused: trying again would not help.
        logger.warning("The mail server refused the reporter of impersonation report %s", report.pk)
        return False
    except Exception:
        rows.update(**{stamp: None})
        raise
    return True


def acknowledge(report: ImpersonationReport) -> bool:
    """Tell the reporter that their report arrived, once; a report that joined one already
    closed also gets its outcome."""
    subject = f"We have received your report – {settings.ORGANISATION_NAME}"
    sent = _send_once(
        report,
        "acknowledged_at",
        lambda: _email_reporter(report, subject=subject, template="report_received", context={}),
    )
    if report.merged_into is not None:
        tell_outcome(report.merged_into)
    return sent


def tell_outcome(report: ImpersonationReport) -> int:
    """Tell everyone who reported the account (this report's reporter and those of the reports
    merged into it) what came of it, each once. Returns how many emails went out now."""
    if report.state not in REPORT_OUTCOMES:
        return 0
    outcome = ReportState(report.state)
    reason = (
        transitions.latest_comment(report.events, "close_as_not_impersonation")
        if outcome == ReportState.NOT_IMPERSONATION
        else ""
    )
    subject = f"What we did about the account you reported – {settings.ORGANISATION_NAME}"
    sent = 0
    for reported in [report, *report.duplicates.all()]:
        sent += _send_once(
            reported,
            "outcome_sent_at",
            lambda reported=reported: _email_reporter(
                reported,
                subject=subject,
                template="report_outcome",
                context={"outcome": outcome, "reason": reason, "address": report.address},
            ),
        )
    return sent
