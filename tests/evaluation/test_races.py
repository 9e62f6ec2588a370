"""Reviews, recertifications and an account's KPIs acted on from two places at the same moment:
one winner, a clear message for the other, nothing done twice. The first tests run
everywhere: a page acting on what it read earlier. Those marked `on_postgresql` race real
threads and connections."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from accounts import services as account_services
from accounts.models import Account, ExitStrategy
from evaluation import services
from evaluation.models import (
    RECERTIFICATION_FIELDS,
    Recertification,
    RecertificationEvent,
    RecertificationSchedule,
    Review,
    ReviewEvent,
)
from tests.evaluation.test_views import report
from tests.races import at_once, changed_message, meet_before, on_postgresql, signed_in
from workflow import transitions

TODAY = datetime.date.today()


def plan_url(account):
    return f"/accounts/{account.pk}/evaluation/"


def new_kpi(metric):
    """The evaluation page with one new KPI typed in (its existing ones left as they are)."""
    return {
        "frequency": "quarterly",
        "kpis-TOTAL_FORMS": "1",
        "kpis-INITIAL_FORMS": "0",
        "kpis-0-metric": metric,
        "kpis-0-unit": "people",
        "kpis-0-target": "5000",
        "kpis-0-direction": "higher",
        "kpis-0-aggregation": "sum",
        "kpis-0-active": "on",
    }


def all_yes(recertification):
    data = {"expected_state": transitions.stamp(recertification), "comment": ""}
    for field in RECERTIFICATION_FIELDS:
        data[field] = "yes"
        data[f"{field}_note"] = ""
    return data


# --- Pages acting on what they read earlier -------------------------------------------------------


@pytest.mark.django_db
def test_a_second_tab_adding_the_same_kpi_is_told_and_saves_nothing(client, make_review, dcct):
    """It was a 500: the constraint one_kpi_per_metric, met only when saving."""
    account = make_review("due").account
    client.force_login(dcct)
    assert client.post(plan_url(account), new_kpi("Reach")).status_code == 302

    response = client.post(plan_url(account), new_kpi("reach"))

    assert response.status_code == 200
    assert "This account already has a KPI called “reach”" in response.text
    assert "reload it" in response.text
    assert list(account.kpis.filter(metric__iexact="reach").values_list("metric", flat=True)) == [
        "Reach"
    ]


@pytest.mark.django_db
def test_renaming_a_kpi_to_another_ones_name_is_refused_and_changes_nothing(make_review, dcct):
    account = make_review("due").account
    followers = account.kpis.get(metric="Followers")
    row = {"id": followers.pk, "metric": "complaints", "unit": "x", "target": 1}

    with pytest.raises(ValidationError, match="already has a KPI called “Complaints”"):
        services.adjust_evaluation(account=account, actor=dcct, kpis=[row], frequency=None)

    assert sorted(account.kpis.values_list("metric", flat=True)) == ["Complaints", "Followers"]


@pytest.mark.django_db
def test_swapping_two_kpis_names_in_one_save_is_fine(make_review, dcct):
    account = make_review("due").account
    followers, complaints = (
        account.kpis.get(metric="Followers"),
        account.kpis.get(metric="Complaints"),
    )
    rows = [
        {"id": followers.pk, "metric": "Reach"},
        {"id": complaints.pk, "metric": "Complaints raised"},
        {"id": None, "metric": "Followers", "unit": "f", "target": 9},
    ]

    services.adjust_evaluation(account=account, actor=dcct, kpis=rows, frequency=None)

    assert sorted(account.kpis.values_list("metric", flat=True)) == [
        "Complaints raised",
        "Followers",
        "Reach",
    ]


@pytest.mark.django_db
def test_a_recertification_withdrawn_meanwhile_is_not_submitted(make_recertification, owner):
    recertification = make_recertification("open")
    page_copy = Recertification.objects.get(pk=recertification.pk)
    Recertification.objects.filter(pk=recertification.pk).update(state="withdrawn")

    with pytest.raises(transitions.Changed, match="it is now “Withdrawn"):
        services.submit_recertification(
            recertification=page_copy,
            actor=owner,
            answers={**dict.fromkeys(RECERTIFICATION_FIELDS, True)},
        )

    assert not RecertificationEvent.objects.filter(recertification=recertification).exists()


# --- Real races on PostgreSQL ---------------------------------------------------------------------


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_the_same_kpi_added_from_two_pages_at_once_is_added_once(
    monkeypatch, make_review, dcct, second_dcct
):
    account = make_review("due").account
    meet_before(monkeypatch, (services, "adjust_evaluation"))

    responses = at_once(
        *(
            lambda person=person: signed_in(person).post(plan_url(account), new_kpi("Reach"))
            for person in (dcct, second_dcct)
        )
    )

    assert sorted(response.status_code for response in responses) == [200, 302]
    refused = next(response for response in responses if response.status_code == 200)
    assert "already has a KPI called “Reach”" in refused.text
    assert account.kpis.filter(metric="Reach").count() == 1


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_review_submitted_from_two_tabs_at_once_is_submitted_once(make_review, owner):
    review = make_review("due")
    data = {**report(review), "submit": ""}

    responses = at_once(
        *(
            lambda: signed_in(owner).post(f"/reviews/{review.pk}/report/", data, follow=True)
            for _ in range(2)
        )
    )

    assert [response.status_code for response in responses] == [200, 200]
    assert sorted(changed_message(response) for response in responses) == [False, True]
    assert ReviewEvent.objects.filter(review=review, action="submit").count() == 1
    assert Review.objects.get(pk=review.pk).state == "submitted"


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_review_assessed_by_two_dcct_members_at_once_is_assessed_once(
    make_review, dcct, second_dcct
):
    review = make_review("submitted")
    stamp = transitions.stamp(review)

    responses = at_once(
        *(
            lambda person=person, outcome=outcome: signed_in(person).post(
                f"/reviews/{review.pk}/assess/",
                {"expected_state": stamp, "outcome": outcome, "assessment": "Reviewed."},
                follow=True,
            )
            for person, outcome in ((dcct, "effective"), (second_dcct, "effective"))
        )
    )

    assert sorted(changed_message(response) for response in responses) == [False, True]
    assert ReviewEvent.objects.filter(review=review, action="assess").count() == 1
    assert Review.objects.get(pk=review.pk).state == "assessed"


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_recertification_submitted_from_two_tabs_at_once_counts_once(make_recertification, owner):
    recertification = make_recertification("open")
    data = all_yes(recertification)

    responses = at_once(
        *(
            lambda: signed_in(owner).post(
                f"/recertifications/{recertification.pk}/submit/", data, follow=True
            )
            for _ in range(2)
        )
    )

    assert sorted(changed_message(response) for response in responses) == [False, True]
    events = RecertificationEvent.objects.filter(recertification=recertification)
    assert list(events.values_list("action", flat=True)) == ["submit"]
    assert Recertification.objects.get(pk=recertification.pk).state == "recertified"
    schedule = RecertificationSchedule.objects.get(account=recertification.account)
    assert schedule.next_due_on > recertification.due_on  # moved on once, a year on


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_recertifying_as_the_account_closes_leaves_nothing_open(
    monkeypatch, make_account, make_recertification, owner, dcct
):
    """The owner submits as DCCT marks the account closed (which withdraws what is open):
    either is first, and no recertification stays open on a closed account."""
    account = make_account("closing")
    strategy = ExitStrategy.objects.get(account=account)
    for field, *_ in strategy.STEPS:
        setattr(strategy, field, TODAY)
    strategy.save()
    recertification = make_recertification("open", account=account)
    meet_before(
        monkeypatch,
        (services, "submit_recertification"),
        (account_services, "mark_closed"),
    )

    results = at_once(
        lambda: services.submit_recertification(
            recertification=Recertification.objects.get(pk=recertification.pk),
            actor=owner,
            answers={**dict.fromkeys(RECERTIFICATION_FIELDS, True)},
        ),
        lambda: account_services.mark_closed(
            account=Account.objects.get(pk=account.pk), actor=dcct
        ),
    )

    submitted, closed = results
    assert not isinstance(closed, Exception)  # closing is never held up by the owner
    # The owner submitted first, or is told the recertification was withdrawn meanwhile.
    assert isinstance(submitted, RecertificationEvent | transitions.Changed)
    assert Account.objects.get(pk=account.pk).state == "closed"
    state = Recertification.objects.get(pk=recertification.pk).state
    assert state in ("recertified", "withdrawn")
    assert RecertificationEvent.objects.filter(recertification=recertification).count() == 1


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_moves_of_a_first_recertification_date_at_once_make_one_schedule(
    monkeypatch, make_account, dcct, second_dcct
):
    """Neither saw a schedule; the second waits for the first's, then moves it (it was an
    IntegrityError: two schedules for one account)."""
    account = make_account("live")
    dates = [TODAY + datetime.timedelta(days=days) for days in (60, 90)]
    meet_before(monkeypatch, (services, "move_recertification"))

    results = at_once(
        *(
            lambda person=person, day=day: services.move_recertification(
                account=Account.objects.get(pk=account.pk), actor=person, due_on=day
            )
            for person, day in zip((dcct, second_dcct), dates, strict=True)
        )
    )

    assert [r for r in results if isinstance(r, Exception)] == []
    schedule = RecertificationSchedule.objects.get(account=account)
    assert schedule.next_due_on in dates
    assert account.events.filter(action="move_recertification").count() == 2
