"""Reads for account pages, each at a fixed number of queries."""

import datetime

from django.conf import settings
from django.db.models import Case, Count, Exists, OuterRef, Prefetch, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts import permissions
from accounts.models import (
    OPEN_REPORT_STATES,
    REPORT_OUTCOMES,
    REPORT_STATES,
    REPORT_TARGETS,
    STATES,
    Account,
    AccountEvent,
    AccountMember,
    ClosureEscalation,
    ImpersonationReport,
    ImpersonationReportEvent,
    ReportState,
)
from accounts.models import AccountState as A
from people.models import TrainingRecord
from workflow.paging import first_rows
from workflow.planning import joins_as_written
from workflow.waiting import Kind, Source

CURRENT_TEAM = Prefetch(
    "members",
    queryset=AccountMember.objects.select_related("person").prefetch_related(
        Prefetch("person__training_records", queryset=TrainingRecord.objects.all())
    ),
)


def visible_accounts(user):
    return (
        Account.objects.filter(permissions.visible_to(user))
        .select_related("platform", "office")
        .prefetch_related(CURRENT_TEAM)
    )


def first_visible_accounts(user, count: int) -> list[Account]:
    """The first `count` accounts, by name, of those this person sees (someone who does not see
    every account): their offices' and those they help run, each read through its own index."""
    listed = Account.objects.select_related("platform", "office").order_by("display_name", "pk")
    return first_rows(listed, count, any_of=permissions.visible_to_any_of(user))


def account_for(user, pk) -> Account:
    """The account with its team and their training, or 404 for anyone who may not see it."""
    with joins_as_written():
        account = get_object_or_404(
            Account.objects.select_related(
                "platform", "office__head", "proposal", "setup", "exit_strategy"
            ).prefetch_related(
                CURRENT_TEAM,
                Prefetch(
                    "escalations",
                    queryset=ClosureEscalation.objects.select_related("escalated_by", "decided_by"),
                ),
            ),
            pk=pk,
        )
    if not permissions.can_view(account, user):
        raise Http404("No account found")
    return account


def timeline(account):
    return AccountEvent.objects.filter(account=account).select_related("actor")


def _item(account, user):
    """An account on someone's "waiting for you" list, with what its holder is asked to do."""
    return {
        "kind": "Account",
        "title": str(account),
        "url": account.get_absolute_url(),
        "what": STATES[account.state].to_do,
        "since": account.state_changed_at,
        "office": account.office,
        "platform": account.platform.name,
        "state": account.get_state_display(),
    }


WAITING = Kind("account", Account, _item, related=("platform", "office"))
WAITING_REPORT = Kind(
    "impersonation_report",
    ImpersonationReport,
    lambda report, user: _report_item(report),
    related=("platform",),
)


def waiting_for(user) -> list[Source]:
    """The accounts where this person must act next, each filtered by the rule the action
    itself uses (permissions.is_other_side, may_decide_escalation, can_tick_exit_steps), so
    that nothing is listed that the person may not do; for DCCT, the open reports of
    impersonation too."""
    business_area = permissions.business_area_of(user)
    not_proposed_by_them = ~Q(closure_proposer=user)
    sources = [
        # The business area answers a closure DCCT proposed (is_other_side).
        Source(
            WAITING,
            Account.objects.filter(
                business_area,
                not_proposed_by_them,
                state=A.CLOSURE_PROPOSED,
                closure_proposed_by="dcct",
            ),
        ),
    ]
    if permissions.works_dcct_queue(user):
        # DCCT ticks every closing account's exit steps (permissions.can_tick_exit_steps).
        dcct_states = [A.SETTING_UP, A.CLOSURE_CONTESTED, A.CLOSING]
        sources.append(Source(WAITING, Account.objects.filter(state__in=dcct_states)))
        # DCCT answers a closure the business area proposed, unless it is theirs too.
        sources.append(
            Source(
                WAITING,
                Account.objects.filter(
                    not_proposed_by_them,
                    state=A.CLOSURE_PROPOSED,
                    closure_proposed_by="business_area",
                ).exclude(business_area),
            )
        )
    else:
        sources.append(Source(WAITING, Account.objects.filter(business_area, state=A.CLOSING)))
    if permissions.decides_escalations(user):
        own_escalation = ClosureEscalation.objects.filter(
            account=OuterRef("pk"), escalated_by=user, decided_at__isnull=True
        )
        escalated = (
            Account.objects.filter(not_proposed_by_them, state=A.CLOSURE_ESCALATED)
            .exclude(business_area)
            .exclude(Exists(own_escalation))
        )
        sources.append(Source(WAITING, escalated))
    if permissions.works_dcct_queue(user):
        open_reports = ImpersonationReport.objects.filter(state__in=OPEN_REPORT_STATES)
        sources.append(Source(WAITING_REPORT, open_reports))
    return sources


def untrained_teams(*, today):
    """Live accounts and those being set up whose team has fewer than policy.MIN_TRAINED_TEAM
    people with current training today: read from the days kept on the account
    (team_trained_from/until, services.refresh_team_training) through partial indexes."""
    untrained = (
        Q(team_trained_from__isnull=True)
        | Q(team_trained_from__gt=today)
        | Q(team_trained_until__lt=today)
    )
    return Account.objects.filter(untrained, state__in=[A.LIVE, A.SETTING_UP])


def accounts_of(user):
    """Accounts this person helps run."""
    return (
        Account.objects.filter(permissions.helps_run(user))
        .select_related("platform", "office")
        .order_by("display_name")
    )


# --- Reports of impersonation -------------------------------------------------------------------


def impersonation_reports(state=""):
    """Reports in `state`; by default those still being dealt with, open ones first. Reports
    still being dealt with come longest in their state first, the others most recently closed
    first."""
    merged = (
        ImpersonationReport.objects.filter(merged_into=OuterRef("pk"))
        .order_by()
        .values("merged_into")
        .annotate(count=Count("pk"))
        .values("count")
    )
    reports = ImpersonationReport.objects.select_related("platform").annotate(
        merged_count=Coalesce(Subquery(merged), 0)
    )
    if state == "all":
        return reports.order_by("-created_at", "-pk")
    if state in (*REPORT_OUTCOMES, ReportState.MERGED):
        return reports.filter(state=state).order_by("-state_changed_at", "-pk")
    if state in OPEN_REPORT_STATES:
        return reports.filter(state=state).order_by("state_changed_at", "pk")
    return reports.filter(state__in=OPEN_REPORT_STATES).order_by(
        Case(When(state=ReportState.OPEN, then=Value(0)), default=Value(1)),
        "state_changed_at",
        "pk",
    )


def report_for(user, pk) -> ImpersonationReport:
    """The report, or 404 for anyone who may not see it."""
    if not permissions.sees_impersonation_reports(user):
        raise Http404("No report found")
    return get_object_or_404(
        ImpersonationReport.objects.select_related("platform", "merged_into"), pk=pk
    )


MERGED_SHOWN = 50  # a report's page lists its first merged reports and counts the rest


def merged_reports(report):
    """(the first MERGED_SHOWN reports merged into this one, how many there are in all)."""
    merged = report.duplicates.order_by("created_at", "pk")
    shown = list(merged[:MERGED_SHOWN])
    return shown, len(shown) if len(shown) < MERGED_SHOWN else merged.count()


def report_timeline(report):
    return ImpersonationReportEvent.objects.filter(report=report).select_related("actor")


def _report_item(report):
    """A report on DCCT's "waiting for you" list, marked once it has waited longer than its
    state's target (settings.WORKFLOW_TARGET_DAYS, keyed by REPORT_TARGETS)."""
    target = datetime.timedelta(
        days=settings.WORKFLOW_TARGET_DAYS[REPORT_TARGETS[ReportState(report.state)]]
    )
    return {
        "kind": "Impersonation report",
        "title": str(report),
        "url": report.get_absolute_url(),
        "what": REPORT_STATES[report.state].to_do,
        "since": report.state_changed_at,
        "office": None,
        "platform": report.platform_name,
        "state": report.get_state_display(),
        "late": report.state_changed_at < timezone.now() - target,
    }
