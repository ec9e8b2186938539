"""Live updates: since is required, id is required for the space and post scopes, and the
updates reported are those after since, in the scope asked for.

Reference: Updates (GET /updates). The reference names no field of an update: an update
about a fresh post is an entry holding the post's id. Where an entry holds it (one path or
several: the object, the post...) is learned from the update the post is reported in; an
entry is then about another post when it holds that post's id at all the same paths (an
entry about something else that merely carries the same number is not). Times are the
target's own: the HTTP ``Date`` of the post's creation answer. Reads are the admin's
(authenticated, unlimited rate).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from pytest_jetonomy import expect
from pytest_jetonomy.clock import iso, server_clock
from pytest_jetonomy.lists import Walk, walk
from pytest_jetonomy.observe import Path, generic, where

from .examples import Examples

SINCE = "2020-01-01T00:00:00Z"
"""A valid since for checks about the other parameters."""

BEFORE = timedelta(seconds=10)
"""How long before the creation answer the since of a read that must report the post is:
enough for the time the creation took, and for a target storing whole seconds."""


def updates(examples: Examples, **query: Any) -> Walk:
    return walk(examples.client("admin"), "/updates", query, what="GET /updates")


def reported(found: Walk, post_id: int, moment: datetime, what: str) -> set[Path]:
    """The paths at which an update reports the post (the check fails if none does)."""
    entries = [item for item in found.items if where(item, post_id)]
    expect.that(
        entries,
        f"an update about the post {post_id} (an entry holding its id), {what}",
        found.last,
        detail=f"{len(found.items)} updates; the post was created by {iso(moment)}",
    )
    return {generic(path) for path in where(entries[0], post_id)}


def about(found: Walk, post_id: int, paths: set[Path]) -> Any:
    """The first update holding ``post_id`` at every one of ``paths`` (None if none)."""
    for item in found.items:
        if paths <= {generic(path) for path in where(item, post_id)}:
            return item
    return None


@pytest.mark.requirement("JT-BEHAV-059")
def test_updates_without_since_is_refused(examples: Examples) -> None:
    """GET /updates with no since: 400 jetonomy_invalid_param."""
    response = examples.client("admin").get("/updates")
    expect.error(response, 400, "jetonomy_invalid_param")


@pytest.mark.requirement("JT-BEHAV-060")
@pytest.mark.parametrize("scope", ["space", "post"])
def test_updates_scope_without_id_is_refused(examples: Examples, scope: str) -> None:
    """GET /updates?since=...&scope=space (or post) with no id: 400 jetonomy_invalid_param."""
    response = examples.client("admin").get("/updates", params={"since": SINCE, "scope": scope})
    expect.error(response, 400, "jetonomy_invalid_param")


@pytest.mark.requirement("JT-BEHAV-061")
def test_updates_report_activity_after_since_only(examples: Examples) -> None:
    """A fresh post is reported since moments before its creation (the target's clock), and
    nothing about it is reported since a day later."""
    post_id, answer = examples.new_post()
    moment = server_clock(answer)
    since = iso(moment, -BEFORE)
    paths = reported(updates(examples, since=since), post_id, moment, f"since {since}")
    later = iso(moment, timedelta(days=1))
    found = updates(examples, since=later)
    stray = about(found, post_id, paths)
    expect.that(
        stray is None,
        f"no update about the post {post_id} (created by {iso(moment)}) since {later}, "
        "a day after its creation",
        found.response_with(lambda item: item is stray),
        detail=f"reported: {stray!r}"[:300],
    )


@pytest.mark.requirement("JT-BEHAV-062")
@pytest.mark.parametrize("scope", ["space", "post"])
def test_updates_scope(examples: Examples, scope: str) -> None:
    """Fresh posts P (in space A) and Q (in space B for the space scope, in A for the post
    scope): scope=space&id=A (or scope=post&id=P) reports P, not Q."""
    space_a = examples.world["spaces"]["public"]
    space_b = examples.world["spaces"]["qa"] if scope == "space" else space_a
    mine, answer = examples.new_post("member", space_a)
    other, _ = examples.new_post("member", space_b)
    moment = server_clock(answer)
    scoped = {"scope": scope, "id": space_a if scope == "space" else mine}
    found = updates(examples, since=iso(moment, -BEFORE), **scoped)
    paths = reported(found, mine, moment, f"with scope={scope}&id={scoped['id']}")
    stray = about(found, other, paths)
    outside = f"in the space {space_b}" if scope == "space" else "another post"
    expect.that(
        stray is None,
        f"no update about the post {other} ({outside}) with scope={scope}&id={scoped['id']}",
        found.response_with(lambda item: item is stray),
        detail=f"reported: {stray!r}"[:300],
    )
