import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts import services
from accounts.models import AccountEvent
from people import policy
from people.models import TrainingRecord
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("persona", ["dcct", "office_head", "owner"])
def test_team_changes_by_dcct_head_or_owner_are_logged(request, make_account, office, persona):
    account = make_account("live")
    newcomer = UserFactory(office=office)
    actor = request.getfixturevalue(persona)

    member = services.add_member(
        account=account, actor=actor, person=newcomer, role="moderator", provides_cover=True
    )
    services.remove_member(account=account, actor=actor, member=member, reason="Moved to SPICe")

    member.refresh_from_db()
    assert (member.removed_on, member.removal_reason) == (datetime.date.today(), "Moved to SPICe")
    actions = list(AccountEvent.objects.filter(account=account).values_list("action", flat=True))
    assert actions == ["add_member", "remove_member"]


@pytest.mark.parametrize("persona", ["staff", "outsider", "hec", "policy_owner"])
def test_others_cannot_change_the_team(request, make_account, office, persona):
    account = make_account("live")

    with pytest.raises(PermissionDenied):
        services.add_member(
            account=account,
            actor=request.getfixturevalue(persona),
            person=UserFactory(office=office),
            role="editor",
        )
    assert account.members.count() == 2


def test_removing_someone_needs_a_reason(make_account, dcct):
    account = make_account("live")
    editor = account.members.get(role="editor")

    with pytest.raises(ValidationError):
        services.remove_member(account=account, actor=dcct, member=editor, reason="  ")
    editor.refresh_from_db()
    assert editor.removed_on is None


def test_the_last_owner_cannot_leave_before_handing_over(make_account, dcct):
    account = make_account("live")
    owner_place = account.members.get(role="owner")

    with pytest.raises(ValidationError, match="Hand ownership"):
        services.remove_member(account=account, actor=dcct, member=owner_place, reason="Leaver")


def test_hand_over_makes_a_new_owner_and_the_old_one_an_editor(make_account, dcct, owner):
    account = make_account("live")
    editor = account.members.get(role="editor")

    services.hand_over(account=account, actor=dcct, new_owner=editor)

    assert account.members.get(person=owner).role == "editor"
    assert account.members.get(pk=editor.pk).role == "owner"
    event = AccountEvent.objects.get(account=account)
    assert event.comment == f"From {owner} to {editor.person}."


def test_someone_already_on_the_team_is_not_added_twice(make_account, dcct, owner):
    account = make_account("live")

    with pytest.raises(ValidationError, match="already on the team"):
        services.add_member(account=account, actor=dcct, person=owner, role="editor")


def test_dcct_records_training_and_it_counts_at_once(make_account, dcct):
    account = make_account("setting_up", trained=False)
    person = account.members.get(role="owner").person

    services.record_training(
        account=account,
        actor=dcct,
        person=person,
        course="Moderation",
        completed_on=datetime.date.today(),
    )

    record = TrainingRecord.objects.get(person=person)
    assert record.recorded_by == dcct
    assert AccountEvent.objects.filter(account=account, action="record_training").exists()


def test_only_dcct_records_training(make_account, office_head):
    account = make_account("live")

    with pytest.raises(PermissionDenied):
        services.record_training(
            account=account,
            actor=office_head,
            person=office_head,
            course="x",
            completed_on=datetime.date.today(),
        )


def test_training_that_expires_before_it_is_completed_is_refused(make_account, dcct, owner):
    account = make_account("live")

    with pytest.raises(ValidationError):
        services.record_training(
            account=account,
            actor=dcct,
            person=owner,
            course="x",
            completed_on=datetime.date(2026, 5, 1),
            expires_on=datetime.date(2026, 4, 1),
        )
    assert not TrainingRecord.objects.filter(course="x").exists()


def test_a_team_below_two_trained_people_is_flagged(make_account, dcct):
    account = make_account("live")
    assert len(account.trained_team()) >= policy.MIN_TRAINED_TEAM

    for record in TrainingRecord.objects.all()[:1]:
        record.expires_on = datetime.date.today() - datetime.timedelta(days=1)
        record.completed_on = datetime.date.today() - datetime.timedelta(days=400)
        record.save()

    from accounts.models import Account

    assert len(Account.objects.get(pk=account.pk).trained_team()) < policy.MIN_TRAINED_TEAM
