import datetime
import threading

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection

from accounts.models import Account
from evaluation import services
from evaluation.models import Review, ReviewSchedule
from evaluation.tasks import raise_due_reviews
from tests.factories import AccountFactory, OfficeFactory

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

    from django.core.management import call_command

    from accounts.services import load_platform_catalogue

    load_platform_catalogue()
    out = io.StringIO()

    call_command("benchmark_reviews", accounts=30, stdout=out)

    assert "raise_due_reviews first run:" in out.getvalue()
    assert "30 reviews raised" in out.getvalue()
    assert not Account.objects.exists() and not Review.objects.exists()
