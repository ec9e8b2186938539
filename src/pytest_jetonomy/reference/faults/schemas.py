"""Faults of what the resources promise and of their JSON types (requirements JT-SCHEMA-*).

A field the reference never names may take any name or shape (the alt dialect renames and
reshapes them all): renaming or reshaping one is no fault. These faults break a promise.
"""

from __future__ import annotations

from . import Fault

FAULTS = [
    # -- what GET /posts/{id} includes --------------------------------------------------------
    Fault(
        "post-read-without-vote-counts",
        ("JT-SCHEMA-028",),
        "GET /posts/{id} carries no vote count (upvotes, downvotes and vote_score left out)",
    ),
    Fault(
        "posts-without-reply-count",
        ("JT-SCHEMA-029",),
        "posts carry no reply count",
    ),
    Fault(
        "post-tags-never-shown",
        ("JT-SCHEMA-030",),
        "posts never show their tags (always an empty list)",
    ),
    Fault(
        "post-author-is-the-caller",
        ("JT-SCHEMA-031",),
        "a post's author info (author_id and the embedded author) is the caller, not the author",
    ),
    # -- what the other resources include ----------------------------------------------------
    Fault(
        "own-profile-without-settings",
        ("JT-SCHEMA-036",),
        "GET /users/me (and PATCH /users/me) answer without settings",
    ),
    Fault(
        "members-listed-without-role",
        ("JT-SCHEMA-037",),
        "GET /spaces/{id}/members lists members without their role",
    ),
    Fault(
        "bookmarks-listed-without-post-id",
        ("JT-BEHAV-049",),
        "GET /bookmarks lists bookmarks without their post (no post_id, no embedded post)",
    ),
    Fault(
        "leaderboard-ranks-from-zero",
        ("JT-BEHAV-075",),
        "leaderboard ranks start at 0 instead of 1",
    ),
    # -- ids, types, dates, the discovery index ---------------------------------------------------
    Fault(
        "tags-listed-as-bare-names",
        ("JT-SCHEMA-034",),
        "GET /tags lists tag names as bare strings: no tag carries its id",
    ),
    Fault(
        "ids-as-strings-in-posts",
        ("JT-SCHEMA-034", "JT-SCHEMA-025"),
        'post ids are numeric strings ("12") in every answer but the creation\'s, straight '
        "from the database row",
    ),
    Fault(
        "post-flags-as-0-1",
        ("JT-SCHEMA-025",),
        "is_pinned and is_closed of posts are 0/1 instead of false/true",
    ),
    Fault(
        "post-dates-in-rfc-2822",
        ("JT-SCHEMA-026",),
        "post timestamps are RFC 2822 dates (Mon, 01 Jan 2024 12:00:00 GMT), not ISO 8601",
    ),
    Fault(
        "empty-space-settings-as-array",
        ("JT-SCHEMA-035",),
        "GET /spaces/{id} answers empty settings as [] (PHP's json_encode of an empty array), "
        "the other answers as {}",
    ),
    Fault(
        "namespace-index-without-namespace",
        ("JT-SCHEMA-024",),
        "the namespace index has routes but no namespace",
    ),
]
