"""Changes to proposals and their catalogues."""

from django.db import transaction

from proposals.catalogue import ENGAGEMENT_PRIORITIES
from proposals.models import EngagementPriority


@transaction.atomic
def load_engagement_priorities() -> int:
    """Create or update the shipped priorities; returns how many were created."""
    created = 0
    for order, (name, description) in enumerate(ENGAGEMENT_PRIORITIES, start=1):
        _, was_created = EngagementPriority.objects.update_or_create(
            name=name, defaults={"description": description, "sort_order": order * 10}
        )
        created += was_created
    return created
