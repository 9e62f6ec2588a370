"""Reviews raised when due (idempotent, in bulk), the team's report and DCCT's assessment, and
KPI adjustments."""

import datetime
import threading

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Account
from evaluation import services
from evaluation.models import KPI, MetricValue, Review, ReviewEvent, ReviewSchedule, add_months
from evaluation.tasks import raise_due_reviews
from people import policy
from tests.evaluation.conftest import fill
from tests.factories import AccountFactory, OfficeFactory, ProposalFactory
from workflow.transitions import Changed, NotReady

pytestmark = pytest.mark.django_db

CAST = ["staff", "office_head", "owner", "outsider", "dcct", "hec", "policy_owner", "administrator"]
FUTURE = datetime.date.today() + datetime.timedelta(days=30)


@pytest.mark.parametrize("persona", ["owner", "office_head"])
def test_the_team_or_office_head_submits_a_complete_report(request, make_review, persona):
    review = make_review("due", complete=True)
    actor = request.getfixturevalue(persona)

    event = services.submit_review(review=review, actor=actor)

    review.refresh_from_db()
    assert (review.state, review.submitted_by) == ("submitted", actor)
    assert (event.from_state, event.to_state) == ("due", "submitted")


def test_everyone_else_is_refused_submitting(request, make_review):
    review = make_review("due", complete=True)

    for persona in set(CAST) - {"owner", "office_head"}:
        with pytest.raises(PermissionDenied):
            services.submit_review(
                review=Review.objects.get(pk=review.pk), actor=request.getfixturevalue(persona)
            )
    assert Review.objects.get(pk=review.pk).state == "due"


def test_an_incomplete_report_cannot_be_submitted(make_review, owner):
    review = make_review("due")

    with pytest.raises(NotReady) as refused:
        services.submit_review(review=review, actor=owner)

    assert refused.value.reasons == [
        "Give a value for Followers.",
        "Give a value for Complaints.",
        "Say how many hours a week it actually took.",
        "Say what went well and what did not.",
    ]


def test_save_report_refuses_negative_hours_and_keeps_nothing(make_review, owner):
    review = make_review("due")

    with pytest.raises(ValidationError):
        services.save_report(
            review=review, actor=owner, values={}, went_well="a", not_well="b", hours_spent=-1
        )
    review.refresh_from_db()
    assert review.hours_spent is None


def test_only_the_team_saves_a_report(make_review, dcct):
    review = make_review("due")

    with pytest.raises(PermissionDenied):
        services.save_report(
            review=review, actor=dcct, values={}, went_well="a", not_well="b", hours_spent=1
        )


def assess(review, actor, outcome="effective", **kwargs):
    return services.assess_review(
        review=review,
        actor=actor,
        outcome=outcome,
        assessment=kwargs.pop("assessment", "Strong quarter."),
        **kwargs,
    )


def test_dcct_assesses_a_submitted_review_as_effective(make_review, dcct):
    review = make_review("submitted")

    assess(review, dcct)

    review.refresh_from_db()
    assert (review.state, review.outcome, review.assessed_by) == ("assessed", "effective", dcct)
    assert ReviewEvent.objects.get(review=review).actor_role == "DCCT"


def test_everyone_else_is_refused_assessing(request, make_review):
    review = make_review("submitted")

    for persona in set(CAST) - {"dcct"}:
        with pytest.raises(PermissionDenied):
            assess(Review.objects.get(pk=review.pk), request.getfixturevalue(persona))
    assert Review.objects.get(pk=review.pk).state == "submitted"


def test_dcct_member_on_the_team_cannot_assess_it(make_review, dcct):
    review = make_review("submitted")
    review.account.members.create(person=dcct, role="moderator")

    with pytest.raises(PermissionDenied):
        assess(Review.objects.get(pk=review.pk), dcct)


def test_improve_needs_an_action_plan_and_brings_the_next_review_forward(make_review, dcct):
    review = make_review("submitted")

    with pytest.raises(ValidationError) as error:
        assess(review, dcct, outcome="improve")
    assert set(error.value.message_dict) == {"action_plan", "next_review_on"}
    assert Review.objects.get(pk=review.pk).state == "submitted"

    assess(review, dcct, outcome="improve", action_plan="Post twice a week.", next_review_on=FUTURE)
    assert ReviewSchedule.objects.get(account=review.account).next_due_on == FUTURE


def test_an_assessment_needs_words(make_review, dcct):
    review = make_review("submitted")

    with pytest.raises(ValidationError):
        assess(review, dcct, assessment=" ")


def test_assessing_close_starts_the_closure_with_the_review_as_reason(make_review, dcct):
    review = make_review("submitted")

    assess(review, dcct, outcome="close", assessment="Reach fell every month.")

    account = Account.objects.get(pk=review.account_id)
    assert account.state == "closure_proposed"
    assert account.closure_reason == "not_effective"
    assert account.closure_explanation == (
        f"Review of {review.period_label}: Reach fell every month."
    )
    assert account.closure_proposer == dcct


def test_two_assessments_at_once_keep_one(make_review, dcct):
    from people.roles import Role
    from people.services import assign_role
    from tests.factories import UserFactory

    other = UserFactory(office=dcct.office)
    assign_role(user=other, role=Role.DCCT)
    review = make_review("submitted")
    first, second = (Review.objects.get(pk=review.pk) for _ in range(2))

    assess(first, dcct)
    with pytest.raises(Changed):
        assess(second, other, outcome="close")

    assert Account.objects.get(pk=review.account_id).state == "live"


def test_figures_fill_the_report_by_each_kpis_rule(make_review, owner):
    from evaluation.models import KPI, MetricObservation

    review = make_review("due")
    followers = KPI.objects.get(account=review.account, metric="Followers")
    complaints = KPI.objects.get(account=review.account, metric="Complaints")
    complaints.aggregation = "sum"
    complaints.save()
    for day, count, complaint in [(1, 400, 1), (20, 450, 2)]:
        for kpi, value in ((followers, count), (complaints, complaint)):
            MetricObservation.objects.create(
                account=review.account,
                kpi=kpi,
                day=datetime.date(2026, 5, day),
                value=value,
                imported_by=owner,
            )

    assert services.figures_for(review) == {followers.pk: 450, complaints.pk: 3}
    fill(review)


def test_dcct_member_heading_the_office_or_who_submitted_cannot_assess(make_review, dcct, office):
    from people.services import set_office_head

    review = make_review("due", complete=True)
    set_office_head(office=office, head=dcct)
    review = Review.objects.get(pk=review.pk)
    services.submit_review(review=review, actor=dcct)

    with pytest.raises(PermissionDenied):
        assess(Review.objects.get(pk=review.pk), dcct)


D = datetime.date


def live_account(went_live_on, **kwargs):
    return AccountFactory(state="live", kind="business_area", went_live_on=went_live_on, **kwargs)


@pytest.mark.django_db
def test_a_review_is_raised_when_the_period_ends_and_the_schedule_moves_on():
    account = live_account(D(2026, 1, 31))

    assert services.raise_due_reviews(today=D(2026, 4, 29)) == (0, [])
    raised, ends = services.raise_due_reviews(today=D(2026, 4, 30))

    review = Review.objects.get(account=account)
    assert (raised, ends) == (1, [D(2026, 4, 30)])
    assert (review.period_start, review.period_end, review.due_on) == (
        D(2026, 1, 31),
        D(2026, 4, 30),
        D(2026, 5, 14),
    )
    schedule = ReviewSchedule.objects.get(account=account)
    # Periods keep ending on the 31st where the month has one: no drift after a short month.
    assert (schedule.period_start, schedule.next_due_on) == (D(2026, 4, 30), D(2026, 7, 31))


@pytest.mark.django_db
def test_monthly_periods_from_the_31st_do_not_drift_to_the_28th():
    account = live_account(D(2027, 1, 31))
    ReviewSchedule.objects.create(
        account=account,
        frequency="monthly",
        anchor_day=31,
        period_start=D(2027, 1, 31),
        next_due_on=D(2027, 2, 28),
    )

    services.raise_due_reviews(today=D(2027, 5, 31))

    assert list(Review.objects.order_by("period_end").values_list("period_end", flat=True)) == [
        D(2027, 2, 28),
        D(2027, 3, 31),
        D(2027, 4, 30),
        D(2027, 5, 31),
    ]


@pytest.mark.django_db
def test_schedules_ending_on_one_day_each_move_to_their_own_next_period():
    # Three kinds of schedule end on 30 April: each moves on by its own frequency from its own
    # anchor day, all in one UPDATE.
    kinds = {
        ("monthly", 31): D(2026, 5, 31),
        ("monthly", 30): D(2026, 5, 30),
        ("quarterly", 31): D(2026, 7, 31),
    }
    schedules = {}
    for frequency, anchor_day in kinds:
        account = live_account(D(2026, 1, 31))
        schedules[(frequency, anchor_day)] = ReviewSchedule.objects.create(
            account=account,
            frequency=frequency,
            anchor_day=anchor_day,
            period_start=D(2026, 3, 31),
            next_due_on=D(2026, 4, 30),
        )

    with CaptureQueriesContext(connection) as queries:
        assert services.raise_due_reviews(today=D(2026, 5, 1)) == (3, [D(2026, 4, 30)])

    updates = [q for q in queries if q["sql"].startswith('UPDATE "evaluation_reviewschedule"')]
    assert len(updates) == 1
    for kind, next_due_on in kinds.items():
        schedule = schedules[kind]
        schedule.refresh_from_db()
        assert (schedule.period_start, schedule.next_due_on) == (D(2026, 4, 30), next_due_on)
    assert Review.objects.filter(period_end=D(2026, 4, 30)).count() == 3


@pytest.mark.django_db
def test_running_twice_raises_one_review_per_account_and_period():
    accounts = [live_account(D(2026, 1, 1)) for _ in range(5)]

    first = services.raise_due_reviews(today=D(2026, 4, 1))
    second = services.raise_due_reviews(today=D(2026, 4, 1))

    assert first[0] == 5 and second[0] == 0
    assert Review.objects.count() == len(accounts)


@pytest.mark.django_db
def test_a_missed_run_catches_up_every_period():
    account = live_account(D(2025, 1, 1))
    ReviewSchedule.objects.create(
        account=account, frequency="monthly", period_start=D(2025, 1, 1), next_due_on=D(2025, 2, 1)
    )

    services.raise_due_reviews(today=D(2025, 6, 15))

    assert list(Review.objects.values_list("period_end", flat=True).order_by("period_end")) == [
        D(2025, 2, 1),
        D(2025, 3, 1),
        D(2025, 4, 1),
        D(2025, 5, 1),
        D(2025, 6, 1),
    ]


@pytest.mark.django_db
def test_accounts_that_are_not_live_are_not_reviewed():
    for state in ("setting_up", "closing", "closed", "closure_proposed"):
        AccountFactory(state=state, went_live_on=D(2025, 1, 1))

    assert services.raise_due_reviews(today=D(2026, 1, 1)) == (0, [])
    assert not Review.objects.exists()


@pytest.mark.django_db
def test_the_team_is_told_once_after_commit(
    make_account, owner, django_capture_on_commit_callbacks
):
    account = make_account("live", went_live_on=datetime.date.today() - datetime.timedelta(100))

    with django_capture_on_commit_callbacks(execute=True):
        assert raise_due_reviews() == 1
    with django_capture_on_commit_callbacks(execute=True):
        raise_due_reviews()
    from evaluation.tasks import notify_reviews_raised

    notify_reviews_raised(Review.objects.get(account=account).period_end.isoformat())

    told = [message.to[0] for message in mail.outbox]
    assert sorted(told) == sorted(m.person.email for m in account.members.all())
    assert owner.email in told


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
    reason="two real concurrent transactions need PostgreSQL (CI runs it)",
)
def test_two_concurrent_runs_raise_one_review_each():
    office = OfficeFactory()
    for _ in range(200):
        live_account(D(2026, 1, 1), office=office)
    barrier = threading.Barrier(2)
    errors = []

    def run():
        try:
            barrier.wait()
            services.raise_due_reviews(today=D(2026, 4, 1))
        except Exception as error:  # reported below: a thread cannot fail the test itself
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert Review.objects.count() == Account.objects.count() == 200
    assert set(ReviewSchedule.objects.values_list("next_due_on", flat=True)) == {D(2026, 7, 1)}


@pytest.mark.django_db
def test_the_job_runs_the_same_queries_for_5_or_50_accounts(django_assert_max_num_queries):
    from accounts.services import load_platform_catalogue

    load_platform_catalogue()
    office = OfficeFactory()

    def run(count):
        for _ in range(count):
            live_account(D(2026, 1, 1), office=office)
        ReviewSchedule.objects.all().delete()
        services.ensure_evaluation_plans(today=D(2026, 1, 2))
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            services.raise_due_reviews(today=D(2026, 4, 1))
        Review.objects.all().delete()
        return len(queries)

    assert run(5) == run(45)


@pytest.mark.django_db
def test_benchmark_command_prints_figures_and_changes_nothing():
    import io
    import re

    from django.core.management import call_command

    from accounts.services import load_platform_catalogue

    load_platform_catalogue()
    out = io.StringIO()

    call_command("benchmark_reviews", accounts=30, stdout=out, verbosity=2)

    assert "raise_due_reviews first run:" in out.getvalue()
    assert "30 reviews raised" in out.getvalue()
    assert re.search(r"^ +[\d.]+ ms  INSERT INTO .evaluation_review.", out.getvalue(), re.M)
    assert not Account.objects.exists() and not Review.objects.exists()


def test_met_is_judged_against_the_target_of_the_time(make_review, owner):
    review = make_review("due")
    followers = KPI.objects.get(account=review.account, metric="Followers")
    services.save_report(
        review=review,
        actor=owner,
        values={followers: 600},
        went_well="a",
        not_well="b",
        hours_spent=1,
    )
    followers.target = 1000
    followers.save()

    assert MetricValue.objects.get(review=review, kpi=followers).met


def test_the_next_review_can_only_be_brought_forward(make_review, dcct):
    review = make_review("submitted")
    schedule = ReviewSchedule.objects.get(account=review.account)

    with pytest.raises(ValidationError) as error:
        services.assess_review(
            review=review,
            actor=dcct,
            outcome="improve",
            assessment="Quiet.",
            action_plan="Post more.",
            next_review_on=schedule.next_due_on + datetime.timedelta(1),
        )

    assert "Bring it forward" in error.value.message_dict["next_review_on"][0]


def test_figures_are_read_at_a_fixed_cost_whatever_the_kpis(
    make_review, owner, django_assert_num_queries
):
    from evaluation.models import MetricObservation

    review = make_review("due")
    for number in range(4):
        KPI.objects.create(account=review.account, metric=f"Extra {number}", unit="x", target=1)
    for kpi in review.account.kpis.all():
        for day in (1, 2, 3):
            MetricObservation.objects.create(
                account=review.account,
                kpi=kpi,
                day=datetime.date(2026, 5, day),
                value=day,
                imported_by=owner,
            )

    with django_assert_num_queries(2):  # the KPIs, then every figure of the period
        figures = services.figures_for(review)
    assert len(figures) == 6


def test_an_account_has_its_review_schedule_as_soon_as_it_goes_live(make_account, dcct):
    from accounts import services as account_services
    from tests.accounts.conftest import complete_setup

    account = make_account("setting_up")
    complete_setup(account)

    proposal = ProposalFactory(state="set_up")  # its business case has a "Followers" KPI
    Account.objects.filter(pk=account.pk).update(proposal=proposal)
    KPI.objects.create(account=account, metric="Followers on Instagram", unit="followers", target=9)

    account_services.go_live(account=Account.objects.get(pk=account.pk), actor=dcct)

    schedule = ReviewSchedule.objects.get(account=account)
    today = datetime.date.today()
    assert (schedule.period_start, schedule.next_due_on) == (
        today,
        add_months(today, policy.FIRST_REVIEW_AFTER_MONTHS),
    )
    # KPIs DCCT set during set-up are kept, not doubled with the proposal's.
    assert list(account.kpis.values_list("metric", flat=True)) == ["Followers on Instagram"]


@pytest.mark.django_db
def test_one_account_that_cannot_be_raised_does_not_stop_the_others(monkeypatch, caplog):
    from django.db import DatabaseError

    healthy, broken = live_account(D(2026, 1, 31)), live_account(D(2026, 1, 31))
    services.ensure_evaluation_plans(today=D(2026, 2, 1))
    broken_schedule = ReviewSchedule.objects.get(account=broken)
    insert = services._insert_reviews

    attempts = []

    def failing_for_one(period_end, schedule_id=None):
        attempts.append(schedule_id)
        if schedule_id in (None, broken_schedule.pk):
            raise DatabaseError("simulated bad row")
        insert(period_end, schedule_id=schedule_id)

    monkeypatch.setattr(services, "_insert_reviews", failing_for_one)

    raised, _ = services.raise_due_reviews(today=D(2026, 4, 30))

    assert raised == 1
    assert Review.objects.filter(account=healthy).count() == 1
    assert not Review.objects.filter(account=broken).exists()
    # The broken one stays due, to be tried again on the next run; the failure is logged.
    assert ReviewSchedule.objects.get(pk=broken_schedule.pk).next_due_on == D(2026, 4, 30)
    assert caplog.text.count(f"Could not raise the review of account {broken.pk}") == 1
    assert attempts.count(broken_schedule.pk) == 1  # tried once a run, not once a pass


@pytest.mark.django_db
def test_a_schedule_whose_period_ends_where_it_starts_is_refused(make_account):
    from django.db import IntegrityError, transaction

    account = make_account("live")
    schedule = ReviewSchedule(
        account=account, period_start=D(2026, 5, 1), next_due_on=D(2026, 5, 1)
    )

    with pytest.raises(ValidationError) as refused:
        schedule.full_clean()
    assert "next_due_on" in refused.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        schedule.save()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
    reason="VACUUM and deferred constraints are PostgreSQL's (CI runs it)",
)
def test_benchmark_command_leaves_the_statistics_as_it_found_them():
    # Run as a person runs it, outside any transaction: the tables it wrote to are vacuumed
    # and analysed after its rollback, so that the planner does not count its rows.
    import io

    from django.core.management import call_command

    from accounts.services import load_platform_catalogue

    def last_maintained():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT relname, last_vacuum, last_analyze FROM pg_stat_user_tables "
                "WHERE relname IN (%s, %s, %s)",
                [Account._meta.db_table, ReviewSchedule._meta.db_table, Review._meta.db_table],
            )
            return {name: (vacuum, analyze) for name, vacuum, analyze in cursor.fetchall()}

    load_platform_catalogue()
    before = last_maintained()
    out = io.StringIO()

    call_command("benchmark_reviews", accounts=500, stdout=out)

    after = last_maintained()
    assert "Vacuumed and analysed" in out.getvalue()
    assert not Account.objects.exists()
    assert len(after) == 3
    for table, (vacuumed, analysed) in after.items():
        assert vacuumed is not None and vacuumed != before[table][0], table
        assert analysed is not None and analysed != before[table][1], table
