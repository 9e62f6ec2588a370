"""Bluesky, through the AT Protocol's public AppView (no credentials):
`app.bsky.actor.getProfile` for the counts, `app.bsky.feed.getAuthorFeed` for the latest post
(the account's own, not a repost or a reply)."""

import datetime

from django.conf import settings

from evaluation.connectors.base import (
    Connector,
    NotAvailable,
    Profile,
    Unreachable,
    count,
    moment,
    register,
)


@register("bluesky")
class Bluesky(Connector):
    name = "Bluesky"

    def read(self, target) -> Profile:
        actor = target.handle.lstrip("@")
        if not actor:
            raise NotAvailable("no handle recorded")
        base = settings.ACTIVITY_BLUESKY_URL.rstrip("/")
        profile = self.client.json(f"{base}/xrpc/app.bsky.actor.getProfile", actor=actor)
        if "did" not in profile:
            raise Unreachable("Bluesky's profile has no did")
        feed = self.client.json(
            f"{base}/xrpc/app.bsky.feed.getAuthorFeed",
            actor=actor,
            limit=5,
            filter="posts_no_replies",
        )
        return Profile(
            source=self.name,
            followers=count(profile.get("followersCount")),
            posts=count(profile.get("postsCount")),
            last_post_at=_latest_own_post(feed, profile["did"]),
        )


def _latest_own_post(feed, did):
    items = feed.get("feed")
    if not isinstance(items, list):
        raise Unreachable("Bluesky's feed has no list of posts")
    times = []
    for item in items:
        post = item.get("post") if isinstance(item, dict) else None
        if not isinstance(post, dict) or item.get("reason"):  # a repost of someone else's
            continue
        if (post.get("author") or {}).get("did") != did:
            continue
        record = post.get("record") or {}
        # createdAt is what the posting app says (it may be any date); indexedAt is when the
        # AppView saw it: the earlier of the two, and never in the future.
        said = [t for t in (moment(record.get("createdAt")), moment(post.get("indexedAt"))) if t]
        if said:
            times.append(min(*said, datetime.datetime.now(datetime.UTC)))
    return max(times, default=None)
