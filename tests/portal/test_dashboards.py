import datetime

import pytest
from django.utils import timezone

from accounts.models import Account, AccountMember
from evaluation.models import Review
from portal import dashboards
from proposals.models import Escalation, Proposal
from tests.factories import (
    AccountFactory,
    PlatformFactory,
    ProposalFactory,
    TrainingRecordFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def volume(office, staff, office_head, dcct):
    """`make(n)` adds n items to every queue, in bulk."""
    platform = PlatformFactory()

    def make(count):
        old = timezone.now() - datetime.timedelta(days=40)
        Proposal.objects.bulk_create(
            Proposal(
                proposer=staff,
                office=office,
                platform=platform,
                title=f"Bulk {n}",
                state=state,
                approver=office_head,
                submitted_at=old,
                state_changed_at=old,
            )
            for n in range(count)
            for state in ("with_dcct", "contested", "revising", "with_office_head")
        )
        accounts = Account.objects.bulk_create(
            Account(
                platform=platform,
                handle=f"bulk{Account.objects.count()}x{n}{state}",
                display_name=f"Bulk {n}",
                office=office,
                state=state,
                state_changed_at=old,
                went_live_on=datetime.date(2020, 1, 1),
            )
            for n in range(count)
            for state in ("setting_up", "live", "closure_proposed")
        )
        live = [account for account in accounts if account.state == "live"]
        AccountMember.objects.bulk_create(
            AccountMember(account=account, person=staff, role="owner") for account in live
        )
        Review.objects.bulk_create(
            Review(
                account=account,
                period_start=datetime.date(2025, 1, 1),
                period_end=datetime.date(2025, 4, 1),
                due_on=datetime.date(2025, 4, 15),
                state=state,
            )
            for account in live
            for state in ("due",)
        )

    return make


@pytest.mark.parametrize(
    ("path", "persona"),
    [
        ("/dashboard/", "dcct"),
        ("/hec/", "hec"),
        ("/office/", "office_head"),
        ("/", "dcct"),
        ("/", "staff"),
        ("/", "office_head"),
    ],
)
def test_pages_run_the_same_queries_at_5_and_500_items(
    request, client, volume, path, persona, django_assert_max_num_queries
):
    client.force_login(request.getfixturevalue(persona))
    volume(5)
    client.get(path)
    with django_assert_max_num_queries(60) as few:
        assert client.get(path).status_code == 200
    volume(495)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(path)


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        ("/dashboard/", {"dcct"}),
        ("/hec/", {"hec"}),
        ("/office/", {"office_head"}),
        ("/reports/", {"dcct", "hec", "policy_owner"}),
    ],
)
@pytest.mark.parametrize(
    "persona", ["staff", "office_head", "outsider", "dcct", "hec", "policy_owner"]
)
def test_each_role_sees_only_its_pages(request, client, path, allowed, persona):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(path).status_code == (200 if persona in allowed else 403)


def test_dashboard_marks_items_past_their_target_and_filters(client, volume, dcct, other_office):
    volume(2)
    client.force_login(dcct)

    page = client.get("/dashboard/")
    queues = {queue["key"]: queue for queue in page.context["queues"]}
    assert queues["assess"]["count"] == 2
    assert all(item["late"] for item in queues["assess"]["items"])
    assert queues["overdue"]["count"] == 2
    assert queues["untrained"]["count"] >= 2
    assert "Past target" in page.text

    filtered = client.get(f"/dashboard/?office={other_office.pk}")
    assert all(queue["count"] == 0 for queue in filtered.context["queues"])


def test_home_puts_what_waits_for_each_person_first(
    client, make_proposal, staff, office_head, dcct, hec
):
    waiting = make_proposal("with_office_head", title="Needs the head")
    assessing = make_proposal("with_dcct", title="Needs DCCT")
    escalated = make_proposal("escalated", title="Needs HEC")
    make_proposal("revising", title="Needs the proposer")

    def titles(user):
        client.force_login(user)
        return [item["title"] for item in client.get("/").context["waiting"]]

    assert any("Needs the head" in title for title in titles(office_head))
    assert any("Needs DCCT" in title for title in titles(dcct))
    assert any("Needs HEC" in title for title in titles(hec))
    assert [t for t in titles(staff) if "Needs" in t] == [
        f"{Proposal.objects.get(title='Needs the proposer').reference} Needs the proposer"
    ]
    assert waiting and assessing and escalated


def test_hec_inbox_shows_both_positions_and_decided_ones_below(
    client, make_proposal, make_account, hec, dcct
):
    make_proposal("escalated", title="Disputed proposal")
    make_account("closure_escalated", display_name="Disputed account")
    decided = make_proposal("escalated", title="Settled")
    Escalation.objects.filter(proposal=decided).update(
        ruling="reject", reasons="Not now.", decided_by=hec, decided_at=timezone.now()
    )
    client.force_login(hec)

    page = client.get("/hec/")

    open_items = page.context["open"].object_list
    open_titles = [item["title"] for item in open_items]
    assert len(open_titles) == 2 and any("Disputed proposal" in t for t in open_titles)
    assert all(item["may_decide"] for item in open_items)
    assert '<span class="badge text-bg-primary">2</span>' in page.text
    assert "Disputed account" in page.text and "Keep it." in page.text
    assert "Rejected" in page.text and "Not now." in page.text


def test_hec_inbox_pages_the_open_escalations_longest_waiting_first(
    client, make_proposal, hec, monkeypatch, time_machine
):
    monkeypatch.setattr(dashboards, "INBOX_PAGE_SIZE", 2)
    time_machine.move_to(timezone.now() - datetime.timedelta(days=10))
    for number in range(3):  # escalated a day apart (the record is fixed once written)
        make_proposal("escalated", title=f"Dispute {number}")
        time_machine.shift(datetime.timedelta(days=1))
    client.force_login(hec)

    first, second = client.get("/hec/"), client.get("/hec/?page=2")

    def titles(page):
        return [item["title"].split(": ", 1)[1] for item in page.context["open"].object_list]

    assert titles(first) == ["Dispute 0", "Dispute 1"]
    assert titles(second) == ["Dispute 2"]
    assert '<span class="badge text-bg-primary">3</span>' in first.text
    assert "Page 1 of 2" in first.text


def test_office_view_shows_the_heads_office_only(client, make_account, office_head, other_office):
    mine = make_account("live", display_name="Ours")
    AccountFactory(display_name="Theirs", office=other_office, state="live")
    client.force_login(office_head)

    page = client.get("/office/").text

    assert mine.display_name in page and "Theirs" not in page


def test_proposals_made_in_bulk_are_found_by_the_queue(volume, dcct):
    volume(1)
    from proposals.selectors import dcct_queue

    assert dcct_queue().count() == 3
    assert ProposalFactory  # the factory and bulk rows can live side by side


def test_home_lists_only_what_this_person_may_act_on(
    client, make_account, make_review, office, dcct
):
    """A person who is DCCT, HEC and head of the office is on the business-area side of its
    accounts: they cannot answer for DCCT, decide the escalation, or assess its reviews."""
    from people.roles import Role
    from people.services import assign_role, set_office_head

    assign_role(user=dcct, role=Role.HEC)
    set_office_head(office=office, head=dcct)
    make_account("closure_proposed", proposed_by="business_area")
    make_account("closure_escalated")
    make_review("submitted")
    client.force_login(dcct)

    waiting = client.get("/").context["waiting"]

    assert [item["what"] for item in waiting] == []


def test_the_dashboard_is_compact_and_one_queue_can_be_shown_in_full(client, make_proposal, dcct):
    for _ in range(7):
        make_proposal("with_dcct")
    client.force_login(dcct)

    overview = client.get("/dashboard/")
    assess = {q["key"]: q for q in overview.context["queues"]}["assess"]
    assert (assess["count"], len(assess["items"])) == (7, 5)
    assert 'href="?show=assess">Show all 7</a>' in overview.text

    full = client.get("/dashboard/?show=assess")
    (shown,) = full.context["queues"]
    assert (shown["key"], len(shown["items"])) == ("assess", 7)


def test_queues_that_wait_on_others_say_so_in_words_not_buttons(client, make_proposal, dcct):
    make_proposal("revising")
    client.force_login(dcct)

    page = client.get("/dashboard/?show=revising").text

    assert "Waiting for the proposer" in page
    assert 'btn-outline-primary" href="/proposals/' not in page


def test_dcct_dashboard_counts_the_reports_of_impersonation(client, make_report, dcct):
    late = make_report("open", state_changed_at=timezone.now() - datetime.timedelta(days=10))
    make_report("open")
    make_report("merged")  # merged into a new open report: one more to check, not two
    make_report("reported_to_platform")
    make_report("resolved")
    make_report("not_impersonation")
    client.force_login(dcct)

    page = client.get("/dashboard/")

    queues = {queue["key"]: queue for queue in page.context["queues"]}
    assert queues["impersonation"]["count"] == 3
    assert queues["impersonation"]["items"][0]["url"] == late.get_absolute_url()
    assert queues["impersonation"]["items"][0]["late"]
    assert queues["impersonation_reported"]["count"] == 1
    assert queues["impersonation_reported"]["acts"]  # DCCT holds it: follow up the case
    assert "Reports of impersonation to check" in page.text
    shown = client.get("/dashboard/", {"show": "impersonation"}).context["queues"]
    assert [queue["key"] for queue in shown] == ["impersonation"]
    assert shown[0]["count"] == 3
    by_platform = client.get("/dashboard/", {"platform": "x"}).context["queues"]
    assert next(q for q in by_platform if q["key"] == "impersonation")["count"] == 3
    by_office = client.get("/dashboard/", {"office": str(dcct.office_id)}).context["queues"]
    assert next(q for q in by_office if q["key"] == "impersonation")["count"] == 0


def test_dcct_home_lists_each_report_of_impersonation_dcct_holds(
    client, make_report, dcct, hec, policy_owner, staff
):
    now = timezone.now()
    waiting = make_report("open", state_changed_at=now - datetime.timedelta(days=10))
    fresh = make_report("open")
    # Reported to the platform: late past its own, longer target (14 days), not the open one's.
    with_platform = make_report(
        "reported_to_platform", state_changed_at=now - datetime.timedelta(days=9)
    )
    stuck = make_report("reported_to_platform", state_changed_at=now - datetime.timedelta(days=20))
    make_report("resolved")
    make_report("platform_declined")

    client.force_login(dcct)
    items = [i for i in client.get("/").context["waiting"] if i["kind"] == "Impersonation report"]
    assert [item["url"] for item in items] == [  # oldest first
        report.get_absolute_url() for report in (stuck, waiting, with_platform, fresh)
    ]
    assert items[0]["what"] == "Follow up the platform's case"
    assert items[1]["what"] == "Check the account and report it to the platform"
    assert [item["late"] for item in items] == [True, True, False, False]
    for person in (hec, policy_owner, staff):
        client.force_login(person)
        kinds = {item["kind"] for item in client.get("/").context["waiting"]}
        assert "Impersonation report" not in kinds


def test_office_view_counts_each_open_accounts_currently_trained_team(
    client, make_account, office_head, office
):
    alpha = make_account("live", display_name="Alpha")
    left = UserFactory(office=office)
    TrainingRecordFactory(person=left)
    AccountMember.objects.create(
        account=alpha, person=left, role="editor", removed_on=datetime.date(2026, 1, 1)
    )
    lapsed = UserFactory(office=office)
    today = timezone.localdate()
    TrainingRecordFactory(
        person=lapsed,
        completed_on=today - datetime.timedelta(days=400),
        expires_on=today - datetime.timedelta(days=35),
    )
    AccountMember.objects.create(account=alpha, person=lapsed, role="editor")
    make_account("live", display_name="Beta", trained=False)  # its owner trained for Alpha
    make_account("closed", display_name="Closed")
    client.force_login(office_head)

    accounts = client.get("/office/").context["accounts"]

    assert [(account.display_name, account.trained) for account in accounts] == [
        ("Alpha", 2),
        ("Beta", 1),
    ]


def test_each_queues_oldest_few_are_read_together_in_each_queues_order(
    make_proposal, django_assert_max_num_queries
):
    then = timezone.now() - datetime.timedelta(days=30)
    proposals = [make_proposal("with_dcct") for _ in range(7)]
    for number, proposal in enumerate(proposals):  # two of them at the same moment
        Proposal.objects.filter(pk=proposal.pk).update(
            state_changed_at=then + datetime.timedelta(hours=min(number, 5))
        )
    accounts = [AccountFactory(state="setting_up") for _ in range(3)]
    querysets = [
        Proposal.objects.filter(state="with_dcct")
        .select_related("office", "platform")
        .order_by("state_changed_at"),
        Proposal.objects.filter(state="with_dcct")
        .select_related("office", "platform", "proposer")
        .order_by("-state_changed_at"),
        Account.objects.filter(state="setting_up").select_related("platform").order_by("-pk"),
        Account.objects.none(),
        Proposal.objects.filter(pk__in=[]),
    ]

    with django_assert_max_num_queries(4):  # the keys, then proposals twice and accounts once
        first = dashboards._first_of_each(querysets)

    by_time = sorted(
        proposals, key=lambda p: (Proposal.objects.get(pk=p.pk).state_changed_at, p.pk)
    )
    assert first[0] == by_time[:5]
    latest = [proposal.state_changed_at for proposal in first[1]]
    assert set(first[1]) == set(by_time[2:]) and latest == sorted(latest, reverse=True)
    assert first[2] == accounts[::-1]
    assert first[3] == first[4] == []
    assert first[1][0].proposer.pk == proposals[0].proposer_id  # read with its joins


def test_queues_ordered_by_what_python_cannot_sort_as_the_database_did_are_read_one_by_one(
    make_proposal, django_assert_num_queries
):
    make_proposal("with_dcct")
    querysets = [
        Proposal.objects.order_by("state_changed_at"),
        Proposal.objects.order_by("office"),  # a relation: sorted by the office's own order
    ]

    with django_assert_num_queries(2):
        first = dashboards._first_of_each(querysets)

    assert [len(rows) for rows in first] == [1, 1]


def test_a_row_gone_between_its_key_and_its_read_is_left_out(make_proposal, monkeypatch):
    kept, gone = make_proposal("with_dcct"), make_proposal("with_dcct")
    real = Proposal._default_manager.filter

    def reading_after_a_delete(*args, **kwargs):
        real(pk=gone.pk).delete()
        return real(*args, **kwargs)

    if dashboards.connection.features.supports_slicing_ordering_in_compound:
        monkeypatch.setattr(Proposal._default_manager, "filter", reading_after_a_delete)
        first = dashboards._first_of_each([Proposal.objects.order_by("state_changed_at")])
        assert first == [[kept]]
