"""Administrators read reports of impersonation and their logs in the admin, and change
nothing there: reports change only through DCCT's steps, which are logged."""

import pytest

from accounts import services

pytestmark = pytest.mark.django_db


def test_administrator_reads_reports_and_their_log_but_changes_nothing(
    client, make_report, dcct, administrator
):
    merged = make_report("merged")
    report = merged.merged_into
    event = services.report_to_platform(report=report, actor=dcct, case_reference="X-1")
    client.force_login(administrator)

    assert client.get("/admin/accounts/impersonationreport/").status_code == 200
    change = client.get(f"/admin/accounts/impersonationreport/{report.pk}/change/")
    assert change.status_code == 200 and "X-1" in change.text
    assert "Reports merged into this one" in change.text and merged.address in change.text
    assert client.get("/admin/accounts/impersonationreportevent/").status_code == 200
    assert (
        client.get(f"/admin/accounts/impersonationreportevent/{event.pk}/change/").status_code
        == 200
    )
    assert client.get("/admin/accounts/impersonationreport/add/").status_code == 403
    assert (
        client.post(f"/admin/accounts/impersonationreport/{report.pk}/delete/").status_code == 403
    )
    assert (
        client.post(
            f"/admin/accounts/impersonationreport/{report.pk}/change/", {"state": "resolved"}
        ).status_code
        == 403
    )
    report.refresh_from_db()
    assert report.state == "reported_to_platform"
