"""Two years of reviews and figures for the demo's live accounts (seed_demo): most assessed
effective, some to improve, the latest due, overdue or waiting for DCCT, and a few accounts
left dormant; and their yearly recertifications in every state. Skips accounts that already
have reviews (or recertifications), so a second run makes nothing twice."""

import datetime
from collections import Counter
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import Account, AccountState
from evaluation.models import (
    KPI,
    RECERTIFICATION_FIELDS,
    MetricObservation,
    MetricValue,
    Review,
    ReviewEvent,
    ReviewSchedule,
    add_months,
)
from people import policy, roles
from people.roles import Role

QUARTERS = 8


@transaction.atomic
def seed_reviews(*, dcct, today: datetime.date) -> int:
    created = 0
    accounts = Account.objects.filter(
        state__in=[
            AccountState.LIVE,
            AccountState.CLOSURE_PROPOSED,
            AccountState.CLOSURE_CONTESTED,
            AccountState.CLOSURE_ESCALATED,
        ]
    ).order_by("pk")
    for number, account in enumerate(accounts):
        if account.reviews.exists():
            continue
        owner = account.members.filter(role="owner").select_related("person").first()
        reporter = owner.person if owner else dcct
        followers, _ = KPI.objects.get_or_create(
            account=account,
            metric="Followers",
            defaults={"unit": "followers", "target": 2000 + 250 * (number % 5)},
        )
        engagement, _ = KPI.objects.get_or_create(
            account=account,
            metric="Engagement rate",
            defaults={"unit": "%", "target": Decimal("3.5"), "aggregation": "average"},
        )
        dormant = number % 11 == 7
        # The latest period ended a week ago (its report is due in a week) or twenty days ago
        # (its report is overdue).
        ended = today - datetime.timedelta(days=7 if number % 2 else 20)
        start = add_months(ended, -3 * QUARTERS)
        periods = [
            (add_months(start, 3 * q), add_months(start, 3 * (q + 1))) for q in range(QUARTERS)
        ]
        if dormant:
            periods = periods[:5]
        growth = 1.03 + (number % 4) * 0.05
        observations = []
        for q, (period_start, period_end) in enumerate(periods):
            count = int(1200 * growth**q + 40 * number)
            rate = Decimal(str(round(2.4 + ((number + q) % 6) * 0.35, 2)))
            latest = q == len(periods) - 1 and not dormant
            state = "assessed"
            if latest:
                state = ("due", "submitted", "due")[number % 3]
            due_on = period_end + datetime.timedelta(days=policy.DAYS_TO_SUBMIT_REVIEW)
            review = Review.objects.create(
                account=account,
                period_start=period_start,
                period_end=period_end,
                due_on=due_on,
                state=state,
                went_well="" if state == "due" else "Short videos and live Q&As did well.",
                not_well="" if state == "due" else "Replies were slow during recess.",
                hours_spent=None if state == "due" else Decimal("5.5"),
                submitted_by=None if state == "due" else reporter,
                submitted_at=None
                if state == "due"
                else _moment(min(due_on - datetime.timedelta(3), timezone.localdate())),
                outcome=""
                if state != "assessed"
                else ("effective", "effective", "improve")[(number + q) % 3],
                assessment="" if state != "assessed" else "Steady growth; keep the schedule.",
                action_plan=""
                if state != "assessed" or (number + q) % 3 != 2
                else "Post at least twice a week and answer comments within a day.",
                assessed_by=dcct if state == "assessed" else None,
                assessed_at=_moment(due_on) if state == "assessed" else None,
                # In its state since it was raised, submitted or assessed: true ages on queues.
                state_changed_at={
                    "due": _moment(period_end),
                    "submitted": _moment(min(due_on - datetime.timedelta(3), timezone.localdate())),
                    "assessed": _moment(due_on),
                }[state],
            )
            Review.objects.filter(pk=review.pk).update(created_at=_moment(period_end))
            # Its history, as the services would have logged it: the steps its state implies.
            if state != "due":
                ReviewEvent.objects.create(
                    review=review,
                    actor=reporter,
                    actor_role="Account team",
                    action="submit",
                    from_state="due",
                    to_state="submitted",
                    created_at=review.submitted_at,
                )
            if state == "assessed":
                ReviewEvent.objects.create(
                    review=review,
                    actor=dcct,
                    actor_role="DCCT",
                    action="assess",
                    from_state="submitted",
                    to_state="assessed",
                    comment=review.assessment,
                    created_at=review.assessed_at,
                )
            if state != "due":
                MetricValue.objects.bulk_create(
                    [
                        MetricValue(
                            review=review, kpi=followers, value=count, target=followers.target
                        ),
                        MetricValue(
                            review=review, kpi=engagement, value=rate, target=engagement.target
                        ),
                    ]
                )
            for month in range(3):
                day = add_months(period_start, month)
                observations += [
                    MetricObservation(
                        account=account,
                        kpi=followers,
                        day=day,
                        value=int(count * (0.9 + month * 0.05)),
                        imported_by=reporter,
                    ),
                    MetricObservation(
                        account=account, kpi=engagement, day=day, value=rate, imported_by=reporter
                    ),
                ]
            created += 1
        MetricObservation.objects.bulk_create(observations, ignore_conflicts=True)
        last_end = periods[-1][1]
        ReviewSchedule.objects.update_or_create(
            account=account,
            defaults={
                "frequency": "quarterly",
                "period_start": last_end,
                "next_due_on": add_months(last_end, 3, ended.day),
                "anchor_day": ended.day,
            },
        )
    return created


def _moment(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))


# --- Yearly recertification ----------------------------------------------------------------------

# What happened to the demo's business-area accounts' latest recertification, in order: (due,
# days from today; what happened). The rest were recertified on time, months ago.
RECERTIFICATION_SCENARIOS = [
    (10, "follow_up"),  # answered "no" three days ago: DCCT follows it up
    (-45, "open"),  # overdue past the grace period: not recertified, a candidate for closure
    (-64, "open"),
    (-9, "open"),  # overdue, within the grace period
    (5, "open"),  # due within the week: the owner has had a reminder
    (20, "open"),
    (-70, "followed_up"),  # answered "no"; DCCT sorted it out a week later
]


@transaction.atomic
def seed_recertifications(*, dcct, today: datetime.date) -> int:
    """Yearly recertifications of the demo's live accounts, each taken through the services at
    its own past moment (time-machine, a development dependency, as is the whole demo): open
    ones (some overdue, two past the grace period), one waiting for DCCT's follow-up, one
    followed up, and the rest recertified in the last few months; the demo DCCT sign-in owns
    one that is open. Skips accounts that already have one, so a second run makes nothing
    twice."""
    import time_machine

    from evaluation import permissions, services
    from evaluation.models import Recertification, RecertificationSchedule
    from workflow import transitions

    live = Account.objects.filter(state=AccountState.LIVE).order_by("pk")
    fresh = [account for account in live if not account.recertifications.exists()]
    if not fresh:
        return 0
    plan = {}
    # The demo DCCT sign-in owns the corporate channels: one of theirs is open, to try the form.
    owned = next((a for a in fresh if _owner_email(a) == dcct.email), None)
    if owned is not None:
        plan[owned.pk] = (16, "open")
    others = [a for a in fresh if a.pk not in plan and a.kind == "business_area"]
    for account, scenario in zip(others, RECERTIFICATION_SCENARIOS, strict=False):
        plan[account.pk] = scenario
    for number, account in enumerate(a for a in fresh if a.pk not in plan):
        plan[account.pk] = (-30 - (number * 17) % 150, "recertified")

    created = 0
    with transitions.without_notices():
        for account in fresh:
            days, scenario = plan[account.pk]
            due_on = today + datetime.timedelta(days=days)
            RecertificationSchedule.objects.update_or_create(
                account=account, defaults={"next_due_on": due_on}
            )
            opening = due_on - datetime.timedelta(days=policy.RECERTIFICATION_OPENS_DAYS_BEFORE)
            with time_machine.travel(_moment(opening), tick=False):
                recertification = Recertification.objects.create(account=account, due_on=due_on)
            created += 1
            owner = account.members.filter(role="owner", removed_on__isnull=True).first()
            if scenario == "open" or owner is None:
                continue
            submitted = min(due_on - datetime.timedelta(days=6), today - datetime.timedelta(days=3))
            with time_machine.travel(_moment(submitted), tick=False):
                recertification = Recertification.objects.get(pk=recertification.pk)
                services.submit_recertification(
                    recertification=recertification,
                    actor=owner.person,
                    answers=_demo_answers(recertification, scenario),
                )
            # Each "no" is sorted out a week later, except the one left for DCCT to follow up.
            if recertification.state == "needs_follow_up" and scenario != "follow_up":
                closer = next(
                    person
                    for person in [dcct, *roles.members_of(Role.DCCT)]
                    if permissions.may_close_follow_up(recertification, person)
                )
                followed_up = _moment(submitted + datetime.timedelta(days=7))
                with time_machine.travel(followed_up, tick=False):
                    services.close_follow_up(
                        recertification=Recertification.objects.get(pk=recertification.pk),
                        actor=closer,
                        comment="Spoke to the owner: the leaver has been removed from the team "
                        "and a second editor is booked on the next training course.",
                    )
    return created


def _owner_email(account):
    owner = account.members.filter(role="owner", removed_on__isnull=True).select_related("person")
    return owner[0].person.email if owner else None


def _demo_answers(recertification, scenario) -> dict:
    """All "yes", except: a leaver still on the team where DCCT follows it up, and training
    answered as the register shows it on the day."""
    answers = {}
    for field in RECERTIFICATION_FIELDS:
        answers[field], answers[f"{field}_note"] = True, ""
    if scenario in ("follow_up", "followed_up"):
        answers["team_current"] = False
        answers["team_current_note"] = (
            "Our former editor left the office in the spring and is still listed; we have asked "
            "for her access to be removed."
        )
    if len(recertification.account.trained_team()) < policy.MIN_TRAINED_TEAM:
        answers["team_trained"] = False
        answers["team_trained_note"] = "One editor's training has lapsed; a refresher is booked."
    return answers


# The demo reads no network (ACTIVITY_ENABLED is off): what the daily reading would have kept
# for some of the accounts it reads, so that the account page and DCCT's dashboard show it
# working. (platform, handle): (days since the last post, followers today, gained a day); a
# YouTube channel read from its feed alone gives its latest video and no figures.
DEMO_READINGS = {
    ("bluesky", "scotparl.bsky.social"): (1, 2_790, 4),
    ("bluesky", "spcommittees.bsky.social"): (9, 2_310, 3),
    ("bluesky", "spice.bsky.social"): (20, 1_275, 2),
    ("mastodon", "ScotParl@social.example"): (2, 1_140, 1),
    ("youtube", "ScottishParliament"): (3, None, 0),
}
SOURCES = {"bluesky": "Bluesky", "mastodon": "Mastodon", "youtube": "YouTube"}


def seed_readings(*, today: datetime.date) -> int:
    """A fortnight of readings for the demo's live accounts of DEMO_READINGS that are not
    dormant (a reading says when they last posted, which would change which are): their
    followers each day, kept as the daily reading keeps them, and their latest post. Returns how
    many accounts."""
    from evaluation import activity
    from evaluation.models import PlatformReading
    from evaluation.selectors import dormant_accounts

    dormant = set(dormant_accounts(today=today).values_list("pk", flat=True))
    reader = activity.reader()
    read_at = timezone.make_aware(datetime.datetime.combine(today, datetime.time(5, 30)))
    if read_at > timezone.now():  # seeded before this morning's reading: yesterday's stands
        read_at -= datetime.timedelta(days=1)
    read = Counter()
    accounts = Account.objects.filter(
        platform__slug__in=SOURCES,
        state="live",
        handle__in=[handle for _, handle in DEMO_READINGS],
    ).select_related("platform")
    for account in accounts.exclude(pk__in=dormant):
        slug = account.platform.slug
        if (slug, account.handle) not in DEMO_READINGS:
            continue
        since_post, followers, per_day = DEMO_READINGS[slug, account.handle]
        Account.objects.filter(pk=account.pk).update(
            last_post_at=read_at - datetime.timedelta(days=since_post, hours=3),
            activity_read_at=read_at,
            activity_source=SOURCES[slug],
        )
        read[account.platform] += 1
        if followers is None:
            continue
        kpi, _ = KPI.objects.get_or_create(
            account=account,
            metric__iexact="Followers",
            defaults={"metric": "Followers", "unit": "followers", "target": followers + 500},
        )
        MetricObservation.objects.bulk_create(
            [
                MetricObservation(
                    account=account,
                    kpi=kpi,
                    day=today - datetime.timedelta(days=back),
                    value=followers - per_day * back,
                    imported_by=reader,
                    read_from=SOURCES[slug],
                )
                for back in range(14)
            ],
            ignore_conflicts=True,
        )
    for platform, count in read.items():
        PlatformReading.objects.update_or_create(
            platform=platform, defaults={"last_run_at": read_at, "accounts_read": count}
        )
    return sum(read.values())
