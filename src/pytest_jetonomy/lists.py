"""Lists: the one place that knows how a list answer carries its items and its next page.

The reference documents the pagination parameters (``limit``, ``offset``, ``after``) and
headers (``X-JT-Total``, ``X-JT-TotalPages``), but not the shape of a list body nor where
the next cursor travels. Their names come from the contract (``schemas/contract.json``,
``pagination``): :data:`LIMIT_PARAM`, :data:`OFFSET_PARAM`, :data:`CURSOR_PARAM`,
:data:`TOTAL_HEADER`, :data:`TOTAL_PAGES_HEADER`. Every reading a careful implementer could
take is accepted:

- the items: a bare JSON array (WordPress core's convention), or a JSON object holding one
  array of items beside other values (``{"data": [...], "meta": {...}}``,
  ``{"items": [...], "total": 3}``...);
- the next page: a ``Link: <url>; rel="next"`` header (RFC 8288), or a string value of the
  body (outside the items) that, sent as ``after``, gives the next page.

:func:`walk` is the one walker helpers use: it asks for the documented defaults (no
``limit``: a helper is not about page sizes) and follows ``offset`` until the list ends
(at most :data:`MAX_PAGES` pages). :func:`whole_list` reads a list as it presents itself
(one answer, or every page it announces). :class:`Source` reads one list page by page for
the checks about pages; :func:`learn_cursor` and :func:`cursor_walk` learn and follow its
next cursor (:class:`Cursor`), :func:`first_cursor` takes a real ``after`` value from a
first page. What is learned of the list's shape is noted for the report (:mod:`.spellings`).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest

from . import expect, spellings
from .contract import load_contract
from .observe import Path, TopLevelId, by_id, identity, leaves

_PAGINATION = load_contract().pagination
TOTAL_HEADER: str = _PAGINATION["total_header"]
TOTAL_PAGES_HEADER: str = _PAGINATION["total_pages_header"]
LIMIT_PARAM: str = _PAGINATION["limit_param"]
OFFSET_PARAM: str = _PAGINATION["offset_param"]
CURSOR_PARAM: str = _PAGINATION["cursor_param"]
DEFAULT_LIMIT: int = int(_PAGINATION["default_limit"])
MAX_LIMIT: int = int(_PAGINATION["max_limit"])

PREFERRED_KEYS = ("data", "items", "results")
"""Tie-breakers when an object holds several arrays of objects (the first found wins)."""

MAX_PAGES = 25
"""A walk reads at most this many pages (500 items at the documented default of 20): the
one bound of the suite's list reads. A check that deliberately reads fewer pages names its
own bound for what it means."""

MAX_CANDIDATES = 10
"""Body strings tried as a next cursor, at most (each costs a request)."""


def page_params(
    limit: int | None = None, offset: int | None = None, after: str | None = None
) -> dict[str, Any]:
    """The query of one page, under the parameter names of the contract (None: not sent)."""
    sent = {LIMIT_PARAM: limit, OFFSET_PARAM: offset, CURSOR_PARAM: after}
    return {name: value for name, value in sent.items() if value is not None}


class ListShapeError(AssertionError):
    """A body in which no list of items can be found; the message says what was there."""


def items_key(body: Any) -> str | None:
    """Where an object keeps its items (None for a bare array); ListShapeError otherwise."""
    if isinstance(body, list):
        return None
    if not isinstance(body, dict):
        raise ListShapeError(
            f"a list answer is a JSON array or an object holding one; got {type(body).__name__}"
        )
    arrays = [key for key, value in body.items() if isinstance(value, list)]
    if len(arrays) == 1:
        return arrays[0]
    if not arrays:
        raise ListShapeError(
            "a list answer holds an array of items; this object has none "
            f"(keys: {', '.join(map(str, body)) or 'none'})"
        )
    of_objects = [
        key for key in arrays if body[key] and all(isinstance(i, dict) for i in body[key])
    ]
    if len(of_objects) == 1:
        return of_objects[0]
    for key in PREFERRED_KEYS:
        if key in arrays:
            return key
    raise ListShapeError(
        f"a list answer holds one array of items; this object holds several ({', '.join(arrays)})"
    )


def items_of(body: Any) -> list[Any]:
    """The items of a list body (see the module docstring for the accepted shapes)."""
    key = items_key(body)
    return list(body) if key is None else list(body[key])


def describe_shape(body: Any) -> str:
    """How a list body carries its items, in words (for the report)."""
    key = items_key(body)
    return "a bare JSON array" if key is None else f"the '{key}' array of a JSON object"


def next_url(response: Any) -> str | None:
    """The absolute URL of a ``Link: <...>; rel="next"`` header, or None."""
    link = response.raw.links.get("next") if hasattr(response, "raw") else None
    url = link.get("url") if isinstance(link, dict) else None
    if not url:
        return None
    return urljoin(response.raw.url or "", url)


def cursor_in_url(url: str) -> str | None:
    """The cursor (``after``) value of a URL's query, or None."""
    values = parse_qs(urlsplit(url).query).get(CURSOR_PARAM)
    return values[-1] if values else None


def body_strings(body: Any) -> list[tuple[Path, str]]:
    """Non-empty string values of a list body outside its items: where a next cursor may be."""
    if not isinstance(body, dict):
        return []
    try:
        key = items_key(body)
    except ListShapeError:
        key = None
    rest = {k: v for k, v in body.items() if k != key}
    return [
        (path, value) for path, value in leaves(rest).items() if isinstance(value, str) and value
    ]


def total(response: Any) -> int | None:
    """``X-JT-Total`` as an integer, or None when missing or not an integer."""
    return response.header_int(TOTAL_HEADER)


def total_pages(response: Any) -> int | None:
    """``X-JT-TotalPages`` as an integer, or None when missing or not an integer."""
    return response.header_int(TOTAL_PAGES_HEADER)


@dataclass
class Page:
    response: Any
    items: list[Any]


@dataclass
class Walk:
    """The pages of a list as one walk read them."""

    pages: list[Page] = field(default_factory=list)
    complete: bool = False
    """True when the walk saw the end of the list (not stopped by ``until`` or the bound)."""
    repeated: bool = False
    """True when it stopped at a page that only repeats items already read (the list
    ignores ``offset``)."""

    @property
    def items(self) -> list[Any]:
        return [item for page in self.pages for item in page.items]

    @property
    def last(self) -> Any:
        return self.pages[-1].response

    def response_with(self, predicate: Callable[[Any], bool]) -> Any:
        """The response of the first page holding an item for which ``predicate`` is true
        (else the last page): the exchange to show when that item is the problem."""
        for page in self.pages:
            if any(predicate(item) for item in page.items):
                return page.response
        return self.last


def page_items(response: Any, what: str, *, subject: bool = False) -> list[Any]:
    """The items of a 200 list answer.

    Reading a list is a precondition of most checks: when the answer is no list, the check
    is blocked by it (a status, or JT-PAGE-018 for a body holding no list). ``subject=True``:
    the page itself is what the check judges (the pagination checks), and it fails."""
    if subject:
        return _page_items(response, what, subject=True)
    with expect.precondition(what):
        return _page_items(response, what)


def _page_items(response: Any, what: str, subject: bool = False) -> list[Any]:
    expect.status(response, 200, why=what, subject=subject)
    body = expect.json_body(response)
    try:
        items = items_of(body)
    except ListShapeError as exc:
        expect.fail(
            f"{what}: a list answer",
            response,
            requirement=None if subject else "JT-PAGE-018",
            detail=str(exc),
            kind="no list of items in the answer",
        )
    spellings.learned("list.items", describe_shape(body))
    return items


def walk(
    client: Any,
    path: str,
    params: dict[str, Any] | None = None,
    *,
    what: str | None = None,
    until: Callable[[list[Any]], bool] | None = None,
    max_pages: int = MAX_PAGES,
    area: str | None = None,
) -> Walk:
    """Read a list page by page with ``offset`` (and the server's default page size).

    Stops at an empty page, when ``X-JT-Total`` items were read, at a page shorter than the
    first one, at a page that only repeats items already read (a list that ignores
    ``offset``), when ``until(items)`` is true, or after ``max_pages`` pages (then
    ``complete`` is False). An item is kept once (helpers read lists; the pagination checks
    judge repeats). Every page must be a 200 list answer, or the check fails.
    """
    label = what or f"GET {path}"
    query = dict(params or {})
    result = Walk()
    seen: set[Hashable] = set()
    offset = int(query.pop(OFFSET_PARAM, 0) or 0)
    first_size: int | None = None
    for _ in range(max_pages):
        sent = {**query, **page_params(offset=offset or None)}
        kwargs: dict[str, Any] = {"params": sent or None}
        if area is not None:
            kwargs["area"] = area
        response = client.get(path, **kwargs)
        items = page_items(response, label)
        fresh = [item for item in items if identity(item) not in seen]
        seen.update(identity(item) for item in items)
        result.pages.append(Page(response, fresh))
        if first_size is None:
            first_size = len(items)
        known_total = total(response)
        offset += len(items)
        result.repeated = bool(items) and not fresh
        if (
            not items
            or result.repeated
            or (known_total is not None and offset >= known_total)
            or (known_total is None and len(items) < first_size)
        ):
            result.complete = True
            break
        if until is not None and until(result.items):
            break
    return result


# -- a list as it presents itself ------------------------------------------------------------
def announces_more(response: Any) -> bool:
    """Whether a list answer announces further pages (``X-JT-TotalPages`` > 1, or a
    ``Link: <...>; rel="next"`` header)."""
    pages = total_pages(response)
    return (pages is not None and pages > 1) or next_url(response) is not None


def whole_list(
    client: Any,
    path: str,
    params: dict[str, Any] | None = None,
    *,
    what: str = "",
    first: Any = None,
) -> tuple[Any, list[Any], bool]:
    """Every item of a list as the list presents it: the one answer to a request with the
    documented defaults, or, when that answer announces more pages, every page (walked).

    Returns the answer to show on a failure, the items, and whether pages were announced. A
    non-200 first answer fails the check. ``first`` is that first answer, when already read.
    """
    label = what or f"GET {path}"
    first = first if first is not None else client.get(path, params=params or None)
    items = page_items(first, label)
    if not announces_more(first):
        return first, items, False
    walked = walk(client, path, params, what=label)
    return walked.last, walked.items, True


def find(
    client: Any,
    path: str,
    wanted: Any,
    params: dict[str, Any] | None = None,
    *,
    what: str | None = None,
    max_pages: int = MAX_PAGES,
    area: str | None = None,
) -> tuple[Any, Any]:
    """The item whose top-level ``id`` is ``wanted`` in a list (walked until it is found)
    and the answer to show: the page holding it, else the last page read. The item is None
    when the list (as far as it was read) does not hold it."""
    walked = walk(
        client,
        path,
        params,
        what=what,
        until=lambda items: by_id(items, wanted) is not None,
        max_pages=max_pages,
        area=area,
    )
    item = by_id(walked.items, wanted)
    return item, walked.response_with(lambda entry: by_id([entry], wanted) is not None)


# -- one list, page by page ----------------------------------------------------------------
@dataclass
class Source:
    """One list read page by page for the checks about pages: ``client`` reads ``path``
    with ``query`` and the page parameters of each call (:func:`page_params`); its items are
    told apart by ``key`` (their top-level id unless said otherwise, see
    :class:`pytest_jetonomy.observe.HeldUser`)."""

    client: Any
    path: str
    query: dict[str, Any] = field(default_factory=dict)
    label: str = ""
    key: Callable[[Any], Hashable] = field(default_factory=TopLevelId)
    area: str | None = None

    def __post_init__(self) -> None:
        self.label = self.label or f"GET {self.path}"

    def _send(self, target: str, params: dict[str, Any] | None) -> Any:
        kwargs: dict[str, Any] = {"params": params}
        if self.area is not None:
            kwargs["area"] = self.area
        return self.client.get(target, **kwargs)

    def get(
        self, *, limit: int | None = None, offset: int | None = None, after: str | None = None
    ) -> Any:
        """One page answer, whatever it is."""
        return self._send(self.path, {**self.query, **page_params(limit, offset, after)} or None)

    def follow(self, url: str) -> Any:
        """A next-page URL (a Link header's), sent as it is."""
        return self._send(url, None)

    def page(self, **page: Any) -> tuple[Any, list[Any]]:
        """One page that must be a 200 list answer: the answer and its items."""
        response = self.get(**page)
        return response, page_items(response, f"a page of {self.label}", subject=True)

    def keys(self, items: list[Any]) -> list[Hashable]:
        """The items' keys (what tells them apart)."""
        return [self.key(item) for item in items]


# -- the next cursor ---------------------------------------------------------------------------
def link_spelling(param: str) -> str:
    """How the report names a next page given by a Link header carrying ``param``."""
    return f'a Link header rel="next" (RFC 8288) carrying {param}=...'


def body_spelling(path: Path) -> str:
    """How the report names a next cursor given by the body value at ``path``."""
    return f"the body field '{spellings.spelled(path)}', sent as {CURSOR_PARAM}"


@dataclass(frozen=True)
class Cursor:
    """Where a list tells the cursor of its next page: a ``Link: <url>; rel="next"`` header
    whose URL carries ``after`` (followed as it is), or a string of the body outside the
    items (at ``path``), sent as ``after`` with the same limit."""

    path: Path | None = None
    """None: the Link header; else where the body holds the cursor."""

    @property
    def spelling(self) -> str:
        return link_spelling(CURSOR_PARAM) if self.path is None else body_spelling(self.path)

    def next_of(self, response: Any) -> str | None:
        """The next page's URL (Link) or cursor (body) this page gives, or None (no Link
        rel=next; the body value null, empty or absent). Once the list is known to give its
        cursor in a Link header, any Link rel=next tells a next page."""
        if self.path is None:
            return next_url(response)
        body = _json_or_none(response)
        value = leaves(body).get(self.path) if isinstance(body, dict) else None
        return value if isinstance(value, str) and value else None

    def fetch(self, source: Source, given: str, limit: int) -> Any:
        """The page ``given`` (a URL or a cursor value, as :meth:`next_of` told it) leads to."""
        if self.path is None:
            return source.follow(given)
        return source.get(limit=limit, after=given)


def candidates(response: Any) -> list[tuple[Cursor, str]]:
    """Every next cursor a page may give, in the order they are tried: the Link header
    first (when its URL carries ``after``), then the strings of the body outside the items."""
    found: list[tuple[Cursor, str]] = []
    url = next_url(response)
    if url and cursor_in_url(url):
        found.append((Cursor(), url))
    found.extend((Cursor(path), value) for path, value in body_strings(_json_or_none(response)))
    return found


def cursor_spelling(response: Any, cursor: str) -> str:
    """Where the cursor value ``cursor`` was found in ``response``: the Link header (naming
    the query parameter its URL carries it in) or a body field."""
    url = next_url(response)
    if url:
        for name, values in parse_qs(urlsplit(url).query).items():
            if cursor in values:
                return link_spelling(name)
    for where, value in body_strings(_json_or_none(response)):
        if value == cursor:
            return body_spelling(where)
    return "unknown"


@dataclass
class CursorPage:
    response: Any
    keys: list[Hashable]
    next: str | None


NO_CURSOR = (
    'a next cursor on the first page of a list with more pages (a Link rel="next" carrying '
    f"{CURSOR_PARAM}=..., or a body value that, sent as {CURSOR_PARAM}, gives the next page)"
)


@dataclass
class NoCursor:
    """The first page of a list with more pages gives no cursor: what was tried."""

    response: Any
    detail: str


def first_cursor(source: Source, limit: int = 1) -> tuple[Cursor, str] | None:
    """A real ``after`` value of a list, from its first page of ``limit`` items: the ``after``
    of its ``Link: <...>; rel="next"``, else the first string of its body (outside the
    items) that the server takes as ``after`` (a 200). None when the page gives neither. The
    first page must be a 200 list answer (or the check fails)."""
    first, _ = source.page(limit=limit)
    for cursor, value in candidates(first)[:MAX_CANDIDATES]:
        if cursor.path is None:
            after = cursor_in_url(value)
            if after:
                spellings.learned("list.next", cursor.spelling)
                return cursor, after
        elif source.get(limit=limit, after=value).status == 200:
            spellings.learned("list.next", cursor.spelling)
            return cursor, value
    return None


def learn_cursor(source: Source, limit: int) -> tuple[Cursor, CursorPage] | NoCursor:
    """The cursor spelling of the list, learned on its first page of ``limit``: the first
    candidate (see :func:`candidates`) whose page is the one an offset walk gives next;
    failing that, the first whose page is a 200 list that moved forward (another page than
    the first, holding items of the next offset page: a cursor that skips, repeats or
    reorders, which the walk then reports). :class:`NoCursor` when the first page gives none
    while more pages exist; a skip when the list fits on one page."""
    first, items = source.page(limit=limit)
    first_keys = source.keys(items)
    _, following = source.page(limit=limit, offset=limit)
    wanted = source.keys(following)
    if not wanted:
        pytest.skip(f"{source.label} fits on one page of {limit} on this target")
    tried = []
    moved: tuple[Cursor, str] | None = None
    for cursor, value in candidates(first)[:MAX_CANDIDATES]:
        response = cursor.fetch(source, value, limit)
        try:
            keys = source.keys(items_of(response.json())) if response.status == 200 else None
        except (AssertionError, ListShapeError):
            keys = None
        if keys == wanted:
            spellings.learned("list.next", cursor.spelling)
            return cursor, CursorPage(first, first_keys, value)
        if keys is not None and keys != first_keys and set(keys) & set(wanted) and moved is None:
            moved = (cursor, value)
        outcome = "the first page again" if keys == first_keys else f"HTTP {response.status}"
        tried.append(f"{cursor.spelling} = {value[:60]!r} gave {outcome}")
    if moved is not None:
        spellings.learned("list.next", moved[0].spelling)
        return moved[0], CursorPage(first, first_keys, moved[1])
    link = next_url(first)
    return NoCursor(
        first,
        f"{OFFSET_PARAM}={limit} gives {len(wanted)} more items; "
        + ("; ".join(tried) if tried else "the first page gives no candidate at all")
        + (
            f"; its Link rel=next {link} carries no {CURSOR_PARAM}"
            if link and not cursor_in_url(link)
            else ""
        ),
    )


def cursor_walk(
    source: Source, limit: int, max_pages: int = MAX_PAGES
) -> tuple[Cursor, list[CursorPage]] | NoCursor:
    """Pages from the first one on, following the learned cursor, until a page gives none or
    holds no item (at most ``max_pages`` pages)."""
    learned = learn_cursor(source, limit)
    if isinstance(learned, NoCursor):
        return learned
    cursor, page = learned
    pages = [page]
    while page.next and page.keys and len(pages) < max_pages:
        response = cursor.fetch(source, page.next, limit)
        items = page_items(response, f"the page after a cursor of {source.label}")
        page = CursorPage(response, source.keys(items), cursor.next_of(response))
        pages.append(page)
    return cursor, pages


def _json_or_none(response: Any) -> Any:
    try:
        return response.json()
    except AssertionError:
        return None
