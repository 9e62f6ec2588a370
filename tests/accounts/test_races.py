"""An account's rules of "at least N" hold when people act at the same moment: it always keeps
an owner, it goes live only with policy.MIN_TRAINED_TEAM trained people on the team as it is
when it goes live, and nobody is on its team twice. The team's changes lock the account
(accounts.services._lock); so do its steps (workflow.transitions.run).

The first tests run everywhere: a page acting on what it read earlier. Those marked
`on_postgresql` race real threads and connections."""

import pytest

from accounts import services
from accounts.models import Account, AccountEvent, AccountMember
from people import policy
from tests.accounts.conftest import complete_setup
from tests.factories import UserFactory
from tests.races import at_once, changed_message, meet_before, on_postgresql, signed_in
from workflow import transitions


def url(account, rest=""):
    return f"/accounts/{account.pk}/{rest}"


def current_owners(account):
    return list(
        AccountMember.objects.filter(
            account=account, role="owner", removed_on__isnull=True
        ).values_list("person", flat=True)
    )


@pytest.fixture
def two_owners(make_account, office):
    """A live account with two owners (and an editor)."""
    account = make_account("live")
    AccountMember.objects.create(account=account, person=UserFactory(office=office), role="owner")
    return account


# --- Pages acting on what they read earlier -------------------------------------------------------


@pytest.mark.django_db
def test_going_live_from_a_page_read_before_the_details_changed_keeps_the_new_details(
    make_account, dcct, second_dcct
):
    """DCCT puts the handle right while another DCCT member, on a page read before, presses
    "Go live": the account goes live on the handle as corrected, never the old one written
    back (transitions.lock reads every field again)."""
    account = make_account("setting_up", handle="ScotParlTypo", display_name="Old name")
    complete_setup(account)
    read_before = Account.objects.get(pk=account.pk)

    services.update_details(
        account=account, actor=second_dcct, display_name="Holyrood Youth", handle="ScotParlYouth"
    )
    services.go_live(account=read_before, actor=dcct)

    account.refresh_from_db()
    assert (account.state, account.handle, account.display_name) == (
        "live",
        "ScotParlYouth",
        "Holyrood Youth",
    )
    assert read_before.handle == "ScotParlYouth"  # its rules were checked on the new handle


@pytest.mark.django_db
def test_a_step_keeps_what_its_caller_set_and_reads_the_rest_again(make_account, dcct):
    """What the caller has set on its copy since reading it is its own to save; everything
    else is read again as committed."""
    account = make_account("setting_up", handle="ScotParlTypo", display_name="Old name")
    read_before = Account.objects.get(pk=account.pk)
    Account.objects.filter(pk=account.pk).update(handle="ScotParlYouth")
    read_before.display_name = "Set by the caller"

    assert transitions.lock(read_before) == "setting_up"

    assert (read_before.handle, read_before.display_name) == ("ScotParlYouth", "Set by the caller")


@pytest.mark.django_db
def test_an_owner_removed_from_a_page_read_before_the_other_left_is_refused(two_owners, dcct):
    """Both owners were on the page when it opened; the other has left since."""
    first, second = AccountMember.objects.filter(account=two_owners, role="owner")
    page_account = Account.objects.prefetch_related("members").get(pk=two_owners.pk)
    services.remove_member(account=two_owners, actor=dcct, member=first, reason="Leaver")

    with pytest.raises(Exception, match="Hand ownership"):
        services.remove_member(account=page_account, actor=dcct, member=second, reason="Leaver")

    assert current_owners(two_owners) == [second.person_id]


@pytest.mark.django_db
def test_someone_made_owner_since_the_page_opened_counts_as_owner(make_account, dcct, owner):
    account = make_account("live")
    editor_as_read = account.members.get(role="editor")
    services.hand_over(
        account=account, actor=dcct, new_owner=account.members.get(pk=editor_as_read.pk)
    )

    with pytest.raises(Exception, match="Hand ownership"):
        services.remove_member(account=account, actor=dcct, member=editor_as_read, reason="Moved")

    assert current_owners(account) == [editor_as_read.person_id]


@pytest.mark.django_db
def test_removing_someone_who_already_left_says_so_and_changes_nothing(make_account, dcct):
    account = make_account("live")
    editor = account.members.get(role="editor")
    stale = account.members.get(pk=editor.pk)
    services.remove_member(account=account, actor=dcct, member=editor, reason="Leaver")

    with pytest.raises(Exception, match="is no longer on the team"):
        services.remove_member(account=account, actor=dcct, member=stale, reason="Again")

    assert AccountEvent.objects.filter(account=account, action="remove_member").count() == 1
    editor.refresh_from_db()
    assert editor.removal_reason == "Leaver"


@pytest.mark.django_db
def test_a_second_tab_removing_someone_who_left_is_told_so(client, make_account, dcct):
    account = make_account("live")
    editor = account.members.get(role="editor")
    client.force_login(dcct)
    client.post(url(account, f"team/{editor.pk}/remove/"), {"reason": "Leaver"})

    response = client.post(
        url(account, f"team/{editor.pk}/remove/"), {"reason": "Leaver"}, follow=True
    )

    assert response.redirect_chain[-1][0] == url(account) + "#team"
    assert "has already left the team" in response.text
    assert AccountEvent.objects.filter(account=account, action="remove_member").count() == 1


@pytest.mark.django_db
def test_handing_over_to_someone_who_left_is_told_so(client, make_account, dcct, owner):
    account = make_account("live")
    editor = account.members.get(role="editor")
    client.force_login(dcct)
    client.post(url(account, f"team/{editor.pk}/remove/"), {"reason": "Leaver"})

    response = client.post(url(account, f"team/{editor.pk}/owner/"), follow=True)

    assert response.status_code == 200
    assert "has already left the team" in response.text
    assert current_owners(account) == [owner.pk]


@pytest.mark.django_db
def test_the_service_refuses_a_hand_over_to_someone_who_left_meanwhile(make_account, dcct, owner):
    account = make_account("live")
    editor = account.members.get(role="editor")
    stale = account.members.get(pk=editor.pk)
    services.remove_member(account=account, actor=dcct, member=editor, reason="Leaver")

    with pytest.raises(Exception, match="Choose someone on the team"):
        services.hand_over(account=account, actor=dcct, new_owner=stale)

    assert current_owners(account) == [owner.pk]


@pytest.mark.django_db
def test_a_second_tab_adding_the_same_person_is_told_so(client, make_account, dcct, office):
    account = make_account("live")
    person = UserFactory(office=office)
    client.force_login(dcct)
    data = {"member-email": person.email, "member-role": "editor"}
    client.post(url(account, "team/"), data)

    response = client.post(url(account, "team/"), data)

    assert response.status_code == 200
    assert "is already on the team" in response.context["add_member_form"].non_field_errors()[0]
    assert AccountMember.objects.filter(account=account, person=person).count() == 1


# --- Real races on PostgreSQL ---------------------------------------------------------------------


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_owners_removed_at_the_same_moment_leave_one(
    monkeypatch, two_owners, dcct, office_head
):
    """The issue's case: both removals succeeded and the live account had no owner."""
    first, second = AccountMember.objects.filter(account=two_owners, role="owner")
    meet_before(monkeypatch, (services, "remove_member"))
    browsers = [signed_in(dcct), signed_in(office_head)]

    responses = at_once(
        *(
            lambda browser=browser, member=member: browser.post(
                url(two_owners, f"team/{member.pk}/remove/"), {"reason": "Leaver"}
            )
            for browser, member in zip(browsers, (first, second), strict=True)
        )
    )

    assert sorted(response.status_code for response in responses) == [200, 302]
    refused = next(response for response in responses if response.status_code == 200)
    assert "Hand ownership to someone else before the owner leaves." in refused.text
    assert len(current_owners(two_owners)) == 1
    assert AccountEvent.objects.filter(account=two_owners, action="remove_member").count() == 1


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_the_same_person_added_from_two_pages_at_once_is_added_once(
    monkeypatch, make_account, dcct, second_dcct, office
):
    account = make_account("live")
    person = UserFactory(office=office)
    meet_before(monkeypatch, (services, "add_member"))
    data = {"member-email": person.email, "member-role": "editor"}
    browsers = [signed_in(dcct), signed_in(second_dcct)]

    responses = at_once(*(lambda b=b: b.post(url(account, "team/"), data) for b in browsers))

    assert sorted(response.status_code for response in responses) == [200, 302]
    refused = next(response for response in responses if response.status_code == 200)
    assert "is already on the team" in refused.text
    assert AccountMember.objects.filter(account=account, person=person).count() == 1
    assert AccountEvent.objects.filter(account=account, action="add_member").count() == 1


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_going_live_while_a_trained_member_leaves_needs_the_team_as_it_is(
    monkeypatch, make_account, dcct, second_dcct
):
    """Exactly policy.MIN_TRAINED_TEAM trained, one of them leaving as DCCT presses "Go live":
    either the account went live first (and the leaver left a live account), or the leaver
    left first and going live is refused; never live on a team that had already shrunk."""
    assert policy.MIN_TRAINED_TEAM == 2
    account = make_account("setting_up")
    complete_setup(account)
    editor = account.members.get(role="editor")
    meet_before(monkeypatch, (services.ACTIONS, "go_live"), (services, "remove_member"))
    stamp = transitions.stamp(account)

    going_live, leaving = at_once(
        lambda: signed_in(dcct).post(url(account, "act/go_live/"), {"expected_state": stamp}),
        lambda: signed_in(second_dcct).post(
            url(account, f"team/{editor.pk}/remove/"), {"reason": "Leaver"}
        ),
    )

    assert leaving.status_code == 302
    account.refresh_from_db()
    order = list(
        AccountEvent.objects.filter(account=account).order_by("pk").values_list("action", flat=True)
    )
    if account.state == "live":
        assert going_live.status_code == 302
        assert order == ["go_live", "remove_member"]
    else:
        assert going_live.status_code == 200
        assert "need current training (1 have it)" in going_live.text
        assert order == ["remove_member"]


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_handing_over_to_someone_leaving_at_that_moment_keeps_an_owner(
    monkeypatch, make_account, dcct, office_head
):
    account = make_account("live")
    editor = account.members.get(role="editor")
    meet_before(monkeypatch, (services, "hand_over"), (services, "remove_member"))

    handing, leaving = at_once(
        lambda: signed_in(dcct).post(url(account, f"team/{editor.pk}/owner/"), follow=True),
        lambda: signed_in(office_head).post(
            url(account, f"team/{editor.pk}/remove/"), {"reason": "Leaver"}
        ),
    )

    assert handing.status_code == 200 and leaving.status_code in (200, 302)
    assert len(current_owners(account)) == 1
    if leaving.status_code == 302:  # left first: the hand-over was refused
        assert "no longer on the team" in handing.text
    else:  # became owner first: then their leaving needs a hand-over
        assert "Hand ownership" in leaving.text


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_people_proposing_closure_at_once_make_one_proposal(make_account, dcct, office_head):
    account = make_account("live")
    stamp = transitions.stamp(account)
    data = {"reason": "not_effective", "explanation": "Quiet for a year.", "expected_state": stamp}

    responses = at_once(
        *(
            lambda person=person: signed_in(person).post(
                url(account, "act/propose_closure/"), data, follow=True
            )
            for person in (dcct, office_head)
        )
    )

    assert [response.status_code for response in responses] == [200, 200]
    assert sorted(changed_message(response) for response in responses) == [False, True]
    assert AccountEvent.objects.filter(account=account, action="propose_closure").count() == 1
    assert Account.objects.get(pk=account.pk).state == "closure_proposed"


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_accounts_going_live_on_one_handle_at_once_make_one_live(
    monkeypatch, make_account, dcct, second_dcct
):
    """Each passes the guard (the other is not live yet); the database's unique constraint
    stops the second, and the page says why."""
    accounts = [make_account("setting_up", handle="ScotParlYouth") for _ in range(2)]
    for account in accounts:
        complete_setup(account)
    meet_before(monkeypatch, (services.ACTIONS, "go_live"))

    responses = at_once(
        *(
            lambda person=person, account=account: signed_in(person).post(
                url(account, "act/go_live/"),
                {"expected_state": transitions.stamp(account)},
            )
            for person, account in zip((dcct, second_dcct), accounts, strict=True)
        )
    )

    assert sorted(response.status_code for response in responses) == [200, 302]
    refused = next(response for response in responses if response.status_code == 200)
    assert "already" in refused.text and "handle" in refused.text
    assert Account.objects.filter(state="live", handle__iexact="ScotParlYouth").count() == 1


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_training_recorded_as_its_person_joins_the_team_is_counted(
    monkeypatch, make_account, dcct, second_dcct, owner, office
):
    """Each would count the team without the other's change, still uncommitted: the person's
    lock, taken by both, makes the second count after the first has committed."""
    import datetime

    from accounts.selectors import untrained_teams
    from tests.factories import TrainingRecordFactory

    account = make_account("live", trained=False)
    TrainingRecordFactory(person=owner, expires_on=None)
    newcomer = UserFactory(office=office)
    meet_before(monkeypatch, (services, "refresh_team_training"))

    results = at_once(
        lambda: services.add_member(
            account=Account.objects.get(pk=account.pk), actor=dcct, person=newcomer, role="editor"
        ),
        lambda: services.record_training(
            account=Account.objects.get(pk=account.pk),
            actor=second_dcct,
            person=newcomer,
            course="Basics",
            completed_on=datetime.date.today(),
        ),
    )

    assert not [result for result in results if isinstance(result, Exception)]
    assert account not in untrained_teams(today=datetime.date.today())
