"""The public register's Atom feed: accounts becoming official, changing their address, and
closing (DESIGN.md section 5). Read from the accounts' own logs; no person is named."""

import unicodedata
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from accounts.models import REGISTER_ACTIONS, AccountEvent
from accounts.register import OFFICIAL_STATES

FEED_LENGTH = 50
# How the feed says each step of an account's log that changes the register.
REGISTER_CHANGES = {
    "go_live": "is now an official account",
    "import": "is now listed as an official account",
    "update_details": "has a new name or address",
    "mark_closed": "is no longer official: it has closed",
}


def xml_text(text: str) -> str:
    """Text XML 1.0 can carry: a name saved with a control character before names were checked
    (workflow.validators.single_line) would otherwise stop the whole feed."""
    return "".join(" " if unicodedata.category(c) == "Cc" else c for c in text)


class RegisterChanges(Feed):
    feed_type = Atom1Feed
    description_template = None

    def title(self):
        return f"{settings.ORGANISATION_NAME}: changes to the register of official accounts"

    def link(self):
        return reverse("public-register")

    def subtitle(self):
        return "Accounts that became official, changed their address, or closed."

    def items(self):
        return (
            AccountEvent.objects.filter(action__in=REGISTER_ACTIONS)
            .filter(account__state__in=[*OFFICIAL_STATES, "closed"])
            .select_related("account__platform", "account__office")
            .order_by("-created_at", "-pk")[:FEED_LENGTH]
        )

    def item_title(self, event):
        return xml_text(f"{event.account} {REGISTER_CHANGES[event.action]}")

    def item_description(self, event):
        account = event.account
        where = account.url or account.handle or "no address yet"
        return xml_text(f"{account} ({account.office}): {where}.")

    def item_link(self, event):
        account = event.account
        return (
            f"{reverse('public-register')}?{urlencode({'verify': account.url or account.handle})}"
        )

    def item_guid(self, event):
        return f"{settings.SITE_URL}{reverse('register-feed')}#change-{event.pk}"

    item_guid_is_permalink = False

    def item_updateddate(self, event):
        return event.created_at

    def item_pubdate(self, event):
        return event.created_at
