"""An account whose yearly recertification is overdue past the grace period is marked "not
recertified" on its page and on the internal register (through accounts' hooks, which
evaluation fills); within the grace period, or once done, it is not."""

import datetime

import pytest

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def overdue_by(days):
    return TODAY - datetime.timedelta(days=days)


def test_past_the_grace_period_the_account_page_says_not_recertified(
    client, make_recertification, staff, settings
):
    settings.RECERTIFICATION_GRACE_DAYS = 30
    recertification = make_recertification("open", due_on=overdue_by(31))
    client.force_login(staff)

    page = client.get(recertification.account.get_absolute_url())

    assert any("Not recertified" in alert for alert in page.context["alerts"])
    assert "31 days ago, longer than the 30 days allowed" in page.text
    assert "candidate for closure" in page.text
    assert recertification.get_absolute_url() in page.text


@pytest.mark.parametrize(
    ("state", "days"),
    [("open", 30), ("open", 5), ("open", -10), ("needs_follow_up", 90), ("recertified", 90)],
)
def test_within_the_grace_period_or_once_answered_there_is_no_mark(
    client, make_recertification, staff, settings, state, days
):
    settings.RECERTIFICATION_GRACE_DAYS = 30
    recertification = make_recertification(state, due_on=overdue_by(days))
    client.force_login(staff)

    page = client.get(recertification.account.get_absolute_url())
    register = client.get("/accounts/")

    assert not any("Not recertified" in alert for alert in page.context["alerts"])
    assert "Not recertified" not in register.text


def test_the_grace_period_is_a_setting(client, make_recertification, staff, settings):
    recertification = make_recertification("open", due_on=overdue_by(10))
    client.force_login(staff)

    settings.RECERTIFICATION_GRACE_DAYS = 30
    assert "Not recertified" not in client.get(recertification.account.get_absolute_url()).text
    settings.RECERTIFICATION_GRACE_DAYS = 7
    assert "Not recertified" in client.get(recertification.account.get_absolute_url()).text


def test_the_register_marks_accounts_not_recertified_for_dcct(
    client, make_account, make_recertification, dcct, settings
):
    settings.RECERTIFICATION_GRACE_DAYS = 30
    late = make_recertification("open", account=make_account("live"), due_on=overdue_by(45))
    fine = make_recertification("open", account=make_account("live"), due_on=overdue_by(3))
    client.force_login(dcct)

    register = client.get("/accounts/")

    rows = {account.pk: account.register_marks for account in register.context["page"]}
    assert rows[late.account_id] == [f"Not recertified: due {late.due_on:%-d %b %Y}"]
    assert rows[fine.account_id] == []
    assert "Not recertified: due" in register.text


def test_the_register_marks_cost_one_query_whatever_the_page_holds(
    client, make_account, make_recertification, dcct, django_assert_max_num_queries
):
    for _ in range(2):
        make_recertification("open", account=make_account("live"), due_on=overdue_by(90))
    client.force_login(dcct)
    client.get("/accounts/")
    with django_assert_max_num_queries(40) as few:
        client.get("/accounts/")
    for _ in range(8):
        make_recertification("open", account=make_account("live"), due_on=overdue_by(90))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/accounts/").text.count("Not recertified: due") == 10


def test_the_account_page_shows_the_open_one_and_when_the_next_falls_due(
    client, make_recertification, dcct
):
    recertification = make_recertification("open", due_on=TODAY + datetime.timedelta(days=12))
    client.force_login(dcct)

    page = client.get(recertification.account.get_absolute_url())

    assert page.context["current_recertification"] == recertification
    assert "Yearly recertification" in page.text
    assert f"recertification due {recertification.due_on:%-d %b %Y}" in page.text
    assert "Change the date" in page.text  # DCCT may move it
