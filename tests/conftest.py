"""The cast every test can call on: one person per role, from two offices."""

import datetime
import os

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from hypothesis import settings as hypothesis_settings

from accounts.models import AccountMember, ClosureEscalation, ExitStrategy, SetupChecklist
from people.roles import Role
from people.services import assign_role, set_office_head
from proposals.models import AlternativePlan, Escalation
from tests.factories import (
    AccountFactory,
    ImpersonationReportFactory,
    OfficeFactory,
    ProposalFactory,
    TrainingRecordFactory,
    UserFactory,
)

# Generated inputs (hypothesis): the same examples every run (derandomized), so that `make test`
# passes or fails the same way each time, and a failure is reproducible. To look for new
# failures, HYPOTHESIS_PROFILE=explore draws new examples each run (and FUZZ_EXAMPLES=200 draws
# more of them); a failure it finds becomes a test of its own.
hypothesis_settings.register_profile("repeatable", derandomize=True, database=None, print_blob=True)
hypothesis_settings.register_profile("explore")
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

# The longest tests (the access matrix and the fuzz tests, each in parts) run first: with one
# process per CPU (make test), a long one left for the end would run alone while the others
# sit idle.
LONGEST = (
    "tests/portal/test_access_matrix.py::test_nobody_can_post",
    "tests/portal/test_every_page.py::test_every_page_answers",
    "tests/portal/test_fuzz.py::test_no_",
)


def pytest_collection_modifyitems(items):
    items.sort(key=lambda item: not item.nodeid.startswith(LONGEST))  # stable: the rest in order


@pytest.fixture
def empty_cache():
    """Rate limits and cached pages live in the cache: start and leave it empty. Only this
    run's keys go (workflow.cache), so runs sharing one Redis leave each other alone."""
    cache.clear()
    yield
    cache.clear()


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
def second_dcct(dcct):
    """Another DCCT member, for two people acting at once."""
    member = UserFactory(office=dcct.office)
    assign_role(user=member, role=Role.DCCT)
    return member


@pytest.fixture
def lists_agree_with_rule(request):
    """Check a list filter against the single-object rule it mirrors, for each persona: the
    objects `visible_to(user)` lists are exactly those `can_view(obj, user)` lets them open."""

    def check(model, permissions, personas):
        for persona in personas:
            user = request.getfixturevalue(persona)
            listed = set(
                model.objects.filter(permissions.visible_to(user)).values_list("pk", flat=True)
            )
            allowed = {obj.pk for obj in model.objects.all() if permissions.can_view(obj, user)}
            assert listed == allowed, persona

    return check


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
        if state in ("approved", "set_up") and kwargs.get("outcome") != "alternative":
            kwargs.setdefault("for_new_account", True)  # as approving it as proposed records
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


@pytest.fixture
def owner(office):
    return UserFactory(office=office, full_name="Ailsa Owner")


@pytest.fixture
def make_account(office, owner, office_head, dcct):
    """A business-area account of `office` in `state`, owned by `owner` with an editor; both
    trained unless `trained=False`."""

    def make(state="live", trained=True, proposed_by="dcct", **kwargs):
        account = AccountFactory(office=office, kind="business_area", state=state, **kwargs)
        editor = UserFactory(office=office)
        AccountMember.objects.create(account=account, person=owner, role="owner")
        AccountMember.objects.create(account=account, person=editor, role="editor")
        if trained:
            TrainingRecordFactory(person=owner)
            TrainingRecordFactory(person=editor)
        if state == "setting_up":
            SetupChecklist.objects.create(account=account)
        if state in ("closure_proposed", "closure_contested", "closure_escalated"):
            account.closure_reason = "not_effective"
            account.closure_explanation = "Reach fell for three quarters."
            account.closure_proposed_by = proposed_by
            account.closure_proposer = dcct if proposed_by == "dcct" else office_head
            account.save()
        if state == "closure_escalated":
            ClosureEscalation.objects.create(
                account=account,
                business_area_position="Keep it.",
                dcct_position="Close it.",
                escalated_by=dcct,
            )
        if state == "closing":
            ExitStrategy.objects.create(
                account=account,
                final_post="Thanks for following.",
                redirect_to="@ScotParl",
                archive_location="Records store, file SM-12",
                closing_date=datetime.date.today() + datetime.timedelta(days=30),
                agreed_by=office_head,
            )
        return account

    return make


@pytest.fixture
def make_report(db):
    """A report of impersonation in `state`, as that state implies: a case reference once
    reported to the platform; a merged report joins a new open report of the same account."""

    def make(state="open", **kwargs):
        if state == "merged":
            first = make("open")
            kwargs = {
                "platform": first.platform,
                "handle": first.handle,
                "handle_key": first.handle_key,
                "address": first.address,
                "merged_into": first,
                **kwargs,
            }
        if state in ("reported_to_platform", "resolved", "platform_declined"):
            kwargs.setdefault("case_reference", "X-CASE-4471")
        return ImpersonationReportFactory(state=state, **kwargs)

    return make


def pytest_report_header(config):
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    broker = settings.CELERY_BROKER_URL.split("://", 1)[0]
    return f"database: {engine}, celery broker: {broker}"
