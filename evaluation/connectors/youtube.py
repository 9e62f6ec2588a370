"""YouTube: a channel's latest video from its public Atom feed
(`/feeds/videos.xml?channel_id=…`, the account's feed address), needing no credentials; and,
when the service has a YouTube Data API key (ACTIVITY_YOUTUBE_API_KEY), its subscribers and
videos from `channels.list`, which also finds the channel (and so its feed) from its handle."""

from django.conf import settings

from accounts.handles import browser_reading
from evaluation.connectors.base import (
    Connector,
    NotAvailable,
    Profile,
    Unreachable,
    register,
)
from evaluation.connectors.feeds import latest_post


@register("youtube")
class YouTube(Connector):
    name = "YouTube"

    uses_feed = True

    @classmethod
    def feed_site(cls) -> str:
        return browser_reading(settings.ACTIVITY_YOUTUBE_FEEDS_URL).site

    def read(self, target) -> Profile:
        key = settings.ACTIVITY_YOUTUBE_API_KEY
        if not key and not target.feed_url:
            raise NotAvailable(
                "no feed address recorded (and no YouTube Data API key to find the channel)"
            )
        subscribers = videos = None
        feed_url = target.feed_url
        if key:
            try:
                channel = self._channel(target.handle, key)
            except (NotAvailable, Unreachable):
                if not feed_url:
                    raise
                channel = None  # no counts today (a renamed handle, the day's quota spent)
            if channel is not None:
                statistics = channel.get("statistics") or {}
                if not statistics.get("hiddenSubscriberCount"):
                    subscribers = _number(statistics.get("subscriberCount"))
                videos = _number(statistics.get("videoCount"))
                feed_url = feed_url or (
                    f"{settings.ACTIVITY_YOUTUBE_FEEDS_URL.rstrip('/')}/feeds/videos.xml"
                    f"?channel_id={channel['id']}"
                )
        try:
            latest = latest_post(self.client, feed_url)
        except (NotAvailable, Unreachable):
            if subscribers is None and videos is None:
                raise
            latest = None  # the counts stand; the latest video is read another day
        return Profile(source=self.name, followers=subscribers, posts=videos, last_post_at=latest)

    def _channel(self, handle, key) -> dict:
        handle = handle.lstrip("@")
        if not handle:
            raise NotAvailable("no handle recorded")
        answer = self.client.json(
            f"{settings.ACTIVITY_YOUTUBE_API_URL.rstrip('/')}/youtube/v3/channels",
            headers={"X-Goog-Api-Key": key},  # never in the address, which is logged
            part="id,statistics",
            forHandle=f"@{handle}",
        )
        items = answer.get("items")
        if items is None and "kind" not in answer:
            raise Unreachable("YouTube's answer has no list of channels")
        if not items:
            raise NotAvailable(f"YouTube has no channel @{handle}")
        channel = items[0]
        if not isinstance(channel, dict) or not isinstance(channel.get("id"), str):
            raise Unreachable("YouTube's channel has no id")
        return channel


def _number(value) -> int | None:
    """The API gives its counts as strings of digits."""
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None
