import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from proposals import services
from proposals.tasks import notify_decision
from workflow.models import Notification

pytestmark = pytest.mark.django_db


def recipients():
    return sorted(address for message in mail.outbox for address in message.to)


def test_submitting_tells_the_office_head_after_commit(
    make_proposal, staff, office_head, django_capture_on_commit_callbacks
):
    proposal = make_proposal("draft")

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.submit(proposal=proposal, actor=staff)
        assert mail.outbox == []  # nothing leaves before the transaction commits
    for callback in callbacks:
        callback()

    assert recipients() == [office_head.email]
    assert "Submit to office head" in mail.outbox[0].body
    assert f"/proposals/{proposal.pk}/" in mail.outbox[0].body


def test_dcct_hears_of_approval_in_principle_and_the_proposer_of_every_decision(
    make_proposal, staff, office_head, dcct, django_capture_on_commit_callbacks
):
    proposal = make_proposal("with_office_head")

    with django_capture_on_commit_callbacks(execute=True):
        services.approve_in_principle(proposal=proposal, actor=office_head, comment="Go ahead.")

    assert recipients() == sorted([dcct.email, staff.email])
    assert "Go ahead." in mail.outbox[0].body


def test_hec_rulings_reach_proposer_office_head_and_dcct(
    make_proposal, staff, office_head, dcct, hec, django_capture_on_commit_callbacks
):
    proposal = make_proposal("escalated")

    with django_capture_on_commit_callbacks(execute=True):
        services.approve_alternative(proposal=proposal, actor=hec, comment="The campaign wins.")

    assert recipients() == sorted([staff.email, office_head.email, dcct.email])
    assert all("The campaign wins." in message.body for message in mail.outbox)


def test_escalation_goes_to_hec(
    make_proposal, dcct, hec, staff, django_capture_on_commit_callbacks
):
    proposal = make_proposal("contested")

    with django_capture_on_commit_callbacks(execute=True):
        services.escalate(
            proposal=proposal, actor=dcct, business_area_position="a", dcct_position="b"
        )

    assert recipients() == sorted([hec.email, staff.email])


def test_a_decision_is_emailed_once_however_often_the_job_runs(
    make_proposal, staff, office_head, django_capture_on_commit_callbacks
):
    proposal = make_proposal("draft")
    with django_capture_on_commit_callbacks(execute=True):
        decision = services.submit(proposal=proposal, actor=staff)

    notify_decision(decision.pk)
    notify_decision(decision.pk)

    assert len(mail.outbox) == 1
    assert Notification.objects.filter(sent_at__isnull=False).count() == 1


def test_nothing_is_sent_when_the_action_fails(
    make_proposal, office_head, django_capture_on_commit_callbacks
):
    proposal = make_proposal("with_office_head")

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        services.decline(proposal=proposal, actor=office_head, comment="")

    assert mail.outbox == []


def test_people_who_have_left_are_not_emailed(
    make_proposal, office_head, dcct, staff, django_capture_on_commit_callbacks
):
    proposal = make_proposal("with_office_head")
    dcct.is_active = False
    dcct.save()

    with django_capture_on_commit_callbacks(execute=True):
        services.approve_in_principle(proposal=proposal, actor=office_head)

    assert recipients() == [staff.email]


def test_dcct_hears_when_a_proposer_accepts_the_alternative(
    make_proposal, staff, dcct, django_capture_on_commit_callbacks
):
    proposal = make_proposal("alternative_offered")

    with django_capture_on_commit_callbacks(execute=True):
        services.accept_alternative(proposal=proposal, actor=staff)

    assert [message.to for message in mail.outbox] == [[dcct.email]]


def test_a_line_break_in_a_title_does_not_stop_the_emails(
    make_proposal, staff, office_head, django_capture_on_commit_callbacks
):
    proposal = make_proposal("draft", title="Two\nlines")

    with django_capture_on_commit_callbacks(execute=True):
        services.submit(proposal=proposal, actor=staff)

    assert mail.outbox[0].subject.endswith("Two lines: With office head")


def test_whoever_acts_next_hears_at_once_even_with_decisions_in_their_digest(
    make_proposal, staff, office_head, dcct, django_capture_on_commit_callbacks
):
    from workflow.models import Delivery, NoticeKind
    from workflow.notifications import set_preferences

    for person in (staff, dcct):
        set_preferences(person=person, choices={NoticeKind.DECISION: Delivery.DIGEST})
    proposal = make_proposal("with_office_head")

    with django_capture_on_commit_callbacks(execute=True):
        services.approve_in_principle(proposal=proposal, actor=office_head, comment="Go ahead.")

    assert recipients() == [dcct.email]  # DCCT must act: at once
    told = dict(Notification.objects.values_list("recipient", "kind"))
    assert told == {dcct.pk: NoticeKind.ACTION, staff.pk: NoticeKind.DECISION}
    waiting = Notification.objects.get(recipient=staff)
    assert (waiting.delivery, waiting.sent_at) == (Delivery.DIGEST, None)
