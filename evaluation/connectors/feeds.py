"""RSS and Atom: a blog, a podcast or any platform that publishes a feed of its posts. The
feed's address is the account's address; the latest entry's time is the latest post (a feed
shows only its recent entries, so it gives no count of posts, nor followers)."""

import calendar
import datetime

import feedparser

from evaluation.connectors.base import NotAvailable, Profile, register


@register("rss")
class Feed:
    name = "its feed"

    def __init__(self, client):
        self.client = client

    def read(self, target) -> Profile:
        if not target.url:
            raise NotAvailable("no feed address recorded")
        response = self.client.get(target.url)
        parsed = feedparser.parse(response.content)
        if not parsed.version:  # an HTML page, or nothing feedparser knows as a feed
            raise NotAvailable("the address does not give an RSS or Atom feed")
        times = [
            datetime.datetime.fromtimestamp(calendar.timegm(stamp), tz=datetime.UTC)
            for entry in parsed.entries
            if (stamp := entry.get("published_parsed") or entry.get("updated_parsed"))
        ]
        return Profile(source=self.name, last_post_at=max(times, default=None))
