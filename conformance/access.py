"""Helpers of the auth and visibility checks: lists a refusal may replace, and what a refused
request must leave unchanged.

Nothing here reads a response field by name except ``id`` (the reference addresses objects
by id): a list entry is found by its ``id`` or by the user id it holds, and an object is
compared whole, read as admin before and after (what moves on its own, a view counter or an
activity timestamp, is left out: :class:`pytest_jetonomy.observe.Observation`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pytest_jetonomy import expect, lists, spellings
from pytest_jetonomy.client import ApiResponse, JetonomyClient
from pytest_jetonomy.contract import Endpoint
from pytest_jetonomy.expect import REFUSED
from pytest_jetonomy.observe import Observation, by_id, describe, holds, where

from .examples import Examples


# -- lists a refusal may replace ---------------------------------------------------------------
def listed_or_refused(
    client: JetonomyClient, path: str, params: dict[str, Any] | None = None
) -> tuple[ApiResponse, list[Any] | None]:
    """The items of a list (every page it announces), or None when the list itself was
    refused (the refusal then has to be a 401, 403 or 404 in the error envelope, or the
    check fails)."""
    first = client.get(path, params=params or None)
    if first.status != 200:
        expect.error(first, REFUSED)
        return first, None
    response, items, _ = lists.whole_list(client, path, params, first=first)
    return response, items


# -- what a refused request must leave unchanged --------------------------------------------
POST_TOUCHING = {
    "posts.update",
    "posts.delete",
    "posts.close",
    "posts.pin",
    "posts.move",
    "posts.merge",
    "moderation.approve",
    "moderation.spam",
    "moderation.trash",
}
REPLY_TOUCHING = {"replies.update", "replies.delete", "replies.split", "replies.accept"}
SPACE_TOUCHING = {"spaces.update", "spaces.delete"}
MEMBERSHIP_TOUCHING = {"spaces.leave", "spaces.role"}
CATEGORY_TOUCHING = {"categories.update", "categories.delete"}
REPLY_POSTS = {"@reply.fresh": "post", "@reply.fresh_qa": "post_qa"}
"""The fresh post each fresh reply of the examples is made on."""


def object_state(client: JetonomyClient, path: str) -> Any:
    """An object as ``client`` reads it: its whole body when 200, else the status only."""
    response = client.get(path)
    if response.status == 200 and response.is_json:
        return {"HTTP status": 200, "body": response.json()}
    return {"HTTP status": response.status}


def _entries(client: JetonomyClient, path: str, until: Callable[[list[Any]], bool]) -> Any:
    """The items of a list (all its pages, or until ``until``), or the status of a list that
    cannot be read (a refused request may have removed what it lists)."""
    first = client.get(path)
    try:
        items = lists.items_of(first.json()) if first.status == 200 else None
    except AssertionError:  # not JSON, or no list in it
        items = None
    if items is None:
        return {"HTTP status": first.status}
    if until(items) or not lists.announces_more(first):
        return items
    return lists.walk(client, path, until=until).items


def reply_state(admin: JetonomyClient, post_id: int, reply_id: int) -> Any:
    """A reply as it reads: its entry (by id) in its post's replies, and the post itself."""
    entries = _entries(
        admin, f"/posts/{post_id}/replies", lambda items: by_id(items, reply_id) is not None
    )
    entry = by_id(entries, reply_id) if isinstance(entries, list) else entries
    return {"reply entry": entry, "post": object_state(admin, f"/posts/{post_id}")}


def member_state(admin: JetonomyClient, space_id: int, user_id: int) -> Any:
    """The entries of a space's member list that hold the user's id (what leaving or a role
    change touches); an entry that holds the id by chance stays the same."""
    entries = _entries(admin, f"/spaces/{space_id}/members", lambda items: False)
    if not isinstance(entries, list):
        return entries
    holding = [entry for entry in entries if holds(entry, user_id)]
    if len(holding) == 1:
        spellings.at("member.user", *where(holding[0], user_id))
    return holding


def flag_state(moderator: JetonomyClient, flag_id: int) -> Any:
    """Whether the flag is among the open flags (by id)."""
    entries = _entries(
        moderator, "/moderation/flags", lambda items: by_id(items, flag_id) is not None
    )
    if not isinstance(entries, list):
        return entries
    return {"open": by_id(entries, flag_id) is not None}


def state_reader(examples: Examples, endpoint: Endpoint) -> Callable[[], Any] | None:
    """How to read, as admin (the flags: as moderator), what the endpoint's example acts on.

    None when there is nothing cheap to read (creations, invites, bans, lists). Call it after
    ``examples.call(endpoint)`` so that the fresh objects exist.
    """
    admin = examples.client("admin")
    path = endpoint.example.get("path", {})
    if endpoint.id in POST_TOUCHING:
        post_path = f"/posts/{examples.resolve(path['id'])}"
        return lambda: object_state(admin, post_path)
    if endpoint.id in REPLY_TOUCHING:
        post_id = examples.fresh(REPLY_POSTS[path["id"]])
        reply_id = examples.resolve(path["id"])
        return lambda: reply_state(admin, post_id, reply_id)
    if endpoint.id in SPACE_TOUCHING:
        space_path = f"/spaces/{examples.resolve(path['id'])}"
        return lambda: object_state(admin, space_path)
    if endpoint.id in CATEGORY_TOUCHING:
        category_path = f"/categories/{examples.resolve(path['id'])}"
        return lambda: object_state(admin, category_path)
    if endpoint.id in MEMBERSHIP_TOUCHING:
        space_id, user_id = examples.resolve(path["id"]), examples.resolve(path["user_id"])
        return lambda: member_state(admin, space_id, user_id)
    if endpoint.id == "moderation.resolve":
        flag_id = examples.resolve(path["id"])
        moderator = examples.client("moderator")
        return lambda: flag_state(moderator, flag_id)
    return None


def expect_unchanged(seen: Observation, after: Any, response: ApiResponse, what: str) -> None:
    """``after`` (a read taken like ``seen``) shows nothing changed beyond what moves alone."""
    changed = seen.diff(after)
    expect.that(
        not changed,
        f"the refused request to leave {what} unchanged (read as admin before and after)",
        response,
        detail=describe(changed),
    )
