from functools import cached_property

from accounts import permissions as account_permissions
from people import roles
from portal import permissions
from proposals import permissions as proposal_permissions


class Navigation:
    """What the navigation and the pages' wording may offer this person, each answered by the
    permission rule of the page it leads to and worked out on first use."""

    def __init__(self, user):
        self.user = user

    @cached_property
    def propose(self):
        return proposal_permissions.may_propose(self.user)

    @cached_property
    def approvals(self):
        return proposal_permissions.may_approve_any(self.user)

    @cached_property
    def proposal_queue(self):
        return proposal_permissions.may_see_queue(self.user)

    @cached_property
    def every_account(self):
        return account_permissions.sees_every_account(self.user)

    @cached_property
    def import_inventory(self):
        return account_permissions.may_import_inventory(self.user)

    @cached_property
    def impersonation_reports(self):
        return account_permissions.sees_impersonation_reports(self.user)

    @cached_property
    def dcct_dashboard(self):
        return permissions.may_see_dcct_dashboard(self.user)

    @cached_property
    def hec_inbox(self):
        return permissions.may_see_hec_inbox(self.user)

    @cached_property
    def office_view(self):
        return permissions.may_see_office_view(self.user)

    @cached_property
    def reports(self):
        return permissions.may_see_reports(self.user)

    @cached_property
    def administration(self):
        return roles.is_administrator(self.user)

    @cached_property
    def role_labels(self):
        return roles.describe_roles(self.user)


def navigation(request):
    return {"may": Navigation(request.user)}
