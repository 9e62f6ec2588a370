import datetime

import pytest

from accounts.models import Account, ExitStrategy, SetupChecklist
from evaluation.models import KPI
from tests.evaluation.conftest import (  # noqa: F401  (the fixtures, shared here)
    make_recertification,
    make_review,
)
from tests.factories import AccountFactory, PlatformFactory, UserFactory
from tests.portal.test_every_page import every_state  # noqa: F401  (the fixture, shared here)


@pytest.fixture
def spare(office):
    """Somebody on no team yet, whom forms name (a new team member, a trained person)."""
    return UserFactory(office=office, full_name="Morag Spare")


@pytest.fixture
def ready(every_state):  # noqa: F811  (imported above)
    """Objects in every state, each ready for its next step: every account has a KPI (to
    import figures for), set-up checklists are complete and exit steps done; a live corporate
    account (on a platform no proposal names) is there to offer as an alternative."""
    today = datetime.date.today()
    youtube = PlatformFactory(slug="youtube", name="YouTube", hosts=["youtube.com"])
    AccountFactory(platform=youtube, kind="corporate", display_name="Scottish Parliament TV")
    for account in Account.objects.all():
        KPI.objects.get_or_create(
            account=account, metric="Followers", defaults={"unit": "followers", "target": 500}
        )
    SetupChecklist.objects.update(**{field: True for field, _ in SetupChecklist.ITEMS})
    ExitStrategy.objects.update(**{field: today for field, _, _ in ExitStrategy.STEPS})
