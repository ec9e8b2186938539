"""Faults of limit, offset, the after cursor and the total headers (requirements JT-PAGE-*).

The hooks live in ``reference/pagination.py`` (``parse_page`` and ``paginate``): the page
carries the server's fault switch. ``user-posts-keyed-by-id`` lives in the route that builds
that list (``routes/users.py``), ``search-limit-capped-at-50`` in the search route
(``routes/search.py``).
"""

from __future__ import annotations

from . import Fault

FAULTS = [
    Fault(
        "default-page-size-10",
        ("JT-PAGE-001",),
        "a list without limit holds 10 items instead of 20",
    ),
    Fault(
        "limit-not-capped",
        ("JT-PAGE-002",),
        "limit above 100 is honoured: limit=500 returns every item",
    ),
    Fault(
        "limit-ignored",
        ("JT-PAGE-003",),
        "the limit parameter is ignored: every page holds the default 20 items",
        also=(
            "JT-PAGE-004",
            "JT-PAGE-006",
            "JT-PAGE-008",
            "JT-PAGE-009",
            "JT-PAGE-010",
            "JT-PAGE-013",
            "JT-PAGE-016",
        ),
    ),
    Fault(
        "offset-off-by-one",
        ("JT-PAGE-004",),
        "offset=n starts at item n+2: one item too many is skipped",
        also=("JT-PAGE-006", "JT-PAGE-009", "JT-PAGE-013", "JT-PAGE-016"),
    ),
    Fault(
        "offset-pages-overlap",
        ("JT-PAGE-009",),
        "offset=n starts at item n: each offset page repeats the last item of the previous one",
        also=("JT-PAGE-004", "JT-PAGE-006", "JT-PAGE-013", "JT-PAGE-016"),
    ),
    Fault(
        "total-header-missing",
        ("JT-PAGE-005",),
        "paginated lists send no X-JT-Total header",
        also=("JT-PAGE-006", "JT-PAGE-008", "JT-PAGE-015"),
    ),
    Fault(
        "total-off-by-one",
        ("JT-PAGE-006",),
        "X-JT-Total is one more than the number of items",
        also=("JT-PAGE-008", "JT-PAGE-016"),
    ),
    Fault(
        "total-pages-header-missing",
        ("JT-PAGE-007",),
        "paginated lists send no X-JT-TotalPages header",
        also=("JT-PAGE-008",),
    ),
    Fault(
        "total-pages-rounded-down",
        ("JT-PAGE-008",),
        "X-JT-TotalPages is floor(total / limit): a last partial page is not counted",
    ),
    Fault(
        "cursor-repeats-last-item",
        ("JT-PAGE-010",),
        "the page after a cursor starts with the cursor's own item (repeated)",
        also=("JT-PAGE-013",),
    ),
    Fault(
        "cursor-skips-an-item",
        ("JT-PAGE-010",),
        "the page after a cursor skips the item that follows it",
        also=("JT-PAGE-013",),
    ),
    Fault(
        "cursor-next-never-null",
        ("JT-PAGE-017",),
        "meta.cursor_next is a cursor on the last page too (and on the empty page after it)",
    ),
    Fault(
        "garbage-cursor-accepted",
        ("JT-PAGE-012",),
        "a malformed after cursor is ignored (the first page is served) instead of a 400",
    ),
    Fault(
        "cursor-page-reversed",
        ("JT-PAGE-013",),
        "pages after a cursor list their items in reverse order",
    ),
    Fault(
        "offset-past-end-refused",
        ("JT-PAGE-014",),
        "an offset at or past the end of a non-empty list is a 400 instead of an empty page",
        also=("JT-PAGE-006", "JT-PAGE-009", "JT-PAGE-013"),
    ),
    Fault(
        "total-counts-remaining-items",
        ("JT-PAGE-015",),
        "X-JT-Total and meta.total count the items from the offset on, not the whole list",
        also=("JT-PAGE-006", "JT-PAGE-008", "JT-PAGE-016"),
    ),
    Fault(
        "has-more-always-true",
        ("JT-PAGE-016",),
        "meta.has_more is true on every page, the last one included",
        also=("JT-PAGE-017",),  # alt: the last page's Link rel=next follows has_more
    ),
    Fault(
        "meta-offset-always-zero",
        ("JT-PAGE-016",),
        "meta.offset is 0 whatever offset was asked for",
    ),
    Fault(
        "user-posts-keyed-by-id",
        ("JT-PAGE-018",),
        "GET /users/{id}/posts answers its items as an object keyed by post id "
        '({"data": {"12": {...}}}: PHP\'s json_encode of an array never re-indexed)',
        also=(  # every check reading that list's items fails with it
            "JT-PAGE-001",
            "JT-PAGE-002",
            "JT-PAGE-003",
            "JT-PAGE-004",
            "JT-PAGE-005",
            "JT-PAGE-006",
            "JT-PAGE-007",
            "JT-PAGE-008",
            "JT-PAGE-009",
            "JT-PAGE-014",
            "JT-PAGE-015",
            "JT-PAGE-016",
        ),
    ),
    Fault(
        "search-limit-capped-at-50",
        ("JT-PAGE-003",),
        "GET /search serves at most 50 items whatever limit asks (the documented maximum is "
        "100): its page size, headers and meta are those of a limit of 50",
    ),
]
