"""RSS and Atom: a blog, a podcast, a YouTube channel or any platform that publishes a feed of
its posts, at the address DCCT records on the account (`Account.feed_url`). The latest entry's
time is the latest post; a feed shows only its recent entries, so it gives no count of posts,
nor followers. Its accounts are on many sites: a site that keeps failing is skipped, not every
feed."""

import calendar
import datetime
from urllib.parse import urlsplit

import feedparser

from evaluation.connectors.base import Connector, NotAvailable, Profile, register


def latest_post(client, url) -> datetime.datetime | None:
    """When the feed at `url` last published an entry (None for a feed with no dated entry);
    NotAvailable for an address that gives no RSS or Atom feed."""
    parsed = feedparser.parse(client.get(url).content)
    if not parsed.version:  # an HTML page, or nothing feedparser knows as a feed
        raise NotAvailable("the address does not give an RSS or Atom feed")
    now = datetime.datetime.now(datetime.UTC)
    times = [
        datetime.datetime.fromtimestamp(calendar.timegm(stamp), tz=datetime.UTC)
        for entry in parsed.entries
        if (stamp := entry.get("published_parsed") or entry.get("updated_parsed"))
    ]
    return min(max(times), now) if times else None  # an entry dated ahead is "now"


@register("rss")
class Feed(Connector):
    name = "its feed"
    per_host = True
    uses_feed = True

    def read(self, target) -> Profile:
        url = target.feed_url or target.url
        if not url:
            raise NotAvailable("no feed address recorded")
        return Profile(source=self.name, last_post_at=latest_post(self.client, url))

    def host(self, target) -> str:
        return urlsplit(target.feed_url or target.url).hostname or ""
