"""The lists of reports of impersonation read a page from an index, without sorting the whole
history: the closed lists (most recently closed first) and the list of all (newest first)."""

import pytest
from django.db import connection

from accounts import selectors

pytestmark = pytest.mark.django_db

# How each database's plan says that it sorts the rows itself.
SORTS = {"postgresql": "Sort", "sqlite": "TEMP B-TREE"}


@pytest.mark.parametrize(
    "state", ["resolved", "platform_declined", "not_impersonation", "merged", "all"]
)
def test_a_closed_list_and_the_list_of_all_are_read_in_order_from_an_index(make_report, state):
    for made in ["open", "resolved", "platform_declined", "not_impersonation", "merged"]:
        make_report(made)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # a handful of rows: make it choose as for many
            cursor.execute("SET LOCAL enable_seqscan = off")

    plan = selectors.impersonation_reports(state)[:25].explain()

    assert "impersonation_report_" in plan
    assert SORTS[connection.vendor] not in plan, plan
