"""Who hears about an account's step, and what they are told; and what the people who report
an account pretending to be the Parliament are told."""

import datetime
import logging
from smtplib import SMTPRecipientsRefused

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.text import Truncator

from accounts.models import (
    REPORT_OUTCOMES,
    REPORT_TARGETS,
    STATES,
    AccountEvent,
    AccountState,
    AcknowledgementWithheld,
    ImpersonationReport,
    ReportState,
)
from people import roles
from people.models import User
from people.roles import Role
from workflow import limits, transitions
from workflow.models import NoticeKind
from workflow.notifications import others, tell

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


def report_title(report: ImpersonationReport) -> str:
    """How a subject names a report: by its handle and platform, or its number, never by its
    address, which may run to hundreds of characters of the reporter's choosing."""
    platform = report.platform.name if report.platform_id else "a platform not in our catalogue"
    if report.handle:
        return f"“{Truncator(report.handle).chars(60)}” on {platform} (report {report.pk})"
    return f"an account on {platform} (report {report.pk})"


def report_notice(report: ImpersonationReport) -> tuple[str, str]:
    """What DCCT reads of a new report."""
    subject = f"Reported as impersonating us: {report_title(report)}"
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


def remind_of_waiting_reports(*, teams=None) -> int:
    """Reports waiting in a state longer than its target (settings.WORKFLOW_TARGET_DAYS, keyed
    by REPORT_TARGETS) remind whoever holds them, once per report and time it entered the
    state. `teams` (roles.teams()) saves the reminders job reading DCCT again."""
    teams = teams or roles.teams()
    sent = 0
    for state, target in REPORT_TARGETS.items():
        days = settings.WORKFLOW_TARGET_DAYS[target]
        waiting = ImpersonationReport.objects.filter(
            state=state, state_changed_at__lt=timezone.now() - datetime.timedelta(days=days)
        ).select_related("platform")
        for report in waiting.iterator(chunk_size=500):
            sent += tell(
                f"ageing:impersonationreport:{report.pk}:{state}:"
                f"{report.state_changed_at:%Y%m%d%H%M%S}",
                teams[ImpersonationReport.STATES[state].holder],
                f"Waiting: report of impersonation, {report_title(report)}",
                f"Report {report.pk} has been “{report.get_state_display()}” since "
                f"{report.state_changed_at:%-d %B %Y}, longer than the {days} days we aim for. "
                f"{ImpersonationReport.STATES[state].next_step}",
                report.get_absolute_url(),
                kind=NoticeKind.REMINDER,
            )
    return sent


# Dots as mail programs and browsers read them in an address.
DOTS = (".", "\uff0e", "\u3002", "\uff61")


def _unlinkable(text: str) -> str:
    """`text` with each dot bracketed ("example[.]com/name"), the usual way to write an address
    to be read, not followed: no mail program makes a link of it."""
    for dot in DOTS:
        text = text.replace(dot, "[.]")
    return text


def reported_account(report: ImpersonationReport) -> str:
    """The reported account as the reporters' emails name it, never as a link, so that the form
    cannot make us mail anyone a link of somebody else's choosing: the platform and handle on a
    platform we know, otherwise the address without its scheme and with its dots bracketed."""
    if report.platform_id and report.handle:
        return f"{report.platform.name}: {_unlinkable(report.handle)}"
    return _unlinkable(report.address.split("://", 1)[-1])


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


def _send_once(report, stamp: str, send, *, withhold=None) -> bool:
    """Stamp the report (`stamp`: the field that records the email), then send: of two runs of
    a task only the one that stamps it sends, and a send that fails removes the stamp so that
    the task's retry sends it. `withhold`, asked once the stamp is taken, gives a reason not to
    send: it is recorded on the report in place of the stamp, and nothing is sent then or on a
    retry. True if it was sent now."""
    rows = ImpersonationReport.objects.filter(pk=report.pk).exclude(reporter_email="")
    unsent = rows.filter(**{f"{stamp}__isnull": True})
    if withhold is not None:
        unsent = unsent.filter(acknowledgement_withheld="")
    if not unsent.update(**{stamp: timezone.now()}):
        return False
    reason = withhold() if withhold is not None else ""
    if reason:
        rows.update(**{stamp: None, "acknowledgement_withheld": reason})
        logger.warning(
            "Impersonation report %s: the reporter was not emailed, %s",
            report.pk,
            AcknowledgementWithheld(reason).label,
        )
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


DAY = 24 * 60 * 60


def _acknowledgement_withheld(email: str) -> str:
    """Why the acknowledgement to `email` is not to be sent, or "". The form takes any address:
    so that it cannot make us mail one address over and over, nor mail many, each address is
    sent at most settings.IMPERSONATION_ACKNOWLEDGEMENTS_PER_ADDRESS a day and all of them
    together at most settings.IMPERSONATION_ACKNOWLEDGEMENTS_PER_DAY. The cache holds an
    address only as a keyed hash, counted without a "+tag" that would make it look like
    another address of the same mailbox."""
    local, _, domain = email.strip().lower().rpartition("@")
    mailbox = f"{local.split('+', 1)[0]}@{domain}"
    hashed = salted_hmac("impersonation-acknowledgements", mailbox).hexdigest()
    today = timezone.localdate().isoformat()
    per_address = limits.count(f"impersonation-acknowledgements:{hashed}:{today}", window=DAY)
    if per_address > settings.IMPERSONATION_ACKNOWLEDGEMENTS_PER_ADDRESS:
        return AcknowledgementWithheld.ADDRESS_LIMIT
    if (
        limits.count(f"impersonation-acknowledgements:{today}", window=DAY)
        > settings.IMPERSONATION_ACKNOWLEDGEMENTS_PER_DAY
    ):
        return AcknowledgementWithheld.DAILY_CAP
    return ""


def acknowledge(report: ImpersonationReport) -> bool:
    """Tell the reporter that their report arrived, once, within the limits on acknowledgements
    (the report is filed all the same, and records why none was sent); a report that joined
    one already closed also gets its outcome."""
    subject = f"We have received your report – {settings.ORGANISATION_NAME}"
    sent = _send_once(
        report,
        "acknowledged_at",
        lambda: _email_reporter(
            report,
            subject=subject,
            template="report_received",
            context={"account": reported_account(report)},
        ),
        withhold=lambda: _acknowledgement_withheld(report.reporter_email),
    )
    if report.merged_into is not None:
        tell_outcome(report.merged_into)
    return sent


# The step whose comment tells the reporters why, for each outcome that has a reason.
OUTCOME_REASONS = {
    ReportState.PLATFORM_DECLINED: "mark_platform_declined",
    ReportState.NOT_IMPERSONATION: "close_as_not_impersonation",
}


def tell_outcome(report: ImpersonationReport) -> int:
    """Tell everyone who reported the account (this report's reporter and those of the reports
    merged into it) what came of it, each once. Returns how many emails went out now."""
    if report.state not in REPORT_OUTCOMES:
        return 0
    outcome = ReportState(report.state)
    reason = (
        transitions.latest_comment(report.events, OUTCOME_REASONS[outcome])
        if outcome in OUTCOME_REASONS
        else ""
    )
    subject = f"What we did about the account you reported – {settings.ORGANISATION_NAME}"
    context = {"outcome": outcome, "reason": reason, "account": reported_account(report)}
    sent = 0
    for reported in [report, *report.duplicates.all()]:
        sent += _send_once(
            reported,
            "outcome_sent_at",
            lambda reported=reported: _email_reporter(
                reported, subject=subject, template="report_outcome", context=context
            ),
        )
    return sent


# --- Leavers -------------------------------------------------------------------------------------


def tell_of_leaver(account_id: int, leaver_id: int) -> int:
    """The team, the office head and DCCT hear that someone left the account's team: who owns
    it now (or that DCCT must find an owner), and whether the team is still trained enough.
    Those who must act (DCCT for an owner, the owners and DCCT for training) are told so."""
    from accounts.models import Account

    account = Account.objects.select_related("office__head", "platform").get(pk=account_id)
    leaver = User.objects.get(pk=leaver_id)
    team = [member.person for member in account.current_team()]
    owners = [m.person for m in account.current_team() if m.role == "owner"]
    dcct = roles.members_of(Role.DCCT)
    lines = [f"{leaver} has left the organisation, and so the team of {account}."]
    must_act = []
    if owners:
        lines.append(f"Owner now: {', '.join(str(owner) for owner in owners)}.")
    elif account.owner_wanted_since is not None:
        lines.append("Nobody else on the team is trained to own it: DCCT will find a new owner.")
        must_act += dcct
    live = account.state in (A.LIVE, A.SETTING_UP)
    if live and not account.team_trained_on(timezone.localdate()):
        from people import policy

        lines.append(
            f"The team now has fewer than {policy.MIN_TRAINED_TEAM} trained people: add "
            "someone trained, or record training."
        )
        must_act += [*owners, *dcct]
    return tell(
        f"leaver:{leaver_id}:account:{account_id}",
        others([*team, account.office.head, *dcct], None),
        f"{account}: {leaver} has left the team",
        "\n".join(lines),
        reverse("accounts:detail", args=[account.pk]),
        must_act=must_act,
    )
