from django.conf import settings

from people import policy as policy_module


def policy(request):
    """The policy's numbers, so that a template says "at least {{ policy.MIN_TRAINED_TEAM }}";
    and whether people have passwords here at all (not when single sign-on is required)."""
    return {"policy": policy_module, "passwords": not settings.SSO_REQUIRED}
