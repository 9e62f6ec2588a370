"""The daily reading of live accounts' activity from their platforms (issue 16), where a
connector can read them (evaluation/connectors): each reading is kept as figures (one
MetricObservation per account, KPI and day, `read_from` the platform, so a second run the same
day changes the day's value and adds nothing) for the KPIs named "Followers" and "Posts", and
when the account last posted on the account itself (`last_post_at`, which dormancy reads).

One account's failure never stops the others; a platform that keeps failing is skipped for the
rest of the day (connectors.base.Breaker, its state kept in PlatformReading, which DCCT's
dashboard shows). Off unless ACTIVITY_ENABLED (the embedded demo reads no network). Run by
the beat job `collect_activity` and by `manage.py collect_activity [--account ID] [--dry-run]`.
"""

import logging
from collections import Counter, defaultdict
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import Account, AccountState
from evaluation.connectors.base import (
    Breaker,
    NotAvailable,
    Target,
    Unreachable,
    connector_for,
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


def collect_activity(*, account_id=None, dry_run=False, now=None) -> Counter:
    """Read every live account a connector can read (or the one account), keep what is read
    unless dry_run, and count what happened: read, not_available, failed, skipped (a platform
    skipped for the day), stored (figures kept)."""
    now = now or timezone.now()
    done = Counter()
    accounts = Account.objects.filter(state=AccountState.LIVE).select_related("platform")
    if account_id is not None:
        accounts = accounts.filter(pk=account_id)
    by_platform = defaultdict(list)
    for account in accounts.order_by("platform_id", "pk"):
        by_platform[account.platform].append(account)
    for platform, members in by_platform.items():
        connector = connector_for(platform.slug)
        if connector is None:
            continue
        state, _ = (
            (PlatformReading(platform=platform), False)
            if dry_run
            else PlatformReading.objects.get_or_create(platform=platform)
        )
        breaker = Breaker(platform.slug, open_until=state.skipped_until)
        skipped_all_day = not breaker.allows(now)
        read = failed = 0
        try:
            for account in members:
                if not breaker.allows(now):
                    done["skipped"] += 1
                    continue
                try:
                    profile = connector.read(Target.of(account))
                    stored = 0 if dry_run else keep(account, profile, now=now)
                except NotAvailable as error:
                    done["not_available"] += 1
                    logger.info("Activity of account %s not available: %s", account.pk, error)
                    continue
                except Unreachable as error:
                    failed += 1
                    done["failed"] += 1
                    if breaker.failed(error, now):
                        logger.warning("Activity: %s skipped for the day: %s", platform, error)
                    continue
                except Exception:  # a bug, in a connector or in keeping: this account only
                    failed += 1
                    done["failed"] += 1
                    logger.exception("Activity of account %s failed", account.pk)
                    continue
                breaker.succeeded()
                read += 1
                done["read"] += 1
                done["stored"] += stored
        finally:
            connector.client.close()
        if not dry_run and not skipped_all_day and account_id is None:
            # A whole run's outcome (a run that found the platform skipped, or read one
            # account, leaves the day's record as it was).
            state.skipped_until = breaker.open_until
            state.last_error = breaker.last_error if breaker.open_until else ""
            state.last_run_at = now
            state.accounts_read = read
            state.accounts_failed = failed
            state.save()
        elif not dry_run and account_id is not None and breaker.open_until != state.skipped_until:
            state.skipped_until = breaker.open_until
            state.save(update_fields=["skipped_until"])
    return done


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
