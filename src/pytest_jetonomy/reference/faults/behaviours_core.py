"""Faults of the core behaviours: votes, users, spaces and membership (JT-BEHAV-001..027)."""

from __future__ import annotations

from . import Fault

FAULTS = [
    # -- votes ---------------------------------------------------------------------------------
    Fault(
        "vote-value-not-validated",
        ("JT-BEHAV-001",),
        "POST /posts|replies/{id}/vote accepts integer values other than 1 and -1 (0, 2, -2)",
    ),
    Fault(
        "post-upvotes-counted-twice",
        ("JT-BEHAV-076",),
        "an upvote on a post adds two to its upvotes (the vote row and a counter both count it)",
    ),
    Fault(
        "vote-recast-does-not-toggle",
        ("JT-BEHAV-003",),
        "re-casting the same value on a post keeps the vote instead of removing it",
    ),
    Fault(
        "opposite-vote-removes-instead-of-switching",
        ("JT-BEHAV-081",),
        "casting the opposite value on a post removes the vote instead of switching it",
    ),
    Fault(
        "delete-post-vote-does-nothing",
        ("JT-BEHAV-005",),
        "DELETE /posts/{id}/vote answers success but the vote stays",
    ),
    Fault(
        "reply-vote-recast-does-not-toggle",
        ("JT-BEHAV-082",),
        "re-casting the same value on a reply keeps the vote instead of removing it",
    ),
    Fault(
        "delete-reply-vote-does-nothing",
        ("JT-BEHAV-007",),
        "DELETE /replies/{id}/vote answers success but the vote stays",
    ),
    Fault(
        "user-vote-not-filtered-by-caller",
        ("JT-BEHAV-008",),
        "user_vote of posts and replies is anybody's vote (the caller filter is forgotten)",
    ),
    # -- users ---------------------------------------------------------------------------------
    Fault(
        "user-settings-replaced",
        ("JT-BEHAV-009",),
        "PATCH /users/me replaces the settings object instead of merging it",
    ),
    Fault(
        "display-name-ignored",
        ("JT-BEHAV-010",),
        "PATCH /users/me answers 200 but does not change the display name",
    ),
    Fault(
        "users-me-returns-first-user",
        ("JT-BEHAV-011",),
        "GET /users/me answers the first registered user, whoever calls (a WHERE forgotten)",
        also=("JT-AUTH-003",),  # its check reads /users/me to see who is authenticated
    ),
    Fault(
        "by-login-returns-caller",
        ("JT-BEHAV-012",),
        "GET /users/by-login/{login} answers the logged-in caller's own profile",
        # their checks compare /users/me with the profile of the login (read as admin)
        also=("JT-BEHAV-011", "JT-AUTH-003"),
    ),
    Fault(
        "user-posts-include-others",
        ("JT-BEHAV-013",),
        "GET /users/{id}/posts lists every published post (the author filter is forgotten)",
    ),
    # -- spaces and membership -----------------------------------------------------------------
    Fault(
        "space-settings-replaced",
        ("JT-BEHAV-014",),
        "PATCH /spaces/{id} replaces the settings object instead of merging it",
    ),
    Fault(
        "space-read-without-settings",
        ("JT-SCHEMA-032",),
        "GET /spaces/{id} answers the space without its settings (the list's columns only)",
        also=("JT-BEHAV-014",),
    ),
    Fault(
        "space-patch-resets-unsent-fields",
        ("JT-BEHAV-015",),
        "PATCH /spaces/{id} resets type, visibility and join_policy to their defaults when not sent",
    ),
    Fault(
        "create-space-ignores-join-policy",
        ("JT-BEHAV-016",),
        "POST /spaces stores every new space as open, whatever join_policy was sent",
        also=("JT-BEHAV-018", "JT-BEHAV-019", "JT-BEHAV-021"),
    ),
    Fault(
        "open-join-left-pending",
        ("JT-BEHAV-017",),
        "joining an open space only files a join request (status pending)",
        # the pagination checks build their member list by joining an open space
        also=(
            "JT-BEHAV-023",
            "JT-BEHAV-024",
            "JT-BEHAV-025",
            "JT-SCHEMA-033",
            "JT-SCHEMA-037",
            "JT-PAGE-005",
        ),
    ),
    Fault(
        "approval-join-makes-member",
        ("JT-BEHAV-018",),
        "joining an approval space makes the caller a member at once",
    ),
    Fault(
        "invite-join-without-token",
        ("JT-BEHAV-019",),
        "joining an invite-only space without a valid invite token succeeds",
    ),
    Fault(
        "invite-token-reused",
        ("JT-BEHAV-020",),
        "POST /spaces/{id}/invite answers the space's first valid invite again",
    ),
    Fault(
        "open-space-invite-not-stored",
        ("JT-SCHEMA-039",),
        "POST /spaces/{id}/invite on an open space answers a token it never stores "
        "(anyone may join, so no invite is kept)",
        also=("JT-BEHAV-022",),  # its invite is to a fresh open space
    ),
    Fault(
        "invite-redemption-does-not-join",
        ("JT-BEHAV-021",),
        "GET /invite/{token} answers a join result but adds no membership",
    ),
    Fault(
        "anonymous-invite-redemption-401",
        ("JT-BEHAV-022",),
        "GET /invite/{token} without credentials answers 401 instead of redirecting",
    ),
    Fault(
        "leave-does-nothing",
        ("JT-BEHAV-023",),
        "a member removing themselves gets a success answer but stays a member",
    ),
    Fault(
        "space-admin-cannot-remove-member",
        ("JT-BEHAV-024",),
        "DELETE /spaces/{id}/members/{user_id} lets only the member themselves remove (403)",
    ),
    Fault(
        "member-role-change-ignored",
        ("JT-BEHAV-025",),
        "PATCH /spaces/{id}/members/{user_id} answers 200 but keeps the old role",
    ),
    Fault(
        "space-counts-frozen",
        ("JT-SCHEMA-033",),
        "GET /spaces/{id} answers the counts of a new space (1 member, 0 posts) forever",
    ),
    Fault(
        "space-delete-keeps-posts",
        ("JT-BEHAV-027",),
        "DELETE /spaces/{id} moves the space's posts to the oldest other space instead",
    ),
]
