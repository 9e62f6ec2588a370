"""Reviews are seen by whoever sees their account: the list filter and the rule agree."""

import pytest

from evaluation import permissions
from evaluation.models import Review

pytestmark = pytest.mark.django_db
PERSONAS = ["staff", "office_head", "owner", "outsider", "dcct", "hec", "policy_owner"]


def test_reviews_follow_their_accounts(lists_agree_with_rule, request, make_review):
    make_review("due")
    make_review("submitted")

    lists_agree_with_rule(Review, permissions, PERSONAS)
