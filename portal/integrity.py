"""Checks that a database (a restored backup above all) holds together: `manage.py
check_integrity` runs them and fails when any finds a problem.

- Every object with a state agrees with its log: its state is the state its last transition in
  the log led to (or, with none logged, the state it starts in).
- Every live account has its review schedule and its recertification schedule.
- Every attachment's file is in the media storage, and every file stored as evidence belongs to
  an attachment (a backup of the database and one of the files taken at different moments
  disagree here first).
"""

from collections.abc import Iterator
from dataclasses import dataclass

from django.core.files.storage import default_storage
from django.db.models import F, OuterRef, Q, Subquery

from accounts.models import (
    Account,
    AccountEvent,
    AccountState,
    ImpersonationReport,
    ImpersonationReportEvent,
    ReportState,
)
from evaluation.models import Recertification, RecertificationEvent, Review, ReviewEvent
from proposals.models import Attachment, Decision, Proposal

# (model, its log, the log's field naming it, the states one is made in besides its default:
# an account registered from the inventory is made live; a second report of an account already
# reported is made merged)
LOGGED = [
    (Proposal, Decision, "proposal", ()),
    (Account, AccountEvent, "account", (AccountState.LIVE,)),
    (Review, ReviewEvent, "review", ()),
    (Recertification, RecertificationEvent, "recertification", ()),
    (ImpersonationReport, ImpersonationReportEvent, "report", (ReportState.MERGED,)),
]
EVIDENCE_FOLDER = "evidence"
SHOWN = 20  # problems named one by one, per check; the rest are counted


@dataclass
class Check:
    name: str
    problems: list[str]
    count: int


def state_disagreements(model, log, subject, starts=()) -> tuple[int, list[str]]:
    """Objects whose state is not the one their last logged transition led to, or, with no
    transition logged, not a state such an object is made in (the field's default, or one of
    `starts`)."""
    last = (
        log.objects.filter(**{subject: OuterRef("pk")})
        .exclude(to_state="")
        .order_by("-created_at", "-pk")
        .values("to_state")[:1]
    )
    made_in = {model._meta.get_field("state").default, *starts}
    wrong = (
        model.objects.annotate(logged=Subquery(last))
        .filter(
            (Q(logged__isnull=False) & ~Q(state=F("logged")))
            | (Q(logged__isnull=True) & ~Q(state__in=made_in))
        )
        .order_by("pk")
    )
    name = model._meta.verbose_name
    shown = [
        f"{name} {pk}: {state}, but its log says {logged}"
        if logged
        else f"{name} {pk}: {state}, but nothing in its log moved it from where it began"
        for pk, state, logged in wrong.values_list("pk", "state", "logged")[:SHOWN]
    ]
    return wrong.count(), shown


def unscheduled_live_accounts() -> tuple[int, list[str]]:
    live = Account.objects.filter(state=AccountState.LIVE)
    no_review = set(live.filter(review_schedule__isnull=True).values_list("pk", flat=True))
    no_date = set(live.filter(recertification_schedule__isnull=True).values_list("pk", flat=True))
    missing = sorted(no_review | no_date)
    names = dict(Account.objects.filter(pk__in=missing[:SHOWN]).values_list("pk", "display_name"))
    shown = []
    for pk in missing[:SHOWN]:
        lacks = [
            what
            for what, absent in (("review schedule", no_review), ("recertification date", no_date))
            if pk in absent
        ]
        shown.append(f"account {pk} ({names[pk]}) is live with no {' and no '.join(lacks)}")
    return len(missing), shown


def _stored(folder) -> Iterator[str]:
    if not default_storage.exists(folder):
        return
    folders, files = default_storage.listdir(folder)
    for name in files:
        yield f"{folder}/{name}"
    for sub in folders:
        yield from _stored(f"{folder}/{sub}")


def file_problems() -> tuple[int, list[str]]:
    """Attachments whose file is missing, and evidence files no attachment names."""
    named = dict(Attachment.objects.values_list("file", "pk"))
    stored = set(_stored(EVIDENCE_FOLDER))
    missing = sorted(name for name in named if name not in stored)
    orphans = sorted(stored - named.keys())
    problems = [f"attachment {named[name]}: its file {name} is missing" for name in missing]
    problems += [f"file {name} belongs to no attachment" for name in orphans]
    return len(problems), problems[:SHOWN]


def run(*, files=True) -> list[Check]:
    checks = []
    for model, log, subject, starts in LOGGED:
        count, shown = state_disagreements(model, log, subject, starts)
        checks.append(
            Check(f"{model._meta.verbose_name_plural} agree with their logs", shown, count)
        )
    count, shown = unscheduled_live_accounts()
    checks.append(Check("live accounts have their schedules", shown, count))
    if files:
        count, shown = file_problems()
        checks.append(Check("attachments and their files match", shown, count))
    return checks
