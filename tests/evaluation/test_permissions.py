"""Reviews are seen by whoever sees their account: the list filter and the rule agree."""

import pytest

from evaluation import permissions
from evaluation.models import Review

pytestmark = pytest.mark.django_db
PERSONAS = ["staff", "office_head", "owner", "outsider", "dcct", "hec", "policy_owner"]


def test_reviews_follow_their_accounts(request, make_review):
    make_review("due")
    make_review("submitted")

    for persona in PERSONAS:
        user = request.getfixturevalue(persona)
        listed = set(
            Review.objects.filter(permissions.visible_to(user)).values_list("pk", flat=True)
        )
        allowed = {r.pk for r in Review.objects.all() if permissions.can_view(r, user)}
        assert listed == allowed, persona
