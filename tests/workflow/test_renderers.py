"""The form renderer: Django's widgets through their Jinja2 templates, the same HTML as the
Django engine gives (but for the blank lines between tags); anything else (the admin's
widgets) through the Django engine."""

import re

from django import forms
from django.forms.renderers import DjangoTemplates

from workflow.renderers import FormRenderer


class Sample(forms.Form):
    office = forms.ChoiceField(choices=[("", "Any office"), ("1", "Rock & <Roll>"), ("2", "B")])
    name = forms.CharField(max_length=20, help_text="As it is known")
    agreed = forms.BooleanField(required=False)
    when = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))


def _tags(html) -> str:
    """The HTML without the blank lines and indents between its tags."""
    return re.sub(r">\s+<", "><", str(html)).strip()


def test_widgets_render_the_same_html_as_djangos_templates():
    data = {"office": "1", "name": "x" * 30, "agreed": "on"}
    ours = Sample(data, renderer=FormRenderer())
    django = Sample(data, renderer=DjangoTemplates())

    for name in Sample.base_fields:
        assert _tags(ours[name]) == _tags(django[name]), name
    assert _tags(ours.errors) == _tags(django.errors)
    assert "Rock &amp; &lt;Roll&gt;" in str(ours["office"])


def test_templates_only_the_django_engine_has_are_found_there():
    template = FormRenderer().get_template("admin/widgets/related_widget_wrapper.html")

    assert "related-widget-wrapper" in template.template.source


class Selects(forms.Form):
    grouped = forms.ChoiceField(
        choices=[("", "Choose"), ("Near", [("1", "Rock & <Roll>"), ("2", 'Say "hi"')]), ("3", "C")]
    )
    many = forms.MultipleChoiceField(choices=[("a", "A"), ("b", "B"), ("c", "C")])
    flagged = forms.ChoiceField(
        choices=[(1, "One"), (2, "Two")],
        widget=forms.Select(attrs={"disabled": True, "data-hidden": False, "class": "form-select"}),
    )
    answer = forms.NullBooleanField()


def test_selects_are_built_in_python_as_djangos_templates_build_them():
    data = {"grouped": "2", "many": ["a", "c"], "flagged": "2", "answer": "true"}
    for bound in [data, None]:
        ours = Selects(bound, renderer=FormRenderer())
        django = Selects(bound, renderer=DjangoTemplates())

        for name in Selects.base_fields:
            assert _tags(ours[name]) == _tags(django[name]), name
    html = str(Selects(data, renderer=FormRenderer())["grouped"])
    assert '<optgroup label="Near">' in html
    assert '<option value="2" selected>Say &quot;hi&quot;</option>' in html
    assert "data-hidden" not in str(Selects(renderer=FormRenderer())["flagged"])


def test_a_select_whose_options_have_their_own_template_still_uses_the_templates(monkeypatch):
    class Marked(forms.Select):
        option_template_name = "django/forms/widgets/input_option.html"

    class Form(forms.Form):
        pick = forms.ChoiceField(choices=[("1", "One")], widget=Marked)

    built = []
    monkeypatch.setattr("workflow.renderers.render_select", built.append)

    html = str(Form(renderer=FormRenderer())["pick"])

    assert built == [] and "<select" in html
