"""Faults of the community behaviours: the post and reply lifecycle, notifications,
subscriptions, bookmarks, search, leaderboards, updates, moderation, categories, tags and
link previews (JT-BEHAV-037..073)."""

from __future__ import annotations

from . import Fault

FAULTS = [
    # -- posts and replies lifecycle ------------------------------------------------------------
    Fault(
        "deleted-post-still-readable",
        ("JT-BEHAV-037",),
        "DELETE /posts/{id} answers {deleted: true} but deletes nothing (the post stays readable)",
    ),
    Fault(
        "deleted-reply-still-listed",
        ("JT-BEHAV-038",),
        "DELETE /replies/{id} answers {deleted: true} but deletes nothing (the reply stays listed)",
    ),
    Fault(
        "post-edit-appends-tags",
        ("JT-BEHAV-039",),
        "PATCH /posts/{id} adds the tags sent to the post's old tags instead of replacing them",
    ),
    Fault(
        "reply-edit-not-saved",
        ("JT-BEHAV-040",),
        "PATCH /replies/{id} echoes the new content but never writes it",
    ),
    Fault(
        "reply-parent-id-ignored",
        ("JT-BEHAV-041",),
        "POST /posts/{post_id}/replies ignores parent_id (every reply is a top-level reply)",
    ),
    Fault(
        "replies-of-every-post-listed",
        ("JT-BEHAV-042",),
        "GET /posts/{post_id}/replies lists the published replies of every post (the post_id "
        "condition forgotten)",
    ),
    Fault(
        "reply-count-includes-the-post",
        ("JT-BEHAV-042",),
        "a post's reply_count counts the opening post too (bbPress style): one more than its "
        "replies",
    ),
    Fault(
        "scheduled-posts-listed-early",
        ("JT-BEHAV-043",),
        "GET /spaces/{space_id}/posts lists posts whose published_at is still in the future",
    ),
    # -- notifications -------------------------------------------------------------------------
    Fault(
        "unread-count-counts-read-notifications",
        ("JT-BEHAV-044",),
        "GET /notifications/unread-count counts every notification of the caller, read or not",
    ),
    Fault(
        "notification-cannot-be-marked-unread",
        ("JT-BEHAV-045",),
        "PATCH /notifications/{id} with read=false leaves a read notification read",
    ),
    Fault(
        "notifications-of-everyone-listed",
        ("JT-BEHAV-046",),
        "GET /notifications lists every user's notifications (the recipient filter forgotten)",
    ),
    Fault(
        "notification-patch-owner-not-checked",
        ("JT-BEHAV-046",),
        "PATCH /notifications/{id} lets any logged-in user mark anybody's notification",
    ),
    Fault(
        "reply-notifications-not-sent",
        ("JT-BEHAV-047",),
        "a new reply notifies nobody (the post's author and subscribers are never told)",
    ),
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
        ("JT-BEHAV-058",),
        "GET /leaderboards ranks users by reputation ascending (lowest first)",
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
    # -- moderation ----------------------------------------------------------------------------
    Fault(
        "moderation-queue-lists-published-posts",
        ("JT-BEHAV-063",),
        "GET /moderation/queue lists published posts along with the pending ones",
    ),
    Fault(
        "approve-leaves-item-pending",
        ("JT-BEHAV-064",),
        "POST /moderation/approve/{type}/{id} answers 200 but the item stays pending",
    ),
    Fault(
        "spam-leaves-item-public",
        ("JT-BEHAV-065",),
        "POST /moderation/spam/{type}/{id} answers 200 but the item stays published",
    ),
    Fault(
        "trash-leaves-item-public",
        ("JT-BEHAV-066",),
        "POST /moderation/trash/{type}/{id} answers 200 but the item stays published",
    ),
    Fault(
        "new-flags-stored-as-new",
        ("JT-BEHAV-067",),
        "POST /flags stores new flags with status 'new' while GET /moderation/flags lists the "
        "'open' ones (a new flag is never listed)",
        also=("JT-SCHEMA-017",),  # the answer to POST /flags says status 'new'
    ),
    Fault(
        "resolved-flags-still-listed",
        ("JT-BEHAV-068",),
        "GET /moderation/flags lists resolved flags too (the status condition forgotten)",
    ),
    Fault(
        "bans-not-enforced-on-replies",
        ("JT-BEHAV-069",),
        "a banned user can still create replies (the ban check forgotten on that endpoint)",
    ),
    Fault(
        "unban-leaves-ban-active",
        ("JT-BEHAV-070",),
        "DELETE /moderation/ban/{id} answers success but the ban stays",
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
        also=("JT-SCHEMA-022",),
    ),
]
