"""Faults of the finding behaviours: subscriptions, bookmarks, search, leaderboards, updates,
categories, tags and link previews (JT-BEHAV-048..062, 071..075, JT-SCHEMA-038)."""

from __future__ import annotations

from . import Fault

FAULTS = [
    # -- subscriptions and bookmarks -----------------------------------------------------------
    Fault(
        "space-subscriptions-not-listed",
        ("JT-BEHAV-048",),
        "GET /subscriptions lists subscriptions to posts only, never those to spaces",
    ),
    Fault(
        "unsubscribe-leaves-subscription",
        ("JT-BEHAV-048",),
        "DELETE /subscriptions answers success but the subscription stays",
    ),
    Fault(
        "bookmark-not-saved",
        ("JT-BEHAV-049",),
        "POST /bookmarks answers a new bookmark but never writes it (it is never listed)",
    ),
    Fault(
        "bookmark-delete-leaves-bookmark",
        ("JT-BEHAV-049",),
        "DELETE /bookmarks answers success but the bookmark stays",
    ),
    # -- search --------------------------------------------------------------------------------
    Fault(
        "search-without-q-lists-nothing",
        ("JT-BEHAV-050",),
        "GET /search without q answers an empty list instead of 400 jetonomy_invalid_param",
    ),
    Fault(
        "search-ignores-post-titles",
        ("JT-BEHAV-051",),
        "GET /search matches a post's content only, never its title",
    ),
    Fault(
        "search-mode-ignored",
        ("JT-BEHAV-052",),
        "GET /search ignores mode: posts, replies, spaces and tags are always mixed",
    ),
    Fault(
        "search-space-filter-ignored",
        ("JT-BEHAV-053",),
        "GET /search ignores space_id (results of every space)",
    ),
    Fault(
        "search-author-filter-ignored",
        ("JT-BEHAV-054",),
        "GET /search ignores author_id (results of every author)",
    ),
    Fault(
        "search-tag-filter-ignored",
        ("JT-BEHAV-055",),
        "GET /search ignores tag_id (tagged and untagged posts alike)",
    ),
    Fault(
        "search-date-filters-ignored",
        ("JT-BEHAV-056",),
        "GET /search validates from_date and to_date but never applies them",
    ),
    # -- leaderboards --------------------------------------------------------------------------
    Fault(
        "leaderboard-week-period-refused",
        ("JT-BEHAV-057",),
        "GET /leaderboards refuses the documented period=week with 400",
    ),
    Fault(
        "leaderboard-lowest-first",
        ("JT-BEHAV-074",),
        "GET /leaderboards ranks users by reputation ascending (lowest first)",
    ),
    Fault(
        "leaderboard-users-by-name-only",
        ("JT-SCHEMA-038",),
        "GET /leaderboards entries name their user by display name only, without the user's id",
        also=("JT-BEHAV-074",),
    ),
    # -- updates -------------------------------------------------------------------------------
    Fault(
        "updates-since-optional",
        ("JT-BEHAV-059",),
        "GET /updates without since answers all activity instead of 400 jetonomy_invalid_param",
    ),
    Fault(
        "updates-scope-id-optional",
        ("JT-BEHAV-060",),
        "GET /updates with scope space or post but no id answers the global updates instead of "
        "400 jetonomy_invalid_param",
    ),
    Fault(
        "updates-since-ignored",
        ("JT-BEHAV-061",),
        "GET /updates validates since but never compares it: older activity is reported too",
    ),
    Fault(
        "updates-scope-ignored",
        ("JT-BEHAV-062",),
        "GET /updates with scope space or post reports the activity of every space and post",
    ),
    # -- categories, tags, link preview --------------------------------------------------------
    Fault(
        "category-description-not-updated",
        ("JT-BEHAV-071",),
        "PATCH /categories/{id} answers 200 but ignores description",
    ),
    Fault(
        "tags-used-once-not-listed",
        ("JT-BEHAV-072",),
        "GET /tags lists only tags used on more than one post (count > 1 instead of > 0)",
    ),
    Fault(
        "link-preview-drops-description-and-image",
        ("JT-BEHAV-073",),
        "GET /link-preview answers the page's title but never its Open Graph description and "
        "image (both null)",
    ),
]
