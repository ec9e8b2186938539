"""Faults of private and hidden spaces, drafts and public profiles (requirements JT-VIS-*)."""

from __future__ import annotations

from . import Fault

FAULTS = [
    Fault(
        "private-spaces-listed-to-everyone",
        ("JT-VIS-001",),
        "GET /spaces lists private spaces to anonymous callers and non-members",
        also=("JT-VIS-010",),
    ),
    Fault(
        "hidden-spaces-listed-to-everyone",
        ("JT-VIS-002",),
        "GET /spaces lists hidden spaces to anonymous callers and non-members",
        also=("JT-VIS-010",),
    ),
    Fault(
        "closed-spaces-unlisted-for-members",
        ("JT-VIS-003",),
        "GET /spaces lists private and hidden spaces to moderators only, not to their members",
        also=("JT-VIS-009",),
    ),
    Fault(
        "closed-space-readable-by-id",
        ("JT-VIS-004",),
        "GET /spaces/{id} of a private or hidden space answers anyone, members or not",
    ),
    Fault(
        "closed-space-refused-to-members",
        ("JT-VIS-005",),
        "GET /spaces/{id} of a private or hidden space is 403 for its own members",
    ),
    Fault(
        "closed-space-posts-readable-by-id",
        ("JT-VIS-006",),
        "GET /posts/{id} skips the space's visibility: private and hidden posts are readable",
    ),
    Fault(
        "closed-space-posts-hidden-from-members",
        ("JT-VIS-007",),
        "GET /posts/{id} of a private or hidden space is 404 for the space's members",
    ),
    Fault(
        "search-leaks-closed-space-replies",
        ("JT-VIS-008",),
        "GET /search finds replies of private and hidden spaces for everyone",
    ),
    Fault(
        "visibility-filter-ignored",
        ("JT-VIS-009",),
        "GET /spaces ignores the visibility parameter",
    ),
    Fault(
        "visibility-filter-skips-access-check",
        ("JT-VIS-010",),
        "GET /spaces?visibility=... selects by visibility alone, without the access check",
    ),
    Fault(
        "space-list-ignores-admin-bypass",
        ("JT-VIS-011",),
        "GET /spaces shows closed spaces to their members only: administrators (and "
        "moderators) miss those they are not members of",
    ),
    Fault(
        "email-in-public-profiles",
        ("JT-VIS-012",),
        "public profiles (GET /users/{id}, /users/by-login/{login}) carry the user's email",
    ),
    Fault(
        "drafts-readable-by-link",
        ("JT-VIS-013",),
        "GET /posts/{id} of a draft answers anyone, not only its author",
    ),
]
