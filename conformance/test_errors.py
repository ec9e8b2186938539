"""Errors: every error answer has the documented envelope, status and code; no 5xx.

Reference: "Errors" ("All errors follow a consistent JSON format": ``code``, ``message``,
``data.status``; the table of common codes and their HTTP statuses). The 429 answer is
checked by the rate-limit checks (it takes an exhausted bucket).
"""

from __future__ import annotations

from typing import Any

import pytest

from pytest_jetonomy import expect
from pytest_jetonomy.client import ApiResponse
from pytest_jetonomy.factories import unique
from pytest_jetonomy.lists import LIMIT_PARAM

from .contract_checks import CONTRACT, NEVER_USED_ID, cached, endpoint_case, endpoint_marks
from .examples import Call, Examples

HUGE_PATH_ID = "99999999999999999999999999"
BROKEN_JSON = b'{"title": "x", '

# (id, role, method, path, query, body). "@..." values are the suite's objects; a bytes body
# is sent as it is with Content-Type application/json.
TRIGGERS = [
    (
        "400 missing title",
        "member",
        "POST",
        "/spaces/{@space.public}/posts",
        None,
        {"content": "<p>x</p>"},
    ),
    ("400 limit is text", "admin", "GET", "/spaces", {LIMIT_PARAM: "abc"}, None),
    (
        "400 unknown sort",
        "admin",
        "GET",
        "/spaces/{@space.public}/posts",
        {"sort": "sideways"},
        None,
    ),
    ("400 vote value 7", "regular", "POST", "/posts/{@post.fresh}/vote", None, {"value": 7}),
    ("400 malformed JSON", "member", "POST", "/spaces/{@space.public}/posts", None, BROKEN_JSON),
    ("401 anonymous profile", "anonymous", "GET", "/users/me", None, None),
    (
        "401 anonymous post",
        "anonymous",
        "POST",
        "/spaces/{@space.public}/posts",
        None,
        {"title": "t", "content": "c"},
    ),
    ("403 member creates a space", "member", "POST", "/spaces", None, {"name": "@text.name"}),
    (
        "403 regular edits member's post",
        "regular",
        "PATCH",
        "/posts/{@post.fresh}",
        None,
        {"title": "@text.title"},
    ),
    ("403 member pins a post", "member", "POST", "/posts/{@post.fresh}/pin", None, None),
    ("404 unknown post", "admin", "GET", f"/posts/{NEVER_USED_ID}", None, None),
    ("404 unknown user", "admin", "GET", f"/users/{NEVER_USED_ID}", None, None),
    ("404 unknown category", "admin", "GET", f"/categories/{NEVER_USED_ID}", None, None),
    ("404 unknown route", "admin", "GET", "/no-such-route", None, None),
]


def _fill(path: str, examples: Examples) -> str:
    while "{@" in path:
        start = path.index("{@")
        end = path.index("}", start)
        path = path[:start] + str(examples.resolve(path[start + 1 : end])) + path[end + 1 :]
    return path


def error_answer(trigger: tuple[Any, ...], examples: Examples) -> ApiResponse:
    """The trigger's answer (sent once per process); skips if it was no error here."""
    name, role, method, path, query, body = trigger

    def make() -> ApiResponse:
        client = examples.client(role)
        if isinstance(body, bytes):
            return client.request(
                method,
                _fill(path, examples),
                params=query,
                data=body,
                headers={"Content-Type": "application/json"},
            )
        return client.request(
            method, _fill(path, examples), params=query, json_body=examples.resolve(body)
        )

    response = cached(f"{examples.prefix}:error:{name}", make)
    if not 400 <= response.status < 500:
        pytest.skip(f"the trigger '{name}' caused no 4xx error here (HTTP {response.status})")
    return response


def _triggers(requirement: str) -> Any:
    return pytest.mark.parametrize(
        "trigger",
        [pytest.param(t, id=t[0], marks=pytest.mark.requirement(requirement)) for t in TRIGGERS],
    )


@_triggers("JT-ERR-001")
def test_error_has_the_envelope(trigger, examples: Examples) -> None:
    """{"code": string, "message": string, "data": {"status": int}}."""
    response = error_answer(trigger, examples)
    body = expect.json_body(response)
    problems = expect.envelope_problems(body)
    expect.that(
        problems is None,
        "the error envelope {code: string, message: string, data: {status: int}}",
        response,
        detail=problems,
    )


def _envelope(response: ApiResponse) -> dict[str, Any]:
    body = response.json() if response.is_json else None
    if expect.envelope_problems(body) is not None:
        pytest.skip("the answer has no error envelope (JT-ERR-001 reports it)")
    return body


@_triggers("JT-ERR-002")
def test_error_status_matches_http_status(trigger, examples: Examples) -> None:
    """data.status equals the HTTP status of the answer."""
    response = error_answer(trigger, examples)
    body = _envelope(response)
    expect.that(
        body["data"]["status"] == response.status,
        f"data.status equal to the HTTP status {response.status}",
        response,
        detail=f"data.status is {body['data']['status']!r}",
    )


@_triggers("JT-ERR-004")
def test_documented_code_has_documented_status(trigger, examples: Examples) -> None:
    """A documented code (jetonomy_invalid_param...) comes with its documented HTTP status."""
    response = error_answer(trigger, examples)
    body = _envelope(response)
    documented = CONTRACT.error_codes.get(body["code"])
    expect.that(
        documented is None or documented == response.status,
        f"code {body['code']} sent with its documented status {documented}",
        response,
    )


@_triggers("JT-ERR-005")
def test_error_is_json(trigger, examples: Examples) -> None:
    """Error answers are served with Content-Type application/json."""
    response = error_answer(trigger, examples)
    expect.that(
        response.content_type.lower().startswith("application/json"),
        "an error served as JSON (Content-Type application/json)",
        response,
        detail=f"Content-Type is {response.content_type!r}",
    )


@_triggers("JT-ERR-007")
def test_error_message_is_text(trigger, examples: Examples) -> None:
    """The message is a non-empty human-readable string."""
    response = error_answer(trigger, examples)
    body = response.json() if response.is_json else None
    message = body.get("message") if isinstance(body, dict) else None
    expect.that(
        isinstance(message, str) and message.strip() != "",
        "a non-empty, human-readable message",
        response,
    )


# -- JT-ERR-003 unknown ids in the path ---------------------------------------------------------------
UNKNOWN_IDS = [
    pytest.param(
        e,
        p.name,
        id=f"{e.label} {p.name}={NEVER_USED_ID}",
        marks=endpoint_marks(e, "JT-ERR-003"),
    )
    for e in CONTRACT.endpoints
    for p in e.params
    if p.location == "path" and p.type == "integer"
]


@pytest.mark.parametrize(("endpoint", "name"), UNKNOWN_IDS)
def test_unknown_path_id_is_not_found(endpoint, name, spare_examples: Examples) -> None:
    """The valid example with a never-used id, sent by the admin: 404 jetonomy_not_found.

    The admin may act on every object, so permission can be no reason to answer otherwise.
    """
    call = spare_examples.call(endpoint, **{name: NEVER_USED_ID})  # its body fitted once, there
    response = spare_examples.send_call(call, "admin")
    expect.error(response, 404, "jetonomy_not_found")


# -- JT-ERR-006 junk never causes a 5xx ------------------------------------------------------------------
JUNK_QUERY = {
    "huge number": "1" + "0" * 30,
    "negative": "-1",
    "empty": "",
    "very long": "x" * 4000,
    "unicode": "Zażółć gęślą jaźń 日本語 🎉 \u202eمرحبا",
    "repeated": ["a", "b"],
}
JUNK_BODY = {
    "huge number": 10**30,
    "negative": -1,
    "float": 1.5,
    "empty": "",
    "very long": "x" * 20000,
    "unicode": "Zażółć gęślą jaźń 日本語 🎉 \u202eمرحبا\u0000",
    "lone surrogate": "\ud800x",
    "null": None,
    "nested": {"nested": [1, {"deep": None}]},
}


def _junk_cases() -> list[Any]:
    return [endpoint_case(e, requirements=("JT-ERR-006",)) for e in CONTRACT.endpoints]


def _junk_body_names(endpoint: Any, base: Call) -> list[str]:
    """The body parameters given junk: the documented ones, and those of the example body as
    it was fitted to the server's route index (an undocumented body under the server's own
    names, never the suite's guess of them)."""
    documented = [p.name for p in endpoint.params if p.location == "body" and p.documented]
    return list(dict.fromkeys(documented + list(base.body or {})))


def _junk_calls(endpoint: Any, examples: Examples) -> list[tuple[str, Any, dict[str, Any]]]:
    """(what, call, send kwargs) of the junk sent to one endpoint."""
    out: list[tuple[str, Any, dict[str, Any]]] = []
    base = examples.call(endpoint)
    for param in endpoint.params:
        if param.location == "query":
            for kind, value in JUNK_QUERY.items():
                out.append((f"{param.name} {kind}", base.with_query(**{param.name: value}), {}))
        elif param.location == "path" and param.type == "integer":
            call = examples.call(endpoint, **{param.name: HUGE_PATH_ID})
            out.append((f"path {param.name} huge", call, {}))
        elif param.location == "path":
            call = examples.call(endpoint, **{param.name: "%E2%80%AE%F0%9F%8E%89" + "y" * 300})
            out.append((f"path {param.name} unicode", call, {}))
    for name in _junk_body_names(endpoint, base):
        for kind, value in JUNK_BODY.items():
            out.append((f"{name} {kind}", base.with_body(**{name: value}), {}))
    if endpoint.method in ("POST", "PATCH", "DELETE"):
        out.append(
            (
                "malformed JSON",
                base,
                {"data": b'{"a": [1, ', "headers": {"Content-Type": "application/json"}},
            )
        )
        out.append(("JSON array body", base, {"json_body": [1, 2, 3]}))
    return out


@pytest.mark.parametrize("endpoint", _junk_cases())
def test_junk_input_is_no_server_error(endpoint, spare_examples: Examples) -> None:
    """Huge numbers, negative, empty, very long and unicode strings, wrong types, malformed
    JSON: one parameter at a time on the valid example, sent by the admin; never a 5xx."""
    admin = spare_examples.client("admin")
    for what, call, kwargs in _junk_calls(endpoint, spare_examples):
        if "data" in kwargs or "json_body" in kwargs:
            response = admin.request(call.method, call.path, params=call.query or None, **kwargs)
            spare_examples.answered(response)
        else:
            response = call.send(admin)
            if 200 <= response.status < 300:
                spare_examples.undo_later(call, response)
        expect.that(
            response.status < 500,
            f"no server error for junk input ({what})",
            response,
        )


# -- JT-ERR-008 unknown token and login -------------------------------------------------------------------
@pytest.mark.requirement("JT-ERR-008")
def test_unknown_invite_token_is_not_found(examples: Examples) -> None:
    """GET /invite/<a token never issued> as member: 404 jetonomy_not_found."""
    token = unique(examples.prefix).replace("-", "") + "0notatoken"
    response = examples.client("member").get(f"/invite/{token}")
    expect.error(response, 404, "jetonomy_not_found")


@pytest.mark.requirement("JT-ERR-008")
def test_unknown_login_is_not_found(examples: Examples) -> None:
    """GET /users/by-login/<a login nobody has>: 404 jetonomy_not_found."""
    login = unique(examples.prefix) + "-nobody"
    response = examples.client("admin").get(f"/users/by-login/{login}")
    expect.error(response, 404, "jetonomy_not_found")
