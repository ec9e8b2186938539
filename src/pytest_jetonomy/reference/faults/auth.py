"""Faults of authentication and permissions (requirements JT-AUTH-*)."""

from __future__ import annotations

from . import Fault

FAULTS = [
    Fault(
        "notifications-open-to-anonymous",
        ("JT-AUTH-026",),
        "GET /notifications forgets its auth check: anonymous callers get 200 and an empty list",
    ),
    Fault(
        "bad-credentials-served-as-anonymous",
        ("JT-AUTH-025",),
        "a wrong application password is ignored: the request is served as anonymous",
    ),
    Fault(
        "app-password-not-checked",
        ("JT-AUTH-024",),
        "Basic authentication finds the user by login and never checks the application "
        "password: any password is taken for a known user",
        also=("JT-AUTH-025",),
    ),
    Fault(
        "basic-auth-header-dropped",
        ("JT-AUTH-003",),
        "the Authorization header never reaches the API (the Apache/CGI bug): Basic "
        "credentials are ignored and every such request runs as anonymous",
        # every check that authenticates with an application password breaks with it
        also=("JT-AUTH-025", "JT-ERR-001", "JT-PAGE-005", "JT-SCHEMA-011", "JT-BEHAV-011"),
    ),
    Fault(
        "basic-auth-as-first-user",
        ("JT-AUTH-003",),
        "a valid application password is checked, but the request runs as the first "
        "registered user (the identity query lost its WHERE)",
        # every user is the administrator: whatever reads who the caller is breaks with it
        also=("JT-BEHAV-011",),
    ),
    Fault(
        "nonce-header-ignored",
        ("JT-AUTH-004",),
        "the wp_rest nonce is read from the _wpnonce query parameter only, not X-WP-Nonce",
    ),
    Fault(
        "wpnonce-query-param-ignored",
        ("JT-AUTH-005",),
        "the wp_rest nonce is read from the X-WP-Nonce header only, not ?_wpnonce=",
    ),
    Fault(
        "cookie-without-nonce-authenticates",
        ("JT-AUTH-006",),
        "a logged-in cookie without any nonce authenticates the user (no CSRF protection)",
    ),
    Fault(
        "invalid-nonce-accepted",
        ("JT-AUTH-007",),
        "a cookie session with a wrong nonce is served as the logged-in user",
    ),
    Fault(
        "leaderboards-require-login",
        ("JT-AUTH-008",),
        "GET /leaderboards (public) answers anonymous callers 401 jetonomy_not_logged_in",
    ),
    Fault(
        "link-preview-requires-regular-trust",
        ("JT-AUTH-009",),
        "GET /link-preview refuses users below the regular trust level with 403",
        also=("JT-EP-008",),
    ),
    Fault(
        "moderation-queue-open-to-members",
        ("JT-AUTH-028",),
        "GET /moderation/queue forgets its capability check: any logged-in user reads it",
    ),
    Fault(
        "flags-list-checks-admin-capability",
        ("JT-AUTH-011",),
        "GET /moderation/flags checks manage_options instead of jetonomy_moderate: moderators "
        "get 403",
        also=("JT-EP-008", "JT-EP-011"),
    ),
    Fault(
        "pin-checks-moderator-role",
        ("JT-AUTH-012",),
        "POST /posts/{id}/pin checks the moderator role, not the capability: administrators "
        "get 403",
    ),
    Fault(
        "category-create-open-to-moderators",
        ("JT-AUTH-029",),
        "POST /categories (admin only) also accepts moderators",
    ),
    Fault(
        "category-update-needs-ungranted-capability",
        ("JT-AUTH-014",),
        "PATCH /categories/{id} requires a manage_categories capability no role was granted: "
        "administrators get 403",
        also=("JT-EP-008",),
    ),
    Fault(
        "post-edit-open-to-any-member",
        ("JT-AUTH-030",),
        "PATCH /posts/{id} forgets the author-or-moderator check: anyone logged in edits",
    ),
    Fault(
        "post-close-moderators-only",
        ("JT-AUTH-016",),
        "POST /posts/{id}/close refuses the post's author (moderators only)",
        also=("JT-EP-008",),
    ),
    Fault(
        "reply-delete-author-only",
        ("JT-AUTH-017",),
        "DELETE /replies/{id} refuses moderators: only the reply's author may delete it",
    ),
    Fault(
        "reply-author-may-accept",
        ("JT-AUTH-031",),
        "POST /replies/{id}/accept also lets the reply's author accept their own reply",
    ),
    Fault(
        "accept-checks-reply-author",
        ("JT-AUTH-019", "JT-AUTH-031"),
        "POST /replies/{id}/accept compares the caller with the reply's author instead of the "
        "post's author",
        also=("JT-EP-008",),
    ),
    Fault(
        "moderators-may-accept-replies",
        ("JT-AUTH-020",),
        "POST /replies/{id}/accept also lets moderators accept on someone else's post",
    ),
    Fault(
        "space-update-open-to-any-member",
        ("JT-AUTH-032",),
        "PATCH /spaces/{id} forgets the space-admin check: anyone logged in changes the space",
    ),
    Fault(
        "space-update-site-admins-only",
        ("JT-AUTH-022",),
        "PATCH /spaces/{id} checks the site administrator role: admins of the space get 403",
    ),
    Fault(
        "member-removal-open-to-any-member",
        ("JT-AUTH-023",),
        "DELETE /spaces/{id}/members/{user_id} lets any logged-in user remove anyone",
    ),
    Fault(
        "anonymous-code-replaced",
        ("JT-AUTH-027",),
        "every 401 jetonomy_not_logged_in answers code rest_not_logged_in instead (WordPress "
        "core's code; the status 401 is kept): anonymous callers are still refused",
    ),
    Fault(
        "anonymous-served-as-first-user",
        ("JT-AUTH-026",),
        "auth-required endpoints serve anonymous callers as if they were the first registered "
        "user (the administrator): an authentication bypass; public endpoints still see them "
        "as anonymous",
        # a cookie without a nonce counts as anonymous, and so is served too
        also=("JT-AUTH-006",),
    ),
]
