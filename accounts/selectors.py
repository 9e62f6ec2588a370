"""Reads for account pages, each at a fixed number of queries."""

from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts import permissions
from accounts.models import Account, AccountEvent, AccountMember, ClosureEscalation
from people import roles
from people.models import TrainingRecord

CURRENT_TEAM = Prefetch(
    "members",
    queryset=AccountMember.objects.select_related("person").prefetch_related(
        Prefetch("person__training_records", queryset=TrainingRecord.objects.all())
    ),
)


def visible_accounts(user):
    accounts = Account.objects.select_related("platform", "office").prefetch_related(CURRENT_TEAM)
    if roles.sees_all_offices(user):
        return accounts
    office_ids = set(roles.offices_headed_ids(user))
    if user.office_id:
        office_ids.add(user.office_id)
    return accounts.filter(
        Q(office_id__in=office_ids) | Q(members__person=user, members__removed_on__isnull=True)
    ).distinct()


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
