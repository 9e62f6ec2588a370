"""Account pages for every role and state: the register, the account page and its forms, and
each step's page."""

import datetime

import pytest

from accounts.models import Account, ExitStrategy
from tests.accounts.conftest import complete_setup
from tests.factories import AccountFactory, OfficeFactory, UserFactory

pytestmark = pytest.mark.django_db


def url(account, rest=""):
    return f"/accounts/{account.pk}/{rest}"


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("staff", 200),
        ("office_head", 200),
        ("owner", 200),
        ("dcct", 200),
        ("hec", 200),
        ("policy_owner", 200),
        ("outsider", 404),
    ],
)
def test_who_sees_an_account(request, client, make_account, persona, status):
    account = make_account("live")
    client.force_login(request.getfixturevalue(persona))

    assert client.get(url(account)).status_code == status


def test_a_team_member_from_another_office_sees_it(client, make_account, other_office):
    account = make_account("live")
    helper = UserFactory(office=other_office)
    account.members.create(person=helper, role="moderator")
    client.force_login(helper)

    assert client.get(url(account)).status_code == 200


def test_register_lists_what_this_person_may_see(client, make_account, staff, outsider):
    mine = make_account("live", display_name="Our youth channel")
    AccountFactory(display_name="Elsewhere", office=OfficeFactory(name="Other place"))
    client.force_login(staff)

    page = client.get("/accounts/").text
    assert mine.display_name in page and "Elsewhere" not in page

    client.force_login(outsider)
    assert mine.display_name not in client.get("/accounts/").text


def test_register_filters_and_searches(client, make_account, dcct):
    make_account("live", display_name="Youth voices", handle="YouthVoices")
    make_account("closed", display_name="Old campaign", handle="OldCampaign")
    client.force_login(dcct)

    assert "Old campaign" not in client.get("/accounts/?state=live").text
    page = client.get("/accounts/?q=@youthvoices").text
    assert "Youth voices" in page and "Old campaign" not in page


def test_register_runs_a_fixed_number_of_queries(
    client, make_account, dcct, django_assert_max_num_queries
):
    for _ in range(3):
        make_account("live")
    client.force_login(dcct)
    client.get("/accounts/")
    with django_assert_max_num_queries(14) as few:
        client.get("/accounts/")
    for _ in range(15):
        make_account("live")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/accounts/")


def test_account_page_runs_a_bounded_number_of_queries(
    client, make_account, dcct, django_assert_max_num_queries
):
    account = make_account("setting_up")
    client.force_login(dcct)
    with django_assert_max_num_queries(30):
        client.get(url(account))


def test_too_few_trained_people_shows_a_warning(client, make_account, dcct):
    account = make_account("live", trained=False)
    client.force_login(dcct)

    page = client.get(url(account)).text

    assert "Only 0 of the team have current training" in page
    assert "0 trained – below two" in client.get("/accounts/").text


def test_go_live_shows_what_blocks_it(client, make_account, dcct):
    account = make_account("setting_up", trained=False)
    client.force_login(dcct)

    page = client.get(url(account)).text

    assert "Go live: Complete the set-up checklist." in page
    assert "need current training (0 have it)" in page


def test_dcct_ticks_the_checklist_saying_where_the_credentials_are(client, make_account, dcct):
    account = make_account("setting_up")
    client.force_login(dcct)

    response = client.post(
        url(account, "setup/"),
        {
            "setup-corporate_email": "on",
            "setup-corporate_email_address": "youth@example.org",
            "setup-credentials_in_password_manager": "on",
            "setup-password_manager_entry": "Vault: Youth",
            "setup-two_factor": "on",
        },
        follow=True,
    )

    assert "Set-up saved." in response.text
    account.setup.refresh_from_db()
    assert account.setup.password_manager_entry == "Vault: Youth"
    assert not account.setup.is_complete


def test_checklist_refuses_a_tick_without_its_detail(client, make_account, dcct):
    account = make_account("setting_up")
    client.force_login(dcct)

    response = client.post(
        url(account, "setup/"),
        {"setup-credentials_in_password_manager": "on", "setup-two_factor": "on"},
    )

    # The same page again: every tick kept, the error beside its field, nothing saved.
    assert response.status_code == 200
    form = response.context["setup_form"]
    assert form.errors["password_manager_entry"] == ["Say where in the password manager they are."]
    assert form["two_factor"].value() and form["credentials_in_password_manager"].value()
    assert 'id="id_setup-password_manager_entry"' in response.text
    account.setup.refresh_from_db()
    assert not account.setup.credentials_in_password_manager
    assert not account.setup.two_factor


@pytest.mark.parametrize("persona", ["office_head", "owner", "staff"])
def test_only_dcct_ticks_the_checklist(request, client, make_account, persona):
    account = make_account("setting_up")
    client.force_login(request.getfixturevalue(persona))

    assert client.post(url(account, "setup/"), {"setup-two_factor": "on"}).status_code == 403
    account.setup.refresh_from_db()
    assert not account.setup.two_factor


def test_adding_an_unknown_person_says_so(client, make_account, dcct):
    account = make_account("live")
    client.force_login(dcct)

    response = client.post(
        url(account, "team/"), {"member-email": "nobody@example.org", "member-role": "editor"}
    )

    form = response.context["add_member_form"]
    assert "Nobody with this email address can sign in." in form.errors["email"][0]
    assert form["email"].value() == "nobody@example.org"
    assert account.members.count() == 2
    # Two forms on one page never share an id: the training form's email is its own.
    assert response.text.count('id="id_member-email"') == 1
    assert 'for="id_training-email"' in response.text


def test_remove_page_needs_a_reason(client, make_account, dcct):
    account = make_account("live")
    editor = account.members.get(role="editor")
    client.force_login(dcct)

    response = client.post(url(account, f"team/{editor.pk}/remove/"), {"reason": ""})

    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    editor.refresh_from_db()
    assert editor.removed_on is None


def test_training_form_checks_dates(client, make_account, dcct, owner):
    account = make_account("live")
    client.force_login(dcct)

    response = client.post(
        url(account, "training/"),
        {
            "training-email": owner.email,
            "training-course": "Moderation",
            "training-completed_on": "2026-05-01",
            "training-expires_on": "2026-04-01",
        },
    )

    form = response.context["training_form"]
    assert form.errors["expires_on"] == ["The expiry date must be after the completion date."]
    assert form["course"].value() == "Moderation"


def test_closure_form_needs_a_reason_and_explanation(client, make_account, office_head):
    account = make_account("live")
    client.force_login(office_head)

    response = client.post(
        url(account, "act/propose_closure/"), {"expected_state": "live", "explanation": ""}
    )

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"reason", "explanation"}
    assert Account.objects.get(pk=account.pk).state == "live"


def test_exit_strategy_form_refuses_a_missing_closing_date(client, make_account, office_head):
    account = make_account("closure_proposed")
    client.force_login(office_head)

    response = client.post(
        url(account, "act/agree_exit_strategy/"),
        {
            "expected_state": "closure_proposed",
            "final_post": "Bye",
            "redirect_to": "@ScotParl",
            "archive_location": "Records",
            "handle_outcome": "dormant",
            "closing_date": "",
        },
    )

    assert response.context["form"].errors["closing_date"]
    assert Account.objects.get(pk=account.pk).state == "closure_proposed"


def test_hec_sees_both_positions_of_a_closure(client, make_account, hec):
    account = make_account("closure_escalated")
    client.force_login(hec)

    page = client.get(url(account)).text

    assert "Keep it." in page and "Close it." in page
    assert "Close account" in page and "Retain account" in page


def test_exit_steps_are_ticked_while_closing(client, make_account, dcct):
    account = make_account("closing")
    client.force_login(dcct)
    today = datetime.date.today().isoformat()

    client.post(url(account, "exit-steps/"), {"exit-notice_four_weeks_on": today})

    account.exit_strategy.refresh_from_db()
    assert account.exit_strategy.notice_four_weeks_on == datetime.date.today()
    assert (
        client.post(
            url(account, "exit-steps/"), {"exit-notice_four_weeks_on": "x"}, follow=True
        ).status_code
        == 200
    )


def test_setting_up_the_checklist_and_going_live_through_the_pages(client, make_account, dcct):
    account = make_account("setting_up")
    complete_setup(account)
    client.force_login(dcct)
    page = client.get(url(account, "act/go_live/"))

    response = client.post(
        url(account, "act/go_live/"),
        {"expected_state": page.context["form"].initial["expected_state"]},
        follow=True,
    )

    assert "Go live: done." in response.text
    assert Account.objects.get(pk=account.pk).state == "live"


def test_dcct_records_the_handle_during_set_up(client, make_account, dcct):
    account = make_account("setting_up", handle="")
    client.force_login(dcct)

    client.post(
        url(account, "details/"),
        {
            "details-display_name": "Youth",
            "details-handle": "",
            "details-url": "instagram.com/holyrood.youth/",
        },
    )

    account.refresh_from_db()
    assert (account.handle, account.url) == (
        "holyrood.youth",
        "https://www.instagram.com/holyrood.youth",
    )
    response = client.post(
        url(account, "details/"),
        {"details-display_name": "Youth", "details-handle": "bad handle!", "details-url": ""},
        follow=True,
    )
    assert "is not a valid Instagram handle" in response.text
    account.refresh_from_db()
    assert account.handle == "holyrood.youth"


def test_only_dcct_records_details_before_go_live(client, make_account, owner):
    account = make_account("setting_up")
    client.force_login(owner)

    assert client.post(url(account, "details/"), {"details-display_name": "X"}).status_code == 403


def test_exit_steps_cannot_be_dated_ahead(client, make_account, dcct):
    account = make_account("closing")
    client.force_login(dcct)
    ahead = (datetime.date.today() + datetime.timedelta(days=3)).isoformat()

    response = client.post(
        url(account, "exit-steps/"), {"exit-notice_four_weeks_on": ahead}, follow=True
    )

    assert "the date cannot be ahead" in response.text
    account.exit_strategy.refresh_from_db()
    assert account.exit_strategy.notice_four_weeks_on is None


@pytest.mark.parametrize("days_ahead", [-2000, 0, 27])
def test_an_exit_strategy_leaves_four_weeks_for_the_notices(
    client, make_account, office_head, days_ahead
):
    account = make_account("closure_proposed")
    client.force_login(office_head)
    today = datetime.date.today()
    earliest = today + datetime.timedelta(days=28)

    response = client.post(
        url(account, "act/agree_exit_strategy/"),
        {
            "expected_state": "closure_proposed",
            "final_post": "Bye",
            "redirect_to": "@ScotParl",
            "archive_location": "Records",
            "handle_outcome": "dormant",
            "closing_date": (today + datetime.timedelta(days=days_ahead)).isoformat(),
        },
    )

    assert response.context["form"].errors["closing_date"] == [
        "Followers are told 28 days before an account closes: the earliest closing date is "
        f"{earliest:%-d %B %Y}."
    ]
    assert response.context["form"]["final_post"].value() == "Bye"
    assert Account.objects.get(pk=account.pk).state == "closure_proposed"


def test_a_service_caller_cannot_skip_the_notice_period(make_account, office_head, dcct):
    from django.core.exceptions import ValidationError

    from accounts import services
    from tests.accounts.conftest import exit_strategy

    account = make_account("closure_proposed")
    soon = datetime.date.today() + datetime.timedelta(days=3)

    with pytest.raises(ValidationError) as refused:
        services.agree_exit_strategy(
            account=account, actor=office_head, exit_strategy=exit_strategy(closing_date=soon)
        )

    assert "closing_date" in refused.value.message_dict
    assert Account.objects.get(pk=account.pk).state == "closure_proposed"


def test_account_page_queries_do_not_grow_with_escalations(
    client, make_account, hec, dcct, django_assert_max_num_queries
):
    from accounts.models import ClosureEscalation

    account = make_account("closure_escalated")
    client.force_login(hec)
    client.get(url(account))
    with django_assert_max_num_queries(40) as few:
        client.get(url(account))
    for _ in range(4):
        ClosureEscalation.objects.create(
            account=account,
            business_area_position="a",
            dcct_position="b",
            escalated_by=dcct,
            decided_by=hec,
            decided_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url(account))


def test_hec_closes_an_account_through_its_page_with_the_exit_strategy(client, make_account, hec):
    account = make_account("closure_escalated")
    client.force_login(hec)
    stamp = client.get(url(account, "act/close_account/")).context["form"].initial

    response = client.post(
        url(account, "act/close_account/"),
        {
            "expected_state": stamp["expected_state"],
            "comment": "The audience has moved on.",
            "final_post": "This account is closing; follow @ScotParl.",
            "redirect_to": "@ScotParl",
            "archive_location": "Records store",
            "handle_outcome": "dormant",
            "closing_date": (datetime.date.today() + datetime.timedelta(days=30)).isoformat(),
        },
        follow=True,
    )

    assert "Close account: done." in response.text
    account = Account.objects.get(pk=account.pk)
    assert account.state == "closing"
    assert account.exit_strategy.agreed_by == hec
    assert account.escalations.get().ruling == "close_account"


def test_hec_closing_without_reasons_keeps_what_was_typed(client, make_account, hec):
    account = make_account("closure_escalated")
    client.force_login(hec)

    response = client.post(
        url(account, "act/close_account/"),
        {"expected_state": "closure_escalated", "final_post": "Bye", "redirect_to": "@ScotParl"},
    )

    form = response.context["form"]
    assert "comment" in form.errors and "closing_date" in form.errors
    assert form["final_post"].value() == "Bye"
    assert Account.objects.get(pk=account.pk).state == "closure_escalated"


def test_set_up_saves_the_details_and_the_checklist_with_one_button(client, make_account, dcct):
    account = make_account("setting_up", handle="")
    client.force_login(dcct)

    response = client.post(
        url(account, "setup/"),
        {
            "details-display_name": "Holyrood youth",
            "details-handle": "@holyrood.youth",
            "details-url": "",
            "setup-two_factor": "on",
        },
        follow=True,
    )

    assert "Set-up saved." in response.text
    account = Account.objects.get(pk=account.pk)
    assert (account.display_name, account.handle) == ("Holyrood youth", "holyrood.youth")
    assert account.setup.two_factor


def test_a_refused_detail_saves_nothing_of_the_set_up(client, make_account, dcct):
    account = make_account("setting_up")
    client.force_login(dcct)

    response = client.post(
        url(account, "setup/"),
        {
            "details-display_name": "Holyrood youth",
            "details-url": "https://faketwitter.com/HolyroodYouth",
            "setup-two_factor": "on",
        },
    )

    assert response.context["details_form"].errors["url"]
    assert response.context["setup_form"]["two_factor"].value()
    assert not Account.objects.get(pk=account.pk).setup.two_factor


def test_accounts_of_the_same_name_have_titles_that_tell_them_apart(client, dcct):
    from tests.factories import AccountFactory, PlatformFactory

    first = AccountFactory(display_name="Scottish Parliament", state="live")
    second = AccountFactory(
        display_name="Scottish Parliament",
        state="live",
        platform=PlatformFactory(name="Bluesky", slug="bluesky-test"),
    )
    client.force_login(dcct)

    titles = {
        client.get(url(account)).text.split("<title>")[1].split("</title>")[0]
        for account in (first, second)
    }

    assert len(titles) == 2
    assert "Scottish Parliament on Bluesky – Social media governance" in titles


def test_steps_of_an_exit_strategy_agreed_under_the_old_rule_can_still_be_ticked(
    client, make_account, dcct
):
    account = make_account("closing")
    soon = datetime.date.today() + datetime.timedelta(days=5)
    ExitStrategy.objects.filter(account=account).update(closing_date=soon)
    client.force_login(dcct)

    response = client.post(
        url(account, "exit-steps/"), {"exit-notice_two_days_on": datetime.date.today()}
    )

    assert response.status_code == 302
    assert ExitStrategy.objects.get(account=account).notice_two_days_on == datetime.date.today()
