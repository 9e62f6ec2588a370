"""Who may report on and assess a review, and recertify an account or follow it up (DESIGN.md
section 2)."""

from accounts import permissions as account_permissions
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
    return account_permissions.visible_to(user, account="account_id", office="account__office_id")


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


@refuses("Only the account's owner recertifies it.")
def may_recertify(recertification, user) -> bool:
    """The owner attests for the account: the team, the sign-in and that it is still needed.
    Nobody answers on their behalf; an account without an owner gets one first."""
    if not (getattr(user, "is_authenticated", False) and user.is_active):
        return False
    return account_permissions.on_team(recertification.account, user, "owner")


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


@refuses("Only DCCT moves an account's recertification date.")
def may_move_recertification(account, user) -> bool:
    return roles.is_dcct(user)
