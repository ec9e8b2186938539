"""Faults of the WordPress REST conventions (requirements JT-CONV-*)."""

from __future__ import annotations

from . import Fault

FAULTS = [
    Fault(
        "link-preview-missing-from-index",
        ("JT-CONV-001",),
        "the namespace index does not list GET /link-preview (the route is served all the same)",
    ),
    Fault(
        "rest-route-drops-query-params",
        ("JT-CONV-002",),
        "under ?rest_route= every other query parameter (limit, _fields...) is dropped",
    ),
    Fault(
        "fields-param-ignored",
        ("JT-CONV-003",),
        "_fields is ignored: answers carry every field",
    ),
    Fault(
        "envelope-param-ignored",
        ("JT-CONV-004",),
        "_envelope is ignored: answers keep their own status and are not wrapped",
    ),
    Fault(
        "success-served-as-html",
        ("JT-CONV-005",),
        "successful answers carry Content-Type text/html (the JSON body is unchanged)",
    ),
    Fault(
        "malformed-json-body-ignored",
        ("JT-CONV-006",),
        "a JSON body that does not parse is read as an empty body instead of a 400",
    ),
    Fault(
        "undocumented-method-served-as-get",
        ("JT-CONV-007",),
        "an undocumented method on a route that has GET is answered by the GET handler",
    ),
    Fault(
        "non-numeric-path-id-crashes",
        ("JT-CONV-008",),
        "numeric path slots match any segment and int() of a non-numeric id fails with a 500",
    ),
]
