"""limit/offset/after parsing, opaque keyset cursors and the list envelope."""

from __future__ import annotations

import base64
import binascii
import bisect
import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from .errors import invalid_param
from .params import INT_MAX, to_int

DEFAULT_LIMIT = 20
MAX_LIMIT = 100

T = TypeVar("T")
Key = tuple[Any, ...]


@dataclass(frozen=True)
class Page:
    limit: int = DEFAULT_LIMIT
    offset: int = 0
    after: tuple[str, Key] | None = None  # (sort signature, key of the last item seen)


@dataclass
class Listing:
    """A list response: items plus its meta and headers."""

    items: list[Any]
    meta: dict[str, Any]
    headers: dict[str, str]

    def body(self) -> dict[str, Any]:
        return {"data": self.items, "meta": self.meta}


def encode_cursor(signature: str, key: Key) -> str:
    raw = json.dumps({"s": signature, "k": list(key)}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(value: str) -> tuple[str, Key]:
    try:
        padded = value + "=" * (-len(value) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
        signature, key = data["s"], data["k"]
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeError, RecursionError):
        raise invalid_param("after", "is not a valid cursor") from None
    if not isinstance(signature, str) or not isinstance(key, list) or not key:
        raise invalid_param("after", "is not a valid cursor")
    for part in key:
        if isinstance(part, bool) or not isinstance(part, (int, str)):
            raise invalid_param("after", "is not a valid cursor")
    return signature, tuple(key)


def parse_page(raw: Mapping[str, Any]) -> Page:
    limit = DEFAULT_LIMIT
    if raw.get("limit") is not None:
        value = raw["limit"]
        if isinstance(value, str) and value.strip().lstrip("+").isdigit() and len(value) > 19:
            limit = MAX_LIMIT  # an absurdly large but well formed limit is clamped too
        else:
            limit = to_int("limit", value)
        if limit < 1:
            raise invalid_param("limit", "must be >= 1")
        limit = min(limit, MAX_LIMIT)
    offset = 0
    if raw.get("offset") is not None:
        offset = to_int("offset", raw["offset"], minimum=0)
    after = None
    cursor = raw.get("after")
    if cursor is not None and cursor != "":
        if not isinstance(cursor, str) or len(cursor) > 2048:
            raise invalid_param("after", "is not a valid cursor")
        after = decode_cursor(cursor)
    return Page(limit=limit, offset=offset, after=after)


def paginate(
    items: Sequence[T],
    key: Callable[[T], Key],
    page: Page,
    signature: str,
    render: Callable[[T, int], Any],
) -> Listing:
    """Order ``items`` by ``key`` (unique per item) and cut one page.

    ``render(item, position)`` turns an item of the page into its resource dict
    (``position`` is its 0-based place in the whole ordered list).
    """
    keyed = sorted(((key(item), item) for item in items), key=lambda pair: pair[0])
    keys = [pair[0] for pair in keyed]
    total = len(keyed)
    if page.after is not None:
        cursor_sig, cursor_key = page.after
        if cursor_sig != signature:
            raise invalid_param("after", "does not belong to this list or sort order")
        try:
            start = bisect.bisect_right(keys, cursor_key)
        except TypeError:
            raise invalid_param("after", "is not a valid cursor") from None
    else:
        start = min(page.offset, INT_MAX)
    end = min(start + page.limit, total)
    chosen = keyed[start:end] if start < total else []
    has_more = end < total and start < total
    meta = {
        "count": len(chosen),
        "has_more": has_more,
        "cursor_next": encode_cursor(signature, keys[end - 1]) if has_more and chosen else None,
        "total": total,
        "offset": start,
    }
    headers = {
        "X-JT-Total": str(total),
        "X-JT-TotalPages": str(math.ceil(total / page.limit) if total else 0),
    }
    rendered = [render(item, start + i) for i, (_, item) in enumerate(chosen)]
    return Listing(rendered, meta, headers)


def full_list(items: list[Any]) -> Listing:
    """A list endpoint without pagination: everything, in the same envelope."""
    total = len(items)
    meta = {"count": total, "has_more": False, "cursor_next": None, "total": total, "offset": 0}
    headers = {"X-JT-Total": str(total), "X-JT-TotalPages": "1" if total else "0"}
    return Listing(items, meta, headers)
