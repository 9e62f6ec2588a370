"""The retention schedule (portal/retention.py): what is no longer needed is minimised once old
enough, the decision record is kept, a dry run changes nothing, and a second run nothing more."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from accounts.models import AccountEvent
from evaluation.models import Review
from portal import retention, tasks
from proposals.models import Attachment, Comment, Decision
from tests.factories import ImpersonationReportFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 26)
LONG_AGO = timezone.make_aware(datetime.datetime(2019, 3, 1, 12))  # over six years before
RECENTLY = timezone.make_aware(datetime.datetime(2022, 3, 1, 12))
REMOVED = "[Removed under the retention policy]"


@pytest.fixture
def ended(make_proposal, staff, office_head):
    """A proposal declined long ago, with an attachment, a comment and its decision."""

    def make(when=LONG_AGO, state="declined"):
        proposal = make_proposal(
            state,
            cover_arrangements="Jane Smith covers when Shona is on leave.",
            objectives="Reach pupils.",
            audience="",
        )
        attachment = Attachment(
            proposal=proposal,
            original_name="survey.pdf",
            content_type="application/pdf",
            size=4,
            uploaded_by=staff,
        )
        attachment.file.save("survey.pdf", ContentFile(b"%PDF"), save=False)
        attachment.save()
        Comment.objects.create(proposal=proposal, author=staff, body="Call me on 07700 900123.")
        Decision.objects.create(
            proposal=proposal,
            actor=office_head,
            actor_role="Office head",
            action="decline",
            from_state="with_office_head",
            to_state=state,
            comment="Not now.",
        )
        type(proposal).objects.filter(pk=proposal.pk).update(state_changed_at=when)
        return proposal, attachment

    return make


def _run(**kwargs):
    return retention.apply_retention(today=TODAY, **kwargs)


def test_an_ended_proposal_past_its_period_loses_attachments_and_free_text_not_decisions(
    ended, django_capture_on_commit_callbacks
):
    proposal, attachment = ended()
    storage, name = attachment.file.storage, attachment.file.name
    assert storage.exists(name)

    with django_capture_on_commit_callbacks(execute=True):
        done = _run()

    assert done["proposals"] == 1 and done["attachments"] == 1 and done["comments"] == 1
    proposal.refresh_from_db()
    assert proposal.minimised_on == TODAY
    assert proposal.cover_arrangements == REMOVED and proposal.objectives == REMOVED
    assert proposal.audience == ""  # nothing was written: nothing to say was removed
    assert proposal.title  # kept
    assert not Attachment.objects.filter(proposal=proposal).exists()
    assert not storage.exists(name)  # the file too, once the change is committed
    assert Comment.objects.get(proposal=proposal).body == REMOVED
    (decision,) = Decision.objects.filter(proposal=proposal)
    assert decision.comment == "Not now."  # the decision record is kept whole


def test_recent_and_open_proposals_are_left_alone(ended, make_proposal):
    recent, _ = ended(when=RECENTLY)
    open_one = make_proposal("with_office_head")
    type(open_one).objects.filter(pk=open_one.pk).update(state_changed_at=LONG_AGO)
    set_up = make_proposal("set_up")
    type(set_up).objects.filter(pk=set_up.pk).update(state_changed_at=LONG_AGO)

    done = _run()

    assert done["proposals"] == 0
    for proposal in (recent, open_one, set_up):
        proposal.refresh_from_db()
        assert proposal.minimised_on is None


def test_a_dry_run_counts_and_changes_nothing(ended):
    proposal, _ = ended()

    done = _run(dry_run=True)

    assert (done["proposals"], done["attachments"], done["comments"]) == (1, 1, 1)
    proposal.refresh_from_db()
    assert proposal.minimised_on is None
    assert Attachment.objects.filter(proposal=proposal).exists()
    assert "Would minimise: 1 ended proposals" in retention.describe(done, dry_run=True)


def test_a_second_run_minimises_nothing_more(ended):
    ended()
    _run()

    again = _run()

    assert not any(again.values())


def test_the_period_is_a_setting(ended, settings):
    settings.RETENTION_ENDED_PROPOSAL_YEARS = 10
    proposal, _ = ended()  # seven years ago: not yet

    assert _run()["proposals"] == 0
    proposal.refresh_from_db()
    assert proposal.minimised_on is None


def test_a_long_closed_account_loses_its_free_text_and_its_reviews_narrative(
    make_account, owner, dcct
):
    account = make_account(state="closed", purpose="For pupils; ask Ailsa.", audience="Pupils")
    type(account).objects.filter(pk=account.pk).update(closed_on=datetime.date(2019, 5, 1))
    review = Review.objects.create(
        account=account,
        period_start=datetime.date(2018, 1, 1),
        period_end=datetime.date(2018, 7, 1),
        due_on=datetime.date(2018, 7, 15),
        went_well="Ailsa's videos.",
        not_well="",
        assessment="Effective.",
    )
    AccountEvent.objects.create(
        account=account, actor=dcct, actor_role="DCCT", action="mark_closed", comment="Done."
    )

    done = _run()

    assert done["accounts"] == 1 and done["reviews"] == 1
    account.refresh_from_db()
    assert account.minimised_on == TODAY
    assert account.purpose == REMOVED and account.audience == REMOVED
    assert account.display_name and account.members.exists()  # the record stays
    review.refresh_from_db()
    assert review.went_well == REMOVED and review.not_well == ""
    assert review.assessment == "Effective."  # DCCT's assessment: the decision record
    assert AccountEvent.objects.get(account=account, action="mark_closed").comment == "Done."


def test_live_and_recently_closed_accounts_are_left_alone(make_account):
    live = make_account(purpose="Live.")
    type(live).objects.filter(pk=live.pk).update(went_live_on=datetime.date(2015, 1, 1))
    recent = make_account(state="closed", purpose="Recent.")
    type(recent).objects.filter(pk=recent.pk).update(closed_on=datetime.date(2024, 1, 1))

    assert _run()["accounts"] == 0
    for account in (live, recent):
        account.refresh_from_db()
        assert account.minimised_on is None and account.purpose != REMOVED


def test_a_reporters_address_is_forgotten_a_year_after_the_report_was_dealt_with():
    dealt_with = ImpersonationReportFactory(state="resolved", reporter_email="pat@example.com")
    still_open = ImpersonationReportFactory(state="open", reporter_email="sam@example.com")
    recent = ImpersonationReportFactory(state="resolved", reporter_email="kim@example.com")
    old = timezone.make_aware(datetime.datetime(2025, 10, 1))
    for report in (dealt_with, still_open):
        type(report).objects.filter(pk=report.pk).update(state_changed_at=old)
    type(recent).objects.filter(pk=recent.pk).update(
        state_changed_at=timezone.make_aware(datetime.datetime(2026, 6, 1))
    )

    assert _run()["reporters"] == 1

    for report, email in (
        (dealt_with, ""),
        (still_open, "sam@example.com"),
        (recent, "kim@example.com"),
    ):
        report.refresh_from_db()
        assert report.reporter_email == email


def test_the_pages_say_what_was_removed(client, ended, dcct, make_account):
    proposal, _ = ended()
    account = make_account(state="closed")
    type(account).objects.filter(pk=account.pk).update(closed_on=datetime.date(2019, 5, 1))
    _run()
    client.force_login(dcct)

    proposal_page = client.get(proposal.get_absolute_url())
    account_page = client.get(account.get_absolute_url())

    assert proposal_page.status_code == 200 and account_page.status_code == 200
    assert "under the retention policy, its attachments were deleted" in proposal_page.text
    assert "Call me on" not in proposal_page.text
    assert "under the retention policy, the free text of its purpose" in account_page.text


def test_the_command_dry_run_and_the_nightly_task(ended, capsys, time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 26, 2, 45, tzinfo=datetime.UTC))
    ended()

    call_command("apply_retention", "--dry-run")
    out = capsys.readouterr().out
    assert "Retention periods: ended proposals 6 years" in out
    assert "Would minimise: 1 ended proposals (1 attachments deleted, 1 comments removed)" in out

    assert tasks.apply_retention.apply().get()["proposals"] == 1
    call_command("apply_retention")
    assert "Minimised: 0 ended proposals" in capsys.readouterr().out


def test_the_job_runs_every_night(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["apply-retention"]
    assert entry["task"] == "portal.tasks.apply_retention"


def test_the_privacy_notice_gives_the_periods(client, settings):
    settings.RETENTION_ENDED_PROPOSAL_YEARS = 7
    settings.RETENTION_REPORTER_EMAIL_DAYS = 90

    page = client.get("/privacy/").text

    assert "7 years after they ended, their attachments are deleted" in page
    assert "6 years after they closed" in page
    assert "deleted 90 days after we dealt with the report" in page


def test_a_merged_reporters_address_waits_for_the_report_they_joined():
    main = ImpersonationReportFactory(state="open", reporter_email="first@example.com")
    joined = ImpersonationReportFactory(
        state="merged", merged_into=main, reporter_email="second@example.com"
    )
    old = timezone.make_aware(datetime.datetime(2025, 1, 1))
    type(joined).objects.filter(pk=joined.pk).update(state_changed_at=old)

    assert _run()["reporters"] == 0  # the report they joined is still being dealt with

    type(main).objects.filter(pk=main.pk).update(state="resolved", state_changed_at=old)
    assert _run()["reporters"] == 2
    joined.refresh_from_db()
    assert joined.reporter_email == ""
