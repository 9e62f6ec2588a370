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
