"""A number no integer column can hold matches nothing in `in` lookups, as in `exact` ones,
on SQLite (which raised OverflowError) as on PostgreSQL (workflow.lookups)."""

import pytest

from people.models import Office
from tests.factories import OfficeFactory

pytestmark = pytest.mark.django_db
HUGE = 10**30


def test_an_id_too_large_for_any_column_matches_nothing_among_others():
    office = OfficeFactory()

    assert list(Office.objects.filter(pk__in=[HUGE, office.pk])) == [office]
    assert list(Office.objects.filter(pk__in=[-HUGE])) == []
    assert Office.objects.exclude(pk__in=[HUGE]).count() == 1


def test_ids_within_range_are_matched_as_before():
    first, second = OfficeFactory(), OfficeFactory()

    assert set(Office.objects.filter(pk__in=[first.pk, second.pk])) == {first, second}
    assert list(Office.objects.filter(pk__in=[])) == []
