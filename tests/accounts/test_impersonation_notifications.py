"""Who hears about a report of impersonation: DCCT of each new report, at once, as something to
act on; the reporter (not a user) that it arrived and what came of it, each exactly once, even
when a task runs twice; the people whose reports were merged hear the outcome too."""

from smtplib import SMTPRecipientsRefused, SMTPServerDisconnected

import pytest
from django.core import mail

from accounts import notifications, services, tasks
from accounts.models import ImpersonationReport
from accounts.services import load_platform_catalogue
from people.roles import Role
from people.services import assign_role
from tests.factories import UserFactory
from workflow.models import NoticeKind, Notification

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def catalogue(db):
    load_platform_catalogue()


def file(address="https://x.com/FakeScotParl", email="reporter@example.net"):
    return services.file_impersonation_report(
        address=address,
        looks_official="Uses our crest and asks for donations.",
        reporter_email=email,
    ).report


def to(address):
    return [message for message in mail.outbox if message.to == [address]]


def test_dcct_hears_of_a_new_report_once_the_filing_commits(
    dcct, second_dcct, hec, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        report = file(email="")
        assert mail.outbox == []  # nothing leaves before the transaction commits
    for callback in callbacks:
        callback()

    assert sorted(m.to[0] for m in mail.outbox) == sorted([dcct.email, second_dcct.email])
    message = to(dcct.email)[0]
    assert "https://x.com/FakeScotParl" in message.subject
    assert "Uses our crest and asks for donations." in message.body
    assert f"/accounts/impersonation/{report.pk}/" in message.body
    notice = Notification.objects.get(recipient=dcct)
    assert notice.kind == NoticeKind.ACTION


def test_dcct_is_told_once_even_when_the_task_runs_twice(dcct):
    report = file(email="")

    tasks.notify_impersonation_report(report.pk)
    tasks.notify_impersonation_report(report.pk)

    assert len(to(dcct.email)) == 1


def test_dcct_is_not_told_again_of_a_report_merged_into_one_it_has(
    dcct, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        file(email="")
    with django_capture_on_commit_callbacks(execute=True):
        file("https://twitter.com/fakescotparl", email="")

    assert len(to(dcct.email)) == 1


def test_a_former_dcct_member_is_not_told(dcct, django_capture_on_commit_callbacks):
    gone = UserFactory(is_active=False)
    assign_role(user=gone, role=Role.DCCT)

    with django_capture_on_commit_callbacks(execute=True):
        file(email="")

    assert to(gone.email) == []


def test_the_reporter_hears_it_arrived_once_even_when_the_task_runs_twice(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        report = file()
    tasks.acknowledge_impersonation_report(report.pk)

    received = to("reporter@example.net")
    assert len(received) == 1
    assert "We have received your report" in received[0].subject
    assert "https://x.com/FakeScotParl" in received[0].body
    html, kind = received[0].alternatives[0]
    assert kind == "text/html" and "https://x.com/FakeScotParl" in html
    assert ImpersonationReport.objects.get(pk=report.pk).acknowledged_at is not None


def test_a_reporter_who_gave_no_address_gets_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = file(email="")

    assert tasks.acknowledge_impersonation_report(report.pk) is False
    assert ImpersonationReport.objects.get(pk=report.pk).acknowledged_at is None


def test_a_failed_send_is_retried_and_then_sent_once(monkeypatch):
    report = file()
    real_send = mail.EmailMultiAlternatives.send
    attempts = []

    def flaky(message, *args, **kwargs):
        attempts.append(message)
        if len(attempts) == 1:
            raise SMTPServerDisconnected("away")
        return real_send(message, *args, **kwargs)

    monkeypatch.setattr(mail.EmailMultiAlternatives, "send", flaky)

    with pytest.raises(SMTPServerDisconnected):
        notifications.acknowledge(report)
    assert ImpersonationReport.objects.get(pk=report.pk).acknowledged_at is None

    assert notifications.acknowledge(ImpersonationReport.objects.get(pk=report.pk)) is True
    assert notifications.acknowledge(ImpersonationReport.objects.get(pk=report.pk)) is False
    assert len(to("reporter@example.net")) == 1


def test_an_address_the_mail_server_refuses_is_not_tried_again(monkeypatch):
    report = file()

    def refuse(message, *args, **kwargs):
        raise SMTPRecipientsRefused({"reporter@example.net": (550, b"No such user")})

    monkeypatch.setattr(mail.EmailMultiAlternatives, "send", refuse)

    assert tasks.acknowledge_impersonation_report(report.pk) is False
    assert ImpersonationReport.objects.get(pk=report.pk).acknowledged_at is not None


@pytest.mark.parametrize(
    ("steps", "words"),
    [
        (
            [("report_to_platform", {"case_reference": "X-1"}), ("mark_taken_down", {})],
            "the platform has taken it down",
        ),
        (
            [("close_as_not_impersonation", {"comment": "A parody account, labelled so."})],
            "A parody account, labelled so.",
        ),
    ],
)
def test_everyone_who_reported_it_hears_the_outcome_once(
    dcct, django_capture_on_commit_callbacks, steps, words
):
    with django_capture_on_commit_callbacks(execute=True):
        report = file()
    with django_capture_on_commit_callbacks(execute=True):
        file("https://twitter.com/FAKESCOTPARL", email="second@example.net")
        file("x.com/fakescotparl", email="")  # anonymous: nobody to tell
    mail.outbox.clear()

    for action, values in steps:
        with django_capture_on_commit_callbacks(execute=True):
            services.REPORT_ACTIONS[action](
                report=ImpersonationReport.objects.get(pk=report.pk), actor=dcct, **values
            )
    tasks.tell_impersonation_outcome(report.pk)  # a retried task sends nothing more

    for address in ("reporter@example.net", "second@example.net"):
        told = to(address)
        assert len(told) == 1, address
        assert "What we did about the account you reported" in told[0].subject
        assert words in told[0].body and "https://x.com/FakeScotParl" in told[0].body
    assert len(mail.outbox) == 2
    assert all(
        report.outcome_sent_at for report in ImpersonationReport.objects.exclude(reporter_email="")
    )


def test_reporting_to_the_platform_tells_the_reporter_nothing_yet(
    dcct, django_capture_on_commit_callbacks
):
    report = file()
    with django_capture_on_commit_callbacks(execute=True):
        services.report_to_platform(report=report, actor=dcct, case_reference="X-1")

    assert to("reporter@example.net") == []
    assert tasks.tell_impersonation_outcome(report.pk) == 0


def test_a_report_that_joined_one_just_closed_still_hears_the_outcome(dcct):
    """A report merged while the first was being closed: its acknowledgement brings the
    outcome along."""
    report = file(email="")
    services.close_as_not_impersonation(report=report, actor=dcct, comment="A fan page.")
    late = ImpersonationReport.objects.create(
        address=report.address,
        platform=report.platform,
        handle=report.handle,
        handle_key=report.handle_key,
        looks_official="Same one.",
        reporter_email="late@example.net",
        state="merged",
        merged_into=report,
    )

    tasks.acknowledge_impersonation_report(late.pk)

    subjects = [message.subject for message in to("late@example.net")]
    assert len(subjects) == 2 and "What we did" in subjects[1]
