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
