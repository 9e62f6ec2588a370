"""The logs are append-only in the database itself, not only in Python: PostgreSQL triggers
(django-pgtrigger) refuse every way round the model's guards: QuerySet.update through the base
manager, an upsert (bulk_create with update_conflicts), raw SQL. The tables are collected from
the models, so that a new log cannot escape these tests: every AppendOnlyRecord, every model that
declares the append-only trigger, and every escalation to HEC (written once when ruled)."""

import io

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import DatabaseError, IntegrityError, connection, models, transaction
from django.db.models import ProtectedError
from django.test.utils import isolate_apps
from django.utils import timezone

from accounts import services as account_services
from evaluation.models import Review, ReviewEvent
from people.models import User
from proposals import services as proposal_services
from proposals.models import Decision, Escalation, Proposal
from workflow.checks import logs_are_append_only_in_the_database
from workflow.exports import log_export
from workflow.models import APPEND_ONLY, AppendOnlyRecord, EscalationRecord

on_postgresql = pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
    reason="the triggers are PostgreSQL's (CI runs these on PostgreSQL)",
)
REFUSED = "pgtrigger: Cannot"


def _triggers(model):
    return {trigger.name for trigger in getattr(model._meta, "triggers", [])}


def logs():
    """Every table only ever added to."""
    return [
        model
        for model in apps.get_models()
        if issubclass(model, AppendOnlyRecord) or APPEND_ONLY in _triggers(model)
    ]


def escalations():
    """Every escalation to HEC: kept for good, the positions fixed, the ruling written once."""
    return [model for model in apps.get_models() if issubclass(model, EscalationRecord)]


def _looks_like_a_log(model) -> bool:
    names = {field.name for field in model._meta.fields}
    return {"actor", "action"} <= names or model.__name__.endswith(("Event", "Log", "Decision"))


def _table(model):
    return connection.ops.quote_name(model._meta.db_table)


def _text_field(model):
    """A text column of the model to try to rewrite (a position, a comment, a recommendation)."""
    return next(
        field
        for field in model._meta.fields
        if isinstance(field, models.TextField) and field.name not in ("reasons",)
    )


# --- What is protected (every database) ---------------------------------------------------------


def test_every_log_the_project_keeps_is_collected():
    collected = {model._meta.label for model in logs()}

    assert {
        "proposals.Decision",
        "proposals.AlternativePlan",
        "accounts.AccountEvent",
        "accounts.ImpersonationReportEvent",
        "evaluation.ReviewEvent",
        "evaluation.RecertificationEvent",
        "workflow.Export",
    } <= collected
    assert {model._meta.label for model in escalations()} == {
        "proposals.Escalation",
        "accounts.ClosureEscalation",
    }
    # A model shaped like a log (who did what) or named like one must be one.
    lookalikes = {model._meta.label for model in apps.get_models() if _looks_like_a_log(model)}
    project = {"workflow", "people", "accounts", "proposals", "evaluation", "portal"}
    assert {label for label in lookalikes if label.split(".")[0] in project} <= collected


def test_every_log_and_escalation_carries_its_triggers():
    for model in logs():
        assert APPEND_ONLY in _triggers(model), model
    for model in escalations():
        assert {"escalation_kept", "escalation_positions_fixed", "escalation_ruled_once"} <= (
            _triggers(model)
        ), model


def test_nothing_a_log_points_at_can_be_deleted_from_under_it():
    """Whatever a log row names (its object, its actor) is PROTECTed: deleting a person who
    acted or an object with a history is refused, so no cascade ever reaches a log row."""
    for model in [*logs(), *escalations()]:
        for field in model._meta.fields:
            if field.is_relation:
                assert field.remote_field.on_delete is models.PROTECT, f"{model}.{field.name}"


def test_the_system_check_finds_a_log_that_dropped_its_trigger():
    assert logs_are_append_only_in_the_database(None) == []

    with isolate_apps("workflow") as registry:

        class ForgetfulEvent(AppendOnlyRecord):
            class Meta:  # does not extend AppendOnlyRecord.Meta: no trigger
                app_label = "workflow"

        class CarefulEvent(AppendOnlyRecord):
            class Meta(AppendOnlyRecord.Meta):
                app_label = "workflow"

        [error] = logs_are_append_only_in_the_database([registry.get_app_config("workflow")])

    assert error.id == "socialgov.E001" and error.obj is ForgetfulEvent
    assert "append-only log without its 'append_only' trigger" in error.msg


@pytest.mark.django_db
def test_the_log_refuses_an_upsert_in_python_too(make_proposal, staff):
    decision = proposal_services.submit(proposal=make_proposal("draft"), actor=staff)
    decision.comment = "Rewritten"

    with pytest.raises(TypeError, match="append-only"):
        Decision.objects.bulk_create(
            [decision], update_conflicts=True, unique_fields=["id"], update_fields=["comment"]
        )

    assert Decision.objects.get(pk=decision.pk).comment == ""
    added = Decision.objects.bulk_create(
        [Decision(proposal=decision.proposal, actor=staff, action="comment", from_state="draft")]
    )
    assert Decision.objects.filter(pk__in=[row.pk for row in added]).count() == 1


@pytest.mark.django_db
def test_a_person_who_acted_or_a_proposal_with_a_history_cannot_be_deleted(make_proposal, staff):
    proposal = make_proposal("draft")
    decision = proposal_services.submit(proposal=proposal, actor=staff)

    with pytest.raises(ProtectedError):
        staff.delete()
    with pytest.raises(ProtectedError):
        proposal.delete()

    assert User.objects.filter(pk=staff.pk).exists()
    assert Decision.objects.filter(pk=decision.pk, proposal=proposal).exists()


@pytest.mark.django_db
def test_the_admin_refuses_to_delete_a_person_who_acted_and_says_why(
    client, make_proposal, staff, administrator
):
    proposal_services.submit(proposal=make_proposal("draft"), actor=staff)
    client.force_login(administrator)

    page = client.get(f"/admin/people/user/{staff.pk}/delete/")
    confirmed = client.post(f"/admin/people/user/{staff.pk}/delete/", {"post": "yes"})

    assert page.status_code == 200 and "<h1>Cannot delete user</h1>" in page.text
    assert "<li>decision</li>" in page.text
    assert confirmed.status_code == 200 and "<h1>Cannot delete user</h1>" in confirmed.text
    assert User.objects.filter(pk=staff.pk).exists()


# --- The triggers (PostgreSQL) -----------------------------------------------------------------


@pytest.fixture
def history(db):
    """The demo's whole history, made through the services (so inserts still work with the
    triggers installed), and what it does not make: an export, a review's step, a decided
    escalation."""
    call_command("seed_demo", stdout=io.StringIO())
    policy_owner = User.objects.get(email="policy@example.org")
    log_export(user=policy_owner, what="Decision log, all proposals")
    review = Review.objects.first()
    ReviewEvent.objects.create(
        review=review,
        actor=User.objects.get(email="dcct@example.org"),
        actor_role="DCCT",
        action="assess",
        from_state=review.state,
        to_state=review.state,
    )
    if not Escalation.objects.filter(decided_at__isnull=False).exists():
        Escalation.objects.filter(pk=Escalation.objects.open().first().pk).rule(
            ruling="reject", reasons="Not now.", actor=User.objects.get(email="hec@example.org")
        )
    for model in [*logs(), *escalations()]:
        assert model.objects.exists(), f"Give {model._meta.label} a row in this history."


def _refused(attempt, *args, **kwargs):
    """Run it in a savepoint; the database's error, or None if it went through."""
    try:
        with transaction.atomic():
            attempt(*args, **kwargs)
    except DatabaseError as error:
        return error
    return None


def _sql(statement, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def _snapshot(model):
    return list(model._base_manager.order_by("pk").values())


def _let_through(model, attempts) -> list[str]:
    """Each attempt the database did not refuse with the trigger's error; the rows unchanged."""
    before = _snapshot(model)
    failures = []
    for name, (attempt, *args) in attempts.items():
        error = _refused(attempt, *args)
        if error is None or REFUSED not in str(error):
            failures.append(f"{model._meta.label}: {name} ({error or 'went through'})")
    assert _snapshot(model) == before, model
    return failures


def _raw_sql_attempts(model, pk):
    table, column = _table(model), connection.ops.quote_name(_text_field(model).column)
    return {
        "UPDATE": (_sql, f"UPDATE {table} SET {column} = 'Rewritten' WHERE id = %s", [pk]),
        "UPDATE to the same": (_sql, f"UPDATE {table} SET id = id WHERE id = %s", [pk]),
        "DELETE": (_sql, f"DELETE FROM {table} WHERE id = %s", [pk]),
        "DELETE all": (_sql, f"DELETE FROM {table}"),
    }


def _orm_attempts(model, pk):
    field = _text_field(model)
    rows = model._base_manager.filter(pk=pk)
    rewritten = model._base_manager.get(pk=pk)
    setattr(rewritten, field.attname, "Rewritten")
    upsert = {"update_conflicts": True, "unique_fields": ["id"], "update_fields": [field.name]}
    return {
        "base manager update": (lambda: rows.update(**{field.name: "Rewritten"}),),
        "base manager delete": (rows.delete,),
        "upsert": (lambda: model._base_manager.bulk_create([rewritten], **upsert),),
    }


def _escalation_attempts(model, escalation):
    rows = model._base_manager.filter(pk=escalation.pk)
    attempts = {
        "rewrite DCCT's position": (lambda: rows.update(dcct_position="Rewritten"),),
        "move it to another day": (lambda: rows.update(escalated_at=timezone.now()),),
        "delete": (rows.delete,),
        "raw DELETE": (_sql, f"DELETE FROM {_table(model)} WHERE id = %s", [escalation.pk]),
    }
    if escalation.decided_at is not None:
        attempts["rewrite the ruling"] = (lambda: rows.update(reasons="Rewritten"),)
        attempts["rule again"] = (
            _sql,
            f"UPDATE {_table(model)} SET ruling = '' WHERE id = %s",
            [escalation.pk],
        )
    return attempts


@on_postgresql
def test_raw_sql_cannot_update_or_delete_a_row_of_any_log(history):
    failures = []
    for model in logs():
        pk = model._base_manager.order_by("pk").values_list("pk", flat=True).first()
        failures += _let_through(model, _raw_sql_attempts(model, pk))

    assert failures == []


@on_postgresql
def test_the_base_manager_and_an_upsert_cannot_rewrite_or_remove_a_log_row(history):
    failures = []
    for model in logs():
        pk = model._base_manager.order_by("pk").values_list("pk", flat=True).first()
        failures += _let_through(model, _orm_attempts(model, pk))

    assert failures == []


@on_postgresql
def test_an_escalation_is_kept_its_positions_fixed_and_its_ruling_written_once(history):
    failures, decided = [], 0
    for model in escalations():
        for escalation in model.objects.all():
            failures += _let_through(model, _escalation_attempts(model, escalation))
            decided += escalation.decided_at is not None

    assert failures == []
    assert decided  # a ruled escalation was among them


@on_postgresql
@pytest.mark.django_db
def test_the_workflow_still_writes_its_log_and_hec_still_rules(make_proposal, staff, hec):
    proposal = make_proposal("escalated")

    submitted = proposal_services.submit(proposal=make_proposal("draft"), actor=staff)
    ruled = proposal_services.ACTIONS["reject"](proposal=proposal, actor=hec, comment="Not now.")

    assert Decision.objects.filter(pk__in=[submitted.pk, ruled.pk]).count() == 2
    escalation = Escalation.objects.get(proposal=proposal)
    assert (escalation.ruling, escalation.reasons, escalation.decided_by) == (
        "reject",
        "Not now.",
        hec,
    )
    # Ruling again finds no open escalation, and changes nothing.
    assert Escalation.objects.filter(pk=escalation.pk).rule(ruling="x", reasons="", actor=hec) == 0


@on_postgresql
@pytest.mark.django_db
def test_the_database_refuses_to_delete_a_proposal_under_its_log(make_proposal, staff):
    proposal = make_proposal("draft")
    proposal_services.submit(proposal=proposal, actor=staff)

    with pytest.raises(IntegrityError), transaction.atomic():
        _sql("SET CONSTRAINTS ALL IMMEDIATE")  # Django's foreign keys are checked at commit
        _sql(f"DELETE FROM {_table(Proposal)} WHERE id = %s", [proposal.pk])

    assert Proposal.objects.filter(pk=proposal.pk).exists()


@on_postgresql
@pytest.mark.django_db
def test_an_account_change_logged_through_a_service_is_kept(make_account, dcct):
    account = make_account("setting_up")

    account_services.update_details(
        account=account, actor=dcct, display_name="Youth Parliament", handle="YouthParl"
    )

    event = account.events.get(action="update_details")
    error = _refused(lambda: type(event)._base_manager.filter(pk=event.pk).update(comment="x"))
    assert error is not None and REFUSED in str(error)
    event.refresh_from_db()
    assert "YouthParl" in event.comment
