"""Authentication and permissions (reference: Authentication, and the Auth line of every endpoint).

The refusal checks send the catalogue example (valid body, existing ids) so that the caller
is the only reason a server could refuse. Each parametrised check reads its cases from the
endpoint catalogue's ``auth``, ``caller`` and ``denied`` fields.
"""

from __future__ import annotations

from typing import Any

import pytest

from pytest_jetonomy import expect
from pytest_jetonomy.client import JetonomyClient
from pytest_jetonomy.contract import Endpoint, load_contract
from pytest_jetonomy.credentials import Credential
from pytest_jetonomy.run import JetonomyRun

from .access import expect_unchanged, observe, reply_state
from .examples import Examples

CONTRACT = load_contract()
BAN_ENDPOINTS = {"moderation.ban", "moderation.unban"}
"""Their examples ban new_member (a fresh ban, or the call itself): one xdist worker only."""


def _param(endpoint: Endpoint, *values: Any, label: str | None = None, requirement: str = ""):
    marks = [pytest.mark.requirement(requirement)] if requirement else []
    if endpoint.id in BAN_ENDPOINTS:
        marks.append(pytest.mark.jetonomy_exhausts_rate_limit)
    return pytest.param(endpoint, *values, id=label or endpoint.label, marks=marks)


# -- anonymous callers --------------------------------------------------------------------------
NON_PUBLIC = [_param(e) for e in CONTRACT.endpoints if e.requires_auth]
PUBLIC = [_param(e) for e in CONTRACT.endpoints if not e.requires_auth]
REDIRECTING = {"spaces.redeem"}
"""GET /invite/{token} "redirects to registration if not logged in"."""


@pytest.mark.requirement("JT-AUTH-001")
@pytest.mark.parametrize("endpoint", NON_PUBLIC)
def test_requires_auth(
    endpoint: Endpoint, examples: Examples, jetonomy_anonymous: JetonomyClient
) -> None:
    """A valid request without credentials is 401 jetonomy_not_logged_in."""
    response = examples.call(endpoint).send(jetonomy_anonymous)
    expect.error(response, 401, "jetonomy_not_logged_in")


@pytest.mark.requirement("JT-AUTH-008")
@pytest.mark.parametrize("endpoint", PUBLIC)
def test_public_without_credentials(
    endpoint: Endpoint, examples: Examples, jetonomy_anonymous: JetonomyClient
) -> None:
    """A public endpoint serves an anonymous caller (2xx; the invite link may redirect)."""
    response = examples.call(endpoint).send(jetonomy_anonymous)
    served = 200 <= response.status < 300 or (
        endpoint.id in REDIRECTING and 300 <= response.status < 400
    )
    wanted = "2xx or a redirect" if endpoint.id in REDIRECTING else "2xx"
    expect.that(served, f"{wanted} for an anonymous caller (never 401/403)", response)


# -- credentials --------------------------------------------------------------------------------
WRONG_CREDENTIALS = [
    pytest.param("wrong-password", "me", id="GET /users/me, wrong application password"),
    pytest.param("unknown-user", "me", id="GET /users/me, unknown username"),
    pytest.param("wrong-password", "post", id="GET /posts/{id}, wrong application password"),
]


@pytest.mark.requirement("JT-AUTH-002")
@pytest.mark.parametrize(("case", "target"), WRONG_CREDENTIALS)
def test_wrong_credentials_refused(
    case: str, target: str, jetonomy_run: JetonomyRun, world: dict
) -> None:
    """Bad Basic credentials are 401 in the error envelope, never the profile or the post.

    Any code is accepted (jetonomy_not_logged_in, or WordPress core's incorrect_password,
    invalid_username, rest_not_logged_in...): the promise is the 401. On a public endpoint
    the 401 is what tells "refused" from "served as anonymous": Jetonomy runs on WordPress,
    where a failed application-password login is an authentication error for the request.
    """
    member = jetonomy_run.credentials["member"]
    username = member.username if case == "wrong-password" else f"{world['prefix']}-nobody"
    wrong = Credential("member", username, "xxxx XXXX xxxx XXXX xxxx XXXX")
    client = jetonomy_run.new_client("member").clone(credential=wrong, identity="anonymous")
    path = "/users/me" if target == "me" else f"/posts/{world['posts']['public']}"
    response = client.get(path, area="auth")
    expect.error(response, 401)


BASIC_ROLES = [pytest.param(role, id=f"as {role}") for role in ("member", "regular", "admin")]


@pytest.mark.requirement("JT-AUTH-003")
@pytest.mark.parametrize("role", BASIC_ROLES)
def test_basic_application_password(role: str, jetonomy_run: JetonomyRun) -> None:
    """Basic base64(username:app_password) authenticates as that very user."""
    credential = jetonomy_run.client(role).credential
    assert credential is not None
    response = jetonomy_run.client(role).get("/users/me", area="auth")
    expect.status(response, 200, why=f"/users/me of {role}")
    body = expect.json_body(response)
    login = credential.username.casefold()
    fields = body if isinstance(body, dict) else {}
    names = {str(fields.get(key, "")).casefold() for key in ("username", "email")}
    expect.that(
        login in names,
        f"the profile of the user {credential.username!r} (username or email)",
        response,
    )


# -- cookie + nonce ----------------------------------------------------------------------------
COOKIE_ROLE = "member"


class CookieSession:
    """One login through /wp-login.php per module; each check sends the nonce its own way."""

    def __init__(self, client: JetonomyClient) -> None:
        self.client = client
        self.nonce: str | None = None

    def login(self) -> tuple[JetonomyClient, str]:
        if self.nonce is None:
            try:
                nonce = self.client.cookie_login()
            except AssertionError as exc:
                expect.fail(
                    "a session cookie from POST /wp-login.php and a wp_rest nonce from "
                    "/wp-admin/admin-ajax.php?action=rest-nonce",
                    detail=str(exc),
                )
            self.client.nonce = None  # nothing implicit: every check sends exactly what it tests
            self.nonce = nonce
        return self.client, self.nonce


@pytest.fixture(scope="module")
def cookie_session(jetonomy_run: JetonomyRun) -> CookieSession:
    if not jetonomy_run.has_role(COOKIE_ROLE):
        pytest.skip(jetonomy_run.credentials.missing_reason(COOKIE_ROLE))
    if not jetonomy_run.credentials[COOKIE_ROLE].password:
        pytest.skip(
            f"the credentials of role '{COOKIE_ROLE}' have no 'password' key (the account "
            "password): the cookie + nonce checks log in through /wp-login.php with it"
        )
    return CookieSession(jetonomy_run.new_client(COOKIE_ROLE))


def _member_id(world: dict) -> int:
    return int(world["users"][COOKIE_ROLE]["id"])


@pytest.mark.requirement("JT-AUTH-004")
def test_cookie_and_nonce_header(cookie_session: CookieSession, world: dict) -> None:
    """Session cookie + X-WP-Nonce authenticates the logged-in user."""
    client, nonce = cookie_session.login()
    response = client.get("/users/me", headers={"X-WP-Nonce": nonce}, auth=None, area="auth")
    expect.status(response, 200, why="cookie session with X-WP-Nonce")
    body = expect.json_body(response)
    expect.that(
        isinstance(body, dict) and body.get("id") == _member_id(world),
        f"the profile of {COOKIE_ROLE} (id {_member_id(world)})",
        response,
    )


@pytest.mark.requirement("JT-AUTH-005")
def test_cookie_and_nonce_query(cookie_session: CookieSession, world: dict) -> None:
    """Session cookie + ?_wpnonce= authenticates the logged-in user."""
    client, nonce = cookie_session.login()
    response = client.get("/users/me", params={"_wpnonce": nonce}, auth=None, area="auth")
    expect.status(response, 200, why="cookie session with the _wpnonce query parameter")
    body = expect.json_body(response)
    expect.that(
        isinstance(body, dict) and body.get("id") == _member_id(world),
        f"the profile of {COOKIE_ROLE} (id {_member_id(world)})",
        response,
    )


@pytest.mark.requirement("JT-AUTH-006")
def test_cookie_without_nonce(cookie_session: CookieSession) -> None:
    """A session cookie alone is not authentication: /users/me is refused.

    WordPress treats the caller as logged out (401); a server that rejects the request as a
    CSRF failure (403) also keeps the promise. Never the profile.
    """
    client, _ = cookie_session.login()
    response = client.get("/users/me", auth=None, area="auth")
    expect.error(response, (401, 403))


@pytest.mark.requirement("JT-AUTH-007")
def test_cookie_with_invalid_nonce(cookie_session: CookieSession) -> None:
    """A session cookie with a bogus nonce is refused (401 or 403), never served."""
    client, _ = cookie_session.login()
    response = client.get("/users/me", headers={"X-WP-Nonce": "0bad0nonce"}, auth=None, area="auth")
    expect.error(response, (401, 403))


# -- roles that may and may not call ------------------------------------------------------------
FORBIDDEN_REQUIREMENT = {
    "moderator": "JT-AUTH-010",
    "admin": "JT-AUTH-013",
    "author_or_moderator": "JT-AUTH-015",
    "post_author": "JT-AUTH-018",
    "space_admin": "JT-AUTH-021",
    "required": "JT-AUTH-023",  # DELETE /spaces/{id}/members/{user_id} of someone else
}
FORBIDDEN = [
    _param(
        e,
        role,
        label=e.label if len(e.denied) == 1 else f"{e.label} as {role}",
        requirement=FORBIDDEN_REQUIREMENT[e.auth],
    )
    for e in CONTRACT.endpoints
    for role in e.denied
]


@pytest.mark.parametrize(("endpoint", "role"), FORBIDDEN)
def test_forbidden(endpoint: Endpoint, role: str, examples: Examples) -> None:
    """The catalogue's denied role gets 403 jetonomy_forbidden and changes nothing."""
    call = examples.call(endpoint)
    before = observe(examples, endpoint)
    response = call.send(examples.client(role))
    if 200 <= response.status < 300:
        examples.undo_later(call, response)
    expect.error(response, 403, "jetonomy_forbidden")
    if before is not None:
        expect_unchanged(before, observe(examples, endpoint), response, "the object")


def _callers(auth: str, role: str | None, requirement: str) -> list[Any]:
    return [
        _param(
            e,
            role or e.caller,
            label=f"{e.label} as {role or e.caller}",
            requirement=requirement,
        )
        for e in CONTRACT.endpoints
        if e.auth == auth
    ]


ALLOWED = [
    *_callers("required", None, "JT-AUTH-009"),
    *_callers("moderator", "moderator", "JT-AUTH-011"),
    *_callers("moderator", "admin", "JT-AUTH-012"),
    *_callers("admin", "admin", "JT-AUTH-014"),
    *_callers("author_or_moderator", None, "JT-AUTH-016"),
    *_callers("author_or_moderator", "moderator", "JT-AUTH-017"),
    *_callers("space_admin", "admin", "JT-AUTH-022"),
]


@pytest.mark.parametrize(("endpoint", "role"), ALLOWED)
def test_allowed(endpoint: Endpoint, role: str, examples: Examples) -> None:
    """An allowed caller's valid request gets one of the endpoint's success statuses."""
    response = examples.send(endpoint, role=role)
    expect.status(response, endpoint.response["status"], why=f"{endpoint.label} as {role}")


@pytest.mark.requirement("JT-AUTH-022")
def test_space_admin_by_role(examples: Examples) -> None:
    """A member made admin of a space (not a site admin) may change the space and invite."""
    space_id = examples.fresh("space")
    regular_id = examples.fresh("member")  # regular joined the fresh space
    promote = examples.client("admin").patch(
        f"/spaces/{space_id}/members/{regular_id}", json={"role": "admin"}
    )
    expect.status(promote, 200, why="making regular an admin of a fresh space")
    regular = examples.client("regular")
    changed = regular.patch(f"/spaces/{space_id}", json={"description": "changed by space admin"})
    expect.status(changed, 200, why="PATCH /spaces/{id} by an admin of the space")
    invite = regular.post(f"/spaces/{space_id}/invite")
    expect.status(invite, (200, 201), why="POST /spaces/{id}/invite by an admin of the space")


ACCEPT = CONTRACT.endpoint("replies.accept")


@pytest.mark.requirement("JT-AUTH-019")
def test_post_author_accepts(examples: Examples) -> None:
    """The Q&A post's author accepts a reply: 200 and the reply is accepted."""
    reply_id = examples.fresh("reply_qa")  # by regular on member's Q&A post
    response = examples.client("member").post(f"/replies/{reply_id}/accept")
    expect.status(response, 200, why="accept by the post's author")
    body = expect.json_body(response)
    expect.that(
        isinstance(body, dict) and body.get("is_accepted") is True,
        "the accepted reply with is_accepted true",
        response,
    )
    state = reply_state(examples.client("admin"), examples.fresh("post_qa"), reply_id)
    expect.that(
        state.get("is_accepted") is True,
        "the reply to read back as accepted",
        response,
        detail=f"read back: {state!r}",
    )


@pytest.mark.requirement("JT-AUTH-020")
def test_moderator_cannot_accept(examples: Examples) -> None:
    """A moderator who is not the post's author gets 403 and the reply stays unaccepted."""
    call = examples.call(ACCEPT)
    before = observe(examples, ACCEPT)
    response = call.send(examples.client("moderator"))
    expect.error(response, 403, "jetonomy_forbidden")
    expect_unchanged(before, observe(examples, ACCEPT), response, "the reply")
