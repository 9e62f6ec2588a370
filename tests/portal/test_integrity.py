"""`manage.py check_integrity` (portal/integrity.py): a restored database holds together, or the
command fails and says where not."""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from accounts.models import AccountEvent
from accounts.signals import went_live
from evaluation.models import ReviewSchedule
from proposals import services as proposal_services
from proposals.models import Attachment, Decision, Proposal
from tests.factories import ImpersonationReportFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def own_media(settings, tmp_path):
    """Files of this test's own: other tests' uploads, rolled back with their rows, stay in the
    run's media folder and would be orphans here."""
    settings.MEDIA_ROOT = tmp_path


def _check(*args):
    out = io.StringIO()
    try:
        call_command("check_integrity", *args, stdout=out)
    except CommandError as error:
        return False, out.getvalue() + str(error)
    return True, out.getvalue()


def test_a_database_built_by_the_services_holds_together(make_proposal, staff, office_head, dcct):
    proposal = make_proposal("draft")
    proposal_services.submit(proposal=proposal, actor=staff)
    proposal_services.approve_in_principle(proposal=proposal, actor=office_head, comment="Yes")
    ImpersonationReportFactory(state="open")

    ok, out = _check()

    assert ok, out
    assert "proposals agree with their logs: ok" in out
    assert "The database holds together." in out


def test_a_state_its_log_does_not_explain_fails_the_check(make_proposal, staff, office_head):
    proposal = make_proposal("draft")
    proposal_services.submit(proposal=proposal, actor=staff)
    Proposal.objects.filter(pk=proposal.pk).update(state="approved")  # past the services
    never_logged = make_proposal("declined")  # made in a state nothing in its log reached

    ok, out = _check()

    assert not ok
    assert "proposals agree with their logs: 2 problem(s)" in out
    assert f"proposal {proposal.pk}: approved, but its log says with_office_head" in out
    assert f"proposal {never_logged.pk}: declined, but nothing in its log moved it" in out
    assert "2 integrity problem(s) found." in out


def test_objects_made_in_a_later_state_are_not_problems(make_account, dcct):
    account = make_account()  # as the inventory import makes one: live, with no transition
    AccountEvent.objects.create(account=account, actor=dcct, actor_role="DCCT", action="import")
    went_live.send(sender=type(account), accounts=[account], actor=dcct)  # its schedules
    ImpersonationReportFactory(state="merged", merged_into=ImpersonationReportFactory())

    ok, out = _check("--skip-files")

    assert ok, out
    assert "accounts agree with their logs: ok" in out
    assert "impersonation reports agree with their logs: ok" in out


def test_a_live_account_without_its_schedules_fails_the_check(make_account):
    account = make_account()
    ReviewSchedule.objects.filter(account=account).delete()

    ok, out = _check("--skip-files")

    assert not ok
    assert f"account {account.pk} ({account.display_name}) is live with no review schedule" in out


def test_missing_and_orphan_files_fail_the_check(make_proposal, staff):
    proposal = make_proposal("draft")
    attachment = Attachment(
        proposal=proposal,
        original_name="survey.pdf",
        content_type="application/pdf",
        size=4,
        uploaded_by=staff,
    )
    attachment.file.save("survey.pdf", ContentFile(b"%PDF"), save=False)
    attachment.save()
    kept = _check()
    assert kept[0], kept[1]
    default_storage.delete(attachment.file.name)
    orphan = default_storage.save("evidence/ab/stray.pdf", ContentFile(b"%PDF"))

    ok, out = _check()
    skipped, skipped_out = _check("--skip-files")

    assert not ok
    assert f"attachment {attachment.pk}: its file {attachment.file.name} is missing" in out
    assert f"file {orphan} belongs to no attachment" in out
    assert skipped and "attachments and their files" not in skipped_out
    default_storage.delete(orphan)


def test_only_transitions_count_not_notes_in_the_log(make_proposal, office_head, staff):
    proposal = make_proposal("draft")
    proposal_services.submit(proposal=proposal, actor=staff)
    Decision.objects.create(
        proposal=proposal,
        actor=office_head,
        actor_role="Office head",
        action="approver_left",
        from_state="with_office_head",
        to_state="with_office_head",
    )

    ok, out = _check("--skip-files")

    assert ok, out


def test_a_database_short_of_this_releases_migrations_is_sent_to_migrate_first(monkeypatch):
    executor = MigrationExecutor(connection)
    assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []  # all applied
    call_command("check_integrity", "--skip-files", stdout=io.StringIO())  # and it passes

    def behind(executor, targets, clean_start=False):
        # As if the last migration of accounts had not been applied.
        last = executor.loader.get_migration_by_prefix("accounts", "0022")
        return [(last, False)]

    monkeypatch.setattr(MigrationExecutor, "migration_plan", behind)

    with pytest.raises(
        CommandError,
        match=r"lacks 1 migration\(s\) of this release \(the first: "
        r"accounts\.0022_activity_tried_at\): run `manage.py migrate` first",
    ):
        call_command("check_integrity", "--skip-files")
