"""Filing a report of impersonation and DCCT's steps on it (DESIGN.md section 5): who may take
each step, what it needs, the log, and reports of one account merged into one."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from accounts import services
from accounts.models import ImpersonationReport, ImpersonationReportEvent
from accounts.services import load_platform_catalogue
from workflow.transitions import Changed

pytestmark = pytest.mark.django_db

CAST = ["staff", "office_head", "owner", "outsider", "hec", "policy_owner", "administrator"]


@pytest.fixture(autouse=True)
def catalogue(db):
    load_platform_catalogue()


def file(address="https://x.com/FakeScotParl", email="", said="Uses our logo."):
    return services.file_impersonation_report(
        address=address, looks_official=said, reporter_email=email
    )


def arguments(action):
    return {
        "report_to_platform": {"case_reference": "X-CASE-1", "comment": "Reported via the form."},
        "mark_taken_down": {"comment": "Suspended on 3 June."},
        "mark_platform_declined": {"comment": "X says it does not break its rules."},
        "close_as_not_impersonation": {"comment": "A parody account, labelled as such."},
    }[action]


# action, source, target
TABLE = [
    ("report_to_platform", "open", "reported_to_platform"),
    ("mark_taken_down", "reported_to_platform", "resolved"),
    ("mark_platform_declined", "reported_to_platform", "platform_declined"),
    ("close_as_not_impersonation", "open", "not_impersonation"),
    ("close_as_not_impersonation", "reported_to_platform", "not_impersonation"),
]


@pytest.mark.parametrize(("action", "source", "target"), TABLE)
def test_dcct_takes_each_step_and_the_log_records_it(make_report, dcct, action, source, target):
    report = make_report(source)

    event = services.REPORT_ACTIONS[action](report=report, actor=dcct, **arguments(action))

    report.refresh_from_db()
    assert report.state == target
    assert (event.actor, event.actor_role, event.from_state, event.to_state) == (
        dcct,
        "DCCT",
        source,
        target,
    )
    assert list(report.events.all()) == [event]


@pytest.mark.parametrize("persona", CAST)
@pytest.mark.parametrize(("action", "source", "target"), TABLE)
def test_nobody_but_dcct_takes_a_step(request, make_report, persona, action, source, target):
    report = make_report(source)
    person = request.getfixturevalue(persona)

    with pytest.raises(PermissionDenied):
        services.REPORT_ACTIONS[action](report=report, actor=person, **arguments(action))

    report.refresh_from_db()
    assert report.state == source and not report.events.exists()


def test_reporting_to_the_platform_keeps_the_case_reference(make_report, dcct):
    report = make_report("open")

    event = services.report_to_platform(report=report, actor=dcct, case_reference=" FB-77 ")

    report.refresh_from_db()
    assert report.case_reference == "FB-77"
    assert event.comment == "The platform's case reference: FB-77."


def test_reporting_to_the_platform_needs_the_case_reference(make_report, dcct):
    report = make_report("open")

    with pytest.raises(ValidationError) as refused, transaction.atomic():
        services.report_to_platform(report=report, actor=dcct, case_reference="  ")

    assert "case_reference" in refused.value.error_dict
    report.refresh_from_db()
    assert (report.state, report.case_reference) == ("open", "")
    assert not report.events.exists()


def test_not_impersonation_needs_a_reason(make_report, dcct):
    report = make_report("open")

    with pytest.raises(ValidationError) as refused, transaction.atomic():
        services.close_as_not_impersonation(report=report, actor=dcct, comment=" ")

    assert "comment" in refused.value.error_dict
    assert ImpersonationReport.objects.get(pk=report.pk).state == "open"


def test_the_platform_declining_needs_its_answer(make_report, dcct):
    report = make_report("reported_to_platform")

    with pytest.raises(ValidationError) as refused, transaction.atomic():
        services.mark_platform_declined(report=report, actor=dcct, comment=" ")

    assert "comment" in refused.value.error_dict
    assert ImpersonationReport.objects.get(pk=report.pk).state == "reported_to_platform"


def test_only_a_report_made_to_the_platform_can_be_declined_by_it(make_report, dcct):
    report = make_report("open")

    with pytest.raises(Changed):
        services.mark_platform_declined(report=report, actor=dcct, comment="Declined.")

    assert ImpersonationReport.objects.get(pk=report.pk).state == "open"


def test_a_new_report_of_an_account_the_platform_kept_is_a_new_report(make_report, dcct):
    kept = make_report("platform_declined", handle="FakeScotParl", handle_key="fakescotparl")

    filed = file().report

    assert (filed.state, filed.merged_into) == ("open", None)
    assert ImpersonationReport.objects.get(pk=kept.pk).state == "platform_declined"


@pytest.mark.parametrize("state", ["resolved", "platform_declined", "not_impersonation", "merged"])
def test_a_closed_or_merged_report_takes_no_step(make_report, dcct, state):
    report = make_report(state)

    for action in services.REPORT_ACTIONS:
        with pytest.raises(Changed):
            services.REPORT_ACTIONS[action](report=report, actor=dcct, **arguments(action))


def test_of_two_dcct_members_acting_at_once_one_wins(make_report, dcct, second_dcct):
    report = make_report("open")
    seen = ImpersonationReport.objects.get(pk=report.pk)
    stale = ImpersonationReport.objects.get(pk=report.pk)
    services.report_to_platform(report=seen, actor=dcct, case_reference="X-1")

    with pytest.raises(Changed):
        services.close_as_not_impersonation(
            report=stale, actor=second_dcct, comment="Parody.", expected_state="open"
        )

    assert ImpersonationReport.objects.get(pk=report.pk).state == "reported_to_platform"
    assert ImpersonationReportEvent.objects.count() == 1


def test_the_log_is_append_only(make_report, dcct):
    report = make_report("open")
    event = services.report_to_platform(report=report, actor=dcct, case_reference="X-1")

    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        ImpersonationReportEvent.objects.all().delete()


def test_a_report_is_filed_with_the_address_read_by_the_platforms_rules():
    filing = file("https://mobile.twitter.com/FakeScotParl/?lang=en", email=" a@example.net ")

    report = filing.report
    assert (report.address, report.handle, report.handle_key) == (
        "https://x.com/FakeScotParl",
        "FakeScotParl",
        "fakescotparl",
    )
    assert report.state == "open" and report.reporter_email == "a@example.net"
    assert not filing.merged and filing.ours is None


def test_a_second_report_of_the_account_joins_the_first(make_report):
    first = file().report

    second = file("https://twitter.com/fakescotparl", said="Asked me for money.")

    assert second.merged and second.report.merged_into == first
    assert second.report.state == "merged"
    assert list(first.duplicates.all()) == [second.report]
    assert ImpersonationReport.objects.filter(merged_into=None).count() == 1


def test_a_report_joins_one_already_reported_to_the_platform(dcct):
    first = file().report
    services.report_to_platform(report=first, actor=dcct, case_reference="X-1")

    assert file("x.com/FAKESCOTPARL").report.merged_into == first


def test_handles_are_compared_as_their_platform_compares_them():
    first = file("https://whatsapp.com/channel/0029VaAbCdEfGhIjKl").report

    other = file("https://whatsapp.com/channel/0029VAABCDEFGHIJKL").report

    assert other.merged_into is None and other.pk != first.pk


def test_two_reports_at_the_same_moment_still_make_one_queue_item(monkeypatch):
    """The second filing did not see the first (it was not yet committed): the database's
    one-open-report rule refuses the second queue item and the report joins the first."""
    first = file().report
    real = services._open_report_of
    calls = []

    def missed_once(reported):
        calls.append(reported)
        return None if len(calls) == 1 else real(reported)

    monkeypatch.setattr(services, "_open_report_of", missed_once)

    second = file("https://twitter.com/FakeScotParl").report

    assert second.merged_into == first and len(calls) == 2


def test_the_database_refuses_two_open_reports_of_one_account(make_report):
    first = make_report("open")

    with pytest.raises(IntegrityError), transaction.atomic():
        ImpersonationReport.objects.create(
            address="https://x.com/other-spelling",
            platform=first.platform,
            handle=first.handle.upper(),
            handle_key=first.handle_key,
            looks_official="Again.",
        )


def test_a_merged_report_must_name_the_report_it_joined(make_report):
    with pytest.raises(IntegrityError), transaction.atomic():
        ImpersonationReport.objects.create(
            address="https://x.com/Merged", looks_official="x", state="merged"
        )


def test_an_address_nothing_can_be_read_from_is_refused():
    with pytest.raises(ValidationError) as refused, transaction.atomic():
        file("   ")

    assert "address" in refused.value.error_dict
    assert not ImpersonationReport.objects.exists()
