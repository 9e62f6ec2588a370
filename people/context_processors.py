from functools import cached_property

from people import policy as policy_module
from people import roles as role_api


class RoleFlags:
    """What the navigation may offer this person; each flag is worked out on first use."""

    def __init__(self, user):
        self.user = user

    @cached_property
    def dcct(self):
        return role_api.is_dcct(self.user)

    @cached_property
    def hec(self):
        return role_api.is_hec(self.user)

    @cached_property
    def policy_owner(self):
        return role_api.is_policy_owner(self.user)

    @cached_property
    def administrator(self):
        return role_api.is_administrator(self.user)

    @cached_property
    def office_head(self):
        return role_api.is_office_head(self.user)

    @cached_property
    def approver(self):
        """Line managers of office heads approve too, without heading an office."""
        return (
            self.user.is_authenticated
            and self.user.reports.filter(offices_headed__isnull=False).exists()
        )

    @cached_property
    def labels(self):
        return role_api.describe_roles(self.user)


def roles(request):
    return {"my_roles": RoleFlags(request.user)}


def policy(request):
    """The policy's numbers, so that a template says "at least {{ policy.MIN_TRAINED_TEAM }}"."""
    return {"policy": policy_module}
