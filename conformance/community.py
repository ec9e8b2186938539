"""Helpers of the community behaviour checks (content lifecycle, notifications, search...).

Unique words for search, bounded list walks, server-derived timestamps, and finders. Nothing
here reads the local clock to decide what the target should answer: dates come from the
target's own ``created_at`` values.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta, timezone
from typing import Any

from pytest_jetonomy import expect
from pytest_jetonomy.client import ApiResponse, JetonomyClient

CREATED = (200, 201)
DELETED = (200, 202, 204)
GONE = (401, 403, 404)
"""What a reader may get for an object hidden from them (never 200 with the object)."""

MAX_PAGES = 5


def unique_word(prefix: str) -> str:
    """A single search word no other object on the target contains: letters and digits only."""
    return prefix.replace("-", "").lower() + "q" + uuid.uuid4().hex[:12]


def list_items(response: ApiResponse, what: str) -> list[Any]:
    """The items of a 200 list response (fails the check otherwise)."""
    expect.status(response, 200, why=what)
    try:
        items = response.items
    except AssertionError as exc:
        expect.fail(
            f"{what}: a list body (items under 'data')", response, detail=str(exc).splitlines()[0]
        )
        raise  # pragma: no cover - fail() raises
    expect.that(isinstance(items, list), f"{what}: a list of items", response)
    return items


def walk(
    client: JetonomyClient,
    path: str,
    params: dict[str, Any] | None = None,
    *,
    limit: int | None = 100,
    pages: int = MAX_PAGES,
    what: str | None = None,
) -> tuple[list[Any], ApiResponse]:
    """Items of a list, following ``meta.has_more`` with offsets for at most ``pages`` pages.

    ``limit=None`` sends no ``limit`` (lists the reference documents without pagination).
    Returns the items and the last response (for failure messages).
    """
    query = dict(params or {})
    if limit is not None:
        query["limit"] = limit
    label = what or f"GET {path}"
    items: list[Any] = []
    offset = int(query.get("offset", 0))
    response: ApiResponse | None = None
    for _ in range(pages):
        response = client.get(path, params=query or None)
        page = list_items(response, label)
        items.extend(page)
        meta = response.json().get("meta") if isinstance(response.json(), dict) else None
        if not page or not isinstance(meta, dict) or not meta.get("has_more"):
            break
        offset += len(page)
        query["offset"] = offset
    assert response is not None
    return items, response


def find(items: Iterable[Any], **fields: Any) -> dict[str, Any] | None:
    """The first item whose fields equal ``fields``."""
    for item in items:
        if isinstance(item, dict) and all(item.get(k) == v for k, v in fields.items()):
            return item
    return None


def body_of(response: ApiResponse, statuses: Iterable[int], what: str) -> dict[str, Any]:
    """The JSON object of a successful response (fails the check otherwise)."""
    expect.status(response, tuple(statuses), why=what)
    body = expect.json_body(response)
    expect.that(isinstance(body, dict), f"{what}: a JSON object", response)
    return body


def parse_time(value: Any) -> datetime | None:
    """An ISO 8601 timestamp as an aware datetime (naive values are UTC); None if unreadable."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip().replace(" ", "T", 1)
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def iso(moment: datetime, shift: timedelta = timedelta(0)) -> str:
    """``moment + shift`` in the ISO 8601 UTC form every careful server reads."""
    return (moment + shift).astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def tag_matches(tag: Any, slug: str) -> bool:
    """A tag object is the tag sent as ``slug`` (by slug or by name)."""
    return isinstance(tag, dict) and slug in (tag.get("slug"), tag.get("name"))
