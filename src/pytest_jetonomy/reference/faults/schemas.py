"""Faults of the resource shapes and JSON types (requirements JT-SCHEMA-*)."""

from __future__ import annotations

from . import Fault

FAULTS = [
    Fault(
        "posts-without-reply-count",
        ("JT-SCHEMA-001",),
        "posts carry no reply_count",
        also=("JT-SCHEMA-013",),  # bookmarks embed their post
    ),
    Fault(
        "space-member-count-renamed",
        ("JT-SCHEMA-002",),
        "GET /spaces/{id} names member_count members_count",
    ),
    Fault(
        "reply-content-as-rendered-object",
        ("JT-SCHEMA-003",),
        'reply content is WordPress core\'s {"rendered": "..."} object instead of a string',
    ),
    Fault(
        "own-profile-without-settings",
        ("JT-SCHEMA-004",),
        "GET /users/me (and PATCH /users/me) answer without settings",
    ),
    Fault(
        "public-profile-without-reputation",
        ("JT-SCHEMA-005",),
        "GET /users/{id} answers without reputation",
    ),
    Fault(
        "members-listed-without-role",
        ("JT-SCHEMA-006",),
        "GET /spaces/{id}/members lists members without their role",
    ),
    Fault(
        "vote-result-without-vote-score",
        ("JT-SCHEMA-007",),
        "POST /posts/{id}/vote answers without vote_score",
    ),
    Fault(
        "tags-listed-as-bare-names",
        ("JT-SCHEMA-008",),
        "GET /tags lists tag names as bare strings instead of tag objects",
    ),
    Fault(
        "categories-listed-without-space-count",
        ("JT-SCHEMA-009",),
        "GET /categories lists categories without space_count",
    ),
    Fault(
        "notification-message-renamed-text",
        ("JT-SCHEMA-010",),
        "GET /notifications names the message of each notification text",
    ),
    Fault(
        "unread-count-renamed-unread",
        ("JT-SCHEMA-011",),
        'GET /notifications/unread-count answers {"unread": n} instead of {"count": n}',
    ),
    Fault(
        "subscriptions-listed-without-object-type",
        ("JT-SCHEMA-012",),
        "GET /subscriptions lists subscriptions without object_type",
    ),
    Fault(
        "bookmarks-listed-without-post-id",
        ("JT-SCHEMA-013",),
        "GET /bookmarks lists bookmarks without post_id (only the embedded post)",
    ),
    Fault(
        "leaderboard-ranks-from-zero",
        ("JT-SCHEMA-014",),
        "leaderboard ranks start at 0 instead of 1",
    ),
    Fault(
        "search-posts-typed-topic",
        ("JT-SCHEMA-015",),
        "search results of posts have the undocumented type 'topic'",
    ),
    Fault(
        "moderation-item-without-author",
        ("JT-SCHEMA-016",),
        "moderation items (queue, approve, spam, trash) carry no author",
    ),
    Fault(
        "new-flag-status-pending",
        ("JT-SCHEMA-017",),
        "POST /flags answers the new flag with the undocumented status 'pending' (not 'open')",
    ),
    Fault(
        "ban-without-user-id",
        ("JT-SCHEMA-018",),
        "POST /moderation/ban answers without user_id",
    ),
    Fault(
        "invite-without-url",
        ("JT-SCHEMA-019",),
        "POST /spaces/{id}/invite answers the token without the invite link (url)",
    ),
    Fault(
        "join-status-is-member",
        ("JT-SCHEMA-020",),
        "joining a space answers status 'member' (the role) instead of 'joined'",
    ),
    Fault(
        "updates-without-object-type",
        ("JT-SCHEMA-021",),
        "GET /updates lists activity without object_type",
    ),
    Fault(
        "link-preview-image-renamed",
        ("JT-SCHEMA-022",),
        "GET /link-preview names image og:image",
    ),
    Fault(
        "categories-listed-as-bare-array",
        ("JT-SCHEMA-023",),
        "GET /categories answers a bare JSON array instead of {data, meta}",
    ),
    Fault(
        "namespace-index-without-namespace",
        ("JT-SCHEMA-024",),
        "the namespace index has routes but no namespace",
    ),
    Fault(
        "post-flags-as-0-1",
        ("JT-SCHEMA-025",),
        "is_pinned and is_closed of posts are 0/1 instead of false/true",
    ),
    Fault(
        "ids-as-strings-in-posts",
        ("JT-SCHEMA-025",),
        'post ids are numeric strings ("12") instead of integers',
    ),
    Fault(
        "post-dates-in-rfc-2822",
        ("JT-SCHEMA-026",),
        "post timestamps are RFC 2822 dates (Mon, 01 Jan 2024 12:00:00 GMT), not ISO 8601",
    ),
    Fault(
        "post-author-is-the-caller",
        ("JT-SCHEMA-027",),
        "the author embedded in a post is the caller, not the post's author",
    ),
]
