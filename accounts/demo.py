"""Demo accounts: the Parliament's live corporate channels (seed_demo). Keyed on platform and
handle, so a second run makes nothing twice."""

from accounts.models import Account, AccountKind, AccountState, Platform
from people.models import Office

CORPORATE_ACCOUNTS = [
    ("x", "ScotParl", "Scottish Parliament"),
    ("facebook", "scottishparliament", "Scottish Parliament"),
    ("instagram", "scotparl", "Scottish Parliament"),
    ("linkedin", "the-scottish-parliament", "The Scottish Parliament"),
    ("youtube", "ScottishParliament", "Scottish Parliament TV"),
    ("flickr", "scottishparliament", "Scottish Parliament photos"),
    ("bluesky", "scotparl.bsky.social", "Scottish Parliament"),
]


def seed_corporate_accounts(*, office_name: str) -> int:
    office = Office.objects.get(name=office_name)
    created = 0
    for slug, handle, name in CORPORATE_ACCOUNTS:
        platform = Platform.objects.get(slug=slug)
        _, was_created = Account.objects.get_or_create(
            platform=platform,
            handle=handle,
            defaults={
                "display_name": name,
                "url": platform.canonical_url.format(handle=handle),
                "office": office,
                "kind": AccountKind.CORPORATE,
                "state": AccountState.LIVE,
                "purpose": "The Parliament's main corporate channel on this platform.",
                "audience": "The public, media and stakeholders across Scotland.",
            },
        )
        created += was_created
    return created
