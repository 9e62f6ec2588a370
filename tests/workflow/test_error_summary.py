"""The error summary at the top of a refused page, the "Error: " title, and fields that say
what is missing in their own words (workflow.forms.problems_of, workflow.renderers)."""

import re

import pytest
from django import forms
from django.urls import reverse

from proposals.models import Proposal
from workflow.forms import problems_of, refused_forms
from workflow.renderers import noun_phrase, what_is_missing


class Example(forms.Form):
    title = forms.CharField(label="Working title")
    platform = forms.ChoiceField(label="Platform", choices=[("", "---"), ("x", "X")])
    approach = forms.ChoiceField(
        label="Approach", choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect
    )
    agree = forms.BooleanField(label="I have read the policy")
    why = forms.CharField(label="Why are these accounts not enough?")
    owner = forms.CharField(label="DCCT's position")
    stamp = forms.CharField(widget=forms.HiddenInput)
    note = forms.CharField(label="Note", required=False, error_messages={"required": "Kept."})

    def clean(self):
        raise forms.ValidationError("The whole form is wrong.")


def test_each_field_says_what_is_missing_from_its_label_and_widget():
    form = Example(data={})
    assert not form.is_valid()
    messages = {field.name: list(field.errors) for field in form}
    assert messages["title"] == ["Enter the working title"]
    assert messages["platform"] == ["Choose the platform"]
    assert messages["approach"] == ["Choose the approach"]
    assert messages["agree"] == ["Tick “I have read the policy” to go on"]
    assert messages["why"] == ["Answer “Why are these accounts not enough?”"]
    assert messages["owner"] == ["Enter DCCT's position"]
    # form.errors keeps Django's own codes; only what the page shows is reworded
    assert form.errors.as_data()["title"][0].code == "required"


def test_a_message_the_form_sets_itself_is_kept():
    class Own(forms.Form):
        title = forms.CharField(error_messages={"required": "Give it a name."})

    form = Own(data={})
    form.is_valid()
    assert list(form["title"].errors) == ["Give it a name."]


@pytest.mark.parametrize(
    ("label", "phrase"),
    [
        ("Working title", "the working title"),
        ("Your role", "your role"),
        ("KPI targets", "KPI targets"),
        ("HEC's decision", "HEC's decision"),
        ("The business area's position", "the business area's position"),
    ],
)
def test_noun_phrases(label, phrase):
    assert noun_phrase(label) == phrase


def test_a_file_field_asks_for_a_file():
    class Upload(forms.Form):
        file = forms.FileField(label="Export file")

    form = Upload(data={})
    form.is_valid()
    assert what_is_missing(form["file"]) == "Choose the export file to upload"


def test_problems_link_to_each_field_radios_to_the_first_and_form_errors_to_the_first_field():
    form = Example(data={"note": "x"})
    form.is_valid()
    problems = problems_of(refused_forms([form, form, "not a form", Example()]))
    assert problems[0] == ("The whole form is wrong.", "id_title")
    assert ("Enter the working title", "id_title") in problems
    assert ("Choose the approach", "id_approach_0") in problems
    assert ("Enter the stamp", "") in problems  # hidden: said, but no field to go to
    assert len([p for p in problems if p[0] == "The whole form is wrong."]) == 1  # once


def test_a_refused_page_opens_with_the_summary_and_an_error_title_and_saves_nothing(client, db):
    from tests.factories import UserFactory

    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("proposals:create"), {"title": "", "proposed_handle": "@kept"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "<title>Error: Propose a new account" in page
    assert "data-error-summary" in page and "There is a problem" in page
    assert '<a class="alert-link" href="#id_title">Enter the working title</a>' in page
    assert 'value="@kept"' in page  # what was typed is kept
    assert page.index("<main") < page.index("data-error-summary") < page.index("<h1")
    assert not Proposal.objects.exists()


def test_a_page_with_no_refused_form_has_no_summary(client, db):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    page = client.get(reverse("proposals:create")).content.decode()
    assert "data-error-summary" not in page
    assert "<title>Propose a new account" in page


def test_a_refused_sign_in_is_tied_to_both_fields(client, db):
    from tests.factories import UserFactory

    user = UserFactory()
    response = client.post(reverse("sign-in"), {"username": user.email, "password": "wrong"})
    page = response.content.decode()
    assert "<title>Error: Sign in" in page
    assert 'href="#id_username">That email address and password do not match' in page
    form = response.context["form"]
    assert form["username"].errors
    password = str(form["password"])
    assert 'aria-invalid="true"' in password
    assert 'aria-describedby="id_username_error"' in password


def test_a_refused_group_of_radios_is_described_by_its_error(db):
    from django.template import Context, Template

    from proposals.forms import AlternativePlanForm

    form = AlternativePlanForm(data={})
    form.is_valid()
    html = Template("{% load crispy_forms_tags %}{{ form|crispy }}").render(Context({"form": form}))
    assert '<fieldset aria-describedby="id_approach_error">' in html
    assert 'id="id_approach_error"' in html


def _project_forms():
    import importlib
    import inspect

    for module in ["people.forms", "proposals.forms", "accounts.forms", "evaluation.forms"]:
        found = importlib.import_module(module)
        for _name, cls in inspect.getmembers(found, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module:
                yield cls


def test_every_required_field_of_every_form_says_what_is_missing_in_a_sentence(db):
    worded = 0
    for cls in _project_forms():
        try:
            form = cls(data={})
        except (TypeError, ValueError):
            continue  # needs arguments (or a model) of its own; its fields are like the others'
        form.is_valid()
        for field in form:
            for message in field.errors:
                assert message != "This field is required.", (cls.__name__, field.name)
                assert not re.search(r"\bthe (what|why|where|how|add|from|completed)\b", message)
                worded += 1
    assert worded > 40


def test_a_public_page_sets_no_csrf_cookie(client, db):
    """The summary's look through the page's context must not wake the lazy CSRF token."""
    for url in [reverse("public-register"), reverse("accessibility"), reverse("privacy")]:
        response = client.get(url)
        assert "csrftoken" not in response.cookies, url
