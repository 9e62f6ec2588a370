"""The daily reading of live accounts' activity from their platforms (issue 16), where a
connector can read them (evaluation/connectors): each reading is kept as figures (one
MetricObservation per account, KPI and day, `read_from` the platform, so a second run the same
day changes the day's value and adds nothing) for the KPIs named "Followers" and "Posts", and
when the account last posted on the account itself (`last_post_at`, which dormancy reads).

One account's failure never stops the others; a platform that keeps failing is skipped for the
rest of the day (connectors.base.Breaker, its state kept in PlatformReading, which DCCT's
dashboard shows), and where a platform's accounts live on many servers (Mastodon, feeds), the
failing server is given up on for the rest of the run instead. The accounts tried longest ago
go first, and a run stops starting new ones after ACTIVITY_TIME_BUDGET_SECONDS. Off unless
ACTIVITY_ENABLED (the embedded demo reads no network). Run by the beat job `collect_activity`
and by `manage.py collect_activity [--account ID] [--dry-run]`.
"""

import logging
import time
from collections import Counter, defaultdict
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import Account, AccountState
from evaluation.connectors.base import (
    Breaker,
    NotAvailable,
    Target,
    Unreachable,
    connector_for,
    registry,
)
from evaluation.models import KPI, Aggregation, MetricObservation, PlatformReading

logger = logging.getLogger(__name__)

# The KPI (by its metric, any case) each reading is kept as.
METRICS = {"followers": "followers", "posts": "posts"}
READER_EMAIL = "platform-reader@system.invalid"


def reader():
    """The person figures read from the platforms are recorded as imported by: the service
    itself, who cannot sign in."""
    from people.models import User

    user, made = User.objects.get_or_create(
        email=READER_EMAIL,
        defaults={"full_name": "Read from the platforms", "is_active": False},
    )
    if made:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def reader_of(account) -> str | None:
    """The connector (by its slug) that reads this account: its platform's, else its feed's
    where DCCT has recorded one; None where nothing can read it (its figures are imported)."""
    connector = registry().get(account.platform.slug)
    if connector is not None and not connector.needs_token:  # no tokens are kept yet
        return account.platform.slug
    return "rss" if account.feed_url else None


def takes_feed(account) -> bool:
    """Whether the daily reading would read a feed address recorded on this account: not where
    its platform's own interface gives its posts (Bluesky, Mastodon)."""
    connector = registry().get(account.platform.slug)
    return connector is None or connector.needs_token or connector.uses_feed


def feed_site(account) -> str:
    """The site a feed recorded on this account must be on, where its platform's own connector
    reads it (a YouTube channel's, on YouTube: a failing feed elsewhere would count against
    the platform); "" for anywhere."""
    connector = registry().get(account.platform.slug)
    if connector is None or connector.needs_token or not connector.uses_feed:
        return ""
    return connector.feed_site()


def how_read(account) -> str:
    """What the daily reading does for this account, as the evaluation page says it."""
    if account.state not in (AccountState.LIVE, AccountState.SETTING_UP):
        return (
            "Only live accounts are read from their platforms: not this one "
            f"({account.get_state_display().lower()})."
        )
    reader = reader_of(account)
    if reader is None:  # said whether or not reading is switched on: a feed would change it
        return (
            f"{account.platform} shows an account's figures only to its owner: they come from "
            "imports. If the account publishes an RSS or Atom feed, give its address and its "
            "latest post will be read from it."
        )
    if reader == "youtube":
        what = (
            "its latest video is read every day from its feed"
            + (", and its subscribers and videos" if settings.ACTIVITY_YOUTUBE_API_KEY else "")
            + (
                "."
                if account.feed_url or settings.ACTIVITY_YOUTUBE_API_KEY
                else ": give its feed address below."
            )
        )
    elif reader == "rss":
        what = "its latest post is read every day from its feed."
    else:
        what = f"its followers, posts and latest post are read from {account.platform} every day."
    if account.state == AccountState.SETTING_UP:
        what = "once it goes live, " + what
    if not settings.ACTIVITY_ENABLED:
        what = "reading from the platforms is switched off on this service. When on, " + what
    return what[0].upper() + what[1:]


class _Run:
    """One day's reading: a connector for each kind of reader, the breakers (a platform's kept
    between days in its PlatformReading; a server's, for platforms whose accounts live on many,
    for this run only) and what each platform's accounts came to."""

    def __init__(self, *, now, dry_run, one_account):
        self.now, self.dry_run, self.one_account = now, dry_run, one_account
        self.connectors = {}  # reader slug → connector
        self.states = {}  # platform → PlatformReading
        self.breakers = {}  # platform or ("host", name) → Breaker
        self.tally = defaultdict(Counter)  # platform → read, failed, postponed
        self.hosts = defaultdict(set)  # platform → the servers its accounts were read from
        self.skipped_all_day = set()  # platforms found skipped when the run began

    def connector(self, slug):
        if slug not in self.connectors:
            self.connectors[slug] = connector_for(slug)
        return self.connectors[slug]

    def close(self) -> None:
        for connector in self.connectors.values():
            connector.client.close()

    def state(self, platform) -> PlatformReading:
        if platform not in self.states:
            stored = PlatformReading.objects.filter(platform=platform).first()
            if stored is None:
                stored = PlatformReading(platform=platform)
                if not self.dry_run:
                    stored.save()
            self.states[platform] = stored
        return self.states[platform]

    def breaker(self, account, connector) -> Breaker:
        if connector.per_host:
            host = connector.host(Target.of(account))
            key = ("host", host)
            if key not in self.breakers:
                self.breakers[key] = Breaker(host)
            self.hosts[account.platform].add(host)
            return self.breakers[key]
        platform = account.platform
        if platform not in self.breakers:
            breaker = Breaker(platform.slug, open_until=self.state(platform).skipped_until)
            if not breaker.allows(self.now):
                self.skipped_all_day.add(platform)
            self.breakers[platform] = breaker
        return self.breakers[platform]

    def save(self) -> None:
        """Each platform's record of the run (a run that found it skipped, or read one account,
        leaves it as it was, but for the breaker)."""
        if self.dry_run:
            return
        for platform, state in self.states.items():
            breaker = self.breakers.get(platform)
            open_until = breaker.open_until if breaker else None
            if self.one_account or platform in self.skipped_all_day:
                if open_until != state.skipped_until:
                    state.skipped_until = open_until
                    state.save(update_fields=["skipped_until"])
                continue
            tally = self.tally[platform]
            notes = []
            if open_until:
                notes.append(breaker.last_error)
            given_up = sorted(
                f"{breaker.platform} ({breaker.last_error})"
                for key, breaker in self.breakers.items()
                if isinstance(key, tuple) and breaker.open_until and key[1] in self.hosts[platform]
            )
            if given_up:
                notes.append(f"Servers given up on in this run: {'; '.join(given_up)}")
            if tally["postponed"]:
                notes.append(
                    f"{tally['postponed']} left for the next run, the day's time having run out"
                )
            state.skipped_until = open_until
            state.last_error = ". ".join(notes)
            state.last_run_at = self.now
            state.accounts_read = tally["read"]
            state.accounts_failed = tally["failed"]
            state.save()


def collect_activity(*, account_id=None, dry_run=False, now=None, clock=time.monotonic) -> Counter:
    """Read every live account a connector can read (or the one account), keep what is read
    unless dry_run, and count what happened: read, not_available, failed, skipped (its platform
    or server skipped), postponed (the day's time ran out: tried first next time), stored
    (figures kept). The accounts tried longest ago (or never) go first, whatever their
    platform."""
    now = now or timezone.now()
    deadline = clock() + settings.ACTIVITY_TIME_BUDGET_SECONDS
    done = Counter()
    accounts = Account.objects.filter(state=AccountState.LIVE).select_related("platform")
    if account_id is not None:
        accounts = accounts.filter(pk=account_id)
    run = _Run(now=now, dry_run=dry_run, one_account=account_id is not None)
    try:
        for account in accounts.order_by(F("activity_tried_at").asc(nulls_first=True), "pk"):
            if (slug := reader_of(account)) is None:
                continue
            if clock() > deadline:
                done["postponed"] += 1
                run.tally[account.platform]["postponed"] += 1
                run.state(account.platform)
                continue
            try:
                _read_one(run, run.connector(slug), account, done)
            except Exception:  # a bug outside the reading itself: this account only
                done["failed"] += 1
                logger.exception("Activity of account %s failed", account.pk)
    finally:
        run.close()
        run.save()  # what the run found, however far it got
    return done


def _read_one(run, connector, account, done) -> None:
    platform = account.platform
    run.state(platform)
    breaker = run.breaker(account, connector)
    if not breaker.allows(run.now):
        done["skipped"] += 1
        return
    tally = run.tally[platform]
    if not run.dry_run:
        Account.objects.filter(pk=account.pk).update(activity_tried_at=run.now)
    try:
        profile = connector.read(Target.of(account))
        stored = 0 if run.dry_run else keep(account, profile, now=run.now)
    except NotAvailable as error:
        done["not_available"] += 1
        logger.info("Activity of account %s not available: %s", account.pk, error)
        return
    except Unreachable as error:
        tally["failed"] += 1
        done["failed"] += 1
        if breaker.failed(error, run.now):
            logger.warning("Activity: %s skipped: %s", breaker.platform, error)
        return
    except Exception:  # a bug, in a connector or in keeping: this account only
        tally["failed"] += 1
        done["failed"] += 1
        logger.exception("Activity of account %s failed", account.pk)
        return
    breaker.succeeded()
    tally["read"] += 1
    done["read"] += 1
    done["stored"] += stored


@transaction.atomic
def keep(account, profile, *, now) -> int:
    """Keep one reading: the account's latest post and the day's figures. Returns how many
    figures it wrote."""
    day = timezone.localdate(now)
    Account.objects.filter(pk=account.pk).update(
        last_post_at=profile.last_post_at or account.last_post_at,
        activity_read_at=now,
        activity_source=profile.source,
    )
    # A reading is a running total: kept only for a KPI that takes the latest figure of a
    # period (a KPI that adds its figures up would add up the totals).
    kpis = {
        kpi.metric.strip().lower(): kpi
        for kpi in KPI.objects.filter(account=account, active=True, aggregation=Aggregation.LAST)
    }
    written = 0
    for field, metric in METRICS.items():
        value = getattr(profile, field)
        kpi = kpis.get(metric)
        if value is None or kpi is None:
            continue
        if MetricObservation.objects.filter(kpi=kpi, day=day, read_from="").exists():
            continue  # a person imported the day's figure: theirs stands
        MetricObservation.objects.update_or_create(
            kpi=kpi,
            day=day,
            defaults={
                "account": account,
                "value": Decimal(value),
                "imported_by": reader(),
                "read_from": profile.source,
            },
        )
        written += 1
    return written


def enabled() -> bool:
    return settings.ACTIVITY_ENABLED
