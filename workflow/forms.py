"""The forms every transition page shares: what the person saw (so a stale page is refused),
their comments, and the two positions of an escalation to HEC; and the date field every form
uses."""

import datetime

from django import forms

REASONS_REQUIRED = "Give your reasons: the people concerned will see them."

# The longest text a search box takes: longer than any name, handle or email it searches, so
# nothing longer could match (and SQLite refuses a LIKE pattern of over 50,000 bytes).
SEARCH_MAX_LENGTH = 254

# The dates any form accepts. Nothing the policy dates falls outside them, and the date
# arithmetic of schedules and reminders overflows on dates such as 9999-12-31.
EARLIEST_DATE = datetime.date(2000, 1, 1)
LATEST_DATE = datetime.date(2099, 12, 31)


class DateField(forms.DateField):
    """A date between EARLIEST_DATE and LATEST_DATE: 0001-01-01 is a typing slip, not a day."""

    def validate(self, value):
        super().validate(value)
        if value and not EARLIEST_DATE <= value <= LATEST_DATE:
            raise forms.ValidationError(
                f"Give a date from {EARLIEST_DATE:%-d %B %Y} to {LATEST_DATE:%-d %B %Y}.",
                code="out_of_range",
            )


class DecimalField(forms.DecimalField):
    """A number that is a number: "NaN", "sNaN" and "Infinity" are refused as not numbers when
    read, where Django's field lets them through to its comparisons (a signalling NaN there is
    an exception, and the page a 500)."""

    def to_python(self, value):
        value = super().to_python(value)
        if value is not None and not value.is_finite():
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return value


class TransitionForm(forms.Form):
    """A decision with optional or required comments (or none); `expected_state` is the state
    the person saw, so that a decision made on stale information is refused."""

    expected_state = forms.CharField(widget=forms.HiddenInput)
    comment = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False)

    def __init__(self, *args, comment="optional", comment_label="Comments", **kwargs):
        super().__init__(*args, **kwargs)
        if comment is None:
            del self.fields["comment"]
            return
        require_comment(self, comment == "required", comment_label)

    def service_values(self) -> dict:
        """What the service is given: plain values, never the form."""
        return dict(self.cleaned_data)


def require_comment(form, required: bool, label: str = "Comments") -> None:
    field = form.fields["comment"]
    field.required = required
    field.label = label if required else f"{label} (optional)"
    field.error_messages["required"] = REASONS_REQUIRED


class EscalationForm(TransitionForm):
    """Both sides' positions go to HEC; DCCT's is written here, the business area's starts from
    what they last said."""

    business_area_position = forms.CharField(
        label="The business area's position", widget=forms.Textarea(attrs={"rows": 5})
    )
    dcct_position = forms.CharField(
        label="DCCT's position", widget=forms.Textarea(attrs={"rows": 5})
    )

    def __init__(self, *args, **kwargs):
        kwargs["comment"] = None
        super().__init__(*args, **kwargs)


def refused_forms(values) -> list:
    """The bound forms and formsets among `values` (a page's context) that were refused, each
    once, in the order given."""
    refused = []
    for value in values:
        # type(), not isinstance(): isinstance() would evaluate the context's lazy objects
        # (csrf_token among them, which would set a CSRF cookie on every page).
        if issubclass(type(value), forms.BaseForm):
            was_refused = value.is_bound and bool(value.errors)
        elif issubclass(type(value), forms.BaseFormSet):
            was_refused = value.is_bound and not value.is_valid()
        else:
            continue
        if was_refused and not any(value is form for form in refused):
            refused.append(value)
    return refused


def problems_of(refused) -> list[tuple[str, str]]:
    """(message, field id) for each error of the refused forms and formsets, fields in the
    order the page shows them; errors with no field of their own go to the form's first."""
    problems = []
    for form in refused:
        if isinstance(form, forms.BaseFormSet):
            first = next(iter(form.forms), None)
            problems += [(str(error), first_field_id(first)) for error in form.non_form_errors()]
            problems += problems_of([f for f in form.forms if f.errors])
            continue
        problems += [(str(error), first_field_id(form)) for error in form.non_field_errors()]
        for field in form:
            if field.is_hidden:
                problems += [(str(error), "") for error in field.errors]
            else:
                problems += [(str(error), field_id(field)) for error in field.errors]
    return problems


def field_id(field) -> str:
    """The id of the element focus goes to for a field: the field itself, or the first of a
    group of radios or checkboxes, or of a field in parts (whose label is a legend or names
    no single input); empty when the form gives its fields no ids."""
    if field.id_for_label:
        return field.id_for_label
    if not field.auto_id:
        return ""
    return f"{field.auto_id}_0"


def first_field_id(form) -> str:
    if form is None:
        return ""
    visible = form.visible_fields()
    return field_id(visible[0]) if visible else ""
