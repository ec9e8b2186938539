"""limit/offset/after parsing, opaque keyset cursors and the list envelope."""

from __future__ import annotations

import base64
import binascii
import bisect
import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from .errors import ApiError, invalid_param
from .params import INT_MAX, to_int

DEFAULT_LIMIT = 20
MAX_LIMIT = 100

T = TypeVar("T")
Key = tuple[Any, ...]


def _no_fault(name: str) -> bool:
    return False


@dataclass(frozen=True)
class Page:
    limit: int = DEFAULT_LIMIT
    offset: int = 0
    after: tuple[str, Key] | None = None  # (sort signature, key of the last item seen)
    fault: Callable[[str], bool] = field(default=_no_fault, compare=False, repr=False)
    """The server's fault switch (``ReferenceConfig.fault``), for the pagination faults."""


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


def parse_page(
    raw: Mapping[str, Any],
    fault: Callable[[str], bool] = _no_fault,
    refuse_over_max: bool = False,
) -> Page:
    """The page asked for. A ``limit`` above 100 is served as 100, or refused with 400 when
    ``refuse_over_max`` (the alt dialect's reading)."""
    limit = 10 if fault("default-page-size-10") else DEFAULT_LIMIT
    if raw.get("limit") is not None:
        value = raw["limit"]
        huge = isinstance(value, str) and value.strip().lstrip("+").isdigit() and len(value) > 19
        limit = MAX_LIMIT + 1 if huge else to_int("limit", value)
        if limit < 1:
            raise invalid_param("limit", "must be >= 1")
        if limit > MAX_LIMIT and refuse_over_max:
            raise invalid_param("limit", f"must be <= {MAX_LIMIT}")
        if huge or not fault("limit-not-capped"):  # an absurdly large limit is clamped too
            limit = min(limit, MAX_LIMIT)
        if fault("limit-ignored"):
            limit = DEFAULT_LIMIT
    offset = 0
    if raw.get("offset") is not None:
        offset = to_int("offset", raw["offset"], minimum=0)
    after = None
    cursor = raw.get("after")
    if cursor is not None and cursor != "":
        if not isinstance(cursor, str) or len(cursor) > 2048:
            raise invalid_param("after", "is not a valid cursor")
        try:
            after = decode_cursor(cursor)
        except ApiError:
            if not fault("garbage-cursor-accepted"):
                raise
    return Page(limit=limit, offset=offset, after=after, fault=fault)


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
        if page.fault("cursor-repeats-last-item"):  # bisect_left: the cursor's item again
            start = bisect.bisect_left(keys, cursor_key)
        if page.fault("cursor-skips-an-item"):
            start += 1
    else:
        start = min(page.offset, INT_MAX)
        if page.offset and page.fault("offset-off-by-one"):
            start += 1
        if page.offset and page.fault("offset-pages-overlap"):
            start -= 1
        if page.fault("offset-past-end-refused") and start >= total > 0:
            raise invalid_param("offset", "is past the end of the list")
    end = min(start + page.limit, total)
    chosen = keyed[start:end] if start < total else []
    if page.after is not None and page.fault("cursor-page-reversed"):
        chosen.reverse()  # a keyset query with its ORDER BY flipped and never re-reversed
    has_more = end < total and start < total
    reported = total - start if page.fault("total-counts-remaining-items") else total
    meta = {
        "count": len(chosen),
        "has_more": has_more,
        "cursor_next": encode_cursor(signature, keys[end - 1]) if has_more and chosen else None,
        "total": reported,
        "offset": start,
    }
    if page.fault("cursor-next-never-null") and keys and meta["cursor_next"] is None:
        meta["cursor_next"] = encode_cursor(signature, keys[end - 1] if chosen else keys[-1])
    if page.fault("has-more-always-true"):
        meta["has_more"] = True
    if page.fault("meta-offset-always-zero"):
        meta["offset"] = 0
    pages = math.ceil(reported / page.limit) if reported else 0
    if page.fault("total-pages-rounded-down"):
        pages = reported // page.limit
    headers = {
        "X-JT-Total": str(reported + 1 if page.fault("total-off-by-one") else reported),
        "X-JT-TotalPages": str(pages),
    }
    if page.fault("total-header-missing"):
        del headers["X-JT-Total"]
    if page.fault("total-pages-header-missing"):
        del headers["X-JT-TotalPages"]
    rendered = [render(item, start + i) for i, (_, item) in enumerate(chosen)]
    return Listing(rendered, meta, headers)


def full_list(items: list[Any]) -> Listing:
    """A list endpoint without pagination: everything, in the same envelope."""
    total = len(items)
    meta = {"count": total, "has_more": False, "cursor_next": None, "total": total, "offset": 0}
    headers = {"X-JT-Total": str(total), "X-JT-TotalPages": "1" if total else "0"}
    return Listing(items, meta, headers)
