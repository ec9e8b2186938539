"""Faults of routing and success answers (requirements JT-EP-*)."""

from __future__ import annotations

from . import Fault

FAULTS = [
    Fault(
        "namespace-without-version",
        ("JT-EP-001",),
        "the routes are registered under the 'jetonomy' namespace: the API answers under "
        "/wp-json/jetonomy/... and /wp-json/jetonomy/v1/... is 404 rest_no_route",
        # every check goes through the documented prefix: nothing else can pass
        also=("JT-AUTH-003", "JT-ERR-001", "JT-PAGE-005", "JT-SCHEMA-011", "JT-BEHAV-011"),
    ),
    Fault(
        "mark-all-read-not-routed",
        ("JT-EP-002",),
        "POST /notifications/mark-all-read is not registered (404 rest_no_route)",
        also=("JT-EP-008", "JT-AUTH-026", "JT-AUTH-009", "JT-BEHAV-078"),
    ),
    Fault(
        "space-tags-query-fails",
        ("JT-EP-008",),
        "GET /space-tags fails with a database error (500): its query reads a table the "
        "install never created",
        also=("JT-AUTH-008",),
    ),
    Fault(
        "split-answers-without-id",
        ("JT-EP-009",),
        'POST /replies/{id}/split creates the new post but answers {"success": true}: '
        "neither the body nor a Location header tells the new post's id",
    ),
    Fault(
        "bookmark-delete-redirects",
        ("JT-EP-010",),
        "DELETE /bookmarks removes the bookmark, then answers 302 to the bookmarks list (a "
        "form handler's redirect after deleting)",
        also=("JT-EP-008", "JT-AUTH-009", "JT-BEHAV-049"),
    ),
    Fault(
        "category-get-wrapped-in-data",
        ("JT-EP-006",),
        'GET /categories/{id} answers {"data": category} instead of the bare category',
    ),
    Fault(
        "tags-list-capped-at-20",
        ("JT-EP-011",),
        "GET /tags (documented as returning all tags) returns only the first 20, and "
        "announces no further page",
    ),
]
