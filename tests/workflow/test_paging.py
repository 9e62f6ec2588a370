"""KeysFirstPaginator: the same pages as Django's Paginator, read keys first."""

import pytest
from django.core.paginator import Paginator
from django.db.models import Q
from django.db.models.functions import Lower

from accounts.models import Account
from tests.factories import AccountFactory
from workflow.paging import KeysFirstPaginator, counts, first_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def accounts():
    names = ["beta", "Alpha", "gamma", "alpha", "Delta", "epsilon", "Zeta", "eta"]
    for name in names:
        AccountFactory(display_name=name)
    return (
        Account.objects.select_related("platform", "office")
        .prefetch_related("members")
        .order_by(Lower("display_name"), "pk")
    )


@pytest.mark.parametrize("per_page,orphans", [(3, 0), (3, 1), (8, 0), (20, 0)])
def test_every_page_holds_what_djangos_paginator_gives_in_the_same_order(
    accounts, per_page, orphans
):
    ours = KeysFirstPaginator(accounts, per_page, orphans=orphans)
    django = Paginator(accounts, per_page, orphans=orphans)

    assert ours.num_pages == django.num_pages
    for number in django.page_range:
        assert list(ours.page(number)) == list(django.page(number))
        assert ours.page(number).has_next() == django.page(number).has_next()


def test_a_page_costs_the_same_queries_however_deep(accounts, django_assert_num_queries):
    paginator = KeysFirstPaginator(accounts, 2)
    paginator.count  # noqa: B018 (counted once, as the page's template does)
    for number in (1, paginator.num_pages):
        # The keys, the rows (joined), the prefetched teams.
        with django_assert_num_queries(3):
            page = paginator.get_page(number)
            assert [account.platform.name for account in page]
            assert [list(account.members.all()) for account in page]


def test_an_empty_list_and_a_page_out_of_range(accounts):
    assert list(KeysFirstPaginator(Account.objects.none(), 5).get_page(1)) == []
    last = KeysFirstPaginator(accounts, 3).get_page(999)
    assert last.number == 3
    assert [a.display_name for a in last] == ["gamma", "Zeta"]


def test_a_page_past_the_middle_is_read_from_the_end(accounts, django_assert_num_queries):
    paginator = KeysFirstPaginator(accounts, 3)
    paginator.count  # noqa: B018 (counted first, as a page's links need)

    with django_assert_num_queries(3) as captured:  # keys, rows, the rows' team
        page = list(paginator.page(3))

    assert [account.display_name for account in page] == ["gamma", "Zeta"]
    assert "DESC" in captured.captured_queries[0]["sql"]


def test_first_rows_are_the_lists_first_in_its_order(accounts, django_assert_num_queries):
    with django_assert_num_queries(3):  # keys, rows, the rows' team
        rows = first_rows(accounts, 3)

    assert rows == list(accounts[:3])
    assert first_rows(accounts.none(), 3) == []


def test_first_rows_of_any_of_several_filters_are_those_of_their_or(accounts):
    names = [Q(display_name__istartswith="a"), Q(display_name__in=["Zeta", "beta", "alpha"])]
    ordered = accounts.order_by("display_name", "pk")

    for count in (1, 2, 3, 10):
        rows = first_rows(ordered, count, any_of=names)
        assert rows == list(ordered.filter(names[0] | names[1])[:count]), count


def test_counts_are_each_querysets_count_in_one_query(accounts, django_assert_num_queries):
    querysets = [
        accounts,
        accounts.filter(display_name__istartswith="a"),
        accounts.none(),
        accounts.filter(pk__in=[]),
        Account.objects.filter(display_name="nobody's"),
        accounts.filter(display_name__in=["Zeta", "eta"]).select_related("office"),
    ]

    with django_assert_num_queries(1):
        found = counts(querysets)

    assert found == [8, 2, 0, 0, 0, 2]
    assert counts([]) == [] and counts([accounts.none()]) == [0]


def test_a_list_whose_order_may_tie_is_read_forward_to_its_last_page(
    accounts, django_assert_num_queries
):
    paginator = KeysFirstPaginator(accounts.order_by("display_name"), 3)
    paginator.count  # noqa: B018

    with django_assert_num_queries(3) as captured:
        list(paginator.page(3))

    assert "DESC" not in captured.captured_queries[0]["sql"]


def test_first_rows_of_any_of_needs_an_order_ending_with_the_key(accounts):
    with pytest.raises(ValueError, match="ending with pk"):
        first_rows(accounts.order_by("display_name"), 3, any_of=[Q(pk=1), Q(pk=2)])
