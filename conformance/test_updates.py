"""Live updates: since is required, id is required for the space and post scopes, and the
updates reported are those after since, in the scope asked for.

Reference: Updates (GET /updates). Times come from the target's own created_at of fresh
posts (never the local clock: the target's clock may differ). Reads are the admin's
(authenticated, unlimited rate).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from pytest_jetonomy import expect
from pytest_jetonomy.client import ApiResponse

from .community import iso, parse_time, walk
from .examples import Examples

SINCE = "2020-01-01T00:00:00Z"
"""A valid since for checks about the other parameters."""


def _updates(examples: Examples, **query: Any) -> tuple[list[Any], ApiResponse]:
    return walk(examples.client("admin"), "/updates", query, limit=None, what="GET /updates")


def _created(post: dict[str, Any]) -> datetime:
    moment = parse_time(post.get("created_at"))
    if moment is None:
        expect.fail("an ISO 8601 created_at on the created post", detail=f"post: {post}")
    assert moment is not None
    return moment


def _about_post(item: Any, post_id: int) -> bool:
    return isinstance(item, dict) and (
        item.get("post_id") == post_id
        or (item.get("object_type") == "post" and item.get("object_id") == post_id)
    )


@pytest.mark.requirement("JT-BEHAV-059")
def test_updates_without_since_is_refused(examples: Examples) -> None:
    """GET /updates with no since: 400 jetonomy_invalid_param."""
    response = examples.client("admin").get("/updates", params={"scope": "global"})
    expect.error(response, 400, "jetonomy_invalid_param")


@pytest.mark.requirement("JT-BEHAV-060")
@pytest.mark.parametrize("scope", ["space", "post"])
def test_updates_scope_without_id_is_refused(examples: Examples, scope: str) -> None:
    """GET /updates?since=...&scope=space (or post) with no id: 400 jetonomy_invalid_param."""
    response = examples.client("admin").get("/updates", params={"since": SINCE, "scope": scope})
    expect.error(response, 400, "jetonomy_invalid_param")


@pytest.mark.requirement("JT-BEHAV-061")
def test_updates_report_activity_after_since_only(
    examples: Examples, jetonomy_post_factory
) -> None:
    """A fresh post is reported since a second before its created_at; every item is at or
    after since; since a day after its creation, nothing is reported about it.
    """
    post = jetonomy_post_factory(
        examples.world["spaces"]["public"], client=examples.client("member")
    )
    created = _created(post)
    since = iso(created, -timedelta(seconds=1))
    items, response = _updates(examples, since=since, scope="global")
    expect.that(
        any(_about_post(item, post["id"]) for item in items),
        f"an update about post {post['id']} (created {post.get('created_at')}) since {since}",
        response,
    )
    floor = created - timedelta(seconds=1)
    older = [i for i in items if (parse_time(i.get("created_at")) or floor) < floor]
    expect.that(not older, f"no update older than since {since}", response, detail=f"{older[:3]}")
    later = iso(created, timedelta(days=1))
    items, response = _updates(examples, since=later, scope="global")
    expect.that(
        not any(_about_post(item, post["id"]) for item in items),
        f"no update about post {post['id']} since {later}, a day after its creation",
        response,
    )
    ceiling = created + timedelta(days=1)
    older = [i for i in items if (parse_time(i.get("created_at")) or ceiling) < ceiling]
    expect.that(not older, f"no update older than since {later}", response, detail=f"{older[:3]}")


@pytest.mark.requirement("JT-BEHAV-062")
def test_updates_space_scope(examples: Examples, jetonomy_post_factory) -> None:
    """Fresh posts in spaces A and B; scope=space&id=A: A's post reported, every item in A."""
    member = examples.client("member")
    space_a, space_b = examples.world["spaces"]["public"], examples.world["spaces"]["qa"]
    in_a = jetonomy_post_factory(space_a, client=member)
    jetonomy_post_factory(space_b, client=member)
    since = iso(_created(in_a), -timedelta(seconds=1))
    items, response = _updates(examples, since=since, scope="space", id=space_a)
    strangers = [i for i in items if i.get("space_id") != space_a]
    expect.that(
        not strangers, f"every update has space_id {space_a}", response, detail=f"{strangers[:3]}"
    )
    expect.that(
        any(_about_post(item, in_a["id"]) for item in items),
        f"an update about post {in_a['id']} of space {space_a}",
        response,
    )


@pytest.mark.requirement("JT-BEHAV-062")
def test_updates_post_scope(examples: Examples, jetonomy_post_factory) -> None:
    """Two fresh posts; scope=post&id=P: P reported, every item about P (post_id or object)."""
    member = examples.client("member")
    space = examples.world["spaces"]["public"]
    mine = jetonomy_post_factory(space, client=member)
    other = jetonomy_post_factory(space, client=member)
    since = iso(_created(mine), -timedelta(seconds=1))
    items, response = _updates(examples, since=since, scope="post", id=mine["id"])
    strangers = [i for i in items if not _about_post(i, mine["id"])]
    expect.that(
        not strangers,
        f"every update about post {mine['id']} (not {other['id']})",
        response,
        detail=f"{strangers[:3]}",
    )
    expect.that(items, f"an update about post {mine['id']}", response)
