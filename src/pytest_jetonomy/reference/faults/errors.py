"""Faults of the error envelope and codes (requirements JT-ERR-*)."""

from __future__ import annotations

from . import Fault

FAULTS = [
    Fault(
        "no-route-error-without-data",
        ("JT-ERR-001",),
        "the rest_no_route error (unknown routes, wrong methods) is {code, message} without "
        "the data object",
        also=("JT-CONV-007", "JT-CONV-008"),
    ),
    Fault(
        "error-data-status-disagrees",
        ("JT-ERR-002",),
        "data.status of every error differs from the HTTP status",
        also=("JT-ERR-001", "JT-ERR-004"),
    ),
    Fault(
        "unknown-post-code-is-rest-post-invalid-id",
        ("JT-ERR-003",),
        "an unknown or invisible post answers 404 with WordPress core's rest_post_invalid_id "
        "instead of jetonomy_not_found",
        also=("JT-CONV-004",),
    ),
    Fault(
        "forbidden-sent-with-401",
        ("JT-ERR-004",),
        "jetonomy_forbidden is sent with HTTP 401 (401 and 403 mixed up)",
    ),
    Fault(
        "errors-served-as-html",
        ("JT-ERR-005",),
        "error answers carry Content-Type text/html (the JSON body is unchanged)",
    ),
    Fault(
        "search-query-ascii-only",
        ("JT-ERR-006",),
        "GET /search encodes q as ASCII and fails with a 500 on any other character",
    ),
    Fault(
        "empty-error-messages",
        ("JT-ERR-007",),
        "every error message is the empty string",
    ),
    Fault(
        "unknown-invite-token-is-invalid-param",
        ("JT-ERR-008",),
        "GET /invite/{token} with a token never issued answers 400 jetonomy_invalid_param",
    ),
    Fault(
        "forbidden-code-replaced",
        # only the words of the refusals: every refusal (JT-AUTH-020, 023, 028 to 032,
        # JT-BEHAV-019, 080) still holds, and its checks say so
        ("JT-AUTH-033",),
        "every 403 jetonomy_forbidden answers code rest_forbidden instead (WordPress core's "
        "code; the status 403 is kept)",
    ),
]
