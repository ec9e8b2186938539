"""Subscriptions and bookmarks: created, listed, removed, no longer listed.

References: Subscriptions (GET/POST/DELETE /subscriptions), Bookmarks (GET/POST/DELETE
/bookmarks). member subscribes to (and bookmarks) a fresh object, so no earlier entry can be
about it. The reference documents none of these bodies nor the shape of an entry: the bodies
are the suite's reading fitted to the server's route index (``examples.body_for``), and an
entry is found by value: among the entries that appeared after the creation (told apart by
their identity, so that an older entry holding the same number cannot fool the check), one
holds the object's id (a bookmark entry may name its post, or be the post itself).
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import pytest

from pytest_jetonomy import expect, spellings
from pytest_jetonomy.client import ApiResponse, JetonomyClient
from pytest_jetonomy.expect import CREATED, DELETED
from pytest_jetonomy.lists import walk
from pytest_jetonomy.observe import identity, where

from .examples import Examples


def _entries(client: JetonomyClient, path: str) -> tuple[dict[Hashable, Any], ApiResponse]:
    """The list's entries by identity (every page, the documented defaults), and the last page."""
    walked = walk(client, path)
    return {identity(item): item for item in walked.items}, walked.last


def _about(entries: dict[Hashable, Any], before: dict[Hashable, Any], object_id: int) -> list[Any]:
    """The entries not listed ``before`` that hold ``object_id`` anywhere."""
    return [item for key, item in entries.items() if key not in before and where(item, object_id)]


def _listed_then_gone(
    examples: Examples,
    *,
    path: str,
    fact: str,
    what: str,
    object_id: int,
    create: tuple[str, dict[str, Any]],
    remove: tuple[str, dict[str, Any]],
) -> None:
    member = examples.client("member")
    create_body = examples.body_for(create[0], path, **create[1])
    remove_body = examples.body_for(remove[0], path, **remove[1])
    before, _ = _entries(member, path)

    made = member.post(path, json=create_body)
    expect.status(made, CREATED, why=f"POST {path}: {what}")
    examples.factory.defer(lambda: member.delete(path, json=remove_body))
    after, listed = _entries(member, path)
    found = _about(after, before, object_id)
    expect.that(
        found,
        f"GET {path} lists, after the creation, an entry that was not there before and holds "
        f"the id {object_id} ({what})",
        listed,
        detail=f"{len(after)} entries, {len(after) - len(set(after) & set(before))} new",
    )
    spellings.at(fact, *where(found[0], object_id))  # "id": the entry is the object itself

    removed = member.delete(path, json=remove_body)
    expect.status(removed, DELETED, why=f"DELETE {path}: remove it again")
    later, listed = _entries(member, path)
    remaining = _about(later, before, object_id)
    expect.that(
        not remaining,
        f"GET {path} no longer lists, after the removal, the entry holding the id {object_id} "
        f"({what})",
        listed,
        detail=f"still listed: {remaining[:2]}",
    )


@pytest.mark.requirement("JT-BEHAV-048")
@pytest.mark.parametrize("object_type", ["post", "space"])
def test_subscription_is_listed_then_gone(examples: Examples, object_type: str) -> None:
    """POST /subscriptions to a fresh post (or space): GET lists an entry holding its id;
    DELETE /subscriptions: that entry is no longer listed."""
    object_id = examples.fresh(object_type)
    meaning = {"object_type": object_type, "object_id": object_id}
    _listed_then_gone(
        examples,
        path="/subscriptions",
        fact="subscription.target",
        what=f"member's subscription to the {object_type} {object_id}",
        object_id=object_id,
        create=("subscriptions.create", meaning),
        remove=("subscriptions.delete", meaning),
    )


@pytest.mark.requirement("JT-BEHAV-049")
def test_bookmark_is_listed_then_gone(examples: Examples) -> None:
    """POST /bookmarks of a fresh post: GET lists an entry holding the post's id (a bookmark
    naming it, or the post itself); DELETE /bookmarks: that entry is no longer listed."""
    post_id = examples.fresh("post")
    _listed_then_gone(
        examples,
        path="/bookmarks",
        fact="bookmark.post",
        what=f"member's bookmark of the post {post_id}",
        object_id=post_id,
        create=("bookmarks.create", {"post_id": post_id}),
        remove=("bookmarks.delete", {"post_id": post_id}),
    )
