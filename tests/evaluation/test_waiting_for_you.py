"""The home page's "waiting for you": every workflow's sources, merged a page at a time.

The sources filter in the database (a page needs its count from there), so the list is held
here to the single-object rules each action uses: for every persona, what is listed is exactly
what that person may act on now, each object once."""

import datetime

import pytest
from django.utils import timezone

from accounts import permissions as account_permissions
from accounts.models import Account, AccountMember, ImpersonationReport
from accounts.selectors import WAITING_REPORT
from evaluation import permissions as evaluation_permissions
from evaluation.models import Recertification, Review
from people import roles
from portal.selectors import waiting_for
from proposals import permissions as proposal_permissions
from proposals.models import Proposal, ProposalTeamMember
from proposals.selectors import dcct_queue
from tests.factories import UserFactory
from workflow.waiting import Source, WaitingList

pytestmark = pytest.mark.django_db

PERSONAS = ["staff", "office_head", "owner", "dcct", "second_dcct", "hec", "outsider"]


def _proposal_waits(proposal, user) -> bool:
    state = proposal.state
    if state == "with_office_head":
        return proposal_permissions.is_approver(proposal, user)
    if state in ("revising", "alternative_offered"):
        return proposal_permissions.is_proposer(proposal, user)
    if state == "draft":  # returned by the office head, to submit again
        return proposal.submitted_at is not None and proposal_permissions.is_proposer(
            proposal, user
        )
    if state in ("with_dcct", "contested"):
        return proposal_permissions.may_assess(proposal, user)
    if state == "approved":  # to set up, where a new account is what was agreed
        waiting_to_be_set_up = dcct_queue().filter(pk=proposal.pk).exists()
        return waiting_to_be_set_up and proposal_permissions.may_set_up(proposal, user)
    if state == "escalated":
        return proposal_permissions.may_decide_escalation(proposal, user)
    return False


def _account_waits(account, user) -> bool:
    rule = {
        "setting_up": lambda a, u: roles.is_dcct(u),
        "closure_contested": lambda a, u: roles.is_dcct(u),
        "closure_proposed": account_permissions.is_other_side,
        "closure_escalated": account_permissions.may_decide_escalation,
        "closing": account_permissions.can_tick_exit_steps,
    }.get(account.state)
    return rule is not None and rule(account, user)


def _review_waits(review, user) -> bool:
    if review.state == "due":
        account = review.account
        return account.state == "live" and (
            account_permissions.on_team(account, user)
            or roles.is_office_head_of(user, account.office)
        )
    return review.state == "submitted" and evaluation_permissions.may_assess(review, user)


def _recertification_waits(recertification, user) -> bool:
    if recertification.account.state != "live" and recertification.state == "open":
        return False
    if recertification.state == "open":
        return evaluation_permissions.may_recertify(recertification, user) or (
            roles.is_dcct(user) and recertification.is_overdue()
        )
    if recertification.state == "needs_follow_up":
        return evaluation_permissions.may_close_follow_up(recertification, user)
    return False


def _expected(user) -> set[str]:
    """Every object's address that its rule says waits for `user`."""
    expected = {p.get_absolute_url() for p in Proposal.objects.all() if _proposal_waits(p, user)}
    expected |= {a.get_absolute_url() for a in Account.objects.all() if _account_waits(a, user)}
    expected |= {r.get_absolute_url() for r in Review.objects.all() if _review_waits(r, user)}
    expected |= {
        r.get_absolute_url()
        for r in Recertification.objects.all()
        if _recertification_waits(r, user)
    }
    if roles.is_dcct(user):
        expected |= {
            report.get_absolute_url()
            for report in ImpersonationReport.objects.filter(
                state__in=["open", "reported_to_platform"]
            )
        }
    return expected


@pytest.fixture
def everything(
    make_proposal,
    make_account,
    make_review,
    make_recertification,
    make_report,
    staff,
    office_head,
    owner,
    dcct,
    second_dcct,
    hec,
):
    """Objects in every state somebody acts on, with the overlaps the rules turn on: a DCCT
    member on one account's team and one proposal's team, a closure each side proposed, a
    closure HEC escalated, an ownerless account, an overdue recertification, an office head who
    owns an account."""
    for state in [
        "draft",
        "with_office_head",
        "with_dcct",
        "revising",
        "alternative_offered",
        "contested",
        "escalated",
        "approved",
        "declined",
    ]:
        make_proposal(state)
    make_proposal("approved", outcome="as_proposed")
    returned = make_proposal("draft")  # returned to the proposer by the office head
    Proposal.objects.filter(pk=returned.pk).update(submitted_at=timezone.now())
    on_their_team = make_proposal("with_dcct")
    ProposalTeamMember.objects.create(proposal=on_their_team, person=dcct, role="editor")
    theirs_to_set_up = make_proposal("approved", outcome="as_proposed")
    ProposalTeamMember.objects.create(proposal=theirs_to_set_up, person=dcct, role="editor")
    by_hec = make_proposal("escalated")
    ProposalTeamMember.objects.create(proposal=by_hec, person=hec, role="editor")

    for state in ["setting_up", "closure_contested", "closing", "live", "closed"]:
        make_account(state)
    make_account("closure_proposed", proposed_by="dcct")
    make_account("closure_proposed", proposed_by="business_area")
    make_account("closure_escalated")
    dcct_runs = make_account("closing")
    AccountMember.objects.create(account=dcct_runs, person=dcct, role="editor")
    head_owns = make_account("closure_proposed", proposed_by="dcct")
    AccountMember.objects.create(account=head_owns, person=office_head, role="owner")

    make_review("due")  # overdue, as it happens
    make_review("submitted")
    make_review("assessed")
    assessed_by_team = make_review("submitted")
    AccountMember.objects.create(
        account=assessed_by_team.account, person=second_dcct, role="editor"
    )

    make_recertification("open")
    overdue = make_recertification("open", due_on=timezone.localdate() - datetime.timedelta(days=9))
    AccountMember.objects.filter(account=overdue.account, role="owner").update(
        person=UserFactory(is_active=False)
    )  # its owner left: the office head answers, and DCCT chases
    make_recertification("needs_follow_up")
    make_recertification("recertified")

    for state in ["open", "reported_to_platform", "resolved"]:
        make_report(state)


@pytest.mark.parametrize("persona", PERSONAS)
def test_what_waits_is_exactly_what_the_rules_let_each_person_do(request, everything, persona):
    user = request.getfixturevalue(persona)
    waiting = waiting_for(user)

    urls = [item["url"] for item in waiting]

    assert set(urls) == _expected(user)
    assert len(urls) == len(set(urls)) == waiting.count()  # each once: the sources never overlap


def test_the_list_is_oldest_first_and_pages_carry_on_where_the_last_stopped(make_report, dcct):
    now = timezone.now()
    reports = [make_report("open") for _ in range(5)]
    for days, report in zip([3, 9, 1, 7, 5], reports, strict=True):
        ImpersonationReport.objects.filter(pk=report.pk).update(
            state_changed_at=now - datetime.timedelta(days=days)
        )
    oldest_first = [reports[i].get_absolute_url() for i in (1, 3, 4, 0, 2)]
    waiting = waiting_for(dcct)

    assert [item["url"] for item in waiting[0:2]] == oldest_first[:2]
    assert [item["url"] for item in waiting[2:4]] == oldest_first[2:4]
    assert [item["url"] for item in waiting[4:6]] == oldest_first[4:]
    assert waiting[1]["url"] == oldest_first[1]
    assert waiting.count() == 5 and not waiting.capped


def test_past_the_cap_the_count_stops_and_says_so(make_report, dcct, client, monkeypatch):
    monkeypatch.setattr(WaitingList, "COUNT_CAP", 3)
    for _ in range(5):
        make_report("open")
    waiting = waiting_for(dcct)

    assert waiting.count() == 3 and waiting.capped
    assert len(list(waiting)) == 3

    client.force_login(dcct)
    page = client.get("/").content.decode()
    assert "3+" in page and "The 3 that have waited longest are listed here" in page


def test_nothing_waiting_reads_as_empty(staff):
    waiting = waiting_for(staff)

    assert waiting.count() == 0 and list(waiting) == [] and waiting[0:10] == []


def test_a_page_of_the_list_costs_the_same_queries_however_long_it_is(
    make_report, dcct, django_assert_max_num_queries
):
    for _ in range(30):
        make_report("open")
    waiting = waiting_for(dcct)

    # The person's roles (their groups, the offices they head), the first page's keys (and
    # one more), the count, the page's reports.
    with django_assert_max_num_queries(5):
        waiting.count()
        assert len(waiting[0:10]) == 10


def test_the_home_pages_list_is_kept_until_something_it_reads_changes(
    make_report, dcct, empty_cache, django_assert_num_queries
):
    first = make_report("open")
    second = make_report("open")
    assert [i["url"] for i in waiting_for(dcct, cached=True)] == [
        first.get_absolute_url(),
        second.get_absolute_url(),
    ]

    kept = waiting_for(dcct, cached=True)
    with django_assert_num_queries(1):  # the reports themselves: no count, no keys
        assert kept.count() == 2 and len(kept[0:10]) == 2

    ImpersonationReport.objects.filter(pk=first.pk).update(state="resolved")
    first.refresh_from_db()
    first.save()  # any save of what the lists read makes them stale (this one, a signal's)

    assert [i["url"] for i in waiting_for(dcct, cached=True)] == [second.get_absolute_url()]


def test_a_list_not_asked_to_be_kept_is_read_every_time(make_report, dcct, empty_cache):
    make_report("open")
    waiting_for(dcct).count()

    fresh = waiting_for(dcct)
    ImpersonationReport.objects.update(state="resolved")  # no signal: only a fresh read sees it

    assert fresh.count() == 0


def test_signing_in_does_not_make_the_kept_lists_stale(make_report, dcct, empty_cache, client):
    make_report("open")
    kept = waiting_for(dcct, cached=True)
    kept.count()

    client.force_login(dcct)  # writes the person's last sign-in
    ImpersonationReport.objects.update(state="resolved")  # no signal: unseen while kept

    assert waiting_for(dcct, cached=True).count() == 1


def test_a_list_of_one_source_pages_as_well(make_report, dcct):
    reports = [make_report("open") for _ in range(3)]
    source = Source(WAITING_REPORT, ImpersonationReport.objects.all())
    waiting = WaitingList([source], dcct, first=2)

    assert waiting.count() == 3
    assert [item["url"] for item in waiting[2:4]] == [reports[2].get_absolute_url()]
