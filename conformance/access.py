"""Helpers of the endpoint, auth and visibility checks: bounded list walks, object snapshots.

A snapshot is what a refused request must leave unchanged, read as admin before and after
the request (``observe``). Walks read at most ``MAX_PAGES`` pages of ``PAGE`` items.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pytest_jetonomy import expect
from pytest_jetonomy.client import ApiResponse, JetonomyClient
from pytest_jetonomy.contract import Endpoint, dig

from .examples import Examples

PAGE = 100
MAX_PAGES = 5
REFUSED = (401, 403, 404)
"""Statuses a server may use to refuse what a caller may not see (any careful reading)."""


def list_items(response: ApiResponse) -> list[dict[str, Any]]:
    """The items of a 200 list response (fails the check if the list shape is wrong)."""
    try:
        items = response.items
    except AssertionError as exc:
        expect.fail(
            "a list body with its items under 'data'", response, detail=str(exc).splitlines()[0]
        )
    return [item for item in items if isinstance(item, dict)]


def has_more(response: ApiResponse, page: list[Any], asked: int) -> bool:
    try:
        more = dig(response.json(), "meta.has_more")
    except (KeyError, AssertionError):
        more = None
    if isinstance(more, bool):
        return more and bool(page)
    return len(page) >= asked


@dataclass
class Walk:
    """The pages of a bounded list walk."""

    pages: list[tuple[ApiResponse, list[dict[str, Any]]]] = field(default_factory=list)

    @property
    def items(self) -> list[dict[str, Any]]:
        return [item for _, page in self.pages for item in page]

    @property
    def ids(self) -> set[Any]:
        return ids_of(self.items)

    @property
    def last(self) -> ApiResponse:
        return self.pages[-1][0]

    def response_with(self, item_id: Any) -> ApiResponse:
        """The response of the page listing ``item_id`` (else the last one)."""
        for response, page in self.pages:
            if item_id in ids_of(page):
                return response
        return self.last


def walk(
    client: JetonomyClient,
    path: str,
    params: dict[str, Any] | None = None,
    *,
    until: Any = None,
    max_pages: int = MAX_PAGES,
) -> Walk:
    """A list read page by page with ``offset``; stops early once ``until(items)`` is true."""
    result = Walk()
    offset = 0
    for _ in range(max_pages):
        query = {**(params or {}), "limit": PAGE, "offset": offset}
        response = client.get(path, params=query)
        expect.status(response, 200, why=f"a page of GET {path}")
        page = list_items(response)
        result.pages.append((response, page))
        if (until is not None and until(result.items)) or not has_more(response, page, PAGE):
            break
        offset += len(page)
    return result


def ids_of(items: list[dict[str, Any]]) -> set[Any]:
    return {item.get("id") for item in items}


# -- snapshots of what a refused request touches ----------------------------------------------
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

POST_FIELDS = ("title", "content", "status", "space_id", "is_pinned", "is_closed")
REPLY_FIELDS = ("post_id", "content", "status", "is_accepted")
SPACE_FIELDS = ("name", "description", "type", "visibility", "join_policy", "icon", "settings")
CATEGORY_FIELDS = ("name", "slug", "description", "parent_id")


def _subset(response: ApiResponse, fields: tuple[str, ...]) -> Any:
    if response.status != 200 or not response.is_json or not isinstance(response.json(), dict):
        return {"status": response.status}
    body = response.json()
    return {"status": 200, **{name: body.get(name) for name in fields}}


def reply_state(admin: JetonomyClient, post_id: int, reply_id: int) -> Any:
    response = admin.get(f"/posts/{post_id}/replies", params={"limit": PAGE})
    if response.status != 200:
        return {"status": response.status}
    for item in list_items(response):
        if item.get("id") == reply_id:
            return {"listed": True, **{name: item.get(name) for name in REPLY_FIELDS}}
    return {"listed": False}


def observe(examples: Examples, endpoint: Endpoint) -> Any:
    """The state of the fresh object the endpoint's example acts on, read as admin.

    None when there is nothing cheap to read (creating endpoints, invites, bans, lists).
    Call it after ``examples.call(endpoint)`` so that the fresh objects exist.
    """
    admin = examples.client("admin")
    path = endpoint.example.get("path", {})
    if endpoint.id in POST_TOUCHING:
        return _subset(admin.get(f"/posts/{examples.resolve(path['id'])}"), POST_FIELDS)
    if endpoint.id in REPLY_TOUCHING:
        post_id = examples.fresh(REPLY_POSTS[path["id"]])
        return reply_state(admin, post_id, examples.resolve(path["id"]))
    if endpoint.id in SPACE_TOUCHING:
        return _subset(admin.get(f"/spaces/{examples.resolve(path['id'])}"), SPACE_FIELDS)
    if endpoint.id in CATEGORY_TOUCHING:
        return _subset(admin.get(f"/categories/{examples.resolve(path['id'])}"), CATEGORY_FIELDS)
    if endpoint.id in MEMBERSHIP_TOUCHING:
        space_id = examples.resolve(path["id"])
        response = admin.get(f"/spaces/{space_id}/members", params={"limit": PAGE})
        if response.status != 200:
            return {"status": response.status}
        return {
            str(item.get("user_id")): item.get("role")
            for item in list_items(response)
            if item.get("user_id") == examples.resolve(path["user_id"])
        }
    if endpoint.id == "moderation.resolve":
        flag_id = examples.resolve(path["id"])
        response = examples.client("moderator").get("/moderation/flags", params={"limit": PAGE})
        if response.status != 200:
            return {"status": response.status}
        return {"open": flag_id in ids_of(list_items(response))}
    return None


def expect_unchanged(before: Any, after: Any, response: ApiResponse, what: str) -> None:
    expect.that(
        before == after,
        f"the refused request to leave {what} unchanged",
        response,
        detail=f"before: {before!r}; after: {after!r}",
    )
