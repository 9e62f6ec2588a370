"""Who may open each role's pages. The views refuse with these, and the navigation offers a
page only to the people these let in (portal/context_processors.py)."""

from people import roles


def may_see_dcct_dashboard(user) -> bool:
    return roles.is_dcct(user)


def may_see_hec_inbox(user) -> bool:
    return roles.is_hec(user)


def may_see_office_view(user) -> bool:
    return roles.is_office_head(user)


def may_see_reports(user) -> bool:
    """The policy owner needs the overall picture; DCCT and HEC use it too."""
    return roles.sees_all_offices(user)
