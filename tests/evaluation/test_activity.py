"""The daily reading of accounts' activity (evaluation/activity.py), against platforms served on
127.0.0.1 (pytest-httpserver): figures kept once a day, the latest post on the account, one
platform's failures never stopping another's, the breaker, and dormancy read from the posts."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import Account
from evaluation import activity, services, tasks
from evaluation.models import KPI, MetricObservation, PlatformReading
from evaluation.selectors import dormant_accounts
from tests.evaluation.test_connectors import ATOM, FEED, LOOKUP, PROFILE
from tests.factories import AccountFactory, PlatformFactory, UserFactory

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(datetime.datetime(2026, 11, 26, 5, 30))


@pytest.fixture
def platforms(settings, httpserver):
    settings.ACTIVITY_BLUESKY_URL = httpserver.url_for("/")
    settings.ACTIVITY_RETRIES = 0
    settings.ACTIVITY_MIN_INTERVAL_SECONDS = 0
    settings.ACTIVITY_BREAKER_FAILURES = 2
    settings.ACTIVITY_ALLOW_PRIVATE_ADDRESSES = True  # the platforms are on 127.0.0.1 here
    bluesky = PlatformFactory(
        slug="bluesky",
        name="Bluesky",
        hosts=["bsky.app"],
        profile_path=r"^/profile/(?P<handle>[A-Za-z0-9.-]{3,253})$",
        handle_pattern=r"^[A-Za-z0-9.-]{3,253}$",
        canonical_url="https://bsky.app/profile/{handle}",
    )
    mastodon = PlatformFactory(
        slug="mastodon", name="Mastodon", hosts=[], profile_path="", handle_pattern=""
    )
    return bluesky, mastodon


def _bluesky_account(bluesky, handle="scottishparliament.bsky.social", **kwargs):
    account = AccountFactory(platform=bluesky, handle=handle, **kwargs)
    for metric in ("Followers", "Posts"):
        KPI.objects.create(account=account, metric=metric, unit="", target=1000)
    return account


def _mastodon_account(mastodon, httpserver, name="holyrood", host="localhost"):
    port = httpserver.port
    account = AccountFactory(
        platform=mastodon, handle=f"{name}@{host}", url=f"http://{host}:{port}/@{name}"
    )
    for metric in ("Followers", "Posts"):
        KPI.objects.create(account=account, metric=metric, unit="", target=1000)
    return account


def _serve_mastodon(httpserver):
    httpserver.expect_request("/api/v1/accounts/lookup").respond_with_json(LOOKUP)


def _serve_bluesky(httpserver, profile=PROFILE):
    httpserver.expect_request("/xrpc/app.bsky.actor.getProfile").respond_with_json(profile)
    httpserver.expect_request("/xrpc/app.bsky.feed.getAuthorFeed").respond_with_json(FEED)


def test_a_reading_is_kept_as_the_days_figures_and_the_latest_post(platforms, httpserver):
    bluesky, _ = platforms
    account = _bluesky_account(bluesky)
    _serve_bluesky(httpserver)

    done = activity.collect_activity(now=NOW)

    assert done["read"] == 1 and done["stored"] == 2
    account.refresh_from_db()
    assert account.last_post_at == datetime.datetime(2026, 11, 23, 14, 30, tzinfo=datetime.UTC)
    assert account.activity_source == "Bluesky" and account.activity_read_at == NOW
    figures = {o.kpi.metric: o for o in MetricObservation.objects.filter(account=account)}
    assert figures["Followers"].value == Decimal(12873)
    assert figures["Posts"].value == Decimal(1544)
    assert figures["Followers"].day == datetime.date(2026, 11, 26)
    assert figures["Followers"].read_from == "Bluesky"
    assert figures["Followers"].imported_by.email == activity.READER_EMAIL
    assert not figures["Followers"].imported_by.is_active


def test_twice_in_a_day_replaces_the_days_figures(platforms, httpserver):
    bluesky, _ = platforms
    account = _bluesky_account(bluesky)
    _serve_bluesky(httpserver)
    activity.collect_activity(now=NOW)
    httpserver.clear()
    _serve_bluesky(httpserver, profile={**PROFILE, "followersCount": 12900})

    activity.collect_activity(now=NOW + datetime.timedelta(hours=2))

    followers = MetricObservation.objects.filter(account=account, kpi__metric="Followers")
    assert [o.value for o in followers] == [Decimal(12900)]


def test_a_figure_a_person_imported_for_the_day_stands(platforms, httpserver):
    bluesky, _ = platforms
    account = _bluesky_account(bluesky)
    followers = account.kpis.get(metric="Followers")
    MetricObservation.objects.create(
        account=account,
        kpi=followers,
        day=datetime.date(2026, 11, 26),
        value=1,
        imported_by=UserFactory(),
    )
    _serve_bluesky(httpserver)

    activity.collect_activity(now=NOW)

    assert MetricObservation.objects.get(kpi=followers).value == Decimal(1)


def test_one_failing_platform_does_not_stop_another_and_its_breaker_opens(platforms, httpserver):
    bluesky, mastodon = platforms
    read = _mastodon_account(mastodon, httpserver)
    failing = [_bluesky_account(bluesky, handle=f"team{n}.bsky.social") for n in range(4)]
    _serve_mastodon(httpserver)
    httpserver.expect_request("/xrpc/app.bsky.actor.getProfile").respond_with_data(
        "down", status=503
    )

    done = activity.collect_activity(now=NOW)

    assert done["read"] == 1  # Mastodon's account
    assert done["failed"] == 2 and done["skipped"] == 2  # two failures open the breaker
    state = PlatformReading.objects.get(platform=bluesky)
    assert state.skipped_until == datetime.datetime(2026, 11, 27, tzinfo=datetime.UTC)
    assert "server error (503)" in state.last_error
    assert (state.accounts_read, state.accounts_failed) == (0, 2)
    assert PlatformReading.objects.get(platform=mastodon).skipped_until is None
    read.refresh_from_db()
    assert read.last_post_at is not None
    assert all(Account.objects.get(pk=a.pk).last_post_at is None for a in failing)

    # Later the same day: still skipped, without a request, and the day's record kept.
    asked = len(httpserver.log)
    assert activity.collect_activity(now=NOW + datetime.timedelta(hours=3))["skipped"] == 4
    assert len([r for r, _ in httpserver.log[asked:] if "getProfile" in r.path]) == 0
    state.refresh_from_db()
    assert "server error (503)" in state.last_error and state.accounts_failed == 2

    # The next day it is tried again, and one success closes the breaker.
    httpserver.clear()
    httpserver.expect_request("/api/v1/accounts/lookup").respond_with_json(LOOKUP)
    _serve_bluesky(httpserver)
    done = activity.collect_activity(now=NOW + datetime.timedelta(days=1))
    assert done["read"] == 5 and done["failed"] == 0
    state.refresh_from_db()
    assert state.skipped_until is None and state.last_error == ""


def test_an_account_the_platform_does_not_know_is_skipped_quietly(platforms, httpserver):
    bluesky, _ = platforms
    _bluesky_account(bluesky, handle="gone.bsky.social")
    httpserver.expect_request("/xrpc/app.bsky.actor.getProfile").respond_with_json(
        {"error": "InvalidRequest", "message": "Profile not found"}, status=400
    )

    done = activity.collect_activity(now=NOW)

    assert done["not_available"] == 1 and done["failed"] == 0


def test_a_dry_run_reads_and_keeps_nothing(platforms, httpserver):
    bluesky, _ = platforms
    account = _bluesky_account(bluesky)
    _serve_bluesky(httpserver)

    done = activity.collect_activity(now=NOW, dry_run=True)

    assert done["read"] == 1 and done["stored"] == 0
    account.refresh_from_db()
    assert account.last_post_at is None
    assert not MetricObservation.objects.exists() and not PlatformReading.objects.exists()


def test_dormancy_reads_the_latest_post_where_there_is_one(platforms):
    bluesky, _ = platforms
    today = datetime.date(2026, 11, 26)
    long_live = datetime.date(2024, 1, 1)
    silent = _bluesky_account(bluesky, handle="silent.bsky.social", went_live_on=long_live)
    posting = _bluesky_account(bluesky, handle="posting.bsky.social", went_live_on=long_live)
    Account.objects.filter(pk=silent.pk).update(
        last_post_at=NOW - datetime.timedelta(days=200),  # seven months ago
        activity_read_at=NOW,
        last_activity_on=today,  # a review last week: the old rule would call it active
    )
    Account.objects.filter(pk=posting.pk).update(
        last_post_at=NOW - datetime.timedelta(days=3),
        activity_read_at=NOW,
        last_activity_on=datetime.date(2025, 1, 1),  # no review for long
    )

    dormant = set(dormant_accounts(today=today).values_list("pk", flat=True))

    assert silent.pk in dormant and posting.pk not in dormant


def test_readings_are_no_sign_of_the_teams_activity(platforms, httpserver):
    bluesky, _ = platforms
    account = _bluesky_account(bluesky)
    _serve_bluesky(httpserver)
    activity.collect_activity(now=NOW)

    services.refresh_last_activity()

    account.refresh_from_db()
    assert account.last_activity_on is None


def test_the_command_and_the_task(platforms, httpserver, settings, capsys):
    bluesky, _ = platforms
    account = _bluesky_account(bluesky)
    _serve_bluesky(httpserver)

    call_command("collect_activity", "--account", str(account.pk), "--dry-run")
    assert "1 accounts read, 0 not available, 0 failed" in capsys.readouterr().out

    settings.ACTIVITY_ENABLED = False
    assert tasks.collect_activity.apply().get() == {}  # off: nothing read
    settings.ACTIVITY_ENABLED = True
    assert tasks.collect_activity.apply().get()["read"] == 1
    assert settings.CELERY_BEAT_SCHEDULE["collect-activity"]["task"] == (
        "evaluation.tasks.collect_activity"
    )


def test_the_account_page_and_dcct_s_dashboard_show_the_readings(
    platforms, httpserver, client, dcct, time_machine, settings
):
    time_machine.move_to(NOW, tick=False)
    bluesky, mastodon = platforms
    account = _mastodon_account(mastodon, httpserver)
    _mastodon_account(mastodon, httpserver, "team", "127.0.0.1")
    for n in range(2):
        _bluesky_account(bluesky, handle=f"team{n}.bsky.social")
    httpserver.expect_request(
        "/api/v1/accounts/lookup", headers={"Host": f"127.0.0.1:{httpserver.port}"}
    ).respond_with_data("down", status=502)
    _serve_mastodon(httpserver)
    httpserver.expect_request("/xrpc/app.bsky.actor.getProfile").respond_with_data(
        "down", status=503
    )
    settings.ACTIVITY_BREAKER_FAILURES = 1
    activity.collect_activity(now=NOW)
    client.force_login(dcct)

    page = client.get(account.get_absolute_url()).text
    dashboard = client.get("/dashboard/").text

    assert "last post 5\xa0days, 5\xa0hours ago (read from Mastodon, today)" in page
    assert "Platforms not read today" in dashboard
    assert "<strong>Bluesky</strong>: not read again before 27 November, 00:00" in dashboard
    assert "server error (503)" in dashboard
    assert "Mastodon: 1 account read" in dashboard
    assert "Servers given up on in this run: 127.0.0.1 (mastodon: server error (502)" in dashboard


def test_a_review_is_filled_in_from_the_readings_of_its_period(platforms, httpserver):
    from evaluation.models import Review

    bluesky, _ = platforms
    account = _bluesky_account(bluesky)
    _serve_bluesky(httpserver)
    activity.collect_activity(now=NOW - datetime.timedelta(days=2))
    httpserver.clear()
    _serve_bluesky(httpserver, profile={**PROFILE, "followersCount": 13000})
    activity.collect_activity(now=NOW)
    review = Review.objects.create(
        account=account,
        period_start=datetime.date(2026, 9, 1),
        period_end=datetime.date(2026, 12, 1),
        due_on=datetime.date(2026, 12, 15),
    )

    figures = services.figures_for(review)

    followers = account.kpis.get(metric="Followers")
    assert figures[followers.pk] == Decimal(13000)  # the latest reading: "Followers" keeps LAST


def test_the_accounts_chart_has_the_weekly_readings_after_its_reviews(platforms, httpserver):
    from evaluation.selectors import kpi_history

    bluesky, _ = platforms
    account = _bluesky_account(bluesky)
    _serve_bluesky(httpserver)
    for back in range(10):  # ten days of readings: two ISO weeks
        activity.collect_activity(now=NOW - datetime.timedelta(days=back))

    followers, _posts = kpi_history(account)

    assert followers["metric"] == "Followers"
    assert [p["period"] for p in followers["points"]] == ["22 Nov 2026", "26 Nov 2026"]
    assert followers["points"][-1] == {
        "period": "26 Nov 2026",
        "value": 12873.0,
        "read_from": "Bluesky",
    }


def test_a_kpi_that_adds_its_figures_up_gets_no_running_totals(platforms, httpserver):
    bluesky, _ = platforms
    account = _bluesky_account(bluesky)
    KPI.objects.filter(account=account, metric="Posts").update(aggregation="sum")
    _serve_bluesky(httpserver)

    activity.collect_activity(now=NOW)

    kept = set(MetricObservation.objects.values_list("kpi__metric", flat=True))
    assert kept == {"Followers"}


def test_a_person_importing_the_days_figure_over_a_reading_makes_it_theirs(
    platforms, httpserver, dcct
):
    from types import SimpleNamespace as MetricRow  # a validated row: kpi, day, value

    bluesky, _ = platforms
    account = _bluesky_account(bluesky)
    _serve_bluesky(httpserver)
    activity.collect_activity(now=NOW)
    followers = account.kpis.get(metric="Followers")

    services.import_metrics(
        account=account,
        actor=dcct,
        rows=[MetricRow(kpi=followers, day=datetime.date(2026, 11, 26), value=Decimal(5))],
    )
    activity.collect_activity(now=NOW + datetime.timedelta(hours=1))

    kept = MetricObservation.objects.get(kpi=followers)
    assert (kept.value, kept.read_from) == (Decimal(5), "")  # theirs, and it stands


def test_a_reading_no_longer_taken_stops_deciding_dormancy(platforms):
    bluesky, _ = platforms
    today = datetime.date(2026, 11, 26)
    account = _bluesky_account(bluesky, went_live_on=datetime.date(2024, 1, 1))
    Account.objects.filter(pk=account.pk).update(
        last_post_at=NOW - datetime.timedelta(days=400),
        activity_read_at=NOW - datetime.timedelta(days=60),  # not read for two months
        last_activity_on=today - datetime.timedelta(days=10),  # the team reviewed it lately
    )

    assert account.pk not in set(dormant_accounts(today=today).values_list("pk", flat=True))


def test_a_second_run_while_one_is_reading_leaves_it_alone(platforms, httpserver, settings):
    from django.core.cache import cache

    bluesky, _ = platforms
    _bluesky_account(bluesky)
    _serve_bluesky(httpserver)
    settings.ACTIVITY_ENABLED = True
    cache.add(tasks.RUNNING, True)  # another worker is reading

    assert tasks.collect_activity.apply().get() == {"already_running": 1}
    assert not httpserver.log

    cache.delete(tasks.RUNNING)
    assert tasks.collect_activity.apply().get()["read"] == 1
    assert cache.get(tasks.RUNNING) is None  # let go once done


def test_a_mastodon_server_that_keeps_failing_is_skipped_not_mastodon(platforms, httpserver):
    _, mastodon = platforms
    port = httpserver.port
    failing = [_mastodon_account(mastodon, httpserver, f"team{n}", "127.0.0.1") for n in range(3)]
    working = _mastodon_account(mastodon, httpserver, "holyrood", "localhost")
    # One server behind two names: 127.0.0.1 fails, localhost answers.
    httpserver.expect_request(
        "/api/v1/accounts/lookup", headers={"Host": f"127.0.0.1:{port}"}
    ).respond_with_data("down", status=502)
    _serve_mastodon(httpserver)

    done = activity.collect_activity(now=NOW)

    assert (done["read"], done["failed"], done["skipped"]) == (1, 2, 1)
    assert Account.objects.get(pk=working.pk).last_post_at is not None
    assert all(Account.objects.get(pk=a.pk).last_post_at is None for a in failing)
    state = PlatformReading.objects.get(platform=mastodon)
    assert (
        state.skipped_until is None
    )  # Mastodon itself is read again tomorrow, and so is the server
    assert (
        state.last_error
        == "Servers given up on in this run: 127.0.0.1 (mastodon: server error (502), 1 tries)"
    )
    assert (state.accounts_read, state.accounts_failed) == (1, 2)


def test_a_platform_that_needs_the_owners_token_is_read_from_the_accounts_feed(
    platforms, httpserver
):
    x = PlatformFactory(slug="x", name="X (Twitter)")
    blog = AccountFactory(platform=x, handle="ScotParl", feed_url=httpserver.url_for("/feed"))
    AccountFactory(platform=x, handle="NoFeed")  # nothing reads it: its figures are imported
    httpserver.expect_request("/feed").respond_with_data(ATOM, content_type="application/atom+xml")

    done = activity.collect_activity(now=NOW)

    assert done["read"] == 1 and done["stored"] == 0 and done["not_available"] == 0
    blog.refresh_from_db()
    assert blog.last_post_at == datetime.datetime(2026, 11, 24, 12, tzinfo=datetime.UTC)
    assert blog.activity_source == "its feed"
    assert PlatformReading.objects.get(platform=x).accounts_read == 1


def test_a_day_that_runs_out_of_time_leaves_the_accounts_tried_most_recently(
    platforms, httpserver, settings
):
    bluesky, mastodon = platforms
    settings.ACTIVITY_TIME_BUDGET_SECONDS = 10
    tried_yesterday = _bluesky_account(bluesky, handle="yesterday.bsky.social")
    Account.objects.filter(pk=tried_yesterday.pk).update(
        activity_tried_at=NOW - datetime.timedelta(1)
    )
    # Never tried: first, whatever its platform (and a platform read later in the run).
    never_tried = _mastodon_account(mastodon, httpserver)
    _serve_bluesky(httpserver)
    _serve_mastodon(httpserver)
    ticks = iter([0.0, 1.0, 11.0])  # the budget set at 0; the first account at 1; then 11

    done = activity.collect_activity(now=NOW, clock=lambda: next(ticks))

    assert (done["read"], done["postponed"]) == (1, 1)
    assert Account.objects.get(pk=never_tried.pk).activity_read_at == NOW
    assert Account.objects.get(pk=tried_yesterday.pk).activity_read_at is None
    state = PlatformReading.objects.get(platform=bluesky)
    assert state.last_error == "1 left for the next run, the day's time having run out"


def test_an_account_that_cannot_be_read_goes_to_the_back_of_the_queue(platforms, httpserver):
    bluesky, _ = platforms
    gone = _bluesky_account(bluesky, handle="gone.bsky.social")
    httpserver.expect_request(
        "/xrpc/app.bsky.actor.getProfile", query_string={"actor": "gone.bsky.social"}
    ).respond_with_json({"error": "InvalidRequest"}, status=400)

    assert activity.collect_activity(now=NOW)["not_available"] == 1

    gone.refresh_from_db()
    assert gone.activity_tried_at == NOW and gone.activity_read_at is None


def test_how_each_account_is_read_is_said_on_its_evaluation_page(platforms, settings):
    bluesky, mastodon = platforms
    youtube = PlatformFactory(slug="youtube", name="YouTube")
    x = PlatformFactory(slug="x", name="X (Twitter)")
    settings.ACTIVITY_ENABLED = True
    settings.ACTIVITY_YOUTUBE_API_KEY = ""

    def said(**kwargs):
        return activity.how_read(AccountFactory.build(**kwargs))

    assert said(platform=bluesky) == (
        "Its followers, posts and latest post are read from Bluesky every day."
    )
    assert said(platform=youtube) == (
        "Its latest video is read every day from its feed: give its feed address below."
    )
    assert said(
        platform=youtube, feed_url="https://www.youtube.com/feeds/videos.xml?channel_id=U"
    ) == ("Its latest video is read every day from its feed.")
    assert said(platform=x, feed_url="https://blog.example/feed") == (
        "Its latest post is read every day from its feed."
    )
    assert said(platform=x).startswith("X (Twitter) shows an account's figures only to its owner")
    settings.ACTIVITY_YOUTUBE_API_KEY = "key"
    assert said(platform=youtube) == (
        "Its latest video is read every day from its feed, and its subscribers and videos."
    )
    assert said(platform=bluesky, state="setting_up") == (
        "Once it goes live, its followers, posts and latest post are read from Bluesky every day."
    )
    assert said(platform=bluesky, state="closed") == (
        "Only live accounts are read from their platforms: not this one (closed)."
    )
    settings.ACTIVITY_ENABLED = False
    assert said(platform=mastodon).startswith(
        "Reading from the platforms is switched off on this service. When on, its followers"
    )
    # Nothing reads it, switched on or off: what would change that is a feed.
    assert said(platform=x).startswith("X (Twitter) shows an account's figures only to its owner")
