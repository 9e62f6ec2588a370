"""What DCCT's queue of teams below policy.MIN_TRAINED_TEAM trained and the register read from the
account's own row: the days its team is trained (team_trained_from/until), kept by every change
to a team or its training and repaired daily, and its platform's place in the register's order."""

import datetime
import random
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from accounts import register, services
from accounts.models import Account, AccountMember, trained_period
from accounts.selectors import untrained_teams
from accounts.services import load_platform_catalogue
from people import policy
from people.models import TrainingRecord
from tests.factories import AccountFactory, PlatformFactory, TrainingRecordFactory, UserFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def days(n):
    return TODAY + n * DAY


def untrained(on=TODAY):
    return set(untrained_teams(today=on))


def kept(account):
    account.refresh_from_db()
    return account.team_trained_from, account.team_trained_until


# --- The rule -----------------------------------------------------------------------------------


def test_a_team_is_trained_from_its_second_trained_person_until_the_first_expiry():
    training = {1: [(days(-30), days(300))], 2: [(days(-10), days(100))]}

    assert trained_period(training, on=TODAY, minimum=2) == (days(-10), days(100))


def test_training_that_does_not_expire_leaves_the_run_open():
    training = {1: [(days(-30), None)], 2: [(days(-10), None)]}

    assert trained_period(training, on=TODAY, minimum=2) == (days(-10), None)


def test_one_persons_records_count_them_once_and_join_end_to_end():
    training = {1: [(days(-30), days(5)), (days(6), days(50)), (days(-20), days(1))]}

    assert trained_period(training, on=TODAY, minimum=1) == (days(-30), days(50))
    assert trained_period(training, on=TODAY, minimum=2) == (None, None)


def test_a_team_not_trained_today_keeps_the_next_run():
    training = {1: [(days(-300), days(-1)), (days(20), None)], 2: [(days(-300), None)]}

    assert trained_period(training, on=TODAY, minimum=2) == (days(20), None)
    assert trained_period(training, on=days(-5), minimum=2) == (days(-300), days(-1))


def test_a_team_whose_training_has_all_ended_has_none():
    assert trained_period({1: [(days(-300), days(-1))]}, on=TODAY, minimum=1) == (None, None)
    assert trained_period({}, on=TODAY, minimum=2) == (None, None)


def test_the_kept_days_list_the_same_teams_as_counting_the_training_each_day(make_account):
    """For teams of every shape, on every day from today until the run kept ends, the queue
    lists exactly the teams that counting their members' current training finds short."""
    rng = random.Random(13)
    accounts = []
    for _ in range(12):
        account = make_account(rng.choice(["live", "setting_up"]), trained=False)
        for person in [m.person for m in account.members.all()] + [UserFactory()]:
            if not AccountMember.objects.filter(account=account, person=person).exists():
                AccountMember.objects.create(account=account, person=person)
            for _ in range(rng.randint(0, 2)):
                start = days(rng.randint(-400, 60))
                end = rng.choice([None, start + rng.randint(1, 400) * DAY])
                TrainingRecordFactory(person=person, completed_on=start, expires_on=end)
        accounts.append(account)

    accounts = [Account.objects.get(pk=account.pk) for account in accounts]
    for day in [days(offset) for offset in range(0, 400, 9)]:
        # A kept run holds until it ends; after that, the daily job looks for the next.
        exact = {
            account
            for account in accounts
            if None in (account.team_trained_from, account.team_trained_until)
            or day <= account.team_trained_until
        }
        counted = {
            account
            for account in exact
            if len(account.trained_team(on=day)) < policy.MIN_TRAINED_TEAM
        }
        assert untrained(on=day) & exact == counted, day


# --- Every change that moves it -------------------------------------------------------------------


def test_training_recorded_on_the_account_page_counts_at_once(make_account, dcct, owner):
    account = make_account("setting_up", trained=False)
    editor = account.members.get(role="editor").person
    assert account in untrained()

    for person in (owner, editor):
        services.record_training(
            account=account, actor=dcct, person=person, course="Basics", completed_on=days(-1)
        )

    assert kept(account) == (days(-1), None)
    assert account not in untrained()


def test_training_that_expires_leaves_the_queue_the_day_after_without_a_job(make_account):
    account = make_account("live")
    record = TrainingRecord.objects.filter(person__account_memberships__account=account).first()
    record.expires_on = days(10)
    record.save()

    assert kept(account)[1] == days(10)
    assert account not in untrained(on=days(10))
    assert account in untrained(on=days(11))


def test_training_booked_ahead_counts_from_its_day_without_a_job(make_account, dcct, owner):
    account = make_account("live", trained=False)
    editor = account.members.get(role="editor").person
    TrainingRecordFactory(person=editor, completed_on=days(-5), expires_on=None)

    services.record_training(
        account=account, actor=dcct, person=owner, course="Basics", completed_on=days(3)
    )

    assert account in untrained(on=days(2))
    assert account not in untrained(on=days(3))


@pytest.mark.parametrize("persona", ["owner", "editor"])
def test_a_member_leaving_can_leave_the_team_short(make_account, dcct, owner, persona):
    account = make_account("live")
    if persona == "owner":
        services.hand_over(
            account=account, actor=dcct, new_owner=account.members.get(role="editor")
        )
    leaving = owner if persona == "owner" else account.members.get(role="editor").person
    member = account.members.get(person=leaving)

    services.remove_member(account=account, actor=dcct, member=member, reason="Moved on.")

    assert kept(account) == (None, None)
    assert account in untrained()


def test_a_trained_newcomer_brings_the_team_up_to_strength(make_account, dcct, office):
    account = make_account("live")
    services.remove_member(
        account=account,
        actor=dcct,
        member=account.members.get(role="editor"),
        reason="Moved on.",
    )
    assert account in untrained()
    newcomer = UserFactory(office=office)
    TrainingRecordFactory(person=newcomer, completed_on=days(-3), expires_on=None)

    services.add_member(account=account, actor=dcct, person=newcomer, role="editor")

    assert account not in untrained()


def test_an_account_set_up_from_a_proposal_counts_its_teams_training(make_proposal, dcct):
    from proposals import services as proposal_services

    proposal = make_proposal("approved", outcome="as_proposed")
    for member in proposal.team.all():
        TrainingRecordFactory(person=member.person, completed_on=days(-2), expires_on=days(200))

    proposal_services.start_set_up(proposal=proposal, actor=dcct)

    account = Account.objects.get(proposal=proposal)
    assert (account.team_trained_from, account.team_trained_until) == (days(-2), days(200))
    assert account not in untrained()


def test_accounts_from_the_inventory_import_count_their_owners_training(client, dcct, office):
    load_platform_catalogue()
    ann = UserFactory(office=office, email="ann@example.org")
    bob = UserFactory(office=office, email="bob@example.org")
    TrainingRecordFactory(person=ann, completed_on=days(-9), expires_on=None)
    TrainingRecordFactory(person=bob, completed_on=days(-4), expires_on=None)
    text = (
        "platform,handle,url,office,owner_emails,display_name,kind\n"
        f"X,@ScotParlYouth,,{office.name},ann@example.org;bob@example.org,Youth,business area\n"
        f"X,@ScotParlSolo,,{office.name},ann@example.org,Solo,business area\n"
    )
    client.force_login(dcct)
    file = SimpleUploadedFile("inventory.csv", text.encode(), content_type="text/csv")
    preview = client.post("/accounts/import/", {"file": file})

    client.post("/accounts/import/", {"payload": preview.context["payload"]})

    youth, solo = (
        Account.objects.get(handle="ScotParlYouth"),
        Account.objects.get(handle="ScotParlSolo"),
    )
    assert kept(youth) == (days(-4), None)
    assert untrained() & {youth, solo} == {solo}


def test_training_added_corrected_and_removed_in_the_admin_counts(
    client, make_account, administrator, owner
):
    account = make_account("live", trained=False)
    editor = account.members.get(role="editor").person
    TrainingRecordFactory(person=editor, completed_on=days(-20), expires_on=None)
    client.force_login(administrator)

    added = client.post(
        "/admin/people/trainingrecord/add/",
        {"person": owner.pk, "course": "Basics", "completed_on": days(-7), "expires_on": ""},
    )
    assert added.status_code == 302
    assert kept(account) == (days(-7), None)

    record = TrainingRecord.objects.get(person=owner)
    someone_else = UserFactory()
    client.post(
        f"/admin/people/trainingrecord/{record.pk}/change/",
        {"person": someone_else.pk, "course": "Basics", "completed_on": days(-7), "expires_on": ""},
    )
    assert kept(account) == (None, None)  # the record was another person's

    record.person = owner
    record.save()
    assert account not in untrained()
    client.post(f"/admin/people/trainingrecord/{record.pk}/delete/", {"post": "yes"})
    assert not TrainingRecord.objects.filter(pk=record.pk).exists()
    assert account in untrained()


def _as_posted(page):
    """What an admin change page posts back as it stands: its form and its inlines' rows."""
    data = {}
    for formset in (inline.formset for inline in page.context["inline_admin_formsets"]):
        for form in [formset.management_form, *formset.forms]:
            data |= {form.add_prefix(name): form[name].value() for name in form.fields}
    form = page.context["adminform"].form
    data |= {name: form[name].value() for name in form.fields if name != "password"}
    joined = timezone.localtime(data.pop("date_joined"))  # two boxes in the admin
    data |= {"date_joined_0": joined.date().isoformat(), "date_joined_1": "09:00:00"}
    return {name: value for name, value in data.items() if value is not None and value is not False}


def test_training_added_on_the_persons_page_in_the_admin_counts(
    client, make_account, administrator, owner
):
    account = make_account("live", trained=False)
    TrainingRecordFactory(person=account.members.get(role="editor").person, expires_on=None)
    client.force_login(administrator)
    url = f"/admin/people/user/{owner.pk}/change/"
    data = _as_posted(client.get(url)) | {
        "training_records-TOTAL_FORMS": "1",
        "training_records-0-course": "Basics",
        "training_records-0-completed_on": days(-1).isoformat(),
        "training_records-0-expires_on": "",
        "training_records-0-person": owner.pk,
    }

    assert client.post(url, data).status_code == 302

    assert TrainingRecord.objects.filter(person=owner).exists()
    assert kept(account) == (days(-1), None)


# --- The daily repair ---------------------------------------------------------------------------


def test_the_daily_job_puts_a_wrong_value_right(make_account):
    trained = make_account("live")
    short = make_account("live", trained=False)
    Account.objects.filter(pk=trained.pk).update(team_trained_from=None, team_trained_until=None)
    Account.objects.filter(pk=short.pk).update(team_trained_from=days(-9))
    assert untrained() == {trained}

    out = StringIO()
    call_command("refresh_account_facts", stdout=out)

    assert untrained() == {short}
    assert "2 accounts put right" in out.getvalue()
    call_command("refresh_account_facts", stdout=out)
    assert "0 accounts put right" in out.getvalue()


def test_the_daily_job_follows_a_run_that_ended_with_the_next(make_account, dcct, owner):
    account = make_account("live", trained=False)
    editor = account.members.get(role="editor").person
    TrainingRecordFactory(person=editor, completed_on=days(-400), expires_on=None)
    TrainingRecordFactory(person=owner, completed_on=days(-400), expires_on=days(-300))
    TrainingRecordFactory(person=owner, completed_on=days(-10), expires_on=None)
    Account.objects.filter(pk=account.pk).update(
        team_trained_from=days(-400), team_trained_until=days(-300)
    )  # as kept 300 days ago

    services.refresh_all_team_training()

    assert kept(account) == (days(-10), None)


# --- The register's order -----------------------------------------------------------------------


def test_an_account_takes_its_platforms_place_and_follows_it(office):
    first = PlatformFactory(slug="first", name="First", sort_order=10)
    second = PlatformFactory(slug="second", name="Second", sort_order=20)
    a = AccountFactory(platform=second, display_name="alpha", office=office)
    b = AccountFactory(platform=first, display_name="Beta", office=office)
    c = AccountFactory(platform=first, display_name="alpha", office=office)
    assert (a.platform_sort_order, b.platform_sort_order) == (20, 10)
    assert list(register.public_accounts()) == [c, b, a]

    second.sort_order = 5
    second.save()

    assert list(register.public_accounts()) == [a, c, b]
    assert list(Account.objects.all()) == [a, c, b]


def test_reordering_platforms_in_the_admins_list_reorders_the_register(
    client, administrator, office
):
    first = PlatformFactory(slug="first", name="First", sort_order=10)
    second = PlatformFactory(slug="second", name="Second", sort_order=20)
    a = AccountFactory(platform=first, office=office)
    b = AccountFactory(platform=second, office=office)
    client.force_login(administrator)
    page = client.get("/admin/accounts/platform/")
    data = {
        "form-TOTAL_FORMS": "2",
        "form-INITIAL_FORMS": "2",
        "_save": "Save",
    }
    for index, platform in enumerate(page.context["cl"].result_list):
        data[f"form-{index}-id"] = platform.pk
        data[f"form-{index}-sort_order"] = 30 if platform == first else platform.sort_order

    assert client.post("/admin/accounts/platform/", data).status_code == 302

    assert list(register.public_accounts()) == [b, a]


def test_loading_the_catalogue_again_keeps_the_register_in_its_order(office):
    load_platform_catalogue()
    from accounts.models import Platform

    x = Platform.objects.get(slug="x")
    account = AccountFactory(platform=x, office=office)
    Platform.objects.filter(pk=x.pk).update(sort_order=999)
    Account.objects.filter(pk=account.pk).update(platform_sort_order=999)

    load_platform_catalogue()

    account.refresh_from_db()
    assert account.platform_sort_order == Platform.objects.get(slug="x").sort_order != 999
