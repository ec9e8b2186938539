"""Pagination: limit, offset, the after cursor and the X-JT-Total headers (reference: Pagination).

Every paginated endpoint of the catalogue is read over content the run creates once (see
``_lists.py``). Lists that other checks change while the suite runs (the global spaces list,
the leaderboard) are read with retry-once where a concurrent change could look like a fault,
and exact totals are only checked on lists nobody else changes.

The reference names the parameters (``limit``, ``offset``, ``after``) and the headers
(``X-JT-Total``, ``X-JT-TotalPages``) but no field of a list body: items are found as
:mod:`pytest_jetonomy.lists` accepts them (a bare array, or the one array of an object), told
apart by value (``_lists.py``), and the next cursor is wherever the server gives it (a
``Link`` header or a body value that works as ``after``).
"""

from __future__ import annotations

from typing import Any

import pytest

from pytest_jetonomy import expect, lists
from pytest_jetonomy.contract import load_contract
from pytest_jetonomy.run import JetonomyRun

from ._lists import (
    RECIPES,
    WALK_PAGES,
    ListReader,
    OffsetWalk,
    expected_pages,
    repeated,
    shared_lists,
)

CONTRACT = load_contract()
DEFAULT_LIMIT = lists.DEFAULT_LIMIT
MAX_LIMIT = lists.MAX_LIMIT
TOTAL = lists.TOTAL_HEADER
TOTAL_PAGES = lists.TOTAL_PAGES_HEADER
PAGINATED = [pytest.param(e, id=e.label) for e in CONTRACT.endpoints if e.paginated]
CURSORED = [pytest.param(e, id=e.label) for e in CONTRACT.endpoints if e.cursor]
META_KEYS = ("count", "total", "offset", "has_more")
"""The suite's own (default) reading of a list body's meta object, for JT-PAGE-016 only."""
WALK_ATTEMPTS = 4
"""Walks of a list others change before the offset-walk check gives up judging it."""


@pytest.fixture(scope="session")
def paging_lists(tmp_path_factory: pytest.TempPathFactory, jetonomy_run: JetonomyRun) -> Any:
    return shared_lists(tmp_path_factory, jetonomy_run)


@pytest.fixture
def reader(request: pytest.FixtureRequest, paging_lists: Any, jetonomy_run: JetonomyRun):
    endpoint = request.node.callspec.params["endpoint"]
    recipe = RECIPES.get(endpoint.id)
    if recipe is None:
        pytest.fail(
            f"the suite has no list recipe for the paginated endpoint {endpoint.label} "
            "(conformance/_lists.py RECIPES)",
            pytrace=False,
        )
    return ListReader.build(endpoint.label, recipe, jetonomy_run.client(recipe.role), paging_lists)


def _twice(reader: ListReader, attempt) -> None:  # noqa: ANN001
    """Run ``attempt(final)``; on a list others may change, a failed first try is retried once.

    ``attempt`` returns True when it passed; with ``final`` it fails the test itself.
    """
    if reader.stable:
        attempt(True)
    elif not attempt(False):
        attempt(True)


@pytest.mark.requirement("JT-PAGE-018")
@pytest.mark.parametrize("endpoint", PAGINATED)
def test_list_answers_its_items_as_an_array(endpoint, reader: ListReader) -> None:
    """The answer is a JSON array, or a JSON object holding one array of items (the first
    page and a later one)."""
    for response in (reader.get(), reader.get(limit=reader.small, offset=reader.small)):
        expect.status(response, 200, why=f"a page of {reader.label}", subject=True)
        body = expect.json_body(response)
        try:
            lists.items_of(body)
        except lists.ListShapeError as exc:
            expect.fail(
                "a JSON array of items, bare or the one array of a JSON object",
                response,
                detail=str(exc),
            )


@pytest.mark.requirement("JT-PAGE-001")
@pytest.mark.parametrize("endpoint", PAGINATED)
def test_default_page_size(endpoint, reader: ListReader) -> None:
    """Without limit a page holds 20 items, or all of them when there are fewer."""

    def attempt(final: bool) -> bool:
        default, items = reader.page()
        _, everything = reader.page(limit=MAX_LIMIT)
        wanted = min(DEFAULT_LIMIT, len(everything))
        if len(items) == wanted:
            return True
        if final:
            expect.fail(
                f"{wanted} items without limit (default {DEFAULT_LIMIT}; "
                f"limit={MAX_LIMIT} gave {len(everything)})",
                default,
                detail=f"got {len(items)} items",
            )
        return False

    _twice(reader, attempt)


@pytest.mark.requirement("JT-PAGE-002")
@pytest.mark.parametrize("limit", [MAX_LIMIT + 1, 500])
@pytest.mark.parametrize("endpoint", PAGINATED)
def test_limit_above_maximum_is_capped_or_refused(endpoint, limit: int, reader: ListReader) -> None:
    """limit above 100: capped (at most 100 items) or refused with 400 jetonomy_invalid_param.

    The reference says only "max 100": clamping and refusing are both careful readings.
    """
    response = reader.get(limit=limit)
    if response.status == 400:
        expect.error(response, 400, "jetonomy_invalid_param")
        return
    expect.status(response, (200, 400), why=f"limit={limit} capped to {MAX_LIMIT} or refused")
    items = lists.page_items(response, f"a page of {reader.label}")
    expect.that(
        len(items) <= MAX_LIMIT,
        f"at most {MAX_LIMIT} items for limit={limit}",
        response,
        detail=f"got {len(items)} items",
    )


@pytest.mark.requirement("JT-PAGE-003")
@pytest.mark.parametrize("endpoint", PAGINATED)
def test_limit_gives_at_most_n_items(endpoint, reader: ListReader) -> None:
    """limit=n returns at most n items, and exactly n when the list holds n or more: a small
    n, and the documented maximum (100) on the lists the run fills with more than 100 items
    (a server capping its pages lower than the maximum is caught there)."""
    sizes = [reader.small + 1]
    if len(reader.expected) >= MAX_LIMIT:
        sizes.append(MAX_LIMIT)

    def attempt(final: bool) -> bool:
        _, everything = reader.page(limit=MAX_LIMIT)
        holds = max(len(everything), len(reader.expected))
        for n in sizes:
            response, items = reader.page(limit=n)
            wanted = min(n, holds)
            if len(items) == wanted:
                continue
            if final:
                expect.fail(
                    f"{wanted} items for limit={n} (the list holds {holds} or more)",
                    response,
                    detail=f"got {len(items)} items",
                    kind="fewer items than limit=n asks, from a list holding more"
                    if len(items) < wanted
                    else "more items than limit=n asks",
                )
            return False
        return True

    _twice(reader, attempt)


@pytest.mark.requirement("JT-PAGE-004")
@pytest.mark.parametrize("endpoint", PAGINATED)
def test_offset_skips_items(endpoint, reader: ListReader) -> None:
    """offset=k returns the list from its (k+1)-th item: limit=k&offset=k is items k..2k-1."""
    k = reader.small

    def attempt(final: bool) -> bool:
        _, first = reader.page(limit=2 * k, offset=0)
        second_response, second = reader.page(limit=k, offset=k)
        if len(first) < 2 * k:
            pytest.skip(f"{reader.label} holds fewer than {2 * k} items on this target")
        wanted = reader.keys(first)[k : 2 * k]
        got = reader.keys(second)
        if got == wanted:
            return True
        if final:
            expect.fail(
                f"limit={k}&offset={k} to return items {k + 1}..{2 * k} of limit={2 * k}&offset=0",
                second_response,
                detail=f"expected items {wanted}, got {got}",
            )
        return False

    _twice(reader, attempt)


def _expect_count_header(reader: ListReader, header: str) -> None:
    """Every page answer (first page, a later page) has ``header``, a non-negative integer."""
    for response, _ in (reader.page(), reader.page(limit=reader.small, offset=reader.small)):
        raw = response.headers.get(header)
        value = response.header_int(header)
        expect.that(
            value is not None and value >= 0,
            f"a {header} header holding a non-negative integer",
            response,
            detail=f"{header} is {raw!r}",
        )


@pytest.mark.requirement("JT-PAGE-005")
@pytest.mark.parametrize("endpoint", PAGINATED)
def test_total_header_is_sent(endpoint, reader: ListReader) -> None:
    """Every page answer has X-JT-Total, a non-negative integer."""
    _expect_count_header(reader, TOTAL)


@pytest.mark.requirement("JT-PAGE-007")
@pytest.mark.parametrize("endpoint", PAGINATED)
def test_total_pages_header_is_sent(endpoint, reader: ListReader) -> None:
    """Every page answer has X-JT-TotalPages, a non-negative integer."""
    _expect_count_header(reader, TOTAL_PAGES)


@pytest.mark.requirement("JT-PAGE-008")
@pytest.mark.parametrize("endpoint", PAGINATED)
def test_total_pages_is_total_over_limit(endpoint, reader: ListReader) -> None:
    """X-JT-TotalPages == ceil(X-JT-Total / limit) for several limits (0 or 1 when empty)."""
    for limit in (reader.small, 7, DEFAULT_LIMIT, MAX_LIMIT):
        response, items = reader.page(limit=limit)
        total = response.header_int(TOTAL)
        pages = response.header_int(TOTAL_PAGES)
        if total is None or pages is None:
            expect.fail(
                f"integer {TOTAL} and {TOTAL_PAGES} headers to compare",
                response,
                detail=f"{TOTAL}={response.headers.get(TOTAL)!r}, "
                f"{TOTAL_PAGES}={response.headers.get(TOTAL_PAGES)!r}",
            )
        accepted = expected_pages(total, limit)
        in_use = limit
        if 0 < len(items) < min(limit, total):
            # a first page shorter than limit while the total says more exist: the server
            # pages by fewer than asked (JT-PAGE-003's failure); its pages are counted at
            # the limit in use
            in_use = len(items)
            accepted = tuple(sorted({*accepted, *expected_pages(total, in_use)}))
        expect.that(
            pages in accepted,
            f"{TOTAL_PAGES} == ceil({TOTAL} / limit) = "
            + " or ".join(str(a) for a in accepted)
            + f" for {TOTAL}={total}, limit={limit}"
            + (f" (pages of {in_use} served)" if in_use != limit else ""),
            response,
            detail=f"{TOTAL_PAGES} is {pages}",
        )


def _walk_once(reader: ListReader) -> OffsetWalk | None:
    """An offset walk; None when a list others change moved under it (caller retries): its
    total changed during the walk, or its first page of the maximum size read before and
    after the walk differs (an object created and another deleted leave the total as it
    was). Repeats in a walk the list did not move under are judged: a server that ignores
    ``offset`` repeats its items in every walk."""
    limit = reader.walk_limit(reader.total_hint())
    before = None if reader.stable else reader.snapshot()
    walk = reader.walk(limit)
    if reader.stable:
        return walk
    if walk.total_changed or reader.snapshot() != before:
        return None
    return walk


@pytest.mark.requirement("JT-PAGE-006", "JT-PAGE-009")
@pytest.mark.parametrize("endpoint", PAGINATED)
def test_offset_walk_sees_every_item_once(endpoint, reader: ListReader) -> None:
    """Walking offset pages yields each item exactly once, and as many items as X-JT-Total.

    Lists other checks change (spaces, leaderboard) are walked again (at most
    ``WALK_ATTEMPTS`` times) if they moved under the walk; a list that moved under every
    walk cannot be judged (a repeat may be an item pushed down by a new one), and says so.
    """
    walk = None
    for _ in range(WALK_ATTEMPTS):
        walk = _walk_once(reader)
        if walk is not None:
            break
    if walk is None:
        pytest.skip(
            f"{reader.label} changed under each of {WALK_ATTEMPTS} offset walks (other checks "
            "of this run create and delete its items), so a repeated or missing item could "
            "not be told from a moved one; the stable lists judge JT-PAGE-009"
        )
    last = walk.responses[-1]
    expect.that(
        not walk.repeats,
        "no item twice in an offset walk",
        last,
        requirement="JT-PAGE-009",
        detail=f"repeated items {walk.repeats[:10]} over {len(walk.responses)} pages of "
        f"limit={walk.limit}",
    )
    seen = set(walk.keys)
    missing = [k for k in reader.expected if k not in seen]
    if walk.complete:
        expect.that(
            not missing,
            "every item of the list in an offset walk",
            last,
            requirement="JT-PAGE-009",
            detail=f"{len(missing)} items never seen, e.g. {missing[:10]} (walked "
            f"{len(walk.keys)} items in pages of {walk.limit})",
        )
    elif reader.stable:
        expect.fail(
            f"the walk to end within {WALK_PAGES + 1} pages of {walk.limit} "
            f"(X-JT-Total said {walk.totals[0]})",
            last,
            requirement="JT-PAGE-006",
            detail="every page was full: the list holds more items than its total",
        )
    if walk.complete and (reader.stable or not walk.total_changed):
        total = walk.totals[-1]
        expect.that(
            total == len(walk.keys),
            f"{TOTAL} equal to the number of items walked ({len(walk.keys)})",
            last,
            requirement="JT-PAGE-006",
            detail=f"{TOTAL} is {last.headers.get(TOTAL)!r}",
        )


@pytest.mark.requirement("JT-PAGE-010")
@pytest.mark.parametrize("endpoint", CURSORED)
def test_cursor_walk_sees_every_item_once(endpoint, reader: ListReader) -> None:
    """Following the next cursor from the first page on yields every item once, with no gap
    or repeat. The cursor is wherever the server gives it: a ``Link: <url>; rel="next"``
    header carrying ``after`` (followed as it is), or a body value outside the items that,
    sent as ``after``, gives the next page (learned on the first page). A list whose first
    page gives no cursor while more pages exist fails: the reference promises a "cursor token
    from previous response for forward pagination"."""
    limit = reader.walk_limit(reader.total_hint())
    walked = reader.cursor_walk(limit)
    if isinstance(walked, lists.NoCursor):
        expect.fail(lists.NO_CURSOR, walked.response, detail=walked.detail)
        return
    cursor, pages = walked
    keys = [k for page in pages for k in page.keys]
    last = pages[-1].response
    repeats = repeated(keys)
    expect.that(
        not repeats,
        "no item twice in a cursor walk",
        last,
        detail=f"repeated items {repeats[:10]} over {len(pages)} pages of limit={limit} "
        f"(next cursor: {cursor.spelling})",
    )
    if pages[-1].next and pages[-1].keys:
        expect.fail(
            f"the cursor walk to end within {WALK_PAGES + 1} pages of {limit}",
            last,
            detail=f"a next cursor was still given ({cursor.spelling})",
        )
    seen = set(keys)
    missing = [k for k in reader.expected if k not in seen]
    expect.that(
        not missing,
        "every item of the list in a cursor walk",
        last,
        detail=f"{len(missing)} items never seen, e.g. {missing[:10]} (next cursor: "
        f"{cursor.spelling})",
    )


@pytest.mark.requirement("JT-PAGE-017")
@pytest.mark.parametrize("endpoint", CURSORED)
def test_only_the_last_page_gives_no_next_cursor(endpoint, reader: ListReader) -> None:
    """Every page but the last gives a next cursor; the last one (the page holding the last
    item of the offset walk) gives none: no Link rel=next, the body value null, empty or
    absent."""
    limit = reader.walk_limit(reader.total_hint())
    offset_walk = reader.walk(limit)
    if len(offset_walk.responses) < 2 or not offset_walk.keys:
        pytest.skip(f"{reader.label} fits on one page of {limit} on this target")
    final = offset_walk.keys[-1]
    walked = reader.cursor_walk(limit)
    if isinstance(walked, lists.NoCursor):
        expect.fail(
            "a next cursor on every page before the last",
            walked.response,
            detail=f"page 1 gave none: {walked.detail}",
        )
        return
    cursor, pages = walked
    for number, page in enumerate(pages, start=1):
        at_end = final in page.keys
        if at_end:
            expect.that(
                page.next is None,
                "no next cursor on the last page (the one holding the list's last item)",
                page.response,
                detail=f"page {number}, holding the list's last item, still tells a next page: "
                f"{page.next!r} (the list's cursor: {cursor.spelling})",
            )
            return
        expect.that(
            page.next is not None,
            "a next cursor on every page before the last",
            page.response,
            detail=f"page {number} ({len(page.keys)} items) gave none, but "
            f"{len(offset_walk.keys)} items exist (cursor: {cursor.spelling})",
        )


@pytest.mark.requirement("JT-PAGE-012")
@pytest.mark.parametrize("endpoint", CURSORED)
def test_malformed_cursor_is_refused(endpoint, reader: ListReader) -> None:
    """after=%%%garbage is refused with 400 jetonomy_invalid_param."""
    expect.error(reader.get(after="%%%garbage"), 400, "jetonomy_invalid_param")


@pytest.mark.requirement("JT-PAGE-013")
@pytest.mark.parametrize("endpoint", CURSORED)
def test_cursor_order_matches_offset_order(endpoint, reader: ListReader) -> None:
    """The cursor walk lists the same items in the same order as the offset walk."""
    limit = reader.walk_limit(reader.total_hint())
    offset_walk = reader.walk(limit)
    walked = reader.cursor_walk(limit)
    if isinstance(walked, lists.NoCursor):
        pytest.skip(
            "the target's first page gives no next cursor (JT-PAGE-010 fails): no cursor walk "
            "to compare with the offset walk"
        )
    cursor, pages = walked
    keys = [k for page in pages for k in page.keys]
    if keys != offset_walk.keys:
        first = next(
            (i for i, (a, b) in enumerate(zip(keys, offset_walk.keys, strict=False)) if a != b),
            min(len(keys), len(offset_walk.keys)),
        )
        expect.fail(
            "the cursor walk's items in the offset walk's order",
            pages[min(first // limit, len(pages) - 1)].response,
            detail=f"first difference at item {first + 1}: cursor walk "
            f"{keys[first : first + 3]}, offset walk {offset_walk.keys[first : first + 3]} "
            f"({len(keys)} vs {len(offset_walk.keys)} items; next cursor: {cursor.spelling})",
        )


@pytest.mark.requirement("JT-PAGE-014")
@pytest.mark.parametrize("endpoint", PAGINATED)
def test_offset_past_the_end_is_an_empty_page(endpoint, reader: ListReader) -> None:
    """offset beyond the last item answers 200 with no items."""
    total = reader.total_hint()
    offset = (total if total is not None else 100_000) + 10
    response = reader.get(offset=offset)
    expect.status(response, 200, why=f"offset={offset} past the end is not an error", subject=True)
    items = lists.page_items(response, f"a page of {reader.label}")
    expect.that(not items, f"no items at offset={offset}", response, detail=f"{len(items)} items")


@pytest.mark.requirement("JT-PAGE-015")
@pytest.mark.parametrize("endpoint", PAGINATED)
def test_total_does_not_depend_on_the_page(endpoint, reader: ListReader) -> None:
    """X-JT-Total is the same for limit=2&offset=0 and limit=50&offset=3."""

    def attempt(final: bool) -> bool:
        first, _ = reader.page(limit=2, offset=0)
        second, _ = reader.page(limit=50, offset=3)
        a, b = first.header_int(TOTAL), second.header_int(TOTAL)
        if a is not None and a == b:
            return True
        if final:
            expect.fail(
                f"the same {TOTAL} for limit=2&offset=0 and limit=50&offset=3",
                second,
                detail=f"{TOTAL} {first.headers.get(TOTAL)!r} then {second.headers.get(TOTAL)!r}",
            )
        return False

    _twice(reader, attempt)


def _meta(response: Any) -> dict[str, Any] | None:
    """The list body's ``meta`` object when it holds one of the suite's reading's keys."""
    body = response.json()
    meta = body.get("meta") if isinstance(body, dict) else None
    if isinstance(meta, dict) and any(key in meta for key in META_KEYS):
        return meta
    return None


@pytest.mark.requirement("JT-PAGE-016")
@pytest.mark.parametrize("endpoint", PAGINATED)
def test_meta_agrees_with_the_page(endpoint, reader: ListReader) -> None:
    """The suite's reading (the reference names no field of a list body): where a list
    answer is an object with a ``meta`` object holding ``count``, ``total``, ``offset`` and
    ``has_more`` (the default reading of the reference server), they agree with the page and
    the headers: count == the page's items, total == X-JT-Total, offset == the offset sent,
    has_more == (offset + count < total), on the first, second and last pages. A target
    taking another reading of the list shape has nothing to compare: the check is skipped."""
    offsets = [0, reader.small]
    first = True
    while offsets:
        offset = offsets.pop(0)
        response, items = reader.page(limit=reader.small, offset=offset)
        total = lists.total(response)
        if offset == 0 and (total or 0) > reader.small + 1:
            offsets.append(total - 1)  # the last page too
        meta = _meta(response)
        if meta is None:
            if first:
                pytest.skip(
                    "the target's list answers carry no meta object (another reading of the "
                    "list shape; nothing to compare)"
                )
            expect.fail(
                "the meta object the first page of the list carried, on every page",
                response,
            )
        first = False
        problems = []
        if "count" in meta and meta["count"] != len(items):
            problems.append(f"meta.count is {meta['count']!r} for {len(items)} items")
        if "total" in meta and total is not None and meta["total"] != total:
            problems.append(f"meta.total is {meta['total']!r} but {TOTAL} is {total}")
        if "offset" in meta and meta["offset"] != offset:
            problems.append(f"meta.offset is {meta['offset']!r} for offset={offset}")
        if "has_more" in meta and total is not None:
            more = offset + len(items) < total
            if meta["has_more"] is not more:
                problems.append(
                    f"meta.has_more is {meta['has_more']!r} with offset {offset}, "
                    f"{len(items)} items and total {total}"
                )
        expect.that(
            not problems,
            "meta agreeing with the page and the headers",
            response,
            detail="; ".join(problems),
        )
