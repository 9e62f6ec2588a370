from people import policy as policy_module


def policy(request):
    """The policy's numbers, so that a template says "at least {{ policy.MIN_TRAINED_TEAM }}"."""
    return {"policy": policy_module}
