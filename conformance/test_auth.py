"""Authentication and permissions (reference: Authentication, and the Auth line of every endpoint).

The refusal checks send the catalogue example (valid body, existing ids) so that the caller
is the only reason a server could refuse. Each parametrised check reads its cases from the
endpoint catalogue's ``auth``, ``caller`` and ``denied`` fields.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest

from pytest_jetonomy import expect, spellings
from pytest_jetonomy.client import ApiResponse, JetonomyClient
from pytest_jetonomy.contract import Endpoint, load_contract
from pytest_jetonomy.credentials import Credential
from pytest_jetonomy.failures import Blocked
from pytest_jetonomy.observe import Observation, describe, is_integer, matches
from pytest_jetonomy.run import JetonomyRun

from .access import expect_unchanged, reply_state, state_reader
from .contract_checks import caller_of, endpoint_case, example_answer
from .examples import Examples
from .world import my_id

CONTRACT = load_contract()


def _param(
    endpoint: Endpoint,
    *values: Any,
    label: str | None = None,
    requirement: str = "",
    code: str = "",
):
    requirements = (requirement,) if requirement else ()
    case = endpoint_case(endpoint, *values, label=label, requirements=requirements)
    if not code:
        return case
    # the words of the refusal (envelope and code) are judged against their own requirement
    return pytest.param(
        *case.values, id=case.id, marks=[*case.marks, pytest.mark.requirement(code=code)]
    )


# -- anonymous callers --------------------------------------------------------------------------
NON_PUBLIC = [_param(e) for e in CONTRACT.endpoints if e.requires_auth]
PUBLIC = [_param(e) for e in CONTRACT.endpoints if not e.requires_auth]
REDIRECTING = {"spaces.redeem"}
"""GET /invite/{token} "redirects to registration if not logged in"."""


@pytest.mark.requirement("JT-AUTH-026", code="JT-AUTH-027")
@pytest.mark.parametrize("endpoint", NON_PUBLIC)
def test_requires_auth(
    endpoint: Endpoint, spare_examples: Examples, jetonomy_anonymous: JetonomyClient
) -> None:
    """A valid request without credentials is refused with 401 (JT-AUTH-026), in the error
    envelope with code jetonomy_not_logged_in (JT-AUTH-027): a wrong code and a caller let
    through are two breaches, so that a known wrong code never hides a bypass."""
    call = spare_examples.call(endpoint)
    response = call.send(jetonomy_anonymous)
    if 200 <= response.status < 300:
        spare_examples.undo_later(call, response)  # served: what it created goes too
    with expect.soft():
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
WRONG_PASSWORD = "xxxx XXXX xxxx XXXX xxxx XXXX"


def _wrong_client(jetonomy_run: JetonomyRun, world: dict, case: str) -> JetonomyClient:
    """A client sending Basic credentials that authenticate nobody: member's login with a
    wrong application password, or a login no user has."""
    member = jetonomy_run.credentials["member"]
    username = member.username if case == "wrong-password" else f"{world['prefix']}-nobody"
    wrong = Credential("member", username, WRONG_PASSWORD)
    return jetonomy_run.new_client("member").clone(credential=wrong, identity="anonymous")


WRONG_CREDENTIALS = [
    pytest.param("wrong-password", id="GET /users/me, wrong application password"),
    pytest.param("unknown-user", id="GET /users/me, unknown username"),
]


@pytest.mark.requirement("JT-AUTH-024")
@pytest.mark.parametrize("case", WRONG_CREDENTIALS)
def test_wrong_credentials_refused(case: str, jetonomy_run: JetonomyRun, world: dict) -> None:
    """Bad Basic credentials on an auth-required endpoint are 401 in the error envelope,
    never a profile.

    Any code is accepted (jetonomy_not_logged_in, or WordPress core's incorrect_password,
    invalid_username, rest_not_logged_in...): the promise is the 401.
    """
    response = _wrong_client(jetonomy_run, world, case).get("/users/me", area="auth")
    expect.error(response, 401)


@pytest.mark.requirement("JT-AUTH-025")
def test_wrong_credentials_on_public_endpoint(jetonomy_run: JetonomyRun, world: dict) -> None:
    """A wrong application password on a public GET /posts/{id} is 401, not the post served
    as to an anonymous caller: Jetonomy runs on WordPress, where a failed application-password
    login is an authentication error for the whole request."""
    client = _wrong_client(jetonomy_run, world, "wrong-password")
    response = client.get(f"/posts/{world['posts']['public']}", area="auth")
    expect.error(response, 401)


BASIC_ROLES = [pytest.param(role, id=f"as {role}") for role in ("member", "regular", "admin")]


def _id_of(response: ApiResponse) -> Any:
    body = response.json() if response.status == 200 and response.is_json else None
    return body.get("id") if isinstance(body, dict) else None


@pytest.mark.requirement("JT-AUTH-003")
@pytest.mark.parametrize("role", BASIC_ROLES)
def test_basic_application_password(role: str, jetonomy_run: JetonomyRun) -> None:
    """Basic base64(login:app_password) authenticates as that very user: /users/me is the
    user the public lookup by that login finds, and member, regular and admin are three
    different users. The lookup is read anonymously: a public answer that depends on nobody's
    credentials is the witness of whose login it is."""
    login = jetonomy_run.credentials[role].username
    response = jetonomy_run.client(role).get("/users/me", area="auth")
    expect.status(
        response, 200, why=f"/users/me with the application password of {role}", subject=True
    )
    body = expect.json_body(response)
    me = body.get("id") if isinstance(body, dict) else None
    expect.that(is_integer(me), f"the profile of {role} with its integer id", response)
    lookup = jetonomy_run.client("anonymous").get(
        f"/users/by-login/{quote(login, safe='')}", area="auth"
    )
    theirs = _id_of(lookup)
    if not is_integer(theirs):
        raise Blocked(
            "JT-BEHAV-012",
            f"look the login of {role} up (GET /users/by-login/{{login}})",
            f"HTTP {lookup.status} without an integer id: whose profile /users/me is "
            "cannot be told",
        )
    expect.that(
        me == theirs,
        f"/users/me to be the user {login!r} whose application password was sent "
        f"(GET /users/by-login/{login} is user {theirs})",
        response,
        detail=f"/users/me is user {me!r}",
    )
    spellings.at("user.identity", ("id",))
    ids = {other: my_id(jetonomy_run, other) for other in ("member", "regular", "admin")}
    expect.that(
        len(set(ids.values())) == len(ids),
        "member, regular and admin to be three different users (/users/me of each)",
        response,
        detail=", ".join(f"{other}: {user_id}" for other, user_id in ids.items()),
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
    expect.status(response, 200, why="cookie session with X-WP-Nonce", subject=True)
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
    expect.status(
        response, 200, why="cookie session with the _wpnonce query parameter", subject=True
    )
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
    "moderator": "JT-AUTH-028",
    "admin": "JT-AUTH-029",
    "author_or_moderator": "JT-AUTH-030",
    "post_author": "JT-AUTH-031",
    "space_admin": "JT-AUTH-032",
    "required": "JT-AUTH-023",  # DELETE /spaces/{id}/members/{user_id} of someone else
}
"""The refusal of each auth label (a security promise)."""
FORBIDDEN_CODE = "JT-AUTH-033"
"""The words of every permission refusal: the error envelope with code jetonomy_forbidden."""
FORBIDDEN = [
    _param(
        e,
        role,
        label=e.label if len(e.denied) == 1 else f"{e.label} as {role}",
        requirement=FORBIDDEN_REQUIREMENT[e.auth],
        code=FORBIDDEN_CODE,
    )
    for e in CONTRACT.endpoints
    for role in e.denied
]


@pytest.mark.parametrize(("endpoint", "role"), FORBIDDEN)
def test_forbidden(endpoint: Endpoint, role: str, spare_examples: Examples) -> None:
    """The catalogue's denied role is refused with 403 and changes nothing (the object acted
    on, read as admin before and after): the refusal requirement of the endpoint's label; the
    refusal is the error envelope with code jetonomy_forbidden: JT-AUTH-033. Each is judged,
    and each breach reported, on its own."""
    call = spare_examples.call(endpoint)
    read = state_reader(spare_examples, endpoint)
    seen = Observation.take(read) if read is not None else None
    response = call.send(spare_examples.client(role))
    if 200 <= response.status < 300:
        spare_examples.undo_later(call, response)
    with expect.soft():
        expect.error(response, 403, "jetonomy_forbidden")
        if read is not None and seen is not None:
            expect_unchanged(seen, read(), response, "the object")


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
    """An allowed caller's valid request succeeds: a 2xx answer. The catalogue caller's
    answer is the one the endpoint checks read (``example_answer``, sent once)."""
    if role == caller_of(endpoint):
        response = example_answer(endpoint, examples)
    else:
        response = examples.send(endpoint, role=role)
    _succeeded(response, f"{endpoint.label} as {role}")


def _succeeded(response: ApiResponse, what: str) -> None:
    expect.that(
        200 <= response.status < 300,
        f"a 2xx answer to {what}",
        response,
        kind=f"status {response.status} where 2xx",
    )


@pytest.mark.requirement("JT-AUTH-022")
def test_space_admin_by_role(examples: Examples) -> None:
    """A member made admin of a space (not a site admin) may change the space and invite."""
    space_id = examples.fresh("space")
    regular_id = examples.fresh("member")  # regular joined the fresh space
    role_path = f"/spaces/{space_id}/members/{regular_id}"
    promote = examples.client("admin").patch(
        role_path, json=examples.body_for("spaces.role", role_path, role="admin")
    )
    _succeeded(promote, "making regular an admin of a fresh space (PATCH " + role_path + ")")
    regular = examples.client("regular")
    space_path = f"/spaces/{space_id}"
    changed = regular.patch(
        space_path,
        json=examples.body_for("spaces.update", space_path, description="changed by space admin"),
    )
    _succeeded(changed, "PATCH /spaces/{id} by an admin of the space")
    invite = regular.post(f"/spaces/{space_id}/invite")
    _succeeded(invite, "POST /spaces/{id}/invite by an admin of the space")


ACCEPT = CONTRACT.endpoint("replies.accept")


@pytest.mark.requirement("JT-AUTH-019")
def test_post_author_accepts(examples: Examples) -> None:
    """The Q&A post's author accepts a reply: a 2xx answer, and the reply (its entry in the
    post's replies) or the post reads back changed. What the change is, is JT-BEHAV-077's."""
    reply_id = examples.fresh("reply_qa")  # by regular on member's Q&A post
    post_id = examples.fresh("post_qa")
    admin = examples.client("admin")
    seen = Observation.take(lambda: reply_state(admin, post_id, reply_id))
    response = examples.client("member").post(f"/replies/{reply_id}/accept")
    _succeeded(response, "the acceptance by the post's author")
    changed = seen.diff(reply_state(admin, post_id, reply_id))
    expect.that(
        changed,
        "the accepted reply (in its post's replies) or its post to read back changed",
        response,
        detail=describe(changed),
    )
    spellings.at("reply.accepted", *_accepted_at(changed, reply_id))


def _accepted_at(changed: list[Any], reply_id: int) -> list[tuple[Any, ...]]:
    """Where a change of :func:`reply_state` tells the acceptance (as JT-BEHAV-077 notes it):
    any change of the reply's entry, and a value of the post that now holds the reply's id."""
    found = []
    for change in changed:
        if change.path[:1] == ("reply entry",):
            found.append(("reply", *change.path[1:]))
        elif change.path[:2] == ("post", "body") and matches(change.new, reply_id):
            found.append(("post", *change.path[2:]))
    return found


@pytest.mark.requirement("JT-AUTH-020", code=FORBIDDEN_CODE)
def test_moderator_cannot_accept(spare_examples: Examples) -> None:
    """A moderator who is not the post's author gets 403 and the reply stays as it was (the
    refusal's envelope and code, jetonomy_forbidden, are JT-AUTH-033's)."""
    call = spare_examples.call(ACCEPT)
    read = state_reader(spare_examples, ACCEPT)
    assert read is not None  # the suite's own table: replies.accept touches a reply
    seen = Observation.take(read)
    response = call.send(spare_examples.client("moderator"))
    with expect.soft():
        expect.error(response, 403, "jetonomy_forbidden")
        expect_unchanged(seen, read(), response, "the reply")
