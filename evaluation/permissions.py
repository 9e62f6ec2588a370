"""Who may report on and assess a review, and recertify an account or follow it up (DESIGN.md
section 2)."""

from accounts import permissions as account_permissions
from accounts.models import AccountState
from people import roles
from workflow.permissions import refuses


@refuses("Only the account's team reports on a review.")
def may_report(review, user) -> bool:
    """Staff fill in reviews of accounts they help run; the office head may too."""
    if not (getattr(user, "is_authenticated", False) and user.is_active):
        return False
    return account_permissions.on_team(review.account, user) or roles.is_office_head_of(
        user, review.account.office
    )


def may_assess(review, user) -> bool:
    """DCCT assesses, but never a review of an account its member helps run or heads, nor one
    they submitted."""
    return (
        roles.is_dcct(user)
        and not account_permissions.on_team(review.account, user)
        and not account_permissions.is_business_area(review.account, user)
        and review.submitted_by_id != user.pk
    )


def can_view(review, user) -> bool:
    """A review or a recertification is seen by whoever sees its account."""
    return account_permissions.can_view(review.account, user)


def visible_to(user):
    """The filter for what can_view allows: the reviews (or recertifications) of the accounts
    this person sees."""
    return account_permissions.visible_to(user, account="account_id")


def works_review_queue(user) -> bool:
    """DCCT assesses submitted reviews (may_assess decides each one)."""
    return roles.is_dcct(user)


@refuses("Only DCCT adjusts KPIs.")
def may_adjust_kpis(account, user) -> bool:
    return roles.is_dcct(user)


@refuses("Only the account's team or DCCT imports its figures.")
def may_import_metrics(account, user) -> bool:
    return (
        roles.is_dcct(user)
        or account_permissions.is_business_area(account, user)
        or account_permissions.on_team(account, user)
    )


# --- Yearly recertification ----------------------------------------------------------------------


def current_owners(account) -> list:
    """The account's owners who are still on its team and can still sign in (uses a prefetch
    of the team with its people where there is one)."""
    return [
        member.person
        for member in account.members.all()
        if member.removed_on is None and member.role == "owner" and member.person.is_active
    ]


@refuses("Only the account's owner recertifies it, or its office head while it has none.")
def may_recertify(recertification, user) -> bool:
    """The owner attests for the account: the team, the sign-in and that it is still needed.
    While the account has no owner who can still sign in (they left, or were never named), its
    office head, who answers for the office's accounts and is the one asked, may answer instead
    (or make somebody owner), so that it never waits on nobody; nobody else answers for it."""
    if not (getattr(user, "is_authenticated", False) and user.is_active):
        return False
    account = recertification.account
    if account_permissions.on_team(account, user, "owner"):
        return True
    return roles.is_office_head_of(user, account.office) and not current_owners(account)


@refuses("Only DCCT closes a follow-up, and never one of an account its member runs.")
def may_close_follow_up(recertification, user) -> bool:
    """DCCT follows up a "no", but never on an account its member helps run or heads, nor one
    they answered themselves."""
    account = recertification.account
    return (
        roles.is_dcct(user)
        and not account_permissions.on_team(account, user)
        and not account_permissions.is_business_area(account, user)
        and recertification.submitted_by_id != user.pk
    )


def works_recertification_queue(user) -> bool:
    """DCCT chases overdue recertifications and follows up the answers "no"."""
    return roles.is_dcct(user)


@refuses("Only DCCT moves a recertification date, and never for an account they run or head.")
def may_move_recertification(account, user) -> bool:
    """DCCT moves the date, but never of an account its member helps run or heads: they would
    be putting off their own recertification."""
    return (
        roles.is_dcct(user)
        and not account_permissions.on_team(account, user)
        and not account_permissions.is_business_area(account, user)
    )


def may_withdraw(recertification, user) -> bool:
    """Withdrawn as a consequence of the account closing: whoever may mark it closed."""
    return account_permissions.is_dcct_for(recertification.account, user)


@refuses("Only DCCT records the address of an account's feed, and not once it has closed.")
def may_set_feed(account, user) -> bool:
    return roles.is_dcct(user) and account.state != AccountState.CLOSED
