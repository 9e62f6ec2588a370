"""The retention schedule: what the service no longer needs, minimised once it is old enough.

- Proposals withdrawn, declined or rejected more than RETENTION_ENDED_PROPOSAL_YEARS ago: their
  attachments are deleted, and the free text of their business case and their comments
  replaced by a note that it was removed.
- Accounts closed more than RETENTION_CLOSED_ACCOUNT_YEARS ago: the free text of their purpose
  and audience, and what their teams wrote in their reviews, likewise.
- Reports of impersonation dealt with more than RETENTION_REPORTER_EMAIL_DAYS ago: the
  reporter's email address, kept only to tell them the outcome, is forgotten.

Kept, always: the decision record (every decision, step and event, with who, what and when),
titles, platforms, offices, teams, KPIs, figures, review outcomes and DCCT's assessments, and
what closing an account agreed. Each app minimises its own data (its services); this module
picks what is due, in batches, and says what it did or, with dry_run, what it would do. Run
every night (portal.tasks.apply_retention) and by `manage.py apply_retention [--dry-run]`.
"""

import datetime
import logging
from collections import Counter
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts import services as accounts
from evaluation import services as evaluation
from proposals import services as proposals

logger = logging.getLogger(__name__)

BATCH = 500


@dataclass(frozen=True)
class Cutoffs:
    """What ended before these is due."""

    proposals: datetime.datetime
    accounts: datetime.date
    reporters: datetime.datetime

    @classmethod
    def on(cls, today: datetime.date) -> "Cutoffs":
        midnight = timezone.make_aware(datetime.datetime.combine(today, datetime.time()))
        return cls(
            proposals=midnight - relativedelta(years=settings.RETENTION_ENDED_PROPOSAL_YEARS),
            accounts=today - relativedelta(years=settings.RETENTION_CLOSED_ACCOUNT_YEARS),
            reporters=midnight - datetime.timedelta(days=settings.RETENTION_REPORTER_EMAIL_DAYS),
        )


def _batches(queryset):
    ids = list(queryset.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH):
        yield ids[start : start + BATCH]


def apply_retention(*, today: datetime.date | None = None, dry_run: bool = False) -> Counter:
    """Minimise everything due today; with dry_run, only count it. Returns the counts: ended
    proposals, their attachments and comments; closed accounts and their reviews; reporters'
    addresses. Each batch is its own transaction, so a run stopped half way resumes."""
    today = today or timezone.localdate()
    cutoffs = Cutoffs.on(today)
    done = Counter()
    due_proposals = proposals.ended_before(cutoffs.proposals)
    due_accounts = accounts.closed_before(cutoffs.accounts)
    due_reporters = accounts.reporters_to_forget(cutoffs.reporters)
    if dry_run:
        from proposals.models import Attachment, Comment

        done["proposals"] = due_proposals.count()
        done["attachments"] = Attachment.objects.filter(proposal__in=due_proposals).count()
        done["comments"] = (
            Comment.objects.filter(proposal__in=due_proposals)
            .exclude(body=proposals.REMOVED)
            .count()
        )
        done["accounts"] = due_accounts.count()
        done["reviews"] = evaluation.reviews_with_narrative(due_accounts).count()
        done["reporters"] = due_reporters.count()
        return done
    for ids in _batches(due_proposals):
        done.update(proposals.minimise(proposal_ids=ids, today=today))
    for ids in _batches(due_accounts):
        with transaction.atomic():
            done["accounts"] += accounts.minimise(account_ids=ids, today=today)
            done["reviews"] += evaluation.minimise_reviews(account_ids=ids)
    for ids in _batches(due_reporters):
        done["reporters"] += accounts.forget_reporters(report_ids=ids)
    if any(done.values()):
        logger.info(
            "Retention: minimised %s",
            ", ".join(f"{n} {what}" for what, n in done.items()),
            extra={"retention": dict(done)},
        )
    return done


def describe(done: Counter, *, dry_run: bool) -> str:
    """What a run did (or would do), in words."""
    verb = "Would minimise" if dry_run else "Minimised"
    parts = [
        f"{done['proposals']} ended proposals ({done['attachments']} attachments deleted, "
        f"{done['comments']} comments removed)",
        f"{done['accounts']} closed accounts ({done['reviews']} reviews' free text removed)",
        f"{done['reporters']} reporters' email addresses forgotten",
    ]
    return f"{verb}: " + "; ".join(parts) + "."
