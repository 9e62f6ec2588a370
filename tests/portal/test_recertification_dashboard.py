"""Yearly recertifications on DCCT's dashboard (to follow up, overdue, open, and the accounts
not recertified as candidates for closure) and on each person's home ("waiting for you")."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import AccountMember
from workflow.waiting import changed

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def days(n):
    return TODAY + datetime.timedelta(days=n)


@pytest.fixture
def recertifications(make_account, make_recertification, settings):
    settings.RECERTIFICATION_GRACE_DAYS = 30
    return {
        "open": make_recertification("open", account=make_account("live"), due_on=days(12)),
        "overdue": make_recertification("open", account=make_account("live"), due_on=days(-5)),
        "late": make_recertification("open", account=make_account("live"), due_on=days(-40)),
        "follow_up": make_recertification("needs_follow_up", account=make_account("live")),
        "done": make_recertification("recertified", account=make_account("live")),
    }


def queues(client):
    page = client.get("/dashboard/")
    assert page.status_code == 200
    return page, {queue["key"]: queue for queue in page.context["queues"]}


def urls(queue):
    return [item["url"] for item in queue["items"]]


def test_dcct_sees_each_recertification_queue(client, dcct, recertifications):
    client.force_login(dcct)

    page, shown = queues(client)

    r = recertifications
    assert urls(shown["recertification_follow_ups"]) == [r["follow_up"].get_absolute_url()]
    assert urls(shown["recertifications_overdue"]) == [
        r["late"].get_absolute_url(),
        r["overdue"].get_absolute_url(),
    ]
    # Past the grace period: marked, and the account is a candidate for closure.
    assert [item["late"] for item in shown["recertifications_overdue"]["items"]] == [True, False]
    assert urls(shown["recertifications_open"]) == [r["open"].get_absolute_url()]
    candidates = shown["closure_candidates"]
    assert urls(candidates) == [r["late"].account.get_absolute_url()]
    propose = f"/accounts/{r['late'].account_id}/act/propose_closure/"
    assert candidates["items"][0]["act_url"] == propose
    assert f'href="{propose}"' in page.text and "Propose closure" in page.text
    assert "Close follow-up" in page.text


def test_a_queue_shown_in_full_is_paged_and_filtered(client, dcct, recertifications, other_office):
    client.force_login(dcct)

    page = client.get("/dashboard/?show=closure_candidates")
    assert [q["key"] for q in page.context["queues"]] == ["closure_candidates"]
    assert page.context["queues"][0]["count"] == 1

    elsewhere = client.get(f"/dashboard/?office={other_office.pk}")
    assert all(
        queue["count"] == 0 for queue in elsewhere.context["queues"] if "recert" in queue["key"]
    )


def test_dcct_home_lists_follow_ups_and_overdue_recertifications(client, dcct, recertifications):
    client.force_login(dcct)

    waiting = client.get("/").context["waiting"].paginator.object_list
    mine = {item["url"]: item for item in waiting if item["kind"] == "Recertification"}

    r = recertifications
    assert set(mine) == {
        r["follow_up"].get_absolute_url(),
        r["overdue"].get_absolute_url(),
        r["late"].get_absolute_url(),
    }
    assert mine[r["follow_up"].get_absolute_url()]["what"] == "Follow up the answers"
    assert mine[r["late"].get_absolute_url()]["late"]
    assert "consider proposing closure" in mine[r["late"].get_absolute_url()]["what"]


def test_the_owner_sees_their_open_recertification_at_home(
    client, owner, staff, office_head, recertifications
):
    client.force_login(owner)
    page = client.get("/")
    waiting = [
        i for i in page.context["waiting"].paginator.object_list if i["kind"] == "Recertification"
    ]

    r = recertifications
    assert {item["url"] for item in waiting} == {
        r["open"].get_absolute_url(),
        r["overdue"].get_absolute_url(),
        r["late"].get_absolute_url(),
    }
    assert "Recertify the account by" in page.text
    # Nobody else of the office is asked: they are not the owner.
    for person in (staff, office_head):
        client.force_login(person)
        items = client.get("/").context["waiting"].paginator.object_list
        assert not [i for i in items if i["kind"] == "Recertification"]


def test_an_editor_is_not_asked_and_a_dcct_owner_does_not_follow_up_their_own(
    client, dcct, make_recertification
):
    recertification = make_recertification("needs_follow_up")
    AccountMember.objects.create(account=recertification.account, person=dcct, role="editor")
    client.force_login(dcct)

    items = client.get("/").context["waiting"].paginator.object_list

    assert recertification.get_absolute_url() not in [i["url"] for i in items]


@pytest.mark.parametrize(("days_overdue", "past_grace"), [(30, False), (31, True)])
def test_past_target_on_the_dashboard_is_the_day_it_is_not_recertified(
    client, dcct, make_account, make_recertification, settings, days_overdue, past_grace
):
    settings.RECERTIFICATION_GRACE_DAYS = 30
    today = timezone.localdate()
    recertification = make_recertification(
        "open", account=make_account("live"), due_on=today - datetime.timedelta(days=days_overdue)
    )
    client.force_login(dcct)

    _, shown = queues(client)

    assert recertification.past_grace(today) is past_grace
    assert [item["late"] for item in shown["recertifications_overdue"]["items"]] == [past_grace]
    assert shown["closure_candidates"]["count"] == int(past_grace)


def test_an_office_head_is_asked_at_home_while_the_account_has_no_owner(
    client, owner, office_head, make_recertification
):
    recertification = make_recertification("open")
    client.force_login(office_head)
    assert recertification.get_absolute_url() not in home_urls(client)

    # Gone, but still on the team: deactivated past the services (a bulk update
    # sends no signal), so the leaver process (people.services.person_left) did not run.
    type(owner).objects.filter(pk=owner.pk).update(is_active=False)
    owner.refresh_from_db()
    changed()  # a write that sends no signal shows within the minute; here, at once

    assert recertification.get_absolute_url() in home_urls(client)


def home_urls(client):
    return [item["url"] for item in client.get("/").context["waiting"].paginator.object_list]
