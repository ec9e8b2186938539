"""Subscriptions and bookmarks: created, listed, removed, no longer listed.

References: Subscriptions (GET/POST/DELETE /subscriptions), Bookmarks (GET/POST/DELETE
/bookmarks). member subscribes to and bookmarks a fresh post of its own.
"""

from __future__ import annotations

import pytest

from pytest_jetonomy import expect

from .community import CREATED, DELETED, body_of, find, walk
from .examples import Examples


@pytest.mark.requirement("JT-BEHAV-048")
@pytest.mark.parametrize("object_type", ["post", "space"])
def test_subscription_is_listed_then_gone(examples: Examples, object_type: str) -> None:
    """POST /subscriptions, then GET lists it; DELETE, then GET no longer lists it.

    The space is a fresh one, so no earlier subscription to it can exist.
    """
    object_id = examples.fresh("post" if object_type == "post" else "space")
    member = examples.client("member")
    target = {"object_type": object_type, "object_id": object_id}
    created = member.post("/subscriptions", json=target)
    subscription = body_of(created, CREATED, f"subscribe to {object_type} {object_id}")
    examples.factory.defer(lambda: member.delete("/subscriptions", json=target))
    items, response = walk(member, "/subscriptions", limit=None, what="GET /subscriptions")
    listed = find(items, **target)
    expect.that(
        listed is not None,
        f"a subscription to {object_type} {object_id} listed after POST",
        response,
    )
    assert listed is not None
    if "id" in subscription:
        expect.that(
            listed.get("id") == subscription["id"],
            f"the listed subscription is the one created (id {subscription['id']})",
            response,
        )
    expect.status(member.delete("/subscriptions", json=target), DELETED, why="unsubscribe")
    items, response = walk(member, "/subscriptions", limit=None, what="GET /subscriptions")
    expect.that(
        find(items, **target) is None,
        f"no subscription to {object_type} {object_id} listed after DELETE",
        response,
    )


@pytest.mark.requirement("JT-BEHAV-049")
def test_bookmark_is_listed_then_gone(examples: Examples) -> None:
    """POST /bookmarks, then GET lists the post; DELETE, then GET no longer lists it."""
    post_id = examples.fresh("post")
    member = examples.client("member")
    created = member.post("/bookmarks", json={"post_id": post_id})
    body_of(created, CREATED, f"bookmark post {post_id}")
    examples.factory.defer(lambda: member.delete("/bookmarks", json={"post_id": post_id}))
    items, response = walk(member, "/bookmarks", limit=None, what="GET /bookmarks")
    expect.that(
        find(items, post_id=post_id) is not None,
        f"a bookmark of post {post_id} listed after POST",
        response,
    )
    expect.status(
        member.delete("/bookmarks", json={"post_id": post_id}), DELETED, why="remove bookmark"
    )
    items, response = walk(member, "/bookmarks", limit=None, what="GET /bookmarks")
    expect.that(
        find(items, post_id=post_id) is None,
        f"no bookmark of post {post_id} listed after DELETE",
        response,
    )
