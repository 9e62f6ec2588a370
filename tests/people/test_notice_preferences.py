"""The email settings page: each person chooses, per kind of notice, an email at once or the
daily digest."""

import re

import pytest
from django.core import mail

from tests.factories import UserFactory
from workflow.models import Delivery, NoticeKind, NoticePreference
from workflow.notifications import preferences_of, tell

pytestmark = pytest.mark.django_db
URL = "/email-settings/"


def checked(page, kind):
    """The value of the radio button checked for `kind` on the page."""
    [value] = re.findall(rf'<input type="radio" name="{kind}" value="(\w+)"[^>]*checked', page)
    return value


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(URL)

    assert response.status_code == 302 and response.url.startswith("/sign-in/?next=")
    assert client.post(URL, {"action": "digest"}).status_code == 302
    assert not NoticePreference.objects.exists()


def test_the_page_shows_the_defaults_and_is_in_the_user_menu(client, staff):
    client.force_login(staff)

    page = client.get(URL).content.decode()

    assert 'href="/email-settings/"' in client.get("/").content.decode()
    assert checked(page, "action") == checked(page, "decision") == "immediate"
    assert checked(page, "reminder") == "digest"
    assert "Nothing is waiting for your next summary." in page


def test_saving_choices_changes_how_notices_arrive(client, staff):
    client.force_login(staff)

    response = client.post(
        URL, {"action": "immediate", "decision": "digest", "reminder": "immediate"}, follow=True
    )

    assert "Your email choices are saved." in response.content.decode()
    assert preferences_of(staff) == {
        NoticeKind.ACTION: Delivery.IMMEDIATE,
        NoticeKind.DECISION: Delivery.DIGEST,
        NoticeKind.REMINDER: Delivery.IMMEDIATE,
    }
    tell("decided", [staff], "Decided", "Body")
    tell("remind", [staff], "Reminder", "Body", kind=NoticeKind.REMINDER)
    assert [m.subject for m in mail.outbox] == ["Reminder"]
    assert "1 notice waits for your next summary." in client.get(URL).content.decode()


def test_a_choice_left_out_or_made_up_keeps_what_was_chosen_and_saves_nothing(client, staff):
    client.force_login(staff)

    response = client.post(URL, {"action": "digest", "decision": "carrier-pigeon"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "Select a valid choice. carrier-pigeon is not one of the available choices." in page
    assert "Choose how you get “reminders: due soon" in page
    assert checked(page, "action") == "digest"  # what was typed is kept
    assert 'aria-describedby="id_reminder-error"' in page
    assert not NoticePreference.objects.exists()


def test_each_person_sees_and_changes_only_their_own(client, staff):
    other = UserFactory()
    client.force_login(staff)

    client.post(URL, {"action": "digest", "decision": "digest", "reminder": "digest"})

    assert not NoticePreference.objects.filter(person=other).exists()
    assert NoticePreference.objects.filter(person=staff).count() == 3


def test_the_admin_shows_each_persons_choices_and_notices(client, staff, administrator):
    from workflow.notifications import set_preferences

    set_preferences(person=staff, choices={NoticeKind.DECISION: Delivery.DIGEST})
    tell("decided", [staff], "Proposal approved", "Body")
    client.force_login(administrator)

    page = client.get(f"/admin/people/user/{staff.pk}/change/").content.decode()

    assert "Email settings (kinds not listed get the default)" in page
    assert 'name="notice_preferences-0-delivery"' in page
    assert "Proposal approved" in page
    assert client.get("/admin/workflow/notification/").status_code == 200
    assert client.get("/admin/workflow/digest/").status_code == 200
