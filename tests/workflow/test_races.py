"""One winner in every race (issue 12): of people acting on one object at the same moment, one
wins and the others are told that somebody acted first, never a 500; and the periodic jobs,
run twice at once, do each piece of work once.

The first tests run everywhere; those marked `on_postgresql` run real threads with their own
connections against PostgreSQL's row locks (CI runs them)."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.core import mail
from django.db import connection
from django.db.models import Model
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_fsm import FSMFieldMixin

from accounts import services as account_services
from accounts.models import Account, AccountEvent, AccountMember, ImpersonationReport
from evaluation.models import Recertification, RecertificationSchedule, Review
from proposals import services as proposal_services
from proposals.models import Decision, Proposal
from tests.accounts.conftest import complete_setup, exit_strategy
from tests.factories import AccountFactory, TrainingRecordFactory, UserFactory
from tests.races import at_once, on_postgresql
from workflow import transitions
from workflow.models import Delivery, Digest, NoticeKind, Notification, StateMachine
from workflow.notifications import set_preferences, tell
from workflow.transitions import Changed, NotReady


def workflow_models():
    """Every model whose state is a protected django-fsm field."""
    return [
        model
        for model in apps.get_models()
        if any(isinstance(field, FSMFieldMixin) and field.protected for field in model._meta.fields)
    ]


# --- Reading the state again, safely --------------------------------------------------------------


def test_every_workflow_object_reloads_its_state_safely():
    models = workflow_models()

    assert {model.__name__ for model in models} >= {
        "Proposal",
        "Account",
        "Review",
        "Recertification",
        "ImpersonationReport",
    }
    assert [model for model in models if not issubclass(model, StateMachine)] == []


@pytest.mark.django_db
def test_a_reload_leaves_the_state_protected_for_every_other_request(make_proposal, monkeypatch):
    """django-fsm's own reload switched the field's protection off for every thread while it
    read: another request's reload then met it switched on again, and answered 500."""
    proposal = make_proposal("with_office_head")
    field = Proposal._meta.get_field("state")
    protected_while_reading = []
    django_reload = Model.refresh_from_db

    def watching(self, *args, **kwargs):
        protected_while_reading.append(field.protected)
        return django_reload(self, *args, **kwargs)

    monkeypatch.setattr(Model, "refresh_from_db", watching)
    Proposal.objects.filter(pk=proposal.pk).update(state="with_dcct")

    proposal.refresh_from_db()

    assert set(protected_while_reading) == {True}
    assert proposal.state == "with_dcct"
    with pytest.raises(AttributeError):
        proposal.state = "approved"  # still refused to everyone else


@pytest.mark.django_db
def test_after_a_reload_the_next_step_saves_from_the_state_read(make_proposal, dcct):
    proposal = make_proposal("with_office_head")
    Proposal.objects.filter(pk=proposal.pk).update(state="with_dcct")

    proposal.refresh_from_db(fields=["state"])
    proposal_services.endorse(proposal=proposal, actor=dcct)

    assert Proposal.objects.get(pk=proposal.pk).state == "approved"


# --- A page acting on what it read ---------------------------------------------------------------


@pytest.mark.django_db
def test_a_step_on_an_object_changed_since_it_was_read_is_told_so(make_proposal, office_head):
    proposal = make_proposal("with_office_head")
    stale = Proposal.objects.get(pk=proposal.pk)
    proposal_services.approve_in_principle(proposal=proposal, actor=office_head)

    with pytest.raises(Changed, match="it is now “With DCCT”"):
        proposal_services.decline(proposal=stale, actor=office_head, comment="No.")

    assert stale.state == "with_dcct"  # read again, not left as the page saw it
    assert list(Decision.objects.values_list("action", flat=True)) == ["approve_in_principle"]


@pytest.mark.django_db
def test_a_step_valid_from_both_states_is_still_refused_on_a_stale_page(make_report, dcct):
    """Closing as "not impersonation" is possible before and after reporting to the platform:
    a page that saw the report open must not close it unseen once it was reported."""
    report = make_report("open")
    stale = ImpersonationReport.objects.get(pk=report.pk)
    account_services.report_to_platform(report=report, actor=dcct, case_reference="X-1")

    with pytest.raises(Changed):
        account_services.close_as_not_impersonation(report=stale, actor=dcct, comment="Parody.")

    assert ImpersonationReport.objects.get(pk=report.pk).state == "reported_to_platform"


@pytest.mark.django_db
def test_the_guards_read_the_team_as_committed_not_as_the_page_read_it(make_account, dcct):
    """The account page read the team with both people trained; one left before DCCT pressed
    "Go live": the step is refused with the team as it is now."""
    account = make_account("setting_up")
    complete_setup(account)
    page_copy = Account.objects.prefetch_related("members__person__training_records").get(
        pk=account.pk
    )
    assert len(page_copy.trained_team()) == 2
    AccountMember.objects.filter(account=account, role="editor").update(
        removed_on=datetime.date.today(), removal_reason="Left"
    )

    with pytest.raises(NotReady, match=r"\(1 have it\)"):
        account_services.go_live(account=page_copy, actor=dcct)

    assert Account.objects.get(pk=account.pk).state == "setting_up"


@pytest.mark.django_db
def test_a_database_rule_broken_at_the_last_moment_is_refused_with_its_words(
    make_account, dcct, monkeypatch
):
    """Two accounts going live on one handle at once both pass the guard; the database's unique
    constraint stops the second, and its words reach the page instead of a 500."""
    account = make_account("setting_up", handle="ScotParlYouth")
    complete_setup(account)
    AccountFactory(platform=account.platform, handle="scotparlyouth", state="live")
    monkeypatch.setattr(Account, "handle_taken", lambda self: False)  # the other not yet seen

    with pytest.raises(NotReady, match="already on the register"):
        account_services.go_live(account=account, actor=dcct)

    assert account.state == "setting_up"
    assert Account.objects.get(pk=account.pk).state == "setting_up"
    assert not AccountEvent.objects.filter(account=account, action="go_live").exists()


@pytest.mark.django_db
def test_a_guard_that_changes_its_mind_between_two_readings_refuses_the_step(
    make_account, dcct, monkeypatch
):
    """django-fsm reads the guards again as the step runs: another account went live on the
    handle in between. The step is refused with the guard's words, never a 500."""
    account = make_account("setting_up", handle="ScotParlYouth")
    complete_setup(account)
    readings = iter([False])
    monkeypatch.setattr(Account, "handle_taken", lambda self: next(readings, True))

    with pytest.raises(NotReady, match="already uses the handle"):
        account_services.go_live(account=account, actor=dcct)

    assert Account.objects.get(pk=account.pk).state == "setting_up"
    assert not AccountEvent.objects.filter(account=account, action="go_live").exists()


@pytest.mark.django_db
def test_a_step_locks_its_object_before_checking_anything(make_proposal, office_head):
    proposal = make_proposal("with_office_head")

    with CaptureQueriesContext(connection) as queries:
        proposal_services.approve_in_principle(proposal=proposal, actor=office_head)

    first = next(q["sql"] for q in queries.captured_queries if "proposals_proposal" in q["sql"])
    if connection.features.has_select_for_update:
        assert "FOR NO KEY UPDATE" in first
    else:  # SQLite: one writing transaction at a time (BEGIN IMMEDIATE) does the same
        assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


# --- Real races on PostgreSQL ---------------------------------------------------------------------


def _fresh(obj):
    """Another request's copy of the object, as its page read it."""
    return type(obj).objects.get(pk=obj.pk)


def _outcomes(results):
    won = [r for r in results if not isinstance(r, Exception)]
    told = [r for r in results if isinstance(r, Changed)]
    failed = [r for r in results if isinstance(r, Exception) and not isinstance(r, Changed)]
    return won, told, failed


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_twelve_people_approving_at_once_make_one_decision(make_proposal, office_head):
    """The issue's case: 4 of 14 simultaneous steps answered AttributeError (a 500)."""
    proposal = make_proposal("with_office_head")
    copies = [_fresh(proposal) for _ in range(12)]

    results = at_once(
        *(
            lambda copy=copy: proposal_services.approve_in_principle(
                proposal=copy, actor=office_head
            )
            for copy in copies
        )
    )

    won, told, failed = _outcomes(results)
    assert failed == []
    assert len(won) == 1 and len(told) == 11
    assert all("it is now “With DCCT”" in str(message) for message in told)
    assert list(Decision.objects.values_list("action", flat=True)) == ["approve_in_principle"]
    assert Proposal.objects.get(pk=proposal.pk).state == "with_dcct"


# (object, its state, the first person's step, the second's): the same step twice, and two
# different steps, on each kind of workflow object that goes through transitions.run.
RACES = [
    ("proposal", "with_dcct", ("dcct", "endorse", {}), ("second_dcct", "endorse", {})),
    (
        "proposal",
        "with_dcct",
        ("dcct", "endorse", {}),
        ("second_dcct", "request_changes", {"comment": "Say more about moderation."}),
    ),
    (
        "account",
        "live",
        ("dcct", "propose_closure", {"reason": "not_effective", "explanation": "Quiet."}),
        ("office_head", "propose_closure", {"reason": "campaign_ended", "explanation": "Done."}),
    ),
    (
        "account",
        "closure_proposed",
        ("office_head", "contest_closure", {"comment": "Keep it."}),
        ("owner", "contest_closure", {"comment": "We need it."}),
    ),
    (
        "account",
        "closure_proposed",
        ("office_head", "agree_exit_strategy", {"exit_strategy": exit_strategy()}),
        ("owner", "contest_closure", {"comment": "We need it."}),
    ),
    (
        "report",
        "open",
        ("dcct", "report_to_platform", {"case_reference": "X-1"}),
        ("second_dcct", "close_as_not_impersonation", {"comment": "A parody."}),
    ),
    (
        "report",
        "reported_to_platform",
        ("dcct", "mark_taken_down", {}),
        ("second_dcct", "mark_taken_down", {}),
    ),
]

SERVICES = {
    "proposal": proposal_services.ACTIONS,
    "account": account_services.ACTIONS,
    "report": account_services.REPORT_ACTIONS,
}


@on_postgresql
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("kind", "state", "first", "second"), RACES)
def test_two_steps_on_one_object_at_once_have_one_winner(
    request, make_proposal, make_account, make_report, kind, state, first, second
):
    obj = {"proposal": make_proposal, "account": make_account, "report": make_report}[kind](state)
    actions = SERVICES[kind]
    log = obj.decisions if kind == "proposal" else obj.events
    logged_before = log.count()

    def step(persona, action, values):
        actor = request.getfixturevalue(persona)
        copy = _fresh(obj)
        expected = transitions.stamp(copy)
        return lambda: actions[action](
            **{kind: copy}, actor=actor, expected_state=expected, **values
        )

    results = at_once(step(*first), step(*second))

    won, told, failed = _outcomes(results)
    assert failed == []
    assert len(won) == 1 and len(told) == 1
    assert log.count() == logged_before + 1
    assert type(obj).objects.get(pk=obj.pk).state == won[0].to_state


# --- The periodic jobs, run four times at once ---------------------------------------------------


def _reviews_falling_due(today):
    """Live accounts whose first quarter has just ended, each with a team to tell."""
    for _ in range(6):
        account = AccountFactory(
            state="live", kind="business_area", went_live_on=today - datetime.timedelta(days=100)
        )
        for role in ("owner", "editor"):
            AccountMember.objects.create(account=account, person=UserFactory(), role=role)


def _recertifications_falling_due(today):
    for _ in range(6):
        account = AccountFactory(state="live", went_live_on=today - datetime.timedelta(days=340))
        AccountMember.objects.create(account=account, person=UserFactory(), role="owner")
        RecertificationSchedule.objects.create(
            account=account,
            next_due_on=today + datetime.timedelta(days=10),
            anchor_on=account.went_live_on,
        )


def _reminders_due(today):
    """Reviews due within the week and overdue, and training about to expire."""
    for days in (3, -3):
        account = AccountFactory(state="live", kind="business_area")
        AccountMember.objects.create(account=account, person=UserFactory(), role="owner")
        Review.objects.create(
            account=account,
            period_start=today - datetime.timedelta(days=100),
            period_end=today - datetime.timedelta(days=10),
            due_on=today + datetime.timedelta(days=days),
        )
    for _ in range(3):
        TrainingRecordFactory(
            completed_on=today - datetime.timedelta(days=350),
            expires_on=today + datetime.timedelta(days=10),
        )


def _digests_waiting(today):
    for person in UserFactory.create_batch(5):
        set_preferences(person=person, choices={NoticeKind.REMINDER: Delivery.DIGEST})
        for number in range(3):
            tell(f"r{number}", [person], f"Reminder {number}", "Body", kind=NoticeKind.REMINDER)


def _task(path):
    module, name = path.rsplit(".", 1)
    return getattr(importlib.import_module(module), name)


# (the task the beat schedule runs, what it finds to do, what one run alone returns)
JOBS = [
    ("evaluation.tasks.raise_due_reviews", _reviews_falling_due, 6),
    ("evaluation.tasks.open_due_recertifications", _recertifications_falling_due, 6),
    ("evaluation.tasks.send_reminders", _reminders_due, 5),
    ("workflow.tasks.send_digests", _digests_waiting, 5),
]


def _work_done():
    return {
        "reviews": sorted(Review.objects.values_list("account", "period_end")),
        "recertifications": sorted(
            Recertification.objects.values_list("account", "due_on", "state")
        ),
        "notices": sorted(Notification.objects.values_list("key", "sent_at")),
        "emails": sorted((message.to[0], message.subject) for message in mail.outbox),
    }


@on_postgresql
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("task", "arrange", "work"), JOBS, ids=[job[0] for job in JOBS])
def test_a_periodic_job_run_four_times_at_once_does_the_work_once(task, arrange, work):
    """Each piece of work (a review, a recertification, a notice, an email) is done by one of
    the runs: together they count what one run alone would, and nothing twice."""
    arrange(timezone.localdate())
    job = _task(task)

    results = at_once(job, job, job, job)

    assert [result for result in results if isinstance(result, Exception)] == []
    assert sum(results) == work
    done = _work_done()
    assert len(done["emails"]) == len(set(done["emails"]))  # nobody emailed twice
    reviews = [row[:2] for row in done["reviews"]]
    assert len(reviews) == len(set(reviews))
    open_ones = [row[0] for row in done["recertifications"] if row[2] == "open"]
    assert len(open_ones) == len(set(open_ones))
    emailed_notices = Notification.objects.filter(
        delivery=Delivery.IMMEDIATE, sent_at__isnull=False
    ).count()
    assert (
        len(done["emails"])
        == emailed_notices + Digest.objects.filter(sent_at__isnull=False).count()
    )
    assert job() == 0  # a fifth run finds nothing left to do...
    assert _work_done() == done  # ...and does nothing
