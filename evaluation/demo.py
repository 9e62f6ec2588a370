"""Two years of reviews and figures for the demo's live accounts (seed_demo): most assessed
effective, some to improve, the latest due, overdue or waiting for DCCT, and a few accounts
left dormant. Skips accounts that already have reviews, so a second run makes nothing twice."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import Account, AccountState
from evaluation.models import (
    KPI,
    MetricObservation,
    MetricValue,
    Review,
    ReviewSchedule,
    add_months,
)
from people import policy

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
