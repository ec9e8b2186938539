"""Helpers of the behaviour checks (votes, users, spaces, posts): read fields and lists so
that a missing field or an unexpected answer fails with the exchange shown, never with a bare
``KeyError``."""

from __future__ import annotations

from typing import Any

from pytest_jetonomy import expect
from pytest_jetonomy.client import ApiResponse, JetonomyClient

PAGE = 100
"""Items per page when a check looks for an object in a list (the documented maximum)."""

MAX_PAGES = 5
"""A check reads at most this many pages of a list (bounded work)."""

SUCCESS = (200, 201, 202, 204)
DELETED = (200, 202, 204)
CREATED = (200, 201)


def obj(response: ApiResponse, what: str) -> dict[str, Any]:
    """The JSON object of a response (fails with the exchange if it is not one)."""
    body = expect.json_body(response)
    expect.that(isinstance(body, dict), f"{what} as a JSON object", response)
    return body


def field(body: dict[str, Any], name: str, response: ApiResponse, what: str) -> Any:
    """``body[name]``; fails naming the missing field."""
    if not isinstance(body, dict) or name not in body:
        expect.fail(f"{what} with a '{name}' field", response, detail=f"no '{name}' in the body")
    return body[name]


def ok(response: ApiResponse, statuses: tuple[int, ...], why: str) -> ApiResponse:
    return expect.status(response, statuses, why=why)


def read(client: JetonomyClient, path: str, what: str) -> tuple[dict[str, Any], ApiResponse]:
    """GET ``path`` expecting 200 and a JSON object."""
    response = client.get(path)
    expect.status(response, 200, why=f"read {what}")
    return obj(response, what), response


def walk(
    client: JetonomyClient, path: str, what: str, params: dict[str, Any] | None = None
) -> tuple[list[dict[str, Any]], bool, ApiResponse]:
    """Items of a list (offset pages of 100, at most MAX_PAGES pages).

    Returns ``(items, complete, last_response)``; ``complete`` is False when the bound was
    reached before the last page.
    """
    items: list[dict[str, Any]] = []
    response: ApiResponse | None = None
    for page in range(MAX_PAGES):
        query = dict(params or {})
        query.update({"limit": PAGE, "offset": page * PAGE})
        response = client.get(path, params=query)
        expect.status(response, 200, why=f"list {what}")
        page_items = response.items
        expect.that(isinstance(page_items, list), f"{what} as a list of items", response)
        items.extend(i for i in page_items if isinstance(i, dict))
        if len(page_items) < PAGE:
            return items, True, response
    assert response is not None
    return items, False, response


def ids_in(items: list[dict[str, Any]], key: str = "id") -> list[Any]:
    return [item.get(key) for item in items]


def find(items: list[dict[str, Any]], value: Any, key: str = "id") -> dict[str, Any] | None:
    for item in items:
        if item.get(key) == value:
            return item
    return None


def members(
    client: JetonomyClient, space_id: int
) -> tuple[list[dict[str, Any]], bool, ApiResponse]:
    """The member list of a space (as read by ``client``)."""
    return walk(client, f"/spaces/{space_id}/members", f"the members of space {space_id}")


def client_error(response: ApiResponse, expected: str) -> None:
    """The response is a 4xx in the documented error envelope (any 4xx status)."""
    expect.that(400 <= response.status < 500, expected + " (a 4xx error)", response)
    expect.error(response, response.status)


def tallies(body: dict[str, Any], response: ApiResponse, what: str) -> tuple[Any, Any, Any, Any]:
    """``(upvotes, downvotes, vote_score, user_vote)`` of a post, reply or vote result."""
    return tuple(  # type: ignore[return-value]
        field(body, name, response, what)
        for name in ("upvotes", "downvotes", "vote_score", "user_vote")
    )
