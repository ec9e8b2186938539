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
        also=("JT-EP-003", "JT-AUTH-001", "JT-AUTH-009", "JT-BEHAV-044"),
    ),
    Fault(
        "pin-answers-201-created",
        ("JT-EP-003",),
        "POST /posts/{id}/pin answers 201 instead of the documented 200",
        also=("JT-AUTH-011", "JT-AUTH-012"),
    ),
    Fault(
        "category-create-answers-id-only",
        ("JT-EP-004",),
        'POST /categories answers 201 with only {"id": ...}, not the created category',
    ),
    Fault(
        "bookmark-delete-reports-false",
        ("JT-EP-005",),
        'DELETE /bookmarks removes the bookmark but answers {"deleted": false, ...}',
    ),
    Fault(
        "category-get-wrapped-in-data",
        ("JT-EP-006",),
        'GET /categories/{id} answers {"data": category} instead of the bare category',
    ),
    Fault(
        "tags-list-capped-at-20",
        ("JT-EP-007",),
        "GET /tags (documented as returning all tags) returns only the first 20",
    ),
]
