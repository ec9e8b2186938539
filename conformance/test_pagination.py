"""Pagination: limit, offset, the after cursor and the X-JT-Total headers (reference: Pagination).

Every paginated endpoint of the catalogue is read over content the run creates once (see
``_lists.py``). Lists that other checks change while the suite runs (the global spaces list,
the leaderboard) are read with retry-once where a concurrent change could look like a fault,
and exact totals are only checked on lists nobody else changes.
"""

from __future__ import annotations

from typing import Any

import pytest

from pytest_jetonomy import expect
from pytest_jetonomy.contract import load_contract
from pytest_jetonomy.run import JetonomyRun

from ._lists import (
    MAX_PAGES,
    RECIPES,
    TOTAL,
    TOTAL_PAGES,
    ListReader,
    Walk,
    expected_pages,
    items_of,
    reported_total,
    shared_lists,
)

CONTRACT = load_contract()
DEFAULT_LIMIT = int(CONTRACT.pagination["default_limit"])
MAX_LIMIT = int(CONTRACT.pagination["max_limit"])
PAGINATED = [pytest.param(e, id=e.label) for e in CONTRACT.endpoints if e.paginated]
CURSORED = [pytest.param(e, id=e.label) for e in CONTRACT.endpoints if e.cursor]


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
    return ListReader(
        endpoint.label,
        recipe,
        jetonomy_run.client(recipe.role),
        recipe.path(paging_lists),
        recipe.query(paging_lists),
        recipe.expected(paging_lists),
    )


def _keys(reader: ListReader, items: list[Any]) -> list[Any]:
    return [reader.key(i) for i in items]


def _twice(reader: ListReader, attempt) -> None:  # noqa: ANN001
    """Run ``attempt(final)``; on a list others may change, a failed first try is retried once.

    ``attempt`` returns True when it passed; with ``final`` it fails the test itself.
    """
    if reader.stable:
        attempt(True)
    elif not attempt(False):
        attempt(True)


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
    items = items_of(response)
    expect.that(
        len(items) <= MAX_LIMIT,
        f"at most {MAX_LIMIT} items for limit={limit}",
        response,
        detail=f"got {len(items)} items",
    )


@pytest.mark.requirement("JT-PAGE-003")
@pytest.mark.parametrize("endpoint", PAGINATED)
def test_limit_gives_at_most_n_items(endpoint, reader: ListReader) -> None:
    """limit=n returns at most n items, and exactly n when the list holds n or more."""
    n = reader.small + 1

    def attempt(final: bool) -> bool:
        response, items = reader.page(limit=n)
        _, everything = reader.page(limit=MAX_LIMIT)
        wanted = min(n, len(everything))
        if len(items) == wanted:
            return True
        if final:
            expect.fail(
                f"{wanted} items for limit={n} (the list holds {len(everything)} or more)",
                response,
                detail=f"got {len(items)} items",
            )
        return False

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
        wanted = _keys(reader, first)[k : 2 * k]
        if _keys(reader, second) == wanted:
            return True
        if final:
            expect.fail(
                f"limit={k}&offset={k} to return items {k + 1}..{2 * k} of limit={2 * k}&offset=0",
                second_response,
                detail=f"expected keys {wanted}, got {_keys(reader, second)}",
            )
        return False

    _twice(reader, attempt)


def _expect_count_header(reader: ListReader, header: str) -> None:
    """Every page answer (first page, a later page) has ``header``, a non-negative integer."""
    for params in ({}, {"limit": reader.small, "offset": reader.small}):
        response, _ = reader.page(**params)
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
        response, _ = reader.page(limit=limit)
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
        expect.that(
            pages in accepted,
            f"{TOTAL_PAGES} == ceil({TOTAL} / limit) = "
            + " or ".join(str(a) for a in accepted)
            + f" for {TOTAL}={total}, limit={limit}",
            response,
            detail=f"{TOTAL_PAGES} is {pages}",
        )


def _walk_once(reader: ListReader, final: bool) -> Walk | None:
    """An offset walk; None when a list others change moved under it (caller retries)."""
    limit = reader.walk_limit(reader.total_hint())
    walk = reader.walk(limit)
    if not final and (walk.repeats or walk.total_changed) and not reader.stable:
        return None
    return walk


@pytest.mark.requirement("JT-PAGE-006", "JT-PAGE-009")
@pytest.mark.parametrize("endpoint", PAGINATED)
def test_offset_walk_sees_every_item_once(endpoint, reader: ListReader) -> None:
    """Walking offset pages yields each item exactly once, and as many items as X-JT-Total.

    Lists other checks change (spaces, leaderboard) are walked again once if they moved.
    """
    walk = _walk_once(reader, final=False) or _walk_once(reader, final=True)
    assert walk is not None
    last = walk.responses[-1]
    expect.that(
        not walk.repeats,
        "no item twice in an offset walk",
        last,
        requirement="JT-PAGE-009",
        detail=f"repeated keys {walk.repeats[:10]} over {len(walk.responses)} pages of "
        f"limit={walk.limit}",
    )
    missing = [k for k in reader.expected if k not in set(walk.keys)]
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
            f"the walk to end within {MAX_PAGES + 1} pages of {walk.limit} "
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


def _cursor_walk(reader: ListReader, limit: int) -> tuple[list[Any], list[Any]]:
    """Pages from the start, then by ``after``; returns (keys, [(response, cursor_next)])."""
    keys: list[Any] = []
    pages: list[Any] = []
    after = None
    for _ in range(MAX_PAGES + 1):
        response, items = reader.page(limit=limit, after=after)
        keys.extend(_keys(reader, items))
        pages.append((response, response.cursor_next))
        after = response.cursor_next
        if not after:
            break
    return keys, pages


@pytest.mark.requirement("JT-PAGE-010")
@pytest.mark.parametrize("endpoint", CURSORED)
def test_cursor_walk_sees_every_item_once(endpoint, reader: ListReader) -> None:
    """Following meta.cursor_next as after yields every item once, with no gap or repeat."""
    limit = reader.walk_limit(reader.total_hint())
    keys, pages = _cursor_walk(reader, limit)
    last = pages[-1][0]
    repeats = [k for i, k in enumerate(keys) if k in keys[:i]]
    expect.that(
        not repeats,
        "no item twice in a cursor walk",
        last,
        detail=f"repeated keys {repeats[:10]} over {len(pages)} pages of limit={limit}",
    )
    if pages[-1][1]:
        expect.fail(
            f"the cursor walk to end within {MAX_PAGES + 1} pages of {limit}",
            last,
            detail="a next cursor was still given",
        )
    missing = [k for k in reader.expected if k not in set(keys)]
    expect.that(
        not missing,
        "every item of the list in a cursor walk",
        last,
        detail=f"{len(missing)} items never seen, e.g. {missing[:10]}",
    )


@pytest.mark.requirement("JT-PAGE-011")
@pytest.mark.parametrize("endpoint", CURSORED)
def test_cursor_next_is_null_only_on_the_last_page(endpoint, reader: ListReader) -> None:
    """meta.cursor_next is a string on every page but the last, and null on the last."""
    limit = reader.walk_limit(reader.total_hint())
    offset_walk = reader.walk(limit)
    if len(offset_walk.responses) < 2:
        pytest.skip(f"{reader.label} fits on one page of {limit}")
    keys, pages = _cursor_walk(reader, limit)
    for response, cursor in pages[:-1]:
        expect.that(
            isinstance(cursor, str) and cursor != "",
            "a meta.cursor_next string on a page that is not the last",
            response,
        )
    last, cursor = pages[-1]
    expect.that(
        len(keys) == len(offset_walk.keys),
        f"the cursor walk to reach the last page ({len(offset_walk.keys)} items)",
        last,
        detail=f"cursor_next was {cursor!r} after {len(keys)} items",
    )
    expect.that(cursor is None, "meta.cursor_next null on the last page", last)


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
    keys, pages = _cursor_walk(reader, limit)
    if keys != offset_walk.keys:
        first = next(
            (i for i, (a, b) in enumerate(zip(keys, offset_walk.keys, strict=False)) if a != b),
            min(len(keys), len(offset_walk.keys)),
        )
        expect.fail(
            "the cursor walk's items in the offset walk's order",
            pages[min(first // limit, len(pages) - 1)][0],
            detail=f"first difference at item {first + 1}: cursor walk "
            f"{keys[first : first + 3]}, offset walk {offset_walk.keys[first : first + 3]} "
            f"({len(keys)} vs {len(offset_walk.keys)} items)",
        )


@pytest.mark.requirement("JT-PAGE-014")
@pytest.mark.parametrize("endpoint", PAGINATED)
def test_offset_past_the_end_is_an_empty_page(endpoint, reader: ListReader) -> None:
    """offset beyond the last item answers 200 with an empty data array."""
    total = reader.total_hint()
    offset = (total if total is not None else 100_000) + 10
    response = reader.get(offset=offset)
    expect.status(response, 200, why=f"offset={offset} past the end is not an error")
    items = items_of(response)
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


@pytest.mark.requirement("JT-PAGE-016")
@pytest.mark.parametrize("endpoint", PAGINATED)
def test_meta_agrees_with_the_page(endpoint, reader: ListReader) -> None:
    """meta.count == len(data), meta.total == X-JT-Total, meta.offset == offset sent,
    meta.has_more == (offset + count < total): on the first, second and last pages."""
    offsets = [0, reader.small]
    while offsets:
        offset = offsets.pop(0)
        response, items = reader.page(limit=reader.small, offset=offset)
        if offset == 0 and (reported_total(response) or 0) > reader.small + 1:
            offsets.append(reported_total(response) - 1)  # the last page too
        body = response.json()
        meta = body.get("meta") if isinstance(body, dict) else None
        if not isinstance(meta, dict):
            expect.fail("a 'meta' object in the list body", response)
        total = response.header_int(TOTAL)
        problems = []
        if meta.get("count") != len(items):
            problems.append(f"meta.count is {meta.get('count')!r} for {len(items)} items")
        if total is not None and meta.get("total") != total:
            problems.append(f"meta.total is {meta.get('total')!r} but {TOTAL} is {total}")
        if meta.get("offset") != offset:
            problems.append(f"meta.offset is {meta.get('offset')!r} for offset={offset}")
        reported = reported_total(response)
        if reported is not None:
            more = offset + len(items) < reported
            if meta.get("has_more") is not more:
                problems.append(
                    f"meta.has_more is {meta.get('has_more')!r} with offset {offset}, "
                    f"{len(items)} items and total {reported}"
                )
        expect.that(
            not problems,
            "meta agreeing with the page and the headers",
            response,
            detail="; ".join(problems),
        )
