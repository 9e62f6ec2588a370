"""DCCT hears when a team submits a review; the team and the office head hear DCCT's
assessment, with the outcome and any action plan. Nobody is told of their own step."""

import datetime

import pytest
from django.core import mail

from evaluation import services
from evaluation.models import Review, ReviewSchedule

pytestmark = pytest.mark.django_db


def recipients():
    return sorted(address for message in mail.outbox for address in message.to)


def test_dcct_hears_when_the_team_submits_a_review(
    make_review, owner, dcct, django_capture_on_commit_callbacks
):
    review = make_review("due", complete=True)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.submit_review(review=review, actor=owner)
        assert mail.outbox == []  # nothing leaves before the transaction commits
    for callback in callbacks:
        callback()

    assert recipients() == [dcct.email]
    assert "Submitted" in mail.outbox[0].subject
    assert f"/reviews/{review.pk}/" in mail.outbox[0].body


def test_the_team_and_office_head_hear_the_assessment_and_its_action_plan(
    make_review, owner, office_head, dcct, django_capture_on_commit_callbacks
):
    review = make_review("submitted")
    team = [m.person.email for m in review.account.members.all()]
    today = datetime.date.today()
    ReviewSchedule.objects.filter(account=review.account).update(
        next_due_on=today + datetime.timedelta(days=90)
    )

    with django_capture_on_commit_callbacks(execute=True):
        services.assess_review(
            review=Review.objects.get(pk=review.pk),
            actor=dcct,
            outcome="improve",
            assessment="Too quiet.",
            action_plan="Post twice a week.",
            next_review_on=today + datetime.timedelta(days=30),
        )

    assert recipients() == sorted([*team, office_head.email])
    body = mail.outbox[0].body
    assert "Needs to improve" in body and "Post twice a week." in body
