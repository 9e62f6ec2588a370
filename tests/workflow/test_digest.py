"""Per-kind choices and the daily digest: a notice goes at once or waits for the digest as its
reader chose; each person gets one digest with everything waiting, and nothing twice."""

import datetime
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from tests.factories import UserFactory
from workflow import notifications
from workflow.models import Delivery, Digest, NoticeKind, NoticePreference, Notification
from workflow.notifications import send_digests, set_preferences, tell

pytestmark = pytest.mark.django_db


def test_by_default_actions_and_decisions_come_at_once_and_reminders_wait():
    person = UserFactory()

    tell("a", [person], "To do", "Body", kind=NoticeKind.ACTION)
    tell("d", [person], "Decided", "Body", kind=NoticeKind.DECISION)
    tell("r", [person], "Reminder", "Body", kind=NoticeKind.REMINDER)

    assert [m.subject for m in mail.outbox] == ["To do", "Decided"]
    waiting = Notification.objects.get(key=f"r:user:{person.pk}")
    assert (waiting.delivery, waiting.sent_at) == (Delivery.DIGEST, None)


def test_a_person_who_chose_the_digest_for_decisions_is_not_emailed_at_once():
    chose_digest, default = UserFactory(), UserFactory()
    set_preferences(person=chose_digest, choices={NoticeKind.DECISION: Delivery.DIGEST})

    assert tell("d", [chose_digest, default], "Decided", "Body") == 2  # one email, one line

    assert [m.to for m in mail.outbox] == [[default.email]]


def test_the_people_who_must_act_get_it_as_an_action_the_rest_as_a_decision():
    holder, onlooker = UserFactory(), UserFactory()
    set_preferences(person=holder, choices={NoticeKind.DECISION: Delivery.DIGEST})
    set_preferences(person=onlooker, choices={NoticeKind.DECISION: Delivery.DIGEST})

    tell("d", [holder, onlooker], "Over to you", "Body", must_act=[holder])

    assert [m.to for m in mail.outbox] == [[holder.email]]  # actions still come at once
    kinds = dict(Notification.objects.values_list("recipient", "kind"))
    assert kinds == {holder.pk: NoticeKind.ACTION, onlooker.pk: NoticeKind.DECISION}


def test_one_digest_per_person_with_everything_grouped_by_what_to_do_and_nothing_twice():
    ann, bob, nobody = UserFactory(full_name="Ann Example"), UserFactory(), UserFactory()
    set_preferences(person=ann, choices=dict.fromkeys(NoticeKind, Delivery.DIGEST))
    tell(
        "review-due",
        [ann],
        "Review due",
        "Submit the figures.",
        "/reviews/1/",
        kind=NoticeKind.ACTION,
    )
    tell(
        "overdue",
        [ann, bob],
        "Overdue review",
        "It was due.",
        "/reviews/2/",
        kind=NoticeKind.REMINDER,
    )
    tell("went-live", [ann], "Account live", "It is live.", kind=NoticeKind.DECISION)
    mail.outbox.clear()

    assert send_digests() == 2
    assert send_digests() == 0  # run again the same morning: nothing more goes

    by_person = {m.to[0]: m for m in mail.outbox}
    assert set(by_person) == {ann.email, bob.email}
    assert nobody.email not in by_person
    digest = by_person[ann.email]
    assert digest.subject == "Your daily summary: 3 items"
    body = digest.body
    assert body.index("FOR YOU TO DO") < body.index("Review due")
    assert body.index("REMINDERS") < body.index("Overdue review") < body.index("WHAT HAPPENED")
    assert "/reviews/1/" in body and "/email-settings/" in body
    html = digest.alternatives[0][0]
    assert "For you to do" in html and "/email-settings/" in html
    assert not Notification.objects.filter(delivery=Delivery.DIGEST, sent_at=None).exists()
    assert Digest.objects.filter(recipient=ann, sent_at__isnull=False).count() == 1


def test_what_arrives_after_a_digest_goes_in_the_next_one():
    person = UserFactory()
    tell("first", [person], "First", "Body", kind=NoticeKind.REMINDER)
    send_digests()
    tell("second", [person], "Second", "Body", kind=NoticeKind.REMINDER)

    send_digests()

    assert "First" in mail.outbox[0].body and "Second" not in mail.outbox[0].body
    assert "Second" in mail.outbox[1].body and "First" not in mail.outbox[1].body


def test_a_failed_send_loses_nothing_and_the_next_run_sends_it(monkeypatch):
    ann, bob = UserFactory(), UserFactory()
    tell("r", [ann, bob], "Reminder", "Body", kind=NoticeKind.REMINDER)
    real_email = notifications._email
    sent_to = []

    def fails_for_bob(recipient, *args):
        if recipient == bob:
            raise ConnectionError("mail server went away")
        sent_to.append(recipient)
        return real_email(recipient, *args)

    monkeypatch.setattr(notifications, "_email", fails_for_bob)
    with pytest.raises(ConnectionError):
        send_digests()
    monkeypatch.setattr(notifications, "_email", real_email)

    send_digests()  # the retry: Ann was done, Bob's notice was released

    assert sorted(m.to[0] for m in mail.outbox) == sorted([ann.email, bob.email])
    assert not Digest.objects.filter(sent_at=None).exists()


def test_a_digest_whose_worker_died_is_taken_back_after_the_claim_expires():
    person = UserFactory()
    tell("r", [person], "Reminder", "Body", kind=NoticeKind.REMINDER)
    stuck = Digest.objects.create(recipient=person)
    Notification.objects.update(digest=stuck, claimed_at=stuck.created_at)

    assert send_digests() == 0  # another worker is sending it

    long_ago = timezone.now() - notifications.CLAIM_EXPIRES - datetime.timedelta(minutes=1)
    Notification.objects.update(claimed_at=long_ago)
    assert send_digests() == 1
    assert len(mail.outbox) == 1


def test_a_leaver_gets_no_digest():
    person = UserFactory()
    tell("r", [person], "Reminder", "Body", kind=NoticeKind.REMINDER)
    person.is_active = False
    person.save()

    assert send_digests() == 0


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections")
def test_two_digest_jobs_at_once_send_each_person_one_email():
    people = UserFactory.create_batch(6)
    for person in people:
        for n in range(3):
            tell(f"r{n}", [person], f"Reminder {n}", "Body", kind=NoticeKind.REMINDER)

    def run(_):
        try:
            return send_digests()
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(run, range(4)))

    assert sum(results) == 6
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people)
    assert all("Reminder 0" in m.body and "Reminder 2" in m.body for m in mail.outbox)


def test_the_preference_is_one_row_per_person_and_kind():
    person = UserFactory()
    set_preferences(person=person, choices={NoticeKind.REMINDER: Delivery.IMMEDIATE})
    set_preferences(person=person, choices={NoticeKind.REMINDER: Delivery.DIGEST})

    assert NoticePreference.objects.filter(person=person).count() == 1
    assert notifications.preferences_of(person) == {
        NoticeKind.ACTION: Delivery.IMMEDIATE,
        NoticeKind.DECISION: Delivery.IMMEDIATE,
        NoticeKind.REMINDER: Delivery.DIGEST,
    }
