"""The form renderer: Django's own widget templates in their Jinja2 versions, which render the
same HTML several times faster (a select of 300 offices cost the DCCT queue a third of its
time), and every other form template (the admin's widgets) through the Django engine as usual;
and fields that say what is missing in words of their own."""

from functools import cached_property

from django import forms
from django.forms.renderers import BaseRenderer, DjangoTemplates, Jinja2
from django.template.exceptions import TemplateDoesNotExist
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

REQUIRED = str(forms.Field.default_error_messages["required"])
ARTICLES = ("the ", "a ", "an ", "your ", "their ", "its ", "this ", "these ", "each ", "any ")


class BoundField(forms.BoundField):
    """A field that says what is missing: "Enter the working title", not Django's "This field
    is required." The words come from the field's label and widget, so every form says it with
    no message written for each field; a message a form sets itself is kept."""

    @property
    def errors(self):
        errors = super().errors
        data = errors.as_data()
        if not any(error.code == "required" for error in data):
            return errors
        specific = what_is_missing(self)
        return forms.utils.ErrorList(
            [
                forms.ValidationError(specific, code="required")
                if error.code == "required" and error.message == REQUIRED
                else error
                for error in data
            ],
            error_class=errors.error_class,
            renderer=errors.renderer,
            field_id=errors.field_id,
        )


# Labels that already say what to do ("Add a comment"), that ask a question without a question
# mark ("Where the content is archived"), or that start with a preposition ("From imported
# figures"): each needs its own way of being put into a sentence.
INSTRUCTIONS = ("add ", "give ", "tell ", "say ", "choose ", "enter ", "describe ", "explain ")
QUESTIONS = ("what ", "why ", "where ", "when ", "who ", "how ", "which ", "whether ")
PREPOSITIONS = ("from ", "to ", "on ", "at ", "in ", "for ", "with ", "by ", "of ")


def what_is_missing(field) -> str:
    label = str(field.label or field.name.replace("_", " ")).strip()
    label = label.removesuffix("(optional)").strip().rstrip("*:").strip()
    lowered = label[:1].lower() + label[1:]
    widget = field.field.widget
    if label.endswith("?"):
        return f"Answer “{label}”"
    if lowered.startswith(INSTRUCTIONS):
        return label
    if lowered.startswith(QUESTIONS):
        return f"Say {lowered}"
    if isinstance(widget, forms.CheckboxInput):
        return f"Tick “{label}” to go on"
    if lowered.startswith(PREPOSITIONS):
        verb = (
            "Choose an answer"
            if isinstance(widget, forms.Select | forms.RadioSelect)
            else "Fill in"
        )
        return f"{verb} for “{label}”"
    phrase = noun_phrase(label)
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return f"Choose at least one: {phrase}"
    if isinstance(widget, forms.FileInput):
        return f"Choose {phrase} to upload"
    if isinstance(widget, forms.Select | forms.RadioSelect):
        return f"Choose {phrase}"
    if isinstance(widget, forms.DateInput) and "date" not in lowered:
        return f"Enter the date for “{label}”"
    return f"Enter {phrase}"


def noun_phrase(label: str) -> str:
    """ "Working title" → "the working title"; "Your role" → "your role"; a name or an acronym
    ("DCCT's position", "KPI targets") as it is."""
    word = label.split(" ", 1)[0]
    first = word.removesuffix("'s").removesuffix("’s")
    if (len(first) > 1 and first.isupper()) or (first != word and first.istitle()):
        return label
    lowered = label[:1].lower() + label[1:]
    return lowered if lowered.startswith(ARTICLES) else f"the {lowered}"


class FormRenderer(BaseRenderer):
    bound_field_class = BoundField

    @cached_property
    def _jinja2(self):
        return Jinja2()

    @cached_property
    def _django(self):
        return DjangoTemplates()

    def get_template(self, template_name):
        try:
            return self._jinja2.get_template(template_name)
        except TemplateDoesNotExist:
            return self._django.get_template(template_name)

    def render(self, template_name, context, request=None):
        if template_name == SELECT and _plain_options(context["widget"]):
            return render_select(context["widget"])
        return super().render(template_name, context, request)


SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"


def _plain_options(widget) -> bool:
    return all(
        option["template_name"] == OPTION
        for _, options, _ in widget["optgroups"]
        for option in options
    )


def render_select(widget) -> str:
    """What Django's select.html and select_option.html make of a select, character for
    character, built in Python: the templates cost about 50 µs an option, and an office filter
    lists hundreds of offices (15 ms of the DCCT queue's page). Selects whose options have a
    template of their own still go through the templates."""
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _ in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in options:
            parts.append("\n  " + option_html(option["value"], option["label"], option["attrs"]))
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return mark_safe("".join(parts))


def option_html(value, label, attrs) -> str:
    """One <option>, as select_option.html makes it (the `{% options %}` tag's too)."""
    value, label = conditional_escape(str(value)), conditional_escape(label)
    return f'<option value="{value}"{_attrs(attrs)}>{label}</option>'


def _attrs(attrs) -> str:
    """attrs.html: ` name="value"`, a bare ` name` for True, nothing for False."""
    return "".join(
        f" {name}" if value is True else f' {name}="{conditional_escape(str(value))}"'
        for name, value in attrs.items()
        if value is not False
    )
