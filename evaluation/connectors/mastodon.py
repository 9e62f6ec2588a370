"""Mastodon, and other ActivityPub servers with the Mastodon API (no credentials): the
account's server is the host of its address (https://server/@name), and
`/api/v1/accounts/lookup?acct=name` gives its counts and the day of its latest post."""

from urllib.parse import urlsplit

from evaluation.connectors.base import (
    Connector,
    NotAvailable,
    Profile,
    Unreachable,
    count,
    moment,
    register,
)


@register("mastodon")
class Mastodon(Connector):
    name = "Mastodon"
    per_host = True  # its accounts live on many servers

    def read(self, target) -> Profile:
        address = urlsplit(target.url)
        name = address.path.strip("/").removeprefix("@")
        if not address.netloc or not name or "/" in name:
            raise NotAvailable("no address of the form https://server/@name recorded")
        account = self.client.json(
            f"{address.scheme or 'https'}://{address.netloc}/api/v1/accounts/lookup",
            acct=name,
        )
        if "id" not in account:
            raise Unreachable("the server's account has no id")
        return Profile(
            source=self.name,
            followers=count(account.get("followers_count")),
            posts=count(account.get("statuses_count")),
            # A day, in the API ("2026-11-20"): read as its start, in UTC.
            last_post_at=moment(account.get("last_status_at")),
        )
