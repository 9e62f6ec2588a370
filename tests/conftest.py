"""The cast every test can call on: one person per role, from two offices."""

import os

import pytest
from django.test import Client
from django.utils import timezone

from people.roles import Role
from people.services import assign_role, set_office_head
from proposals.models import AlternativePlan, Escalation
from tests.factories import OfficeFactory, ProposalFactory, UserFactory


@pytest.fixture
def office(db):
    return OfficeFactory(name="Participation and Communities Team")


@pytest.fixture
def other_office(db):
    return OfficeFactory(name="Education Service")


@pytest.fixture
def staff(office):
    return UserFactory(office=office, full_name="Shona MacLeod")


@pytest.fixture
def office_head(office):
    head = UserFactory(office=office, full_name="Fiona Sinclair")
    set_office_head(office=office, head=head)
    return head


@pytest.fixture
def outsider(other_office):
    return UserFactory(office=other_office, full_name="Ewan Duncan")


def _with_role(role, **kwargs):
    user = UserFactory(**kwargs)
    assign_role(user=user, role=role)
    return user


@pytest.fixture
def dcct(db):
    return _with_role(Role.DCCT, office=OfficeFactory(name="Parliament Communications Office"))


@pytest.fixture
def hec(db):
    return _with_role(Role.HEC, office=OfficeFactory(name="Parliament Communications Office"))


@pytest.fixture
def policy_owner(db):
    return _with_role(
        Role.POLICY_OWNER, office=OfficeFactory(name="Parliament Communications Office")
    )


@pytest.fixture
def administrator(db):
    return _with_role(Role.ADMINISTRATOR, office=None)


@pytest.fixture
def csrf_client():
    """A client that checks CSRF tokens as a browser's requests are checked."""
    return Client(enforce_csrf_checks=True)


@pytest.fixture
def in_ci():
    return os.environ.get("CI") == "true"


@pytest.fixture
def make_proposal(staff, office_head, dcct):
    """A complete proposal by `staff`, put straight into `state` (with what that state implies:
    an approver once submitted, an alternative plan once advised against, an open escalation
    once escalated)."""

    def make(state="draft", **kwargs):
        submitted = state != "draft"
        proposal = ProposalFactory(
            proposer=staff,
            state=state,
            approver=office_head if submitted else None,
            submitted_at=timezone.now() if submitted else None,
            **kwargs,
        )
        if state in ("alternative_offered", "contested", "escalated"):
            AlternativePlan.objects.create(
                proposal=proposal,
                approach="campaign",
                recommendation="A six-week campaign on the corporate Instagram account.",
                rationale="It reaches the same pupils without a new account to staff.",
                proposer_gets="Six weekly slots and DCCT's help with the videos.",
                created_by=dcct,
            )
        if state == "escalated":
            Escalation.objects.create(
                proposal=proposal,
                business_area_position="Pupils do not follow the corporate account.",
                dcct_position="A campaign reaches them at a fraction of the effort.",
                escalated_by=dcct,
            )
        return proposal

    return make


def pytest_report_header(config):
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    broker = settings.CELERY_BROKER_URL.split("://", 1)[0]
    return f"database: {engine}, celery broker: {broker}"
