"""Who may open each role's pages. The views refuse with these, and the navigation offers a
page only to the people these let in (portal/context_processors.py)."""

from people import roles
from workflow.permissions import refuses


@refuses("The dashboard is DCCT's.")
def may_see_dcct_dashboard(user) -> bool:
    return roles.is_dcct(user)


@refuses("The inbox is HEC's.")
def may_see_hec_inbox(user) -> bool:
    return roles.is_hec(user)


@refuses("This view is for office heads.")
def may_see_office_view(user) -> bool:
    return roles.is_office_head(user)


@refuses("Reports are for the policy owner, DCCT and HEC.")
def may_see_reports(user) -> bool:
    """The policy owner needs the overall picture; DCCT and HEC use it too."""
    return roles.sees_all_offices(user)
