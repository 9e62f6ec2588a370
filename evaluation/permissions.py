"""Who may report on and assess a review (DESIGN.md section 2)."""

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
    return account_permissions.can_view(review.account, user)


def visible_to(user):
    """The filter for what can_view allows: the reviews of the accounts this person sees."""
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
