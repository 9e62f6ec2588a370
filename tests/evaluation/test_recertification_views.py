"""The recertification pages: the owner's form (each answer and note, refusals beside their
field with what was typed kept), the read-only record for everyone else who may see it, DCCT's
follow-up, the list with its filters, and moving the date on the evaluation page."""

import datetime
import re

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import AccountEvent
from evaluation.models import RECERTIFICATION_FIELDS, Recertification, RecertificationSchedule

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def url(recertification, step=""):
    return f"/recertifications/{recertification.pk}/{step + '/' if step else ''}"


def stamp(client, recertification):
    page = client.get(url(recertification))
    form = page.context["recertification_form"] or page.context["follow_up_form"]
    return form.initial["expected_state"]


def form_data(client, recertification, **changes):
    data = {"expected_state": stamp(client, recertification), "comment": ""}
    for field in RECERTIFICATION_FIELDS:
        data[field] = "yes"
        data[f"{field}_note"] = ""
    data.update(changes)
    return data


def fresh(recertification):
    return Recertification.objects.get(pk=recertification.pk)


def test_the_owner_sees_each_question_with_what_the_register_shows(
    client, make_recertification, owner
):
    recertification = make_recertification("open")
    client.force_login(owner)

    page = client.get(url(recertification))

    assert page.status_code == 200
    form = page.context["recertification_form"]
    assert [answer.name for answer, _ in form.items()] == RECERTIFICATION_FIELDS
    assert set(form.fields) == {
        "expected_state",
        "comment",
        *RECERTIFICATION_FIELDS,
        *(f"{f}_note" for f in RECERTIFICATION_FIELDS),
    }
    assert "The team is current" in page.text and "Submit recertification" in page.text
    assert "On the register, 2 of the team hold current training" in page.text
    assert owner.full_name in page.text


def test_the_owner_recertifies_through_the_page(client, make_recertification, owner):
    recertification = make_recertification("open")
    client.force_login(owner)

    response = client.post(
        url(recertification, "submit"), form_data(client, recertification), follow=True
    )

    assert "Submit recertification: done." in response.text
    assert response.redirect_chain[-1][0] == url(recertification)
    assert fresh(recertification).state == "recertified"
    assert "The owner's answers" in response.text and "recertification_form" in response.context
    assert response.context["recertification_form"] is None


@pytest.mark.parametrize("field", RECERTIFICATION_FIELDS)
def test_a_no_goes_to_dcct_with_its_note(client, make_recertification, owner, field):
    recertification = make_recertification("open")
    client.force_login(owner)
    data = form_data(client, recertification, **{field: "no", f"{field}_note": "Not this year."})

    response = client.post(url(recertification, "submit"), data, follow=True)

    assert "DCCT follows it up" in response.text
    saved = fresh(recertification)
    assert saved.state == "needs_follow_up"
    assert getattr(saved, field) is False
    assert getattr(saved, f"{field}_note") == "Not this year."


@pytest.mark.parametrize("field", RECERTIFICATION_FIELDS)
def test_a_no_without_a_note_comes_back_with_the_error_beside_it_and_saves_nothing(
    client, make_recertification, owner, field
):
    recertification = make_recertification("open")
    client.force_login(owner)
    data = form_data(client, recertification, **{field: "no"}, comment="Typed before the error")

    response = client.post(url(recertification, "submit"), data)

    assert response.status_code == 200
    form = response.context["recertification_form"]
    assert form.errors == {f"{field}_note": ["Say what is wrong and what is being done about it."]}
    # The error is beside the note: the field is marked invalid and its message follows it.
    html = response.text
    note = html.index(f'name="{field}_note"')
    assert "is-invalid" in html[html.rindex("<textarea", 0, note) : note + 200]
    assert "Say what is wrong" in html[note : note + 600]
    # What was typed is kept: the "no" stays chosen and the comment stays written.
    assert re.search(rf'name="{field}" value="no"[^>]*checked', html)
    assert "Typed before the error" in html
    saved = fresh(recertification)
    assert saved.state == "open" and getattr(saved, field) is None
    assert not saved.events.exists()


def test_an_unanswered_item_is_refused_beside_it(client, make_recertification, owner):
    recertification = make_recertification("open")
    client.force_login(owner)
    data = form_data(client, recertification)
    del data["still_needed"]

    response = client.post(url(recertification, "submit"), data)

    assert response.context["recertification_form"].errors == {
        "still_needed": ["Answer yes or no."]
    }
    assert fresh(recertification).state == "open"


def test_a_yes_the_register_contradicts_is_refused_beside_it(
    client, make_account, make_recertification, owner
):
    recertification = make_recertification("open", account=make_account("live", trained=False))
    client.force_login(owner)

    response = client.post(url(recertification, "submit"), form_data(client, recertification))

    errors = response.context["recertification_form"].errors
    assert list(errors) == ["team_trained"]
    assert "fewer than 2" in errors["team_trained"][0]
    assert fresh(recertification).state == "open"


def test_a_stale_page_says_somebody_acted_first(client, make_recertification, owner):
    recertification = make_recertification("open")
    client.force_login(owner)
    data = form_data(client, recertification)
    Recertification.objects.filter(pk=recertification.pk).update(
        state_changed_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    )

    response = client.post(url(recertification, "submit"), data, follow=True)

    assert "has changed since you opened it" in response.text
    assert fresh(recertification).state == "open"


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("outsider", 404),  # may not see the account at all
        ("staff", 403),  # sees the office's accounts, but is not the owner
        ("office_head", 403),
        ("dcct", 403),  # DCCT does not answer for the owner
        ("hec", 403),
        ("policy_owner", 403),
        ("editor", 403),
    ],
)
def test_only_the_owner_submits(request, client, make_recertification, persona, status):
    recertification = make_recertification("open")
    person = (
        recertification.account.members.get(role="editor").person
        if persona == "editor"
        else request.getfixturevalue(persona)
    )
    client.force_login(person)
    data = dict.fromkeys(RECERTIFICATION_FIELDS, "yes")

    assert client.get(url(recertification, "submit")).status_code == status
    assert client.post(url(recertification, "submit"), data).status_code == status
    assert fresh(recertification).state == "open"


@pytest.mark.parametrize("persona", ["staff", "office_head", "dcct", "hec", "policy_owner"])
def test_everyone_else_who_sees_the_account_reads_the_record(
    request, client, make_recertification, persona
):
    recertification = make_recertification("needs_follow_up")
    client.force_login(request.getfixturevalue(persona))

    page = client.get(url(recertification))

    assert page.status_code == 200
    assert page.context["recertification_form"] is None
    assert "Two-factor was turned off by the platform." in page.text
    assert "The owner's answers" in page.text and "History" in page.text


def test_nobody_outside_the_office_sees_it(client, make_recertification, outsider):
    recertification = make_recertification("open")
    client.force_login(outsider)

    assert client.get(url(recertification)).status_code == 404
    assert client.get("/recertifications/999999/").status_code == 404


def test_an_account_without_an_owner_says_who_makes_one(client, make_recertification, dcct):
    recertification = make_recertification("open")
    recertification.account.members.filter(role="owner").update(removed_on=TODAY)
    client.force_login(dcct)

    assert "The account has no current owner" in client.get(url(recertification)).text


# --- DCCT's follow-up -----------------------------------------------------------------------------


def test_dcct_closes_a_follow_up_through_the_page(client, make_recertification, dcct):
    recertification = make_recertification("needs_follow_up")
    client.force_login(dcct)
    page = client.get(url(recertification))
    assert page.context["follow_up_form"] is not None
    expected = page.context["follow_up_form"].initial["expected_state"]

    refused = client.post(url(recertification, "follow-up"), {"expected_state": expected})
    assert "comment" in refused.context["follow_up_form"].errors
    assert fresh(recertification).state == "needs_follow_up"

    response = client.post(
        url(recertification, "follow-up"),
        {"expected_state": expected, "comment": "Two-factor is back on."},
        follow=True,
    )
    assert "Close follow-up: done." in response.text
    saved = fresh(recertification)
    assert (saved.state, saved.follow_up_note) == ("followed_up", "Two-factor is back on.")
    assert "Two-factor is back on." in response.text  # on the record and in the history


@pytest.mark.parametrize(("persona", "status"), [("owner", 403), ("outsider", 404)])
def test_only_dcct_closes_a_follow_up(request, client, make_recertification, persona, status):
    recertification = make_recertification("needs_follow_up")
    client.force_login(request.getfixturevalue(persona))

    response = client.post(url(recertification, "follow-up"), {"comment": "Sorted."})

    assert response.status_code == status
    assert fresh(recertification).state == "needs_follow_up"


def test_a_step_the_state_no_longer_allows_goes_back_to_the_page(
    client, make_recertification, owner
):
    recertification = make_recertification("recertified")
    client.force_login(owner)

    response = client.get(url(recertification, "submit"), follow=True)

    assert "That is not possible now" in response.text


# --- The list -------------------------------------------------------------------------------------


def test_the_list_filters_open_overdue_follow_up_and_done(
    client, make_account, make_recertification, dcct
):
    made = {
        "open": make_recertification("open", account=make_account("live")),
        "overdue": make_recertification(
            "open", account=make_account("live"), due_on=TODAY - datetime.timedelta(days=3)
        ),
        "follow_up": make_recertification("needs_follow_up", account=make_account("live")),
        "done": make_recertification("recertified", account=make_account("live")),
    }
    client.force_login(dcct)

    for show, recertification in made.items():
        page = client.get(f"/recertifications/?show={show}")
        assert [r.pk for r in page.context["page"].object_list] == [recertification.pk], show
    assert "Overdue" in client.get("/recertifications/?show=overdue").text
    assert client.get("/recertifications/?show=nonsense").context["show"] == "open"


def test_the_list_is_paged_and_runs_a_fixed_number_of_queries(
    client, make_account, make_recertification, dcct, django_assert_max_num_queries
):
    for _ in range(3):
        make_recertification("open", account=make_account("live"))
    client.force_login(dcct)
    client.get("/recertifications/")
    with django_assert_max_num_queries(12) as few:
        client.get("/recertifications/")
    for _ in range(27):
        make_recertification("open", account=make_account("live"))
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get("/recertifications/?page=2")
    assert len(page.context["page"].object_list) == 5


def test_the_list_shows_only_what_a_person_may_see(client, make_recertification, outsider, staff):
    recertification = make_recertification("open")

    client.force_login(staff)
    assert recertification.account.display_name in client.get("/recertifications/").text
    client.force_login(outsider)
    assert recertification.account.display_name not in client.get("/recertifications/").text


# --- DCCT moves the date --------------------------------------------------------------------------


def test_dcct_moves_the_date_on_the_evaluation_page(client, make_account, dcct):
    account = make_account("live")
    RecertificationSchedule.objects.create(
        account=account, next_due_on=TODAY + datetime.timedelta(9)
    )
    client.force_login(dcct)
    assert client.get(f"/accounts/{account.pk}/evaluation/").context["recertification_form"]
    moved = TODAY + datetime.timedelta(days=60)

    response = client.post(
        f"/accounts/{account.pk}/recertification-date/",
        {"recertification-due_on": moved.isoformat()},
        follow=True,
    )

    assert f"The next recertification is due on {moved:%-d %B %Y}." in response.text
    assert RecertificationSchedule.objects.get(account=account).next_due_on == moved
    assert AccountEvent.objects.filter(account=account, action="move_recertification").exists()


def test_a_date_in_the_past_comes_back_beside_the_field(client, make_account, dcct):
    account = make_account("live")
    RecertificationSchedule.objects.create(
        account=account, next_due_on=TODAY + datetime.timedelta(9)
    )
    client.force_login(dcct)

    response = client.post(
        f"/accounts/{account.pk}/recertification-date/",
        {"recertification-due_on": (TODAY - datetime.timedelta(days=1)).isoformat()},
    )

    assert response.status_code == 200
    assert response.context["recertification_form"].errors == {
        "due_on": ["Choose a date in the future."]
    }
    assert RecertificationSchedule.objects.get(account=account).next_due_on == (
        TODAY + datetime.timedelta(9)
    )


@pytest.mark.parametrize(("persona", "status"), [("owner", 403), ("outsider", 404)])
def test_only_dcct_moves_the_date_through_the_page(request, client, make_account, persona, status):
    account = make_account("live")
    client.force_login(request.getfixturevalue(persona))

    response = client.post(
        f"/accounts/{account.pk}/recertification-date/",
        {"recertification-due_on": (TODAY + datetime.timedelta(days=30)).isoformat()},
    )

    assert response.status_code == status
    assert not RecertificationSchedule.objects.filter(account=account).exists()


def test_every_refusal_shows_at_once(client, make_account, make_recertification, owner):
    recertification = make_recertification("open", account=make_account("live", trained=False))
    client.force_login(owner)

    response = client.post(
        url(recertification, "submit"), form_data(client, recertification, two_factor="no")
    )

    assert set(response.context["recertification_form"].errors) == {
        "team_trained",
        "two_factor_note",
    }
    assert fresh(recertification).state == "open"


def test_the_admin_shows_recertifications_read_only(client, make_recertification, administrator):
    recertification = make_recertification("needs_follow_up")
    administrator.is_staff = administrator.is_superuser = True
    administrator.save()
    client.force_login(administrator)

    assert client.get("/admin/evaluation/recertification/").status_code == 200
    change = client.get(f"/admin/evaluation/recertification/{recertification.pk}/change/")
    assert change.status_code == 200 and not change.context["has_change_permission"]
    assert client.get("/admin/evaluation/recertification/add/").status_code == 403
    assert client.get("/admin/evaluation/recertificationschedule/").status_code == 200
    assert (
        client.post(
            f"/admin/evaluation/recertification/{recertification.pk}/delete/", {"post": "yes"}
        ).status_code
        == 403
    )
    assert Recertification.objects.filter(pk=recertification.pk).exists()


def test_an_open_one_of_an_account_no_longer_live_is_not_chased_in_the_list(
    client, make_account, make_recertification, dcct
):
    make_recertification(
        "open", account=make_account("closed"), due_on=TODAY - datetime.timedelta(days=40)
    )
    client.force_login(dcct)

    assert not client.get("/recertifications/?show=overdue").context["page"].object_list


def test_what_people_typed_on_the_register_is_shown_as_text_not_run(
    client, make_account, make_recertification, owner
):
    script = "<script>alert('x')</script>"
    account = make_account("live", purpose=f"Reach pupils {script}", url="https://x.test/<b>i</b>")
    owner.full_name = f"Ailsa <img src=x onerror=alert(1)>{script}"
    owner.save()
    recertification = make_recertification("open", account=account)
    client.force_login(owner)

    page = client.get(url(recertification)).text

    assert script not in page and "<img src=x" not in page and "<b>i</b>" not in page
    assert "Reach pupils &lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


def test_the_list_only_reads(client, make_recertification, dcct):
    make_recertification("open")
    client.force_login(dcct)

    assert client.post("/recertifications/").status_code == 405
    assert client.head("/recertifications/").status_code == 200


def test_without_an_owner_who_can_sign_in_the_office_head_answers_through_the_page(
    client, make_recertification, owner, office_head
):
    recertification = make_recertification("open")
    # Gone, but still on the team: deactivated past the services (a bulk update
    # sends no signal), so the leaver process (people.services.person_left) did not run.
    type(owner).objects.filter(pk=owner.pk).update(is_active=False)
    owner.refresh_from_db()
    client.force_login(office_head)

    page = client.get(url(recertification))
    assert page.context["recertification_form"] is not None
    assert "no current owner who can still sign in" in page.text
    response = client.post(
        url(recertification, "submit"), form_data(client, recertification), follow=True
    )

    assert "Submit recertification: done." in response.text
    assert fresh(recertification).submitted_by == office_head


@pytest.mark.parametrize(
    "model", ["recertification", "recertificationschedule", "review", "reviewschedule", "kpi"]
)
def test_the_admin_lists_run_a_fixed_number_of_queries(
    client, make_account, make_recertification, make_review, administrator, model
):
    administrator.is_staff = administrator.is_superuser = True
    administrator.save()
    client.force_login(administrator)
    page = f"/admin/evaluation/{model}/"

    def queries(count):
        for _ in range(count):
            make_recertification("recertified", account=make_account("live"))
            make_review("due")
        with CaptureQueriesContext(connection) as captured:
            assert client.get(page).status_code == 200
        return len(captured.captured_queries)

    assert queries(2) == queries(6)


@pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
    reason="SQLite plans a partial index only for literal values, and Django binds parameters",
)
def test_the_done_list_reads_through_an_index(make_recertification, dcct):
    make_recertification("recertified")
    done = Recertification.objects.filter(state__in=["recertified", "followed_up"]).order_by(
        "-due_on", "pk"
    )[:25]

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny table is otherwise read whole
        plan = done.explain()

    assert "recertification_done_by_due" in plan


def test_a_withdrawn_one_says_so_and_asks_nobody(client, make_recertification, owner, dcct):
    recertification = make_recertification("withdrawn")

    for person in (owner, dcct):
        client.force_login(person)
        page = client.get(url(recertification))
        assert page.context["recertification_form"] is None
        assert page.context["follow_up_form"] is None
        assert "withdrawn when the account closed" in page.text
