"""What people type into the account pages and the public register, however odd: names are one
line, dates fall within the years the policy deals in, searches take any text, and a step on a
part the account does not have is refused; never a 500."""

import datetime
import xml.dom.minidom

import feedparser
import pytest

from accounts.models import Account, AccountEvent, ExitStrategy, ImpersonationReport
from people.models import TrainingRecord
from tests.factories import AccountFactory
from workflow import transitions

pytestmark = pytest.mark.django_db
ONE_LINE = "Keep this to one line of plain text: it contains a line break."


def url(account, rest=""):
    return f"/accounts/{account.pk}/{rest}"


def test_a_display_name_with_a_line_break_is_refused_beside_it(client, make_account, dcct):
    """A line break in an account's name once stopped every email about it."""
    account = make_account("setting_up")
    client.force_login(dcct)

    response = client.post(
        url(account, "details/"),
        {"details-display_name": "Holyrood\nyouth", "details-handle": "", "details-url": ""},
    )

    assert response.status_code == 200
    assert response.context["details_form"].errors["display_name"] == [ONE_LINE]
    assert Account.objects.get(pk=account.pk).display_name == account.display_name


def test_a_reason_for_leaving_the_team_is_one_line(client, make_account, dcct):
    account = make_account("live")
    editor = account.members.get(role="editor")
    client.force_login(dcct)

    response = client.post(url(account, f"team/{editor.pk}/remove/"), {"reason": "Left\r\nus"})

    assert response.context["form"].errors["reason"] == [ONE_LINE]
    editor.refresh_from_db()
    assert editor.removed_on is None


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("course", "Social\tmedia", "Keep this to one line of plain text: it contains a tab."),
        ("completed_on", "0001-01-01", "Give a date from 1 January 2000 to 31 December 2099."),
        ("expires_on", "9999-12-31", "Give a date from 1 January 2000 to 31 December 2099."),
    ],
)
def test_training_is_recorded_only_as_a_person_would_write_it(
    client, make_account, dcct, owner, field, value, message
):
    account = make_account("live")
    before = TrainingRecord.objects.count()
    client.force_login(dcct)
    data = {
        "training-email": owner.email,
        "training-course": "Moderation",
        "training-completed_on": "2026-05-01",
        "training-expires_on": "",
    }

    response = client.post(url(account, "training/"), {**data, f"training-{field}": value})

    assert response.context["training_form"].errors[field] == [message]
    assert TrainingRecord.objects.count() == before


def test_exit_steps_of_an_account_that_is_not_closing_are_refused_not_a_500(
    client, make_account, dcct
):
    """The exit strategy was read before the rule: an account without one answered 500."""
    account = make_account("live")
    client.force_login(dcct)

    response = client.post(url(account, "exit-steps/"), {"exit-content_archived_on": "2026-05-01"})

    assert response.status_code == 403
    assert not ExitStrategy.objects.exists()


def test_exit_steps_of_a_closing_account_without_a_strategy_are_not_found(
    client, make_account, dcct
):
    account = make_account("closing")
    ExitStrategy.objects.filter(account=account).delete()
    client.force_login(dcct)

    response = client.post(url(account, "exit-steps/"), {"exit-content_archived_on": "2026-05-01"})

    assert response.status_code == 404


def test_a_set_up_checklist_that_is_missing_is_not_found(client, make_account, dcct):
    account = make_account("setting_up")
    account.setup.delete()
    client.force_login(dcct)

    response = client.post(url(account, "setup/"), {"setup-two_factor": "on"})

    assert response.status_code == 404


@pytest.mark.parametrize("day", ["0001-01-01", "2100-01-01"])
def test_an_exit_step_dated_outside_the_years_is_refused(client, make_account, dcct, day):
    account = make_account("closing")
    client.force_login(dcct)

    response = client.post(url(account, "exit-steps/"), {"exit-content_archived_on": day})

    assert response.context["exit_form"].errors["content_archived_on"] == [
        "Give a date from 1 January 2000 to 31 December 2099."
    ]
    assert ExitStrategy.objects.get(account=account).content_archived_on is None


def test_a_case_reference_on_two_lines_is_refused(client, make_report, dcct):
    report = make_report("open")
    client.force_login(dcct)

    response = client.post(
        f"/accounts/impersonation/{report.pk}/act/report_to_platform/",
        {
            "report_to_platform-expected_state": transitions.stamp(report),
            "report_to_platform-case_reference": "X-1\nX-2",
        },
    )

    assert response.status_code == 200
    forms = {transition.name: form for transition, form in response.context["actions"]}
    assert forms["report_to_platform"].errors["case_reference"] == [ONE_LINE]
    assert ImpersonationReport.objects.get(pk=report.pk).state == "open"


def test_a_public_search_longer_than_any_name_finds_nothing_rather_than_failing(client):
    """SQLite refuses a LIKE pattern over 50,000 bytes (a 500)."""
    AccountFactory(display_name="x" * 150)

    page = client.get("/register/", {"q": "x" * 200_000})
    download = client.get("/register.csv", {"q": "x" * 200_000})

    assert page.status_code == 200
    assert list(page.context["page"].object_list) == []
    assert download.status_code == 200
    assert len(download.content.decode().splitlines()) == 1  # the header alone


def test_a_register_search_longer_than_any_name_is_refused_beside_the_box(client, dcct):
    client.force_login(dcct)

    response = client.get("/accounts/", {"q": "x" * 200_000})

    assert response.status_code == 200
    assert "at most 254 characters" in response.context["filter"].form.errors["q"][0]


def test_the_feed_carries_a_name_saved_with_a_control_character_before_names_were_checked(
    client, make_account, dcct
):
    """XML allows no control characters: one such name stopped the whole feed (a 500)."""
    account = make_account("live")
    Account.objects.filter(pk=account.pk).update(display_name="Holyrood\x0byouth")
    AccountEvent.objects.create(account=account, actor=dcct, actor_role="DCCT", action="go_live")

    response = client.get("/register/feed/")

    assert response.status_code == 200
    xml.dom.minidom.parseString(response.content)  # well-formed
    assert feedparser.parse(response.content).entries[0].title.startswith("Holyrood youth")


@pytest.mark.parametrize(
    ("since", "listed"),
    [
        ("0001-01-01T00:00:00+14:00", 1),  # before the first moment a database holds: all
        ("9999-12-31T23:59:59-14:00", 0),  # after the last: none
        (f"{datetime.date.today().year - 1}-01-01T00:00:00Z", 1),
    ],
)
def test_the_api_reads_a_moment_at_the_ends_of_the_calendar(client, since, listed):
    AccountFactory()

    response = client.get("/api/v1/accounts/", {"changed_since": since})

    assert response.status_code == 200
    assert response.json()["count"] == listed
