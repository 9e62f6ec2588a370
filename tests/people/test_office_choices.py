"""The filters' list of every office: plain pairs from the cache, emptied when an office
changes."""

import pytest

from people.selectors import office_choices
from tests.factories import OfficeFactory

pytestmark = pytest.mark.django_db


def test_offices_are_listed_by_name_and_read_once(empty_cache, django_assert_num_queries):
    OfficeFactory(name="Visitor Services")
    first = OfficeFactory(name="Broadcasting Office")

    with django_assert_num_queries(1):
        choices = office_choices()
        assert office_choices() == choices

    assert choices[0] == (first.pk, "Broadcasting Office")
    assert [name for _, name in choices] == sorted(name for _, name in choices)


def test_a_new_renamed_or_deleted_office_shows_at_once(empty_cache):
    office = OfficeFactory(name="Broadcasting Office")
    office_choices()

    added = OfficeFactory(name="Aardvark Unit")
    assert office_choices()[0] == (added.pk, "Aardvark Unit")

    office.name = "Zebra Office"
    office.save()
    assert office_choices()[-1] == (office.pk, "Zebra Office")

    added.delete()
    assert added.pk not in dict(office_choices())


def test_the_public_register_filters_by_an_office_and_keeps_it_selected(client, empty_cache):
    office = OfficeFactory(name="Broadcasting Office")

    page = client.get(f"/register/?office={office.pk}").text

    assert f'<option value="{office.pk}" selected>Broadcasting Office</option>' in page
