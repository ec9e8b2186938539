"""Faults of the post behaviours: pin, close, accept, move, merge, split and drafts
(JT-BEHAV-028..036, JT-BEHAV-077)."""

from __future__ import annotations

from . import Fault

FAULTS = [
    # -- posts ---------------------------------------------------------------------------------
    Fault(
        "pin-does-not-unpin",
        ("JT-BEHAV-028",),
        "POST /posts/{id}/pin always pins; a second request does not unpin",
    ),
    Fault(
        "pinned-posts-not-first",
        ("JT-BEHAV-029",),
        "the default order of a space's posts ignores pins (newest first only)",
    ),
    Fault(
        "closed-post-takes-replies",
        ("JT-BEHAV-030",),
        "POST /posts/{id}/replies accepts replies on a closed post",
    ),
    Fault(
        "accept-does-nothing",
        ("JT-BEHAV-077",),
        "POST /replies/{id}/accept answers the reply but records nothing (neither the reply "
        "nor its post changes)",
    ),
    Fault(
        "move-ignored",
        ("JT-BEHAV-032",),
        "POST /posts/{id}/move answers 200 but the post stays in its space",
    ),
    Fault(
        "merge-leaves-replies-behind",
        ("JT-BEHAV-033",),
        "merging deletes the source post with its replies instead of moving them",
    ),
    Fault(
        "split-leaves-reply-in-place",
        ("JT-BEHAV-034",),
        "splitting a reply copies it into a new post but leaves it under the old post",
    ),
    Fault(
        "drafts-of-everyone-listed",
        ("JT-BEHAV-035",),
        "GET /posts/drafts lists every user's drafts",
    ),
    Fault(
        "drafts-in-space-list",
        ("JT-BEHAV-036",),
        "a space's post list includes drafts",
    ),
]
