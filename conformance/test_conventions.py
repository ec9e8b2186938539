"""Conventions: the WordPress REST behaviours a jetonomy/v1 server inherits.

Reference: the API lives "under the jetonomy/v1 namespace" of the WordPress REST API
("All endpoints are prefixed with /wp-json/jetonomy/v1"); seeds 000 and 003 for the
WordPress conventions (discovery index, ``?rest_route=``, ``_fields``, ``_envelope``, JSON
bodies with ``Content-Type: application/json``).
"""

from __future__ import annotations

from typing import Any

import pytest

from pytest_jetonomy import expect
from pytest_jetonomy.client import ApiResponse
from pytest_jetonomy.factories import unique
from pytest_jetonomy.lists import page_params
from pytest_jetonomy.observe import Observation, changes, describe
from pytest_jetonomy.routeindex import RouteIndex

from .contract_checks import CONTRACT, NEVER_USED_ID, endpoint_case, success_answer
from .examples import Examples

NAMESPACE = CONTRACT.meta.get("namespace", "jetonomy/v1")
ENDPOINTS = [pytest.param(e, id=e.label) for e in CONTRACT.endpoints]
SAMPLE_PATH_VALUE = {"integer": "123", "string": "sample-value"}


# -- JT-CONV-001 the namespace index -----------------------------------------------------------------
@pytest.fixture(scope="module")
def namespace_index(jetonomy_admin) -> ApiResponse:
    return jetonomy_admin.get("")


def _concrete_path(endpoint: Any) -> str:
    path = endpoint.path
    for param in endpoint.params:
        if param.location == "path":
            value = param.enum[0] if param.enum else SAMPLE_PATH_VALUE.get(param.type, "sample")
            path = path.replace("{" + param.name + "}", str(value))
    return path


@pytest.mark.requirement("JT-CONV-001")
@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_namespace_index_lists_route(endpoint, namespace_index: ApiResponse) -> None:
    """GET /wp-json/jetonomy/v1 lists a route matching the documented path, with its method.

    Route keys are WordPress patterns (``/jetonomy/v1/spaces/(?P<id>[\\d]+)``); the documented
    path with sample values must match one of them in full, and the method be listed there.
    ``args`` may be an object or, for a route without arguments, ``[]`` (WordPress core).
    """
    expect.status(namespace_index, 200, why="the namespace index", subject=True)
    body = expect.json_body(namespace_index)
    expect.that(
        isinstance(body, dict) and isinstance(body.get("routes"), dict),
        "a 'routes' object in the index",
        namespace_index,
    )
    concrete = _concrete_path(endpoint)
    matching = RouteIndex.parse(body, NAMESPACE).matching(concrete)
    expect.that(
        matching,
        f"a route of the index matching {endpoint.path} (tried {concrete})",
        namespace_index,
    )
    methods = set().union(*(route.methods for route in matching))
    expect.that(
        endpoint.method in methods,
        f"{endpoint.method} listed for {endpoint.path}",
        namespace_index,
        detail=f"matching routes: {[(r.key, sorted(r.methods)) for r in matching]}",
    )


# -- JT-CONV-002 ?rest_route= ---------------------------------------------------------------------------
def _rest_route(client: Any, route: str, **params: Any) -> ApiResponse:
    return client.get("/", raw_path=True, params={"rest_route": f"/{NAMESPACE}{route}", **params})


def _json_or_text(response: ApiResponse) -> Any:
    return response.json() if response.is_json else response.text


def _space_with_posts(examples: Examples) -> int:
    """A fresh space holding two posts (so that limit=1 shows in the answer)."""
    space_id = examples.fresh("space")
    for n in (1, 2):
        examples.new_post(
            "admin", space_id, title=f"{unique(examples.prefix)} rest_route {n}", content="<p>x</p>"
        )
    return space_id


@pytest.mark.requirement("JT-CONV-002")
@pytest.mark.parametrize(
    ("route", "query"),
    [
        pytest.param("/posts/{post}", {}, id="GET /posts/{id}"),
        pytest.param(f"/posts/{NEVER_USED_ID}", {}, id="GET /posts/{id} unknown"),
        pytest.param(
            "/spaces/{space}/posts", page_params(limit=1), id="GET /spaces/{space_id}/posts?limit=1"
        ),
        pytest.param("/categories/{category}", {}, id="GET /categories/{id}"),
        pytest.param("", {}, id="GET the namespace index"),
    ],
)
def test_rest_route_is_the_same_route(route, query, examples: Examples) -> None:
    """GET /?rest_route=/jetonomy/v1/... answers like the pretty /wp-json/jetonomy/v1/... path.

    The pretty path is read twice first: what moves between two reads (a view counter, an
    activity timestamp) is left out of the comparison.
    """
    admin = examples.client("admin")
    route = route.format(
        post=examples.fresh("post") if "{post}" in route else 0,
        space=_space_with_posts(examples) if "{space}" in route else 0,
        category=examples.fresh("category") if "{category}" in route else 0,
    )
    pretty: list[ApiResponse] = []

    def read() -> Any:
        pretty.append(admin.get(route, params=query or None))
        return _json_or_text(pretty[-1])

    seen = Observation.take(read)
    plain = _rest_route(admin, route, **query)
    expect.that(
        plain.status == pretty[-1].status,
        f"the same status as the pretty path ({pretty[-1].status})",
        plain,
    )
    expect.that(plain.is_json, "a JSON body, as on the pretty path", plain)
    moved = seen.diff(plain.json())
    expect.that(
        not moved,
        "the same JSON body as the pretty path",
        plain,
        detail=describe(moved),
    )


# -- JT-CONV-003 _fields ---------------------------------------------------------------------------------
FIELD_PICKS = {
    "id only": (True, 0),
    "id and two other fields": (True, 2),
    "two fields without id": (False, 2),
}
"""Which of the full answer's own top-level keys ``_fields`` asks for: ``id`` or not, and
how many of the others (the first ones the answer shows, that do not move between reads)."""


@pytest.mark.requirement("JT-CONV-003")
@pytest.mark.parametrize("pick", list(FIELD_PICKS))
def test_fields_limits_the_answer(pick, examples: Examples) -> None:
    """GET /posts/{id}?_fields=a,b answers exactly those keys, with the full answer's values.

    The keys are the full answer's own (read twice: a key whose value moves on its own, a
    view counter, is not picked), never names the suite assumes.
    """
    admin = examples.client("admin")
    post_id = examples.fresh("post")
    full: list[ApiResponse] = []

    def read() -> Any:
        full.append(expect.status(admin.get(f"/posts/{post_id}"), 200, why="the full post"))
        return expect.json_body(full[-1])

    seen = Observation.take(read)
    expect.that(isinstance(seen.before, dict), "the post as a JSON object", full[-1])
    with_id, others = FIELD_PICKS[pick]
    moving = {path[0] for path in seen.drift if path}
    candidates = [key for key in seen.before if key != "id" and key not in moving]
    if len(candidates) < others:
        pytest.skip(f"the post shows fewer than {others} top-level keys besides id")
    fields = (["id"] if with_id else []) + candidates[:others]
    response = admin.get(f"/posts/{post_id}", params={"_fields": ",".join(fields)})
    expect.status(response, 200, why="_fields is a WordPress global parameter", subject=True)
    body = expect.json_body(response)
    expect.that(
        isinstance(body, dict) and set(body) == set(fields),
        f"exactly the keys {fields}",
        response,
        detail=f"keys: {sorted(body) if isinstance(body, dict) else type(body).__name__}",
    )
    moved = changes(
        {key: seen.before.get(key) for key in fields},
        {key: body.get(key) for key in fields},
        ignore=seen.drift,
    )
    expect.that(
        not moved,
        "the same values as the full post",
        response,
        detail=describe(moved),
    )


# -- JT-CONV-004 _envelope -------------------------------------------------------------------------------
@pytest.mark.requirement("JT-CONV-004")
def test_envelope_wraps_a_success(examples: Examples) -> None:
    """GET /posts/{id}?_envelope: 200 {status: 200, headers: {...}, body: the post}."""
    admin = examples.client("admin")
    post_id = examples.fresh("post")
    response = admin.get(f"/posts/{post_id}", params={"_envelope": "1"})
    expect.status(response, 200, why="an enveloped answer is always sent as 200", subject=True)
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
    expect.status(response, 200, why="an enveloped error is sent as 200 too", subject=True)
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
@pytest.mark.parametrize(
    "endpoint", [endpoint_case(e, requirements=("JT-CONV-005",)) for e in CONTRACT.endpoints]
)
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
    expect.status(namespace_index, 200, subject=True)
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
def test_undocumented_method_is_not_served(method, path, spare_examples: Examples) -> None:
    """An undocumented method on a documented route: 404 or 405, never a success or 5xx."""
    if "{space}" in path:
        path = path.replace("{space}", str(spare_examples.fresh("space")))
    response = spare_examples.client("admin").request(method, path, json_body={})
    spare_examples.answered(response)
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
