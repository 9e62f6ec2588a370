"""The yearly recertification's steps: the owner's answers (all "yes": recertified; any "no":
DCCT follows it up), DCCT closing the follow-up, and DCCT moving the date; who may take each,
what is refused, and that nothing is half-saved."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from accounts.models import Account, AccountEvent, AccountMember, AccountState, ExitStrategy
from evaluation import services
from evaluation.models import (
    RECERTIFICATION_FIELDS,
    Recertification,
    RecertificationEvent,
    RecertificationSchedule,
    add_months,
)
from people import policy
from tests.evaluation.conftest import ALL_YES
from tests.factories import TrainingRecordFactory, UserFactory
from workflow.models import Notification
from workflow.transitions import Changed, NotReady

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()
CAST = ["staff", "office_head", "owner", "outsider", "dcct", "hec", "policy_owner", "administrator"]


def fresh(recertification):
    return Recertification.objects.get(pk=recertification.pk)


def answers(**changes):
    return {**ALL_YES, **changes}


def test_the_owner_recertifies_with_all_yes_and_the_next_falls_due_a_year_on(
    make_recertification, owner
):
    recertification = make_recertification("open")

    event = services.submit_recertification(
        recertification=recertification, actor=owner, answers=answers(), comment="All in order."
    )

    recertification = fresh(recertification)
    assert recertification.state == "recertified"
    assert recertification.submitted_by == owner and recertification.submitted_at is not None
    assert all(getattr(recertification, field) is True for field in RECERTIFICATION_FIELDS)
    assert (event.action, event.from_state, event.to_state) == ("submit", "open", "recertified")
    assert event.comment == "All in order."
    schedule = RecertificationSchedule.objects.get(account=recertification.account)
    assert schedule.next_due_on == add_months(
        recertification.due_on, policy.RECERTIFICATION_INTERVAL_MONTHS
    )


@pytest.mark.parametrize("field", RECERTIFICATION_FIELDS)
def test_any_no_goes_to_dcct_to_follow_up_and_is_not_recertified(
    make_recertification, owner, field
):
    recertification = make_recertification("open")
    due_on = recertification.due_on

    services.submit_recertification(
        recertification=recertification,
        actor=owner,
        answers=answers(**{field: False, f"{field}_note": "Not so this year."}),
    )

    recertification = fresh(recertification)
    assert recertification.state == "needs_follow_up"
    assert getattr(recertification, field) is False
    assert getattr(recertification, f"{field}_note") == "Not so this year."
    # Not recertified: the schedule stays on this one until DCCT closes the follow-up.
    assert RecertificationSchedule.objects.get(account=recertification.account).next_due_on == (
        due_on
    )


@pytest.mark.parametrize("field", RECERTIFICATION_FIELDS)
def test_a_no_without_a_note_is_refused_beside_the_note_and_nothing_is_saved(
    make_recertification, owner, field
):
    recertification = make_recertification("open")

    with pytest.raises(ValidationError) as refused:
        services.submit_recertification(
            recertification=recertification,
            actor=owner,
            answers=answers(**{field: False, f"{field}_note": "   "}),
        )

    assert set(refused.value.message_dict) == {f"{field}_note"}
    saved = fresh(recertification)
    assert saved.state == "open" and getattr(saved, field) is None
    assert not RecertificationEvent.objects.exists()


def test_every_item_must_be_answered(make_recertification, owner):
    recertification = make_recertification("open")

    with pytest.raises(ValidationError) as refused:
        services.submit_recertification(
            recertification=recertification, actor=owner, answers=answers(two_factor=None)
        )

    assert refused.value.message_dict == {"two_factor": ["Answer yes or no."]}
    assert fresh(recertification).state == "open"


def test_yes_to_training_is_refused_when_the_register_shows_fewer_than_two_trained(
    make_account, make_recertification, owner
):
    recertification = make_recertification("open", account=make_account("live", trained=False))

    with pytest.raises(ValidationError) as refused:
        services.submit_recertification(
            recertification=recertification, actor=owner, answers=answers()
        )

    assert "fewer than 2" in refused.value.message_dict["team_trained"][0]
    services.submit_recertification(
        recertification=recertification,
        actor=owner,
        answers=answers(team_trained=False, team_trained_note="Both booked on the May course."),
    )
    assert fresh(recertification).state == "needs_follow_up"


def test_only_a_current_owner_submits(request, make_recertification):
    recertification = make_recertification("open")
    editor = recertification.account.members.get(role="editor").person

    for person in [editor, *(request.getfixturevalue(p) for p in set(CAST) - {"owner"})]:
        with pytest.raises(PermissionDenied):
            services.submit_recertification(
                recertification=fresh(recertification), actor=person, answers=answers()
            )
    assert fresh(recertification).state == "open"
    assert not RecertificationEvent.objects.exists()


def test_an_owner_who_has_left_cannot_submit(make_recertification, owner):
    recertification = make_recertification("open")
    AccountMember.objects.filter(person=owner).update(removed_on=TODAY)

    with pytest.raises(PermissionDenied):
        services.submit_recertification(
            recertification=fresh(recertification), actor=owner, answers=answers()
        )


def test_a_page_opened_before_somebody_else_submitted_is_refused(make_recertification, owner):
    recertification = make_recertification("open")
    second_owner = UserFactory(office=owner.office)
    AccountMember.objects.create(account=recertification.account, person=second_owner, role="owner")
    stale = fresh(recertification)
    services.submit_recertification(
        recertification=fresh(recertification), actor=second_owner, answers=answers()
    )

    with pytest.raises(Changed):
        services.submit_recertification(recertification=stale, actor=owner, answers=answers())
    assert RecertificationEvent.objects.count() == 1


def test_a_stale_stamp_is_refused(make_recertification, owner):
    recertification = make_recertification("open")

    with pytest.raises(Changed):
        services.submit_recertification(
            recertification=recertification,
            actor=owner,
            answers=answers(),
            expected_state="open@2020-01-01T00:00:00+00:00",
        )
    assert fresh(recertification).state == "open"


def test_a_closed_account_is_not_recertified(make_account, make_recertification, owner):
    account = make_account("live")
    recertification = make_recertification("open", account=account)
    type(account).objects.filter(pk=account.pk).update(state=AccountState.CLOSED)

    with pytest.raises(NotReady) as refused:
        services.submit_recertification(
            recertification=fresh(recertification), actor=owner, answers=answers()
        )
    assert refused.value.reasons == ["A closed account is not recertified."]


# --- DCCT's follow-up -----------------------------------------------------------------------------


def test_dcct_closes_a_follow_up_with_a_note_and_the_next_falls_due_a_year_on(
    make_recertification, dcct
):
    recertification = make_recertification("needs_follow_up", due_on=TODAY)

    event = services.close_follow_up(
        recertification=recertification, actor=dcct, comment="Two-factor is back on."
    )

    recertification = fresh(recertification)
    assert recertification.state == "followed_up"
    assert recertification.follow_up_note == "Two-factor is back on."
    assert recertification.followed_up_by == dcct and recertification.followed_up_at
    assert (event.from_state, event.to_state, event.actor_role) == (
        "needs_follow_up",
        "followed_up",
        "DCCT",
    )
    assert RecertificationSchedule.objects.get(
        account=recertification.account
    ).next_due_on == add_months(TODAY, 12)


def test_closing_a_follow_up_needs_a_note(make_recertification, dcct):
    recertification = make_recertification("needs_follow_up")

    with pytest.raises(ValidationError) as refused:
        services.close_follow_up(recertification=recertification, actor=dcct, comment=" ")

    assert "comment" in refused.value.message_dict
    assert fresh(recertification).state == "needs_follow_up"


def test_only_dcct_outside_the_account_closes_a_follow_up(
    request, make_recertification, second_dcct
):
    recertification = make_recertification("needs_follow_up")
    # A DCCT member on the account's team is part of what is being checked.
    AccountMember.objects.create(account=recertification.account, person=second_dcct, role="editor")

    refused = [second_dcct, *(request.getfixturevalue(p) for p in set(CAST) - {"dcct"})]
    for person in refused:
        with pytest.raises(PermissionDenied):
            services.close_follow_up(
                recertification=fresh(recertification), actor=person, comment="Sorted."
            )
    assert fresh(recertification).state == "needs_follow_up"


def test_dcct_who_answered_as_owner_does_not_close_their_own_follow_up(make_recertification, dcct):
    recertification = make_recertification("needs_follow_up", submitted_by=dcct)

    with pytest.raises(PermissionDenied):
        services.close_follow_up(recertification=recertification, actor=dcct, comment="Fine.")


def test_the_schedule_is_left_where_dcct_moved_it(make_recertification, owner):
    recertification = make_recertification("open", due_on=TODAY + datetime.timedelta(days=3))
    moved = TODAY + datetime.timedelta(days=200)
    RecertificationSchedule.objects.filter(account=recertification.account).update(
        next_due_on=moved
    )

    services.submit_recertification(recertification=recertification, actor=owner, answers=answers())

    assert RecertificationSchedule.objects.get(account=recertification.account).next_due_on == (
        moved
    )


def test_a_recertification_done_very_late_keeps_its_day_but_falls_at_least_a_window_ahead(
    make_recertification, owner
):
    due_on = add_months(TODAY, -12) - datetime.timedelta(days=5)
    recertification = make_recertification("open", due_on=due_on)

    services.submit_recertification(recertification=recertification, actor=owner, answers=answers())

    following = RecertificationSchedule.objects.get(account=recertification.account).next_due_on
    assert following == add_months(due_on, 24, due_on.day)
    assert following >= TODAY + datetime.timedelta(days=policy.RECERTIFICATION_OPENS_DAYS_BEFORE)


# --- The log and the database's own guards -------------------------------------------------------


def test_the_log_is_append_only(make_recertification, owner):
    recertification = make_recertification("open")
    event = services.submit_recertification(
        recertification=recertification, actor=owner, answers=answers()
    )

    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        RecertificationEvent.objects.all().delete()


def test_the_database_refuses_a_no_without_a_note(make_recertification):
    recertification = make_recertification("open")

    with pytest.raises(IntegrityError), transaction.atomic():
        Recertification.objects.filter(pk=recertification.pk).update(still_needed=False)


def test_the_database_refuses_a_second_open_recertification(make_recertification):
    recertification = make_recertification("open")

    with pytest.raises(IntegrityError), transaction.atomic():
        Recertification.objects.create(
            account=recertification.account, due_on=recertification.due_on + datetime.timedelta(1)
        )


# --- DCCT moves the date --------------------------------------------------------------------------


def test_dcct_moves_the_next_date_and_it_is_logged(make_account, dcct):
    account = make_account("live")
    RecertificationSchedule.objects.create(
        account=account, next_due_on=TODAY + datetime.timedelta(9)
    )
    later = TODAY + datetime.timedelta(days=90)

    services.move_recertification(account=account, actor=dcct, due_on=later)

    assert RecertificationSchedule.objects.get(account=account).next_due_on == later
    event = AccountEvent.objects.get(account=account, action="move_recertification")
    assert event.label == "Recertification date moved"
    assert later.strftime("%-d %B %Y") in event.comment


@pytest.mark.parametrize(
    ("days", "message"),
    [(0, "Choose a date in the future."), (-3, "Choose a date in the future."), (400, "by")],
)
def test_a_date_in_the_past_or_beyond_a_year_is_refused(make_account, dcct, days, message):
    account = make_account("live")

    with pytest.raises(ValidationError) as refused:
        services.move_recertification(
            account=account, actor=dcct, due_on=TODAY + datetime.timedelta(days=days)
        )

    assert message in refused.value.message_dict["due_on"][0]
    assert not RecertificationSchedule.objects.filter(account=account).exists()


def test_a_date_already_taken_by_a_recertification_is_refused(make_recertification, dcct):
    recertification = make_recertification("recertified", due_on=TODAY + datetime.timedelta(20))

    with pytest.raises(ValidationError):
        services.move_recertification(
            account=recertification.account, actor=dcct, due_on=recertification.due_on
        )


@pytest.mark.parametrize("persona", sorted(set(CAST) - {"dcct"}))
def test_only_dcct_moves_the_date(request, make_account, persona):
    account = make_account("live")

    with pytest.raises(PermissionDenied):
        services.move_recertification(
            account=account,
            actor=request.getfixturevalue(persona),
            due_on=TODAY + datetime.timedelta(days=30),
        )


def test_while_one_is_open_the_date_moved_is_for_the_one_after(make_recertification, dcct):
    recertification = make_recertification("open", due_on=TODAY + datetime.timedelta(days=20))

    with pytest.raises(ValidationError) as refused:
        services.move_recertification(
            account=recertification.account, actor=dcct, due_on=TODAY + datetime.timedelta(9)
        )
    assert "One is open" in refused.value.message_dict["due_on"][0]

    later = TODAY + datetime.timedelta(days=200)
    services.move_recertification(account=recertification.account, actor=dcct, due_on=later)
    services.submit_recertification(
        recertification=recertification,
        actor=recertification.account.members.get(role="owner").person,
        answers=answers(),
    )
    assert RecertificationSchedule.objects.get(account=recertification.account).next_due_on == (
        later
    )


def test_dcct_who_runs_or_heads_the_account_does_not_move_its_date(
    make_account, dcct, second_dcct, office
):
    on_team = make_account("live")
    AccountMember.objects.create(account=on_team, person=dcct, role="editor")
    headed = make_account("live")
    office.head = second_dcct
    office.save()

    for account, person in [(on_team, dcct), (headed, second_dcct)]:
        with pytest.raises(PermissionDenied):
            services.move_recertification(
                account=type(account).objects.get(pk=account.pk),
                actor=person,
                due_on=TODAY + datetime.timedelta(days=30),
            )
    assert not AccountEvent.objects.filter(action="move_recertification").exists()


def test_the_date_is_moved_at_most_a_year_after_the_last_recertification(
    make_recertification, dcct
):
    last = make_recertification("recertified", due_on=TODAY - datetime.timedelta(days=40))
    account = last.account
    RecertificationSchedule.objects.filter(account=account).update(
        next_due_on=add_months(last.due_on, 12)
    )
    latest = add_months(last.due_on, policy.RECERTIFICATION_INTERVAL_MONTHS)

    with pytest.raises(ValidationError) as refused:
        services.move_recertification(
            account=account, actor=dcct, due_on=latest + datetime.timedelta(days=1)
        )
    assert f"Choose a date by {latest:%-d %B %Y}" in refused.value.message_dict["due_on"][0]

    services.move_recertification(account=account, actor=dcct, due_on=latest)
    assert RecertificationSchedule.objects.get(account=account).next_due_on == latest


def test_moving_the_date_again_and_again_never_puts_it_off_for_good(make_recertification, dcct):
    last = make_recertification("recertified", due_on=TODAY - datetime.timedelta(days=300))
    latest = add_months(last.due_on, policy.RECERTIFICATION_INTERVAL_MONTHS)
    services.move_recertification(account=last.account, actor=dcct, due_on=latest)

    # Moved once to the latest, it cannot be moved on from there: the cap is the last
    # recertification's date, not the day DCCT moves it.
    with pytest.raises(ValidationError):
        services.move_recertification(
            account=last.account, actor=dcct, due_on=latest + datetime.timedelta(days=30)
        )


def test_before_the_first_the_date_is_moved_at_most_a_year_after_going_live(make_account, dcct):
    went_live_on = TODAY - datetime.timedelta(days=100)
    account = make_account("live", went_live_on=went_live_on)
    services.ensure_recertification_schedules(today=TODAY, account_ids=[account.pk])
    latest = add_months(went_live_on, 12)

    with pytest.raises(ValidationError):
        services.move_recertification(
            account=account, actor=dcct, due_on=latest + datetime.timedelta(days=1)
        )
    services.move_recertification(account=account, actor=dcct, due_on=latest)


def test_an_account_that_went_live_on_29_february_comes_back_to_it_in_leap_years(
    make_account, owner, time_machine
):
    account = make_account("live", went_live_on=datetime.date(2024, 2, 29))
    services.ensure_recertification_schedules(
        today=datetime.date(2024, 3, 1), account_ids=[account.pk]
    )

    dates = []
    for year in range(2025, 2029):
        # Each year, the job opens it and the owner answers at once.
        time_machine.move_to(datetime.datetime(year, 2, 1, 12, tzinfo=datetime.UTC))
        for member in account.members.all():
            TrainingRecordFactory(person=member.person)  # a refresher each year
        services.open_due_recertifications(today=datetime.date(year, 2, 1))
        recertification = Recertification.objects.get(account=account, state="open")
        dates.append(recertification.due_on)
        services.submit_recertification(
            recertification=recertification, actor=owner, answers=answers()
        )

    assert dates == [
        datetime.date(2025, 2, 28),
        datetime.date(2026, 2, 28),
        datetime.date(2027, 2, 28),
        datetime.date(2028, 2, 29),
    ]


def test_the_date_dcct_chose_becomes_the_accounts_yearly_day(make_recertification, dcct, owner):
    recertification = make_recertification("open", due_on=TODAY + datetime.timedelta(days=20))
    chosen = TODAY + datetime.timedelta(days=200)
    services.move_recertification(account=recertification.account, actor=dcct, due_on=chosen)
    services.submit_recertification(recertification=recertification, actor=owner, answers=answers())
    services.open_due_recertifications(today=chosen - datetime.timedelta(days=10))
    moved = Recertification.objects.get(account=recertification.account, state="open")
    assert moved.due_on == chosen

    services.submit_recertification(recertification=moved, actor=owner, answers=answers())

    schedule = RecertificationSchedule.objects.get(account=recertification.account)
    assert schedule.anchor_on == chosen
    assert schedule.next_due_on == add_months(chosen, 12, chosen.day)


# --- An account that leaves the register, or comes back to it -----------------------------------


def closed_by_dcct(account, dcct):
    from accounts import services as account_services

    ExitStrategy.objects.create(
        account=account,
        final_post="Thanks for following.",
        redirect_to="@ScotParl",
        archive_location="Records store",
        closing_date=TODAY,
        agreed_by=dcct,
        **{field: TODAY for field, *_ in ExitStrategy.STEPS},
    )
    account = Account.objects.get(pk=account.pk)
    account_services.mark_closed(account=account, actor=dcct)


@pytest.mark.parametrize("state", ["open", "needs_follow_up"])
def test_when_the_account_closes_its_open_recertification_is_withdrawn_and_logged(
    make_account, make_recertification, dcct, state, django_capture_on_commit_callbacks
):
    account = make_account("live")
    recertification = make_recertification(state, account=account)
    Account.objects.filter(pk=account.pk).update(state=AccountState.CLOSING)

    with django_capture_on_commit_callbacks(execute=True):
        closed_by_dcct(account, dcct)

    withdrawn = fresh(recertification)
    assert withdrawn.state == "withdrawn"
    event = withdrawn.events.get()
    assert (event.action, event.from_state, event.to_state, event.actor) == (
        "withdraw",
        state,
        "withdrawn",
        dcct,
    )
    assert event.label == "Withdraw: account closed"
    assert not Notification.objects.filter(key__startswith="recertification-event:").exists()


def test_a_done_recertification_is_left_as_it_is_when_the_account_closes(
    make_account, make_recertification, dcct
):
    account = make_account("live")
    recertification = make_recertification("recertified", account=account)
    Account.objects.filter(pk=account.pk).update(state=AccountState.CLOSING)

    closed_by_dcct(account, dcct)

    assert fresh(recertification).state == "recertified"
    assert not RecertificationEvent.objects.exists()


def test_only_a_closed_accounts_recertification_is_withdrawn(make_recertification, dcct):
    recertification = make_recertification("open")

    with pytest.raises(NotReady):
        services.withdraw_recertifications(account=recertification.account, actor=dcct)
    assert fresh(recertification).state == "open"


def retained_by_hec(account, hec):
    from accounts import services as account_services

    account_services.retain_account(
        account=Account.objects.get(pk=account.pk), actor=hec, comment="Keep it, with a plan."
    )


def test_an_account_retained_after_its_recertification_fell_due_has_the_whole_window(
    make_account, make_recertification, hec
):
    account = make_account("closure_escalated")
    recertification = make_recertification(
        "open", account=account, due_on=TODAY - datetime.timedelta(days=45)
    )

    retained_by_hec(account, hec)

    moved = fresh(recertification)
    window = datetime.timedelta(days=policy.RECERTIFICATION_OPENS_DAYS_BEFORE)
    assert moved.due_on == TODAY + window
    assert not moved.is_overdue() and not moved.past_grace()
    event = moved.events.get()
    assert (event.action, event.actor, event.actor_role) == ("reschedule", hec, "HEC")
    assert f"was {recertification.due_on:%-d %B %Y}" in event.comment
    assert event.label == "Due date moved: the account is live again"


def test_an_account_retained_after_its_date_passed_opens_with_the_whole_window(make_account, hec):
    account = make_account("closure_escalated", went_live_on=TODAY - datetime.timedelta(days=400))
    passed = TODAY - datetime.timedelta(days=20)
    RecertificationSchedule.objects.create(account=account, next_due_on=passed)

    retained_by_hec(account, hec)
    services.open_due_recertifications(today=TODAY)

    window = datetime.timedelta(days=policy.RECERTIFICATION_OPENS_DAYS_BEFORE)
    assert Recertification.objects.get(account=account).due_on == TODAY + window
    logged = AccountEvent.objects.get(account=account, action="move_recertification")
    assert logged.actor == hec and f"was {passed:%-d %B %Y}" in logged.comment


def test_an_account_retained_keeps_a_date_still_far_enough_ahead(make_account, hec):
    account = make_account("closure_escalated")
    later = TODAY + datetime.timedelta(days=90)
    RecertificationSchedule.objects.create(account=account, next_due_on=later)

    retained_by_hec(account, hec)

    assert RecertificationSchedule.objects.get(account=account).next_due_on == later
    assert not AccountEvent.objects.filter(action="move_recertification").exists()


# --- An owner who has left -----------------------------------------------------------------------


def test_without_an_owner_who_can_sign_in_the_office_head_recertifies(
    make_recertification, owner, office_head, staff
):
    recertification = make_recertification("open")
    # Gone, but still on the team: deactivated past the services (a bulk update
    # sends no signal), so the leaver process (people.services.person_left) did not run.
    type(owner).objects.filter(pk=owner.pk).update(is_active=False)
    owner.refresh_from_db()

    for person in (owner, staff):
        with pytest.raises(PermissionDenied):
            services.submit_recertification(
                recertification=fresh(recertification), actor=person, answers=answers()
            )
    event = services.submit_recertification(
        recertification=fresh(recertification), actor=office_head, answers=answers()
    )

    assert fresh(recertification).state == "recertified"
    assert (event.actor, event.actor_role) == (office_head, "Office head")


def test_while_an_owner_can_sign_in_the_office_head_does_not_answer_for_them(
    make_recertification, office_head
):
    recertification = make_recertification("open")

    with pytest.raises(PermissionDenied):
        services.submit_recertification(
            recertification=recertification, actor=office_head, answers=answers()
        )
