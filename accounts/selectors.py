"""Reads for account pages, each at a fixed number of queries."""

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts import permissions
from accounts.models import STATES, Account, AccountEvent, AccountMember, ClosureEscalation
from accounts.models import AccountState as A
from people.models import TrainingRecord

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


def account_for(user, pk) -> Account:
    """The account with its team and their training, or 404 for anyone who may not see it."""
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


def _item(account):
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


def waiting_for(user, limit=50):
    """Every account where this person must act next: each candidate is checked with the same
    rule the action itself uses, so nothing is listed that the person may not do."""
    listed = (
        Account.objects.select_related("platform", "office")
        .prefetch_related("members", "escalations")
        .order_by("state_changed_at")
    )
    business_area = permissions.business_area_of(user)
    candidates = list(listed.filter(business_area, state=A.CLOSURE_PROPOSED)[:limit])
    candidates += listed.filter(business_area, state=A.CLOSING)[:limit]
    if permissions.works_dcct_queue(user):
        dcct_states = [A.SETTING_UP, A.CLOSURE_CONTESTED, A.CLOSING]
        candidates += listed.filter(state__in=dcct_states)[:limit]
        candidates += listed.filter(state=A.CLOSURE_PROPOSED, closure_proposed_by="business_area")[
            :limit
        ]
    if permissions.decides_escalations(user):
        candidates += listed.filter(state=A.CLOSURE_ESCALATED)[:limit]
    may = {
        A.CLOSURE_PROPOSED: permissions.is_other_side,
        A.CLOSURE_ESCALATED: permissions.may_decide_escalation,
        A.CLOSING: permissions.can_tick_exit_steps,
    }
    return [
        _item(account)
        for account in candidates
        if may.get(account.state, lambda *_: True)(account, user)
    ]


def accounts_of(user):
    """Accounts this person helps run."""
    return (
        Account.objects.filter(permissions.helps_run(user))
        .select_related("platform", "office")
        .order_by("display_name")
    )
