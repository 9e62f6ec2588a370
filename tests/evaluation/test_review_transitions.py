import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import Account
from evaluation import services
from evaluation.models import Review, ReviewEvent, ReviewSchedule
from tests.evaluation.conftest import fill

pytestmark = pytest.mark.django_db

CAST = ["staff", "office_head", "owner", "outsider", "dcct", "hec", "policy_owner", "administrator"]
FUTURE = datetime.date.today() + datetime.timedelta(days=30)


@pytest.mark.parametrize("persona", ["owner", "office_head"])
def test_the_team_or_office_head_submits_a_complete_report(request, make_review, persona):
    review = make_review("due", complete=True)
    actor = request.getfixturevalue(persona)

    event = services.submit_review(review=review, actor=actor)

    review.refresh_from_db()
    assert (review.state, review.submitted_by) == ("submitted", actor)
    assert (event.from_state, event.to_state) == ("due", "submitted")


def test_everyone_else_is_refused_submitting(request, make_review):
    review = make_review("due", complete=True)

    for persona in set(CAST) - {"owner", "office_head"}:
        with pytest.raises(PermissionDenied):
            services.submit_review(
                review=Review.objects.get(pk=review.pk), actor=request.getfixturevalue(persona)
            )
    assert Review.objects.get(pk=review.pk).state == "due"


def test_an_incomplete_report_cannot_be_submitted(make_review, owner):
    review = make_review("due")

    with pytest.raises(services.transitions.NotReady) as refused:
        services.submit_review(review=review, actor=owner)

    assert refused.value.reasons == [
        "Give a value for Followers.",
        "Give a value for Complaints.",
        "Say how many hours a week it actually took.",
        "Say what went well and what did not.",
    ]


def test_save_report_refuses_negative_hours_and_keeps_nothing(make_review, owner):
    review = make_review("due")

    with pytest.raises(ValidationError):
        services.save_report(
            review=review, actor=owner, values={}, went_well="a", not_well="b", hours_spent=-1
        )
    review.refresh_from_db()
    assert review.hours_spent is None


def test_only_the_team_saves_a_report(make_review, dcct):
    review = make_review("due")

    with pytest.raises(PermissionDenied):
        services.save_report(
            review=review, actor=dcct, values={}, went_well="a", not_well="b", hours_spent=1
        )


def assess(review, actor, outcome="effective", **kwargs):
    return services.assess_review(
        review=review,
        actor=actor,
        outcome=outcome,
        assessment=kwargs.pop("assessment", "Strong quarter."),
        **kwargs,
    )


def test_dcct_assesses_a_submitted_review_as_effective(make_review, dcct):
    review = make_review("submitted")

    assess(review, dcct)

    review.refresh_from_db()
    assert (review.state, review.outcome, review.assessed_by) == ("assessed", "effective", dcct)
    assert ReviewEvent.objects.get(review=review).actor_role == "DCCT"


def test_everyone_else_is_refused_assessing(request, make_review):
    review = make_review("submitted")

    for persona in set(CAST) - {"dcct"}:
        with pytest.raises(PermissionDenied):
            assess(Review.objects.get(pk=review.pk), request.getfixturevalue(persona))
    assert Review.objects.get(pk=review.pk).state == "submitted"


def test_dcct_member_on_the_team_cannot_assess_it(make_review, dcct):
    review = make_review("submitted")
    review.account.members.create(person=dcct, role="moderator")

    with pytest.raises(PermissionDenied):
        assess(Review.objects.get(pk=review.pk), dcct)


def test_improve_needs_an_action_plan_and_brings_the_next_review_forward(make_review, dcct):
    review = make_review("submitted")

    with pytest.raises(ValidationError) as error:
        assess(review, dcct, outcome="improve")
    assert set(error.value.message_dict) == {"action_plan", "next_review_on"}
    assert Review.objects.get(pk=review.pk).state == "submitted"

    assess(review, dcct, outcome="improve", action_plan="Post twice a week.", next_review_on=FUTURE)
    assert ReviewSchedule.objects.get(account=review.account).next_due_on == FUTURE


def test_an_assessment_needs_words(make_review, dcct):
    review = make_review("submitted")

    with pytest.raises(ValidationError):
        assess(review, dcct, assessment=" ")


def test_assessing_close_starts_the_closure_with_the_review_as_reason(make_review, dcct):
    review = make_review("submitted")

    assess(review, dcct, outcome="close", assessment="Reach fell every month.")

    account = Account.objects.get(pk=review.account_id)
    assert account.state == "closure_proposed"
    assert account.closure_reason == "not_effective"
    assert account.closure_explanation == (
        f"Review of {review.period_label}: Reach fell every month."
    )
    assert account.closure_proposer == dcct


def test_two_assessments_at_once_keep_one(make_review, dcct):
    from people.roles import Role
    from people.services import assign_role
    from tests.factories import UserFactory

    other = UserFactory(office=dcct.office)
    assign_role(user=other, role=Role.DCCT)
    review = make_review("submitted")
    first, second = (Review.objects.get(pk=review.pk) for _ in range(2))

    assess(first, dcct)
    with pytest.raises(services.transitions.Changed):
        assess(second, other, outcome="close")

    assert Account.objects.get(pk=review.account_id).state == "live"


def test_figures_fill_the_report_by_each_kpis_rule(make_review, owner):
    from evaluation.models import KPI, MetricObservation

    review = make_review("due")
    followers = KPI.objects.get(account=review.account, metric="Followers")
    complaints = KPI.objects.get(account=review.account, metric="Complaints")
    complaints.aggregation = "sum"
    complaints.save()
    for day, count, complaint in [(1, 400, 1), (20, 450, 2)]:
        for kpi, value in ((followers, count), (complaints, complaint)):
            MetricObservation.objects.create(
                account=review.account,
                kpi=kpi,
                day=datetime.date(2026, 5, day),
                value=value,
                imported_by=owner,
            )

    assert services.figures_for(review) == {followers.pk: 450, complaints.pk: 3}
    fill(review)


def test_dcct_member_heading_the_office_or_who_submitted_cannot_assess(make_review, dcct, office):
    from people.services import set_office_head

    review = make_review("due", complete=True)
    set_office_head(office=office, head=dcct)
    review = Review.objects.get(pk=review.pk)
    services.submit_review(review=review, actor=dcct)

    with pytest.raises(PermissionDenied):
        assess(Review.objects.get(pk=review.pk), dcct)
