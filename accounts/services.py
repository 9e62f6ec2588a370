"""Changes to the platform catalogue and, later, to official accounts."""

from django.db import transaction

from accounts.catalogue import PLATFORMS
from accounts.models import Platform


@transaction.atomic
def load_platform_catalogue() -> int:
    """Create or update the shipped platforms; returns how many were created."""
    created = 0
    for order, entry in enumerate(PLATFORMS, start=1):
        defaults = {
            "name": entry["name"],
            "icon": entry["icon"],
            "internal": entry.get("internal", False),
            "hosts": entry.get("hosts", []),
            "profile_path": entry.get("profile_path", ""),
            "handle_pattern": entry.get("handle_pattern", ""),
            "canonical_url": entry.get("canonical_url", ""),
            "handles_case_sensitive": entry.get("handles_case_sensitive", False),
            "sort_order": order * 10,
        }
        _, was_created = Platform.objects.update_or_create(slug=entry["slug"], defaults=defaults)
        created += was_created
    return created
