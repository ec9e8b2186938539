"""Faults of the content behaviours: the post and reply lifecycle, notifications and
moderation (JT-BEHAV-037..047, JT-BEHAV-063..070, JT-BEHAV-078..080, JT-SCHEMA-011)."""

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
        ("JT-BEHAV-079",),
        "GET /notifications/unread-count counts every notification of the caller, read or not",
    ),
    Fault(
        "mark-all-read-does-nothing",
        ("JT-BEHAV-078",),
        "POST /notifications/mark-all-read answers success but marks nothing read",
    ),
    Fault(
        "unread-count-as-numeric-string",
        ("JT-SCHEMA-011",),
        'GET /notifications/unread-count answers the count as a numeric string ("3"), as the '
        "database driver returns it",
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
        ("JT-BEHAV-080",),
        "PATCH /notifications/{id} lets any logged-in user mark anybody's notification",
    ),
    Fault(
        "reply-notifications-not-sent",
        ("JT-BEHAV-047",),
        "a new reply notifies nobody (the post's author and subscribers are never told)",
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
]
