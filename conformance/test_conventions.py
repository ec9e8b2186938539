"""Conventions: the WordPress REST behaviours a jetonomy/v1 server inherits.

Reference: the API lives "under the jetonomy/v1 namespace" of the WordPress REST API
("All endpoints are prefixed with /wp-json/jetonomy/v1"); seeds 000 and 003 for the
WordPress conventions (discovery index, ``?rest_route=``, ``_fields``, ``_envelope``, JSON
bodies with ``Content-Type: application/json``).
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from pytest_jetonomy import expect
from pytest_jetonomy.client import ApiResponse
from pytest_jetonomy.factories import unique

from .contract_checks import CONTRACT, NEVER_USED_ID, bans, success_answer
from .examples import Examples

NAMESPACE = CONTRACT.meta.get("namespace", "jetonomy/v1")
ENDPOINTS = [pytest.param(e, id=e.label) for e in CONTRACT.endpoints]
SAMPLE_PATH_VALUE = {"integer": "123", "string": "sample-value"}


# -- JT-CONV-001 the namespace index -----------------------------------------------------------------
@pytest.fixture(scope="module")
def namespace_index(jetonomy_admin) -> ApiResponse:
    return jetonomy_admin.get("")


def _route_regex(key: str) -> re.Pattern[str] | None:
    """A WordPress route key as a regular expression over paths after the namespace."""
    prefix = "/" + NAMESPACE
    if not key.startswith(prefix):
        return None
    pattern = key[len(prefix) :] or "/"
    pattern = re.sub(r"\(\?<(?=[A-Za-z_])", "(?P<", pattern)  # PCRE named groups
    try:
        return re.compile(pattern.rstrip("$").lstrip("^"), re.IGNORECASE)
    except re.error:
        return re.compile(re.escape(re.sub(r"\(\?P<\w+>[^/]*\)", "x", pattern)))


def _concrete_path(endpoint: Any) -> str:
    path = endpoint.path
    for param in endpoint.params:
        if param.location == "path":
            value = param.enum[0] if param.enum else SAMPLE_PATH_VALUE.get(param.type, "sample")
            path = path.replace("{" + param.name + "}", str(value))
    return path


def _methods(entry: Any) -> set[str]:
    methods = (
        {str(m).upper() for m in entry.get("methods", [])} if isinstance(entry, dict) else set()
    )
    for sub in entry.get("endpoints", []) if isinstance(entry, dict) else []:
        if isinstance(sub, dict):
            methods |= {str(m).upper() for m in sub.get("methods", [])}
    return methods


@pytest.mark.requirement("JT-CONV-001")
@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_namespace_index_lists_route(endpoint, namespace_index: ApiResponse) -> None:
    """GET /wp-json/jetonomy/v1 lists a route matching the documented path, with its method.

    Route keys are WordPress patterns (``/jetonomy/v1/spaces/(?P<id>[\\d]+)``); the documented
    path with sample values must match one of them in full, and the method be listed there.
    """
    expect.status(namespace_index, 200, why="the namespace index")
    body = expect.json_body(namespace_index)
    routes = body.get("routes") if isinstance(body, dict) else None
    expect.that(isinstance(routes, dict), "a 'routes' object in the index", namespace_index)
    concrete = _concrete_path(endpoint)
    matching = []
    for key, entry in routes.items():
        regex = _route_regex(str(key))
        if regex is not None and regex.fullmatch(concrete):
            matching.append((key, _methods(entry)))
    expect.that(
        matching,
        f"a route of the index matching {endpoint.path} (tried {concrete})",
        namespace_index,
    )
    methods = set().union(*(m for _, m in matching))
    expect.that(
        endpoint.method in methods,
        f"{endpoint.method} listed for {endpoint.path}",
        namespace_index,
        detail=f"matching routes: {[(k, sorted(m)) for k, m in matching]}",
    )


# -- JT-CONV-002 ?rest_route= ---------------------------------------------------------------------------
def _rest_route(client: Any, route: str, **params: Any) -> ApiResponse:
    return client.get("/", raw_path=True, params={"rest_route": f"/{NAMESPACE}{route}", **params})


def _space_with_posts(examples: Examples) -> int:
    """A fresh space holding two posts (so that limit=1 shows in the answer)."""
    admin = examples.client("admin")
    space_id = examples.fresh("space")
    for n in (1, 2):
        response = admin.post(
            f"/spaces/{space_id}/posts",
            json={"title": f"{unique(examples.prefix)} rest_route {n}", "content": "<p>x</p>"},
        )
        expect.status(response, (200, 201), why="a post in the space to list")
        post_id = response.json()["id"]
        examples.factory.defer(lambda post_id=post_id: admin.delete(f"/posts/{post_id}"))
    return space_id


@pytest.mark.requirement("JT-CONV-002")
@pytest.mark.parametrize(
    ("route", "query"),
    [
        pytest.param("/posts/{post}", {}, id="GET /posts/{id}"),
        pytest.param(f"/posts/{NEVER_USED_ID}", {}, id="GET /posts/{id} unknown"),
        pytest.param(
            "/spaces/{space}/posts", {"limit": 1}, id="GET /spaces/{space_id}/posts?limit=1"
        ),
        pytest.param("/categories/{category}", {}, id="GET /categories/{id}"),
        pytest.param("", {}, id="GET the namespace index"),
    ],
)
def test_rest_route_is_the_same_route(route, query, examples: Examples) -> None:
    """GET /?rest_route=/jetonomy/v1/... answers like the pretty /wp-json/jetonomy/v1/... path."""
    admin = examples.client("admin")
    route = route.format(
        post=examples.fresh("post") if "{post}" in route else 0,
        space=_space_with_posts(examples) if "{space}" in route else 0,
        category=examples.fresh("category") if "{category}" in route else 0,
    )
    pretty = admin.get(route, params=query or None)
    plain = _rest_route(admin, route, **query)
    expect.that(
        plain.status == pretty.status,
        f"the same status as the pretty path ({pretty.status})",
        plain,
    )
    same = plain.is_json and pretty.is_json and plain.json() == pretty.json()
    expect.that(same, "the same JSON body as the pretty path", plain, detail=pretty.text[:300])


# -- JT-CONV-003 _fields ---------------------------------------------------------------------------------
@pytest.mark.requirement("JT-CONV-003")
@pytest.mark.parametrize("fields", [("id", "title"), ("id",), ("title", "author_id", "space_id")])
def test_fields_limits_the_answer(fields, examples: Examples) -> None:
    """GET /posts/{id}?_fields=a,b answers exactly those fields, with their values."""
    admin = examples.client("admin")
    post_id = examples.fresh("post")
    full = expect.status(admin.get(f"/posts/{post_id}"), 200).json()
    response = admin.get(f"/posts/{post_id}", params={"_fields": ",".join(fields)})
    expect.status(response, 200, why="_fields is a WordPress global parameter")
    body = expect.json_body(response)
    expect.that(
        isinstance(body, dict) and set(body) == set(fields),
        f"exactly the fields {list(fields)}",
        response,
    )
    expect.that(
        all(body[f] == full.get(f) for f in fields),
        "the same values as the full post",
        response,
    )


# -- JT-CONV-004 _envelope -------------------------------------------------------------------------------
@pytest.mark.requirement("JT-CONV-004")
def test_envelope_wraps_a_success(examples: Examples) -> None:
    """GET /posts/{id}?_envelope: 200 {status: 200, headers: {...}, body: the post}."""
    admin = examples.client("admin")
    post_id = examples.fresh("post")
    response = admin.get(f"/posts/{post_id}", params={"_envelope": "1"})
    expect.status(response, 200, why="an enveloped answer is always sent as 200")
    body = expect.json_body(response)
    ok = (
        isinstance(body, dict)
        and body.get("status") == 200
        and isinstance(body.get("headers"), dict)
        and isinstance(body.get("body"), dict)
        and body["body"].get("id") == post_id
    )
    expect.that(ok, f"{{status: 200, headers: {{...}}, body: post {post_id}}}", response)


@pytest.mark.requirement("JT-CONV-004")
def test_envelope_wraps_an_error(examples: Examples) -> None:
    """GET /posts/<unknown>?_envelope: 200 {status: 404, body: the error envelope}."""
    admin = examples.client("admin")
    response = admin.get(f"/posts/{NEVER_USED_ID}", params={"_envelope": "1"})
    expect.status(response, 200, why="an enveloped error is sent as 200 too")
    body = expect.json_body(response)
    inner = body.get("body") if isinstance(body, dict) else None
    ok = (
        isinstance(body, dict)
        and body.get("status") == 404
        and isinstance(body.get("headers"), dict)
        and isinstance(inner, dict)
        and inner.get("code") == "jetonomy_not_found"
    )
    expect.that(
        ok, "{status: 404, headers: {...}, body: {code: jetonomy_not_found, ...}}", response
    )


# -- JT-CONV-005 JSON answers ---------------------------------------------------------------------------
def _json_case(endpoint: Any) -> Any:
    marks = [pytest.mark.requirement("JT-CONV-005")]
    if bans(endpoint):
        marks.append(pytest.mark.jetonomy_exhausts_rate_limit)
    return pytest.param(endpoint, id=endpoint.label, marks=marks)


@pytest.mark.parametrize("endpoint", [_json_case(e) for e in CONTRACT.endpoints])
def test_success_is_json(endpoint, examples: Examples) -> None:
    """Every example's success answer with a body is served as application/json, and parses."""
    response = success_answer(endpoint, examples)
    if response.status == 204 or not response.text.strip():
        return
    expect.that(
        response.content_type.lower().startswith("application/json"),
        "Content-Type application/json",
        response,
        detail=f"Content-Type is {response.content_type!r}",
    )
    expect.json_body(response)


@pytest.mark.requirement("JT-CONV-005")
def test_namespace_index_is_json(namespace_index: ApiResponse) -> None:
    expect.status(namespace_index, 200)
    expect.that(
        namespace_index.content_type.lower().startswith("application/json"),
        "Content-Type application/json",
        namespace_index,
    )


# -- JT-CONV-006 malformed JSON ------------------------------------------------------------------------
@pytest.mark.requirement("JT-CONV-006")
@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(b"{bad", id="{bad"),
        pytest.param(b'{"title": "t", "content": ', id="truncated object"),
    ],
)
def test_malformed_json_is_refused(raw, examples: Examples) -> None:
    """POST /spaces/{space_id}/posts with Content-Type application/json and a broken body: 400."""
    member = examples.client("member")
    response = member.request(
        "POST",
        f"/spaces/{examples.world['spaces']['public']}/posts",
        data=raw,
        headers={"Content-Type": "application/json"},
    )
    expect.error(response, 400, ("rest_invalid_json", "jetonomy_invalid_param"))


@pytest.mark.requirement("JT-CONV-006")
@pytest.mark.parametrize("target", ["PATCH /posts/{id}", "PATCH /users/me"])
def test_malformed_json_is_refused_where_no_param_is_required(target, examples: Examples) -> None:
    """A broken JSON body on an edit that needs no parameter: 400, not an empty edit.

    A server that ignored the unparsable body would answer these with a success.
    """
    member = examples.client("member")
    path = f"/posts/{examples.fresh('post')}" if "posts" in target else "/users/me"
    response = member.request(
        "PATCH",
        path,
        data=b'{"title": "' + unique(examples.prefix).encode() + b'"',
        headers={"Content-Type": "application/json"},
    )
    expect.error(response, 400, ("rest_invalid_json", "jetonomy_invalid_param"))


# -- JT-CONV-007 unknown routes and methods ---------------------------------------------------------------
@pytest.mark.requirement("JT-CONV-007")
def test_unknown_route_is_not_found(examples: Examples) -> None:
    """GET /wp-json/jetonomy/v1/no-such-route: a 404 error envelope."""
    response = examples.client("admin").get("/no-such-route")
    expect.error(response, 404)


@pytest.mark.requirement("JT-CONV-007")
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("PUT", "/tags"),
        ("DELETE", "/search"),
        ("POST", "/leaderboards"),
        ("PATCH", "/tags"),
        ("DELETE", "/categories"),
        ("PUT", "/spaces/{space}"),
    ],
    ids=lambda v: v,
)
def test_undocumented_method_is_not_served(method, path, examples: Examples) -> None:
    """An undocumented method on a documented route: 404 or 405, never a success or 5xx."""
    if "{space}" in path:
        path = path.replace("{space}", str(examples.fresh("space")))
    response = examples.client("admin").request(method, path, json_body={})
    expect.status(response, (404, 405), why=f"{method} is not a documented method of this route")


# -- JT-CONV-008 non-numeric ids --------------------------------------------------------------------------
NUMERIC_SLOTS = [
    pytest.param(e, p.name, id=f"{e.label} {p.name}=abc")
    for e in CONTRACT.endpoints
    for p in e.params
    if p.location == "path" and p.type == "integer"
]


@pytest.mark.requirement("JT-CONV-008")
@pytest.mark.parametrize(("endpoint", "name"), NUMERIC_SLOTS)
def test_non_numeric_id_does_not_match(endpoint, name, examples: Examples) -> None:
    """``abc`` in a numeric path slot, sent by the admin: 404 (the route does not match, as in
    WordPress core) or 400 (as WordPress.com answers ``invalid_input``), in the envelope."""
    path = endpoint.path.replace("{" + name + "}", "abc")
    for param in endpoint.params:
        if param.location == "path" and param.name != name:
            value = param.enum[0] if param.enum else "1"
            path = path.replace("{" + param.name + "}", str(value))
    body = None if endpoint.method == "GET" else {}
    response = examples.client("admin").request(endpoint.method, path, json_body=body)
    expect.error(response, (404, 400))
