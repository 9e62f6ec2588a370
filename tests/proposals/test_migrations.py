"""Data migrations, run on the rows they were written for."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = ("proposals", "0010_waiting_lists_in_order")
AFTER = ("proposals", "0011_for_new_account")


@pytest.mark.django_db(transaction=True)
def test_approvals_already_made_are_marked_for_a_new_account_or_not(make_proposal, dcct):
    endorsed = make_proposal("set_up", outcome="as_proposed")
    pilot = make_proposal("approved", outcome="alternative")
    campaign = make_proposal("approved", outcome="alternative")
    open_one = make_proposal("with_dcct")
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    old = executor.loader.project_state([BEFORE]).apps
    plan = old.get_model("proposals", "AlternativePlan")
    for proposal, approaches in [(pilot, ["campaign", "pilot"]), (campaign, ["pilot", "campaign"])]:
        for approach in approaches:  # the latest plan is the one agreed
            plan.objects.create(
                proposal_id=proposal.pk,
                approach=approach,
                recommendation="r",
                rationale="r",
                proposer_gets="p",
                created_by_id=dcct.pk,
            )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([AFTER])

    new = executor.loader.project_state([AFTER]).apps.get_model("proposals", "Proposal")
    marked = dict(new.objects.values_list("pk", "for_new_account"))
    assert marked == {endorsed.pk: True, pilot.pk: True, campaign.pk: False, open_one.pk: False}
    latest = MigrationExecutor(connection)
    latest.migrate(latest.loader.graph.leaf_nodes())  # the schema the other tests expect
