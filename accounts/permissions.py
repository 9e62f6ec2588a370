"""Who may do what to an account (DESIGN.md section 2): named as the transitions'
`permission=`, used by the pages to show this person's actions and by the services to enforce
them."""

from django.db.models import Exists, OuterRef, Q

from people import roles
from workflow.permissions import refuses


def _signed_in(user) -> bool:
    return getattr(user, "is_authenticated", False) and user.is_active


def on_team(account, user, role=None) -> bool:
    """On the account's current team (in `role`, if given)."""
    return any(
        member.person_id == user.pk
        and member.removed_on is None
        and (role is None or member.role == role)
        for member in account.members.all()
    )


def is_business_area(account, user) -> bool:
    """The owning office's head, or an owner of the account."""
    return _signed_in(user) and (
        roles.is_office_head_of(user, account.office) or on_team(account, user, "owner")
    )


def is_dcct_for(account, user) -> bool:
    return roles.is_dcct(user)


def may_propose_closure(account, user) -> bool:
    return roles.is_dcct(user) or is_business_area(account, user)


def is_other_side(account, user) -> bool:
    """The side that did not propose the closure, and never the person who proposed it."""
    if not _signed_in(user) or account.closure_proposer_id == user.pk:
        return False
    if account.closure_proposed_by == "dcct":
        return is_business_area(account, user)
    return roles.is_dcct(user) and not is_business_area(account, user)


def may_decide_escalation(account, user) -> bool:
    """HEC decides, unless they are part of the dispute: the business area, the person who
    proposed the closure, or the person who escalated it."""
    return (
        roles.is_hec(user)
        and not is_business_area(account, user)
        and account.closure_proposer_id != user.pk
        and not any(
            escalation.escalated_by_id == user.pk and escalation.decided_at is None
            for escalation in account.escalations.all()
        )
    )


def works_dcct_queue(user) -> bool:
    return roles.is_dcct(user)


def decides_escalations(user) -> bool:
    return roles.is_hec(user)


def sees_every_account(user) -> bool:
    return roles.sees_all_offices(user)


@refuses("Only DCCT imports the inventory.")
def may_import_inventory(user) -> bool:
    return roles.is_dcct(user)


def acting_role(account, user) -> str:
    """The role in which this person acts on this account, for the log."""
    if roles.is_hec(user) and not is_business_area(account, user):
        return "HEC"
    if roles.is_office_head_of(user, account.office):
        return "Office head"
    if is_business_area(account, user):
        return "Account owner"
    if roles.is_dcct(user):
        return "DCCT"
    if on_team(account, user):
        return "Account team"
    return "Staff"


def visible_to(user, *, account="pk") -> Q:
    """The filter for what can_view allows, for lists: `account` is the path to the account's id
    from the model being filtered (reviews: "account_id"). Never a join, so never DISTINCT."""
    if not _signed_in(user):
        return Q(pk__in=[])
    if roles.sees_all_offices(user):
        return Q()
    office_ids = set(roles.offices_headed_ids(user))
    if user.office_id:
        office_ids.add(user.office_id)
    if account == "pk":
        # The register reads accounts in its index's order and tests each against the team's
        # EXISTS, which PostgreSQL hashes once.
        office, team = visible_to_any_of(user)
        return office | team
    # Longer histories (reviews, recertifications) are read through their account's index.
    return Q(**{f"{account}__in": account_ids(user, offices=office_ids)})


def visible_to_any_of(user) -> list[Q]:
    """For someone who does not see every account: what visible_to joins with OR (the accounts
    of their offices, and those they help run), for a short list that reads each through its
    own index (workflow.paging.first_rows)."""
    office_ids = set(roles.offices_headed_ids(user))
    if user.office_id:
        office_ids.add(user.office_id)
    return [Q(office_id__in=office_ids), helps_run(user)]


def account_ids(user, *, offices=(), role=None):
    """The ids of the accounts of `offices` and of those on whose current team this person is
    (in `role`, if given), for an IN: a UNION of two indexed lookups, where an OR of the office
    with the team's EXISTS would read every row of the list (and never needs DISTINCT)."""
    from accounts.models import Account, AccountMember

    team = AccountMember.objects.filter(person=user, removed_on__isnull=True)
    if role is not None:
        team = team.filter(role=role)
    ids = team.order_by().values("account_id")
    if not offices:
        return ids
    in_offices = Account.objects.filter(office_id__in=offices).order_by().values("pk")
    return in_offices.union(ids, all=True)


def helps_run(user, *, account="pk", role=None) -> Q:
    """The accounts (or, through `account`, their reviews) on whose current team this person
    is (in `role`, if given), as an EXISTS."""
    from accounts.models import AccountMember

    membership = AccountMember.objects.filter(
        account=OuterRef(account), person=user, removed_on__isnull=True
    )
    if role is not None:
        membership = membership.filter(role=role)
    return Q(Exists(membership))


def business_area_of(user) -> Q:
    """The accounts whose business area this person is (is_business_area, as a filter)."""
    return Q(office_id__in=roles.offices_headed_ids(user)) | helps_run(user, role="owner")


def can_view(account, user) -> bool:
    if not _signed_in(user):
        return False
    return (
        roles.sees_all_offices(user)
        or roles.is_member_of(user, account.office)
        or on_team(account, user)
    )


@refuses("Only DCCT, the office head or an account owner changes the team.")
def can_manage_team(account, user) -> bool:
    return account.state != "closed" and (roles.is_dcct(user) or is_business_area(account, user))


@refuses("Only DCCT records training.")
def can_record_training(account, user) -> bool:
    return roles.is_dcct(user)


@refuses(
    "Only DCCT changes an account's details and ticks off its set-up checklist, before go-live."
)
def can_tick_setup(account, user) -> bool:
    return roles.is_dcct(user) and account.state == "setting_up"


@refuses("Exit steps are ticked off by DCCT or the business area, while the account is closing.")
def can_tick_exit_steps(account, user) -> bool:
    return account.state == "closing" and (roles.is_dcct(user) or is_business_area(account, user))


# --- Reports of impersonation -------------------------------------------------------------------


@refuses("Only DCCT, HEC and the policy owner see the reports of impersonation.")
def sees_impersonation_reports(user) -> bool:
    """DCCT works the reports; HEC and the policy owner need the overall picture."""
    return roles.sees_all_offices(user)


@refuses("Only DCCT deals with reports of impersonation.")
def may_handle_report(report, user) -> bool:
    return roles.is_dcct(user)


def sees_reporters_emails(user) -> bool:
    """Reporters gave their email address to hear about their report: only DCCT, who deal with
    it, see the address; HEC and the policy owner see only whether one was given."""
    return roles.is_dcct(user)
