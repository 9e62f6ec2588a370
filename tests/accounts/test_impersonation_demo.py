"""The demo's reports of impersonation: every state, one with reports merged into it, backdated,
and nothing made twice."""

import pytest
from django.core import mail
from django.utils import timezone

from accounts.demo import seed_impersonation_reports
from accounts.models import ImpersonationReport, ReportState
from accounts.services import load_platform_catalogue

pytestmark = pytest.mark.django_db


def test_the_demo_has_reports_in_every_state_and_makes_nothing_twice(dcct):
    load_platform_catalogue()

    made = seed_impersonation_reports(dcct=dcct)

    assert made == ImpersonationReport.objects.count()
    assert set(ImpersonationReport.objects.values_list("state", flat=True)) == set(
        ReportState.values
    )
    merged = ImpersonationReport.objects.filter(state="merged")
    assert merged.count() == 2 and len({report.merged_into_id for report in merged}) == 1
    assert ImpersonationReport.objects.filter(platform=None).exists()
    resolved = ImpersonationReport.objects.get(state="resolved")
    steps = list(resolved.events.order_by("created_at"))
    assert [step.action for step in steps] == ["report_to_platform", "mark_taken_down"]
    assert resolved.created_at < steps[0].created_at < steps[1].created_at < timezone.now()
    assert mail.outbox == []  # demo history emails nobody

    assert seed_impersonation_reports(dcct=dcct) == 0
    assert ImpersonationReport.objects.count() == made
