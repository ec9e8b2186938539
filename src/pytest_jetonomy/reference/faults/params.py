"""Faults of documented parameters: validation, defaults, accepted values (JT-PARAM-*)."""

from __future__ import annotations

from . import Fault

FAULTS = [
    Fault(
        "post-title-not-required",
        ("JT-PARAM-001",),
        "POST /spaces/{space_id}/posts without title creates an 'Untitled' post",
    ),
    Fault(
        "reply-parent-id-cast-loosely",
        ("JT-PARAM-002",),
        "POST /posts/{post_id}/replies casts parent_id like PHP's absint(): text that is no "
        "number becomes 0 and the reply is created at the top level instead of refused",
    ),
    Fault(
        "unknown-post-sort-falls-back",
        ("JT-PARAM-003",),
        "GET /spaces/{space_id}/posts with an undocumented sort silently sorts by recent",
    ),
    Fault(
        "negative-offset-read-as-zero",
        ("JT-PARAM-004",),
        "a negative offset is read as 0 instead of being refused",
    ),
    Fault(
        "unparsable-since-read-as-now",
        ("JT-PARAM-005",),
        "GET /updates with a since that is not ISO 8601 polls from now instead of refusing it",
    ),
    Fault(
        "post-published-at-refused",
        ("JT-PARAM-006",),
        "POST /spaces/{space_id}/posts refuses the documented optional published_at",
    ),
    Fault(
        "post-status-defaults-to-draft",
        ("JT-PARAM-007",),
        "a post created without status by a moderator or admin is a draft (an editorial "
        "default leaking into the API)",
    ),
    Fault(
        "search-mode-defaults-to-posts",
        ("JT-PARAM-008",),
        "GET /search without mode searches posts only",
    ),
    Fault(
        "leaderboard-without-period-unranked",
        ("JT-PARAM-009",),
        "GET /leaderboards without period lists users in id order instead of ranking them "
        "by all-time reputation (the ranking is only applied when a period is given)",
    ),
    Fault(
        "post-sort-unanswered-refused",
        ("JT-PARAM-010",),
        "GET /spaces/{space_id}/posts refuses the documented sort=unanswered",
    ),
    Fault(
        "post-edit-ignores-tags",
        ("JT-PARAM-011",),
        "PATCH /posts/{id} ignores tags (the post keeps its old tags)",
    ),
    Fault(
        "reply-captcha-required-while-disabled",
        ("JT-PARAM-012",),
        "POST /posts/{post_id}/replies requires captcha_token of low-trust users (member, "
        "new_member) although captcha is disabled",
    ),
    Fault(
        "post-move-target-not-checked",
        ("JT-PARAM-013",),
        "POST /posts/{id}/move with a target_space_id naming no space answers 200 and leaves "
        "the post where it was (the target space is never looked up)",
    ),
]
