"""The pages each role runs their day from (DESIGN.md section 5): DCCT's dashboard, HEC's
inbox and the office head's view. Each reads through the apps' selectors, a fixed number of
queries whatever the data size: counts, then at most QUEUE_LENGTH items per queue."""

import datetime
from collections import defaultdict

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from accounts import permissions as account_permissions
from accounts.models import (
    Account,
    AccountMember,
    AccountState,
    ClosureEscalation,
    ImpersonationReport,
    Platform,
    ReportState,
)
from accounts.register import plausible_id
from accounts.selectors import untrained_teams
from evaluation.models import (
    PlatformReading,
    Recertification,
    RecertificationState,
    Review,
    ReviewState,
)
from evaluation.selectors import (
    dormant_accounts,
    not_recertified_accounts,
    open_recertifications,
    overdue_recertifications,
)
from people import policy, roles
from people.models import Office, TrainingRecord
from people.selectors import office_choices
from portal import permissions
from proposals import permissions as proposal_permissions
from proposals.models import Escalation, Proposal, ProposalState
from proposals.selectors import awaiting_approval, nobody_free_to_act
from workflow.paging import counts
from workflow.permissions import require
from workflow.waiting import Kind, Source, WaitingList

QUEUE_LENGTH = 5  # the overview shows each queue's oldest few
QUEUE_PAGE_SIZE = 25  # one queue shown in full, a page at a time
ACCOUNT_ITEMS = ("Review", "Recertification")  # items that belong to an account


def _late(since, target_days):
    return target_days is not None and since < timezone.now() - datetime.timedelta(days=target_days)


def _queue(
    key,
    title,
    queryset,
    *,
    kind,
    when,
    target=None,
    what="",
    acts=True,
    age="Waiting",
    act=None,
    late=None,
):
    """A titled list, read later: its full count, and its oldest items marked when past their
    target. `what` is the action its items need (a button), or, when `acts` is False, what they
    are waiting for (words); `age` heads the column of how long (None: no such column); `act`
    gives the button's address for an item, where it is not the item's own page; `late` says
    whether an item is past its target, where its own rule decides rather than `target`."""
    return {
        "late": late,
        "act": act,
        "key": key,
        "title": title,
        "queryset": queryset,
        "kind": kind,
        "when": when,
        "target": target,
        "what": what,
        "acts": acts,
        "age": age,
    }


def _items(queue, objects):
    items = []
    for obj in objects:
        kind = queue["kind"]
        account = obj if kind == "Account" else obj.account if kind in ACCOUNT_ITEMS else None
        since = queue["when"](obj)
        items.append(
            {
                "title": str(obj) if kind != "Proposal" else f"{obj.reference} {obj.title}",
                "url": obj.get_absolute_url(),
                "act_url": queue["act"](obj) if queue["act"] else obj.get_absolute_url(),
                "office": getattr(account or obj, "office", None),
                "platform": (account.platform.name if account else obj.platform_name),
                "since": since,
                "late": queue["late"](obj) if queue["late"] else _late(since, queue["target"]),
            }
        )
    return items


def _read(queue, *, page=None, count=None, first=None):
    """The queue's count (unless given) and items: its oldest few (unless given), or one page
    of all of them."""
    queryset = queue["queryset"]
    if page is None:
        queue["count"] = queryset.count() if count is None else count
        queue["items"] = _items(queue, queryset[:QUEUE_LENGTH] if first is None else first)
    else:
        queue["page"] = Paginator(queryset, QUEUE_PAGE_SIZE).get_page(page)
        queue["count"] = queue["page"].paginator.count
        queue["items"] = _items(queue, queue["page"].object_list)
    return queue


def _first_of_each(querysets) -> list[list]:
    """The oldest QUEUE_LENGTH rows of each queryset: all their keys in one statement (a UNION
    ALL of each one's first few, in its own order), then the rows, one read per model and
    joins, where a query per queue costs a round trip and Django's compiling each (14 of them
    on DCCT's dashboard). SQLite allows no LIMIT inside a UNION: there, a query per queue."""
    if not (
        connection.features.supports_slicing_ordering_in_compound
        and all(_ordered_by_own_fields(queryset) for queryset in querysets)
    ):
        return [list(queryset[:QUEUE_LENGTH]) for queryset in querysets]
    first, *rest = [
        queryset.annotate(queue=Value(number, output_field=IntegerField())).values_list(
            "queue", "pk"
        )[:QUEUE_LENGTH]
        for number, queryset in enumerate(querysets)
    ]
    keys = defaultdict(list)
    for number, pk in first.union(*rest, all=True):
        keys[number].append(pk)
    reads = defaultdict(set)  # (model, its joins): the keys to read
    for number, queryset in enumerate(querysets):
        reads[(queryset.model, _joins(queryset.query.select_related))].update(keys[number])
    rows = {}
    for (model, joins), pks in reads.items():
        for row in model._default_manager.filter(pk__in=pks).select_related(*joins):
            rows[(model, row.pk)] = row
    return [
        _in_order(
            queryset, [rows[key] for pk in keys[number] if (key := (queryset.model, pk)) in rows]
        )
        for number, queryset in enumerate(querysets)
    ]


def _ordered_by_own_fields(queryset) -> bool:
    """Ordered by names of the model's own plain fields, which _in_order can sort by in Python
    as the database did (not by a relation, an expression or the model's default order)."""
    order = queryset.query.order_by
    if not order or not all(isinstance(term, str) for term in order):
        return False
    meta = queryset.model._meta
    names = [term.removeprefix("-") for term in order]
    try:
        fields = [meta.pk if name == "pk" else meta.get_field(name) for name in names]
    except FieldDoesNotExist:  # a path across a relation, or an annotation
        return False
    return not any(field.is_relation for field in fields)


def _joins(select_related, prefix="") -> tuple:
    """The select_related paths of a query ({"account": {"office": {}}}: "account__office")."""
    if not isinstance(select_related, dict):
        return ()
    paths = []
    for name, deeper in select_related.items():
        paths += _joins(deeper, f"{prefix}{name}__") or [f"{prefix}{name}"]
    return tuple(sorted(paths))


def _in_order(queryset, rows) -> list:
    """Rows in the queryset's order (of field names: each queue's, oldest first), then by key."""
    for term in reversed([*queryset.query.order_by, "pk"]):
        name = term.removeprefix("-")
        rows.sort(key=lambda row, name=name: _value(row, name), reverse=term.startswith("-"))
    return rows


def _value(row, name):
    value = getattr(row, name)
    return (value is None, value)


def _trained_count(today):
    """How many of the account's current team hold current training, as a subquery: after a
    LIMIT, PostgreSQL reads it only for the rows shown (a join and GROUP BY counts them all)."""
    current = TrainingRecord.objects.filter(person=OuterRef("person_id"), completed_on__lte=today)
    current = current.filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))
    trained = (
        AccountMember.objects.filter(account=OuterRef("pk"), removed_on__isnull=True)
        .filter(Exists(current))
        .order_by()
        .values("account")
        .annotate(count=Count("person", distinct=True))
        .values("count")
    )
    return Coalesce(Subquery(trained), 0)


def _due(recertification):
    return timezone.make_aware(datetime.datetime.combine(recertification.due_on, datetime.time()))


def _recertification_queues(where, *, today, targets):
    """The yearly recertifications: answers "no" to follow up, those overdue (past the grace
    period, a candidate for closure) and those open, and the accounts not recertified."""

    def recertifications(queryset):
        return where(queryset, "account__").select_related("account__office", "account__platform")

    grace = settings.RECERTIFICATION_GRACE_DAYS
    return [
        _queue(
            "recertification_follow_ups",
            "Recertifications to follow up",
            recertifications(
                Recertification.objects.filter(state=RecertificationState.NEEDS_FOLLOW_UP)
            ).order_by("state_changed_at"),
            kind="Recertification",
            when=lambda r: r.state_changed_at,
            target=targets["recertification_needs_follow_up"],
            what="Close follow-up",
        ),
        _queue(
            "recertifications_overdue",
            "Recertifications overdue",
            recertifications(overdue_recertifications(today=today)).order_by("due_on"),
            kind="Recertification",
            when=_due,
            target=grace,
            # The same rule as "not recertified" and the closure candidates below.
            late=lambda r: r.past_grace(today),
            what=f"The owner's answers; after {grace} days, a candidate for closure",
            acts=False,
            age="Overdue for",
        ),
        _queue(
            "recertifications_open",
            "Recertifications open",
            recertifications(open_recertifications().filter(due_on__gte=today)).order_by("due_on"),
            kind="Recertification",
            when=lambda r: r.state_changed_at,
            what="The owner's answers",
            acts=False,
            age="Open for",
        ),
        _queue(
            "closure_candidates",
            f"Candidates for closure: not recertified within {grace} days",
            where(not_recertified_accounts(today=today))
            .select_related("office", "platform")
            .order_by("state_changed_at"),
            kind="Account",
            when=lambda a: a.state_changed_at,
            what="Propose closure",
            age=None,
            act=lambda a: reverse("accounts:act", args=[a.pk, "propose_closure"]),
        ),
    ]


def dcct_dashboard(request):
    require(permissions.may_see_dcct_dashboard, request.user)
    office = request.GET.get("office", "")
    office_id = plausible_id(office)
    platform = request.GET.get("platform", "")
    targets = settings.WORKFLOW_TARGET_DAYS
    today = timezone.localdate()

    def where(queryset, prefix=""):
        if office_id is not None:
            queryset = queryset.filter(**{f"{prefix}office_id": office_id})
        if platform:
            queryset = queryset.filter(**{f"{prefix}platform__slug": platform})
        return queryset

    proposals = where(Proposal.objects.select_related("office", "platform")).order_by(
        "state_changed_at"
    )
    accounts = where(Account.objects.select_related("office", "platform")).order_by(
        "state_changed_at"
    )
    reviews = where(
        Review.objects.select_related("account__office", "account__platform"), "account__"
    )
    # Reports of impersonation come from the public: they belong to no office.
    reports = ImpersonationReport.objects.select_related("platform").order_by("state_changed_at")
    if office_id is not None:
        reports = reports.none()
    if platform:
        reports = reports.filter(platform__slug=platform)
    queues = [
        _queue(
            "assess",
            "New assessments",
            proposals.filter(state=ProposalState.WITH_DCCT),
            kind="Proposal",
            when=lambda p: p.state_changed_at,
            target=targets["with_dcct"],
            what="Assess",
        ),
        _queue(
            "contested",
            "Alternatives disputed",
            proposals.filter(state=ProposalState.CONTESTED),
            kind="Proposal",
            when=lambda p: p.state_changed_at,
            target=targets["contested"],
            what="Revise advice or escalate",
        ),
        _queue(
            "nobody_free",
            "Nobody free to act",
            where(nobody_free_to_act()),
            kind="Proposal",
            when=lambda p: p.state_changed_at,
            what="Everyone who may act is its proposer or on its team: an administrator can "
            "give the role to someone who is not",
            acts=False,
        ),
        _queue(
            "revising",
            "With proposers, revising",
            proposals.filter(state=ProposalState.REVISING),
            kind="Proposal",
            when=lambda p: p.state_changed_at,
            target=targets["revising"],
            what="Waiting for the proposer",
            acts=False,
        ),
        _queue(
            "set_up",
            "Set-ups in progress",
            accounts.filter(state=AccountState.SETTING_UP),
            kind="Account",
            when=lambda a: a.state_changed_at,
            target=targets["setting_up"],
            what="Checklist, training, go live",
        ),
        _queue(
            "closures",
            "Closures proposed or contested",
            accounts.filter(
                state__in=[AccountState.CLOSURE_PROPOSED, AccountState.CLOSURE_CONTESTED]
            ),
            kind="Account",
            when=lambda a: a.state_changed_at,
            target=targets["closure_proposed"],
            what="Agree, contest or escalate",
        ),
        _queue(
            "impersonation",
            "Reports of impersonation to check",
            reports.filter(state=ReportState.OPEN),
            kind="Impersonation report",
            when=lambda r: r.state_changed_at,
            target=targets["impersonation_open"],
            what="Check and report to the platform",
        ),
        _queue(
            "impersonation_reported",
            "Impersonation reported to the platforms",
            reports.filter(state=ReportState.REPORTED_TO_PLATFORM),
            kind="Impersonation report",
            when=lambda r: r.state_changed_at,
            target=targets["impersonation_reported"],
            what="Follow up the platform's case",
        ),
        _queue(
            "submitted",
            "Reviews to assess",
            reviews.filter(state=ReviewState.SUBMITTED).order_by("state_changed_at"),
            kind="Review",
            when=lambda r: r.state_changed_at,
            target=targets["review_submitted"],
            what="Assess review",
        ),
        _queue(
            "overdue",
            "Reviews overdue",
            reviews.filter(
                state=ReviewState.DUE, due_on__lt=today, account__state=AccountState.LIVE
            ).order_by("due_on"),
            kind="Review",
            when=lambda r: timezone.make_aware(
                datetime.datetime.combine(r.due_on, datetime.time())
            ),
            target=0,
            what="Chase the team",
            age="Overdue for",
        ),
        _queue(
            "dormant",
            "Dormant accounts",
            where(dormant_accounts(today=today)).order_by("went_live_on"),
            kind="Account",
            when=lambda a: a.state_changed_at,
            what=f"No review or figures for {settings.DORMANT_AFTER_MONTHS} months",
            acts=False,
            age=None,
        ),
        _queue(
            "untrained",
            f"Teams below {policy.MIN_TRAINED_TEAM} trained people",
            where(untrained_teams(today=today))
            .select_related("office", "platform")
            .order_by("state_changed_at"),
            kind="Account",
            when=lambda a: a.state_changed_at,
            what="Record training",
            age=None,
        ),
        _queue(
            "owner_wanted",
            "Accounts with no owner",
            where(
                Account.objects.filter(owner_wanted_since__isnull=False).exclude(
                    state=AccountState.CLOSED
                )
            )
            .select_related("office", "platform")
            .order_by("owner_wanted_since", "pk"),
            kind="Account",
            when=lambda a: timezone.make_aware(
                datetime.datetime.combine(a.owner_wanted_since, datetime.time())
            ),
            target=targets["owner_wanted"],
            what="Find a new owner",
            age="No owner for",
        ),
        *_recertification_queues(where, today=today, targets=targets),
    ]
    shown = next((q for q in queues if q["key"] == request.GET.get("show")), None)
    if shown is not None:
        _read(shown, page=request.GET.get("page") or 1)
    else:
        querysets = [queue["queryset"] for queue in queues]
        for queue, count, first in zip(
            queues, counts(querysets), _first_of_each(querysets), strict=True
        ):
            _read(queue, count=count, first=first)
    return render(
        request,
        "portal/dcct_dashboard.html",
        {
            "queues": queues if shown is None else [shown],
            "shown": shown,
            **_platform_readings(),
            "offices": office_choices(),
            "platforms": Platform.objects.filter(internal=False),
            "office": office,
            "platform": platform,
        },
    )


def _platform_readings():
    """How the daily reading of each platform went (evaluation/activity.py), those not read
    today among them."""
    readings = list(
        PlatformReading.objects.filter(last_run_at__isnull=False)
        .select_related("platform")
        .order_by("platform__sort_order")
    )
    now = timezone.now()
    failing = [r for r in readings if r.skipped_until is not None and r.skipped_until > now]
    return {"platform_readings": readings, "failing_platforms": failing}


def _escalation_entry(escalation, user):
    """An escalation as the inbox shows it: its case, both positions, and whether this person
    may decide it."""
    proposal = isinstance(escalation, Escalation)
    subject = escalation.proposal if proposal else escalation.account
    decide = proposal_permissions if proposal else account_permissions
    return {
        "escalation": escalation,
        "kind": "Proposal" if proposal else "Closure",
        "title": str(subject),
        "url": subject.get_absolute_url(),
        "office": subject.office,
        "platform": subject.platform_name if proposal else subject.platform,
        "may_decide": escalation.decided_at is None and decide.may_decide_escalation(subject, user),
    }


PROPOSAL_ESCALATIONS = Kind(
    "proposal_escalation",
    Escalation,
    _escalation_entry,
    related=(
        "proposal__office",
        "proposal__platform",
        "proposal__proposer",
        "escalated_by",
        "decided_by",
    ),
    prefetch=("proposal__team",),
)
CLOSURE_ESCALATIONS = Kind(
    "closure_escalation",
    ClosureEscalation,
    _escalation_entry,
    related=("account__office", "account__platform", "escalated_by", "decided_by"),
    prefetch=("account__members", "account__escalations"),
)
INBOX_PAGE_SIZE = 20


def _latest_decided(kind: Kind) -> list:
    return list(
        kind.model.objects.filter(decided_at__isnull=False)
        .select_related(*kind.related)
        .prefetch_related(*kind.prefetch)
        .order_by("-decided_at")[:QUEUE_LENGTH]
    )


def hec_inbox(request):
    """The open escalations, longest waiting first, a page at a time; then the latest decided."""
    require(permissions.may_see_hec_inbox, request.user)
    user = request.user
    open_escalations = WaitingList(
        [
            Source(
                PROPOSAL_ESCALATIONS,
                Escalation.objects.filter(decided_at__isnull=True),
                since="escalated_at",
            ),
            Source(
                CLOSURE_ESCALATIONS,
                ClosureEscalation.objects.filter(decided_at__isnull=True),
                since="escalated_at",
            ),
        ],
        user,
        first=INBOX_PAGE_SIZE,
    )
    decided = sorted(
        [
            *_latest_decided(PROPOSAL_ESCALATIONS),
            *_latest_decided(CLOSURE_ESCALATIONS),
        ],
        key=lambda escalation: escalation.decided_at,
        reverse=True,
    )
    return render(
        request,
        "portal/hec_inbox.html",
        {
            "open": Paginator(open_escalations, INBOX_PAGE_SIZE).get_page(request.GET.get("page")),
            "decided": [_escalation_entry(escalation, user) for escalation in decided],
        },
    )


def office_view(request):
    """The office head's view of their office(s): approvals, accounts, reviews, closures."""
    require(permissions.may_see_office_view, request.user)
    office_ids = roles.offices_headed_ids(request.user)
    accounts = (
        Account.objects.filter(office_id__in=office_ids)
        .select_related("platform", "office")
        .order_by("display_name")
    )
    today = timezone.localdate()
    shown = accounts.exclude(state=AccountState.CLOSED).annotate(trained=_trained_count(today))
    return render(
        request,
        "portal/office_view.html",
        {
            "offices": Office.objects.filter(pk__in=office_ids),
            "awaiting": awaiting_approval(request.user)[:QUEUE_LENGTH],
            "accounts": shown[:100],
            "closures": accounts.filter(
                state__in=[
                    AccountState.CLOSURE_PROPOSED,
                    AccountState.CLOSURE_CONTESTED,
                    AccountState.CLOSURE_ESCALATED,
                    AccountState.CLOSING,
                ]
            ),
            "reviews": Review.objects.filter(
                account__office_id__in=office_ids,
                state__in=[ReviewState.DUE, ReviewState.SUBMITTED],
            )
            .select_related("account__platform")
            .order_by("due_on")[: QUEUE_LENGTH * 2],
            "min_trained": policy.MIN_TRAINED_TEAM,
            "today": today,
        },
    )
