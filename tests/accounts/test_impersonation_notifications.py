"""Who hears about a report of impersonation: DCCT of each new report, at once, as something to
act on; the reporter (not a user) that it arrived and what came of it, each exactly once, even
when a task runs twice; the people whose reports were merged hear the outcome too."""

import re
from smtplib import SMTPRecipientsRefused, SMTPServerDisconnected

import pytest
from django.conf import settings as django_settings
from django.core import mail

from accounts import notifications, services, tasks
from accounts.models import ImpersonationReport
from accounts.services import load_platform_catalogue
from people.roles import Role
from people.services import assign_role
from tests.factories import UserFactory
from workflow import limits
from workflow.models import NoticeKind, Notification

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]


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
    assert message.subject == (
        f"Reported as impersonating us: “FakeScotParl” on X (Twitter) (report {report.pk})"
    )
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
    assert "X (Twitter): FakeScotParl" in received[0].body
    html, kind = received[0].alternatives[0]
    assert kind == "text/html" and "X (Twitter): FakeScotParl" in html
    assert ImpersonationReport.objects.get(pk=report.pk).acknowledged_at is not None


def test_a_long_address_stays_out_of_dcct_s_subject(dcct, django_capture_on_commit_callbacks):
    address = "https://lookalike.example/" + "/".join(["parliament-official"] * 14)
    with django_capture_on_commit_callbacks(execute=True):
        report = file(address, email="")

    subject = to(dcct.email)[0].subject
    assert "lookalike" not in subject and len(subject) < 120
    assert subject == (
        "Reported as impersonating us: an account on a platform not in our catalogue "
        f"(report {report.pk})"
    )
    assert report.address in to(dcct.email)[0].body  # DCCT still reads where it is


def linkable(text):
    """Whatever a mail program might make a link of, but our own register's address."""
    text = text.replace(f"{django_settings.SITE_URL}/register/", "")
    return re.findall(r"[\w-]+(?:\.[\w-]+)+", text) + re.findall(r"\w+://", text)


@pytest.mark.parametrize(
    ("address", "named"),
    [
        ("https://x.com/FakeScotParl", "X (Twitter): FakeScotParl"),
        (
            "https://bsky.app/profile/cheap-tickets.shop",
            "Bluesky: cheap-tickets[.]shop",
        ),
        (
            "https://buy-followers.example/parliament/official.html",
            "buy-followers[.]example/parliament/official[.]html",
        ),
        ("https://x.com/FakeScotParl/status/12345", "x[.]com/FakeScotParl/status/12345"),
        ("https://phish\uff0eexample/ScotParl", "phish[.]example/ScotParl"),
    ],
)
def test_reporters_emails_never_make_a_link_of_the_reported_address(
    dcct, django_capture_on_commit_callbacks, address, named
):
    with django_capture_on_commit_callbacks(execute=True):
        report = file(address)
    with django_capture_on_commit_callbacks(execute=True):
        services.close_as_not_impersonation(report=report, actor=dcct, comment="A fan page.")

    received, outcome = to("reporter@example.net")
    for message in (received, outcome):
        html = message.alternatives[0][0]
        assert named in message.body and named in html
        assert linkable(message.body) == [], message.body
        assert f'href="{address}' not in html
    if "[.]" in named:
        assert "so that your email program does not make a link of it" in received.body


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
        (
            [
                ("report_to_platform", {"case_reference": "X-1"}),
                ("mark_platform_declined", {"comment": "X found no breach of its rules."}),
            ],
            "X found no breach of its rules.",
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
        assert words in told[0].body and "X (Twitter): FakeScotParl" in told[0].body
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


def test_when_the_platform_declines_reporters_hear_so_and_what_they_can_do(
    dcct, django_capture_on_commit_callbacks
):
    report = file()
    services.report_to_platform(report=report, actor=dcct, case_reference="X-1")
    with django_capture_on_commit_callbacks(execute=True):
        services.mark_platform_declined(
            report=report, actor=dcct, comment="X says the account is labelled as a fan page."
        )

    (told,) = to("reporter@example.net")
    html = told.alternatives[0][0]
    for text in (told.body, html):
        assert "We reported it to the platform" in text
        assert "The platform has decided not to act on it" in text
        assert "X says the account is labelled as a fan page." in text
        assert "Report it to the platform yourself" in text
        assert "we do not think it is pretending to be us" not in text


# --- Limits on acknowledgements, which go to addresses nobody has verified ----------------------


def acknowledged(address, email, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return file(address, email=email)


def test_one_address_is_told_a_few_times_a_day_at_most(
    settings, django_capture_on_commit_callbacks
):
    settings.IMPERSONATION_ACKNOWLEDGEMENTS_PER_ADDRESS = 2
    emails = ["victim@example.net", "Victim+1@Example.NET", "victim+2@example.net"]
    reports = [
        acknowledged(f"https://x.com/Fake{n}", email, django_capture_on_commit_callbacks)
        for n, email in enumerate(emails)
    ]
    tasks.acknowledge_impersonation_report(reports[-1].pk)  # a retry counts nothing more

    assert [m.to[0] for m in mail.outbox] == emails[:2]
    withheld = ImpersonationReport.objects.get(pk=reports[-1].pk)
    assert (withheld.state, withheld.acknowledged_at) == ("open", None)
    assert withheld.acknowledgement_withheld == "address_limit"
    other = acknowledged(
        "https://x.com/Fake9", "other@example.net", django_capture_on_commit_callbacks
    )
    assert to("other@example.net") and other.acknowledgement_withheld == ""


def test_past_the_days_cap_reports_are_filed_but_nobody_is_told(
    settings, django_capture_on_commit_callbacks, caplog
):
    settings.IMPERSONATION_ACKNOWLEDGEMENTS_PER_DAY = 2
    reports = [
        acknowledged(
            f"https://x.com/Fake{n}", f"person{n}@example.net", django_capture_on_commit_callbacks
        )
        for n in range(4)
    ]

    assert len(mail.outbox) == 2
    assert ImpersonationReport.objects.filter(state="open").count() == 4
    late = ImpersonationReport.objects.filter(pk__in=[r.pk for r in reports[2:]])
    assert {(r.acknowledged_at, r.acknowledgement_withheld) for r in late} == {(None, "daily_cap")}
    assert "the day's limit for all reporters was reached" in caplog.text


def test_the_address_limit_is_kept_without_the_address(
    monkeypatch, django_capture_on_commit_callbacks
):
    keys = []
    real_count = limits.count
    monkeypatch.setattr(
        limits, "count", lambda key, **kw: keys.append(key) or real_count(key, **kw)
    )

    acknowledged("https://x.com/FakeOne", "victim@example.net", django_capture_on_commit_callbacks)

    assert len(keys) == 2 and not any("victim" in key or "example" in key for key in keys)


def test_dcct_sees_that_a_reporter_was_not_told(
    client, dcct, settings, django_capture_on_commit_callbacks
):
    settings.IMPERSONATION_ACKNOWLEDGEMENTS_PER_DAY = 0
    report = acknowledged(
        "https://x.com/FakeOne", "someone@example.net", django_capture_on_commit_callbacks
    )
    client.force_login(dcct)

    page = client.get(report.get_absolute_url()).text

    assert "not told it arrived: the day&#x27;s limit for all reporters was reached" in page
