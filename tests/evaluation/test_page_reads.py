"""The detail pages read their object with its joins planned in the order written
(workflow.planning): the setting first on PostgreSQL, and nowhere else."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.selectors import account_for
from evaluation.selectors import recertification_for_page, review_for_page
from proposals.selectors import proposal_for
from tests.workflow.test_planning import SET


@pytest.mark.django_db(transaction=True)
def test_detail_pages_read_their_object_with_the_joins_as_written(
    make_proposal, make_account, make_review, make_recertification, dcct
):
    """The proposal, account, review and recertification pages' reads: the setting first on
    PostgreSQL (and nowhere else), then the object with its relations, which need no query
    more."""
    proposal = make_proposal("with_dcct")
    account = make_account("live")
    review = make_review("submitted")
    recertification = make_recertification()
    for read in (
        lambda: proposal_for(dcct, proposal.pk),
        lambda: account_for(dcct, account.pk),
        lambda: review_for_page(review.pk),
        lambda: recertification_for_page(recertification.pk),
    ):
        with CaptureQueriesContext(connection) as queries:
            obj = read()
        # Django logs the transaction's BEGIN and COMMIT too: the statements are the rest.
        statements = [query["sql"] for query in queries if query["sql"] not in ("BEGIN", "COMMIT")]
        set_first = connection.vendor == "postgresql"
        assert (statements[0] == SET) is set_first, statements
        assert sum(SET in statement for statement in statements) == int(set_first)
        with CaptureQueriesContext(connection) as more:
            str(obj.office.head if hasattr(obj, "office") else obj.account.office.head)
            str(obj.platform if hasattr(obj, "platform") else obj.account.platform)
        assert not more.captured_queries
