"""A number typed into any form is a finite number: "NaN", "sNaN" (whose comparison raises)
and "Infinity" are refused beside their field, never a 500."""

from decimal import Decimal

import pytest

from evaluation.forms import KPIFormSet as AccountKPIFormSet
from evaluation.forms import ReportForm
from proposals.forms import KPIFormSet as ProposalKPIFormSet
from proposals.forms import ResourcingForm
from tests.factories import AccountFactory
from workflow.forms import DecimalField

NOT_NUMBERS = ["NaN", "sNaN", "-sNaN", "Infinity", "-Inf", "nan"]

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("text", NOT_NUMBERS)
def test_the_field_refuses_what_is_not_a_finite_number(text):
    field = DecimalField(required=False)
    with pytest.raises(Exception) as refused:
        field.clean(text)
    assert refused.value.messages == ["Enter a number."]
    assert field.has_changed(Decimal("5"), text) is True  # no exception on the way


def test_the_field_still_reads_numbers():
    assert DecimalField(decimal_places=2).clean("12.50") == Decimal("12.50")
    assert DecimalField(required=False).clean("") is None


def formset_data(prefix, target, **extra):
    return {
        f"{prefix}-TOTAL_FORMS": "1",
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-0-metric": "Followers",
        f"{prefix}-0-unit": "people",
        f"{prefix}-0-target": target,
        f"{prefix}-0-direction": "up",
        **extra,
    }


@pytest.mark.parametrize("text", NOT_NUMBERS)
def test_a_proposals_kpi_target_that_is_not_a_number_is_shown_as_an_error(text, make_proposal):
    proposal = make_proposal("draft")
    formset = ProposalKPIFormSet(formset_data("kpis", text), instance=proposal, prefix="kpis")

    assert not formset.is_valid()
    assert formset.forms[0].errors["target"] == ["Enter a number."]


@pytest.mark.parametrize("text", NOT_NUMBERS)
def test_an_accounts_kpi_target_that_is_not_a_number_is_shown_as_an_error(text):
    data = formset_data("kpis", text, **{"kpis-0-aggregation": "sum", "kpis-0-active": "on"})
    formset = AccountKPIFormSet(data, instance=AccountFactory(), prefix="kpis")

    assert not formset.is_valid()
    assert formset.forms[0].errors["target"] == ["Enter a number."]


@pytest.mark.parametrize("text", NOT_NUMBERS)
def test_hours_that_are_not_a_number_are_refused(text):
    assert ResourcingForm({"hours_per_week": text}).errors["hours_per_week"] == ["Enter a number."]
    assert ReportForm({"hours_spent": text}).errors["hours_spent"] == ["Enter a number."]
