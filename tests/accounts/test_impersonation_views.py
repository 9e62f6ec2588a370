"""DCCT's pages for reports of impersonation: the queue, a report with its log and the forms of
its steps, per role; a refused form comes back as typed with nothing saved."""

import datetime

import pytest
from django.utils import timezone

from accounts import selectors, services
from accounts.models import ImpersonationReport
from tests.factories import ImpersonationReportFactory

pytestmark = pytest.mark.django_db

LIST = "/accounts/impersonation/"


def page(report, rest=""):
    return f"/accounts/impersonation/{report.pk}/{rest}"


def act(report, action):
    return page(report, f"act/{action}/")


def stamp(report):
    return f"{report.state}@{report.state_changed_at.isoformat()}"


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("dcct", 200),
        ("hec", 200),
        ("policy_owner", 200),
        ("staff", 403),
        ("office_head", 403),
        ("outsider", 403),
        ("administrator", 403),
    ],
)
def test_who_sees_the_queue(request, client, make_report, persona, status):
    make_report("open")
    client.force_login(request.getfixturevalue(persona))

    assert client.get(LIST).status_code == status


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("dcct", 200),
        ("hec", 200),
        ("policy_owner", 200),
        ("staff", 404),
        ("office_head", 404),
        ("administrator", 404),
    ],
)
def test_who_sees_a_report(request, client, make_report, persona, status):
    report = make_report("open")
    client.force_login(request.getfixturevalue(persona))

    assert client.get(page(report)).status_code == status


def test_anonymous_people_are_sent_to_sign_in(client, make_report):
    report = make_report("open")

    for url in [LIST, page(report), act(report, "report_to_platform")]:
        response = client.get(url)
        assert response.status_code == 302 and "/sign-in/" in response["Location"]
    response = client.post(act(report, "report_to_platform"), {})
    assert response.status_code == 302 and "/sign-in/" in response["Location"]
    assert ImpersonationReport.objects.get(pk=report.pk).state == "open"


def test_the_dashboard_and_the_reports_page_lead_to_the_queue(
    client, dcct, hec, policy_owner, staff
):
    for person, page, shown in [
        (dcct, "/dashboard/", True),
        (hec, "/reports/", True),
        (policy_owner, "/reports/", True),
        (staff, "/", False),
    ]:
        client.force_login(person)
        assert (f'href="{LIST}"' in client.get(page).text) is shown


def test_the_queue_shows_open_reports_first_oldest_first(client, make_report, dcct):
    now = timezone.now()
    reported = make_report("reported_to_platform", state_changed_at=now - datetime.timedelta(9))
    newer = make_report("open", state_changed_at=now - datetime.timedelta(1))
    older = make_report("open", state_changed_at=now - datetime.timedelta(5))
    make_report("resolved")
    make_report("not_impersonation")
    client.force_login(dcct)

    listed = list(client.get(LIST).context["page"].object_list)

    assert listed == [older, newer, reported]


@pytest.mark.parametrize(
    "state",
    [
        "open",
        "reported_to_platform",
        "resolved",
        "platform_declined",
        "not_impersonation",
        "merged",
    ],
)
def test_the_queue_filters_by_state(client, make_report, dcct, state):
    wanted = make_report(state)
    for other in {"open", "resolved", "not_impersonation"} - {state}:
        make_report(other)
    client.force_login(dcct)

    listed = client.get(LIST, {"state": state}).context["page"].object_list

    assert list(listed) == [wanted]


@pytest.mark.parametrize("state", ["resolved", "platform_declined", "not_impersonation"])
def test_a_closed_list_shows_the_most_recently_closed_first(client, make_report, dcct, state):
    now = timezone.now()
    older = make_report(state, state_changed_at=now - datetime.timedelta(days=30))
    newer = make_report(state, state_changed_at=now - datetime.timedelta(days=2))
    client.force_login(dcct)

    listed = client.get(LIST, {"state": state}).context["page"].object_list

    assert list(listed) == [newer, older]
    assert "The platform declined to act" in client.get(LIST).text  # the list's tab


def test_the_queue_counts_the_merged_reports_of_each(client, make_report, dcct):
    merged = make_report("merged")
    ImpersonationReportFactory(
        state="merged",
        merged_into=merged.merged_into,
        address=merged.address,
        platform=merged.platform,
    )
    client.force_login(dcct)

    response = client.get(LIST)

    assert "(2 merged)" in response.text


def test_the_queue_is_paged_at_a_fixed_number_of_queries(
    client, dcct, django_assert_max_num_queries
):
    def add(count):
        ImpersonationReport.objects.bulk_create(
            ImpersonationReport(
                address=f"https://x.com/Fake{ImpersonationReport.objects.count()}x{n}",
                looks_official="Our logo.",
            )
            for n in range(count)
        )

    client.force_login(dcct)
    add(5)
    client.get(LIST)
    with django_assert_max_num_queries(30) as few:
        assert client.get(LIST).status_code == 200
    add(95)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(LIST)
    assert response.context["page"].paginator.count == 100
    assert len(response.context["page"].object_list) == 25
    assert client.get(LIST, {"page": "4"}).context["page"].number == 4


def test_a_report_shows_what_was_said_the_merged_reports_and_the_log(client, make_report, dcct):
    merged = make_report("merged", looks_official="It asked me for my bank details.")
    first = merged.merged_into
    services.report_to_platform(report=first, actor=dcct, case_reference="X-CASE-99")
    client.force_login(dcct)

    response = client.get(page(first))

    text = response.text
    assert "says it is the official account" in text and first.reporter_email in text
    assert merged.reporter_email in text
    assert "Also reported by" in text and "It asked me for my bank details." in text
    assert "Reported by a member of the public" in text and "Report to the platform" in text
    assert "X-CASE-99" in text
    assert "Mark as taken down" in text and "Not impersonation" in text
    assert "The platform declined to act" in text and "The platform&#x27;s answer" in text


def test_hec_and_the_policy_owner_see_whether_reporters_gave_an_email_but_not_which(
    client, make_report, hec, policy_owner
):
    merged = make_report("merged", reporter_email="second.person@example.net")
    ImpersonationReportFactory(
        state="merged",
        merged_into=merged.merged_into,
        address=merged.address,
        platform=merged.platform,
        reporter_email="",
    )
    first = merged.merged_into
    for person in (hec, policy_owner):
        client.force_login(person)
        for report in (first, merged):
            text = client.get(page(report)).text
            assert "@example.net" not in text
            assert "An email address was given" in text
        assert "no email address given" in client.get(page(first)).text
        assert "an email address was given" in client.get(page(first)).text


def test_a_merged_report_points_to_the_report_it_joined(client, make_report, dcct):
    merged = make_report("merged")
    client.force_login(dcct)

    text = client.get(page(merged)).text

    assert f'href="{page(merged.merged_into)}"' in text
    assert "<form" not in text.split('id="main"')[1].split("History")[0]


def test_hec_and_the_policy_owner_see_a_report_but_no_forms(client, make_report, hec, policy_owner):
    report = make_report("open")
    for person in (hec, policy_owner):
        client.force_login(person)
        response = client.get(page(report))
        assert response.context["actions"] == []
        assert client.get(act(report, "report_to_platform")).status_code == 403
        refused = client.post(
            act(report, "report_to_platform"),
            {
                "report_to_platform-expected_state": stamp(report),
                "report_to_platform-case_reference": "X-1",
            },
        )
        assert refused.status_code == 403
    assert ImpersonationReport.objects.get(pk=report.pk).state == "open"


def test_staff_cannot_reach_a_step_at_all(client, make_report, staff):
    report = make_report("open")
    client.force_login(staff)

    response = client.post(
        act(report, "close_as_not_impersonation"),
        {"close_as_not_impersonation-expected_state": stamp(report), "comment": "No."},
    )

    assert response.status_code == 404
    assert ImpersonationReport.objects.get(pk=report.pk).state == "open"


@pytest.mark.parametrize(
    ("source", "action", "fields", "target"),
    [
        ("open", "report_to_platform", {"case_reference": "X-CASE-1"}, "reported_to_platform"),
        ("reported_to_platform", "mark_taken_down", {"comment": ""}, "resolved"),
        ("open", "close_as_not_impersonation", {"comment": "Parody."}, "not_impersonation"),
        (
            "reported_to_platform",
            "mark_platform_declined",
            {"comment": "X replied that the account does not break its rules."},
            "platform_declined",
        ),
        (
            "reported_to_platform",
            "close_as_not_impersonation",
            {"comment": "The platform found it is a fan page, labelled as such."},
            "not_impersonation",
        ),
    ],
)
def test_dcct_takes_each_step_from_the_report_page(
    client, make_report, dcct, source, action, fields, target
):
    report = make_report(source)
    client.force_login(dcct)
    form = client.get(page(report)).text
    assert f'action="{act(report, action)}"' in form  # the error summary leads to a refused field

    response = client.post(
        act(report, action),
        {
            f"{action}-expected_state": stamp(report),
            **{f"{action}-{k}": v for k, v in fields.items()},
        },
    )

    assert response.status_code == 302 and response["Location"] == page(report)
    assert ImpersonationReport.objects.get(pk=report.pk).state == target
    assert report.events.get().actor == dcct


def test_a_missing_case_reference_comes_back_beside_its_field_and_nothing_is_saved(
    client, make_report, dcct
):
    report = make_report("open")
    client.force_login(dcct)

    response = client.post(
        act(report, "report_to_platform"),
        {
            "report_to_platform-expected_state": stamp(report),
            "report_to_platform-case_reference": " ",
            "report_to_platform-comment": "Sent through their impersonation form.",
        },
    )

    assert response.status_code == 200
    assert "accounts/report.html" in [t.name for t in response.templates]
    forms = {t.name: f for t, f in response.context["actions"]}
    bound = forms["report_to_platform"]
    assert list(bound.errors) == ["case_reference"]
    assert "case reference" in bound.errors["case_reference"][0]
    assert "Sent through their impersonation form." in response.text
    assert 'id="error_1_id_report_to_platform-case_reference"' in response.text
    report.refresh_from_db()
    assert (report.state, report.case_reference) == ("open", "")
    assert not report.events.exists()


def test_not_impersonation_without_a_reason_comes_back_and_nothing_is_saved(
    client, make_report, dcct
):
    report = make_report("open")
    client.force_login(dcct)

    response = client.post(
        act(report, "close_as_not_impersonation"),
        {"close_as_not_impersonation-expected_state": stamp(report)},
    )

    assert response.status_code == 200
    forms = {t.name: f for t, f in response.context["actions"]}
    assert list(forms["close_as_not_impersonation"].errors) == ["comment"]
    assert ImpersonationReport.objects.get(pk=report.pk).state == "open"


def test_the_platform_declining_without_its_answer_comes_back_and_nothing_is_saved(
    client, make_report, dcct
):
    report = make_report("reported_to_platform")
    client.force_login(dcct)

    response = client.post(
        act(report, "mark_platform_declined"),
        {"mark_platform_declined-expected_state": stamp(report)},
    )

    assert response.status_code == 200
    forms = {t.name: f for t, f in response.context["actions"]}
    assert list(forms["mark_platform_declined"].errors) == ["comment"]
    assert ImpersonationReport.objects.get(pk=report.pk).state == "reported_to_platform"
    assert not report.events.exists()


def test_an_open_report_offers_no_platform_refusal(client, make_report, dcct):
    report = make_report("open")
    client.force_login(dcct)

    names = [t.name for t, _ in client.get(page(report)).context["actions"]]

    assert names == ["report_to_platform", "close_as_not_impersonation"]


def test_a_step_on_a_stale_page_is_refused_with_a_message(client, make_report, dcct):
    report = make_report("open")
    seen = stamp(report)
    client.force_login(dcct)
    client.post(
        act(report, "report_to_platform"),
        {"report_to_platform-expected_state": seen, "report_to_platform-case_reference": "X-1"},
    )

    response = client.post(
        act(report, "close_as_not_impersonation"),
        {
            "close_as_not_impersonation-expected_state": seen,
            "close_as_not_impersonation-comment": "Parody.",
        },
        follow=True,
    )

    assert "has changed since you opened it" in response.text
    assert ImpersonationReport.objects.get(pk=report.pk).state == "reported_to_platform"


def test_an_unknown_step_is_not_found(client, make_report, dcct):
    report = make_report("open")
    client.force_login(dcct)

    assert client.get(act(report, "delete")).status_code == 404


def test_a_report_of_a_closed_account_of_ours_says_the_handle_was_ours(
    client, make_report, make_account, dcct
):
    closed = make_account("closed", handle="SP_Women", closed_on=datetime.date(2025, 3, 31))
    report = make_report(
        "open",
        platform=closed.platform,
        handle="SP_Women",
        handle_key="sp_women",
        address="https://www.instagram.com/SP_Women",
    )
    client.force_login(dcct)

    text = client.get(page(report)).text

    assert "This address was one of our accounts" in text and "31 March 2025" in text


def test_a_much_reported_account_lists_its_first_reports_and_counts_the_rest(
    client, make_report, dcct, monkeypatch, django_assert_max_num_queries
):
    monkeypatch.setattr(selectors, "MERGED_SHOWN", 2)
    first = make_report("open")
    ImpersonationReport.objects.bulk_create(
        ImpersonationReport(
            address=first.address,
            platform=first.platform,
            looks_official=f"Report number {n}.",
            state="merged",
            merged_into=first,
        )
        for n in range(5)
    )
    client.force_login(dcct)

    with django_assert_max_num_queries(30):
        response = client.get(page(first))

    assert "Report number 0." in response.text and "Report number 2." not in response.text
    assert "The first 2 of 5" in response.text
    assert "6 <span" in client.get(LIST).text  # the first report and five merged into it
