"""Endpoints: every documented method and path is served (reference: every endpoint section)."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_jetonomy import expect
from pytest_jetonomy.client import JetonomyClient
from pytest_jetonomy.contract import load_contract
from pytest_jetonomy.factories import TAG_POOL, created, post_payload

from .access import PAGE, list_items
from .examples import Examples

CONTRACT = load_contract()
BAN_ENDPOINTS = {"moderation.ban", "moderation.unban"}
"""Their examples ban new_member (a fresh ban, or the call itself)."""


def _param(endpoint):
    """A test case per endpoint; those that ban new_member run on one xdist worker."""
    marks = [pytest.mark.jetonomy_exhausts_rate_limit] if endpoint.id in BAN_ENDPOINTS else []
    return pytest.param(endpoint, id=endpoint.label, marks=marks)


ENDPOINTS = [_param(e) for e in CONTRACT.endpoints]


@pytest.mark.requirement("JT-EP-002")
@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_route_is_served(endpoint, examples: Examples) -> None:
    """An authorised caller's valid request never meets 404 rest_no_route or 405."""
    response = examples.send(endpoint)
    body = response.json() if response.is_json else None
    routed = not (
        response.status in (405, 501)
        or (
            response.status == 404
            and isinstance(body, dict)
            and body.get("code") == "rest_no_route"
        )
    )
    expect.that(
        routed, f"{endpoint.label} to be routed (not 404 rest_no_route, 405 or 501)", response
    )


@pytest.mark.requirement("JT-EP-003")
@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_valid_request_succeeds(endpoint, examples: Examples) -> None:
    """The catalogue's valid example, sent by an allowed caller, gets a documented success."""
    response = examples.send(endpoint)
    expect.status(response, endpoint.response["status"], why=f"success of {endpoint.label}")


API_PREFIX = "/wp-json/jetonomy/v1"


@pytest.mark.requirement("JT-EP-001")
def test_api_prefix(jetonomy_admin: JetonomyClient, request: pytest.FixtureRequest) -> None:
    """<target>/wp-json/jetonomy/v1/spaces answers a list of spaces, and .../posts/{id} of a
    known post that post (the spaces first: the run-wide world needs the prefix too)."""
    spaces = jetonomy_admin.get(
        f"{jetonomy_admin.target_url}{API_PREFIX}/spaces", params={"limit": 1}
    )
    expect.status(spaces, 200, why=f"the API lives under {API_PREFIX}")
    list_items(spaces)  # the list shape, or the check fails
    world = request.getfixturevalue("world")
    post_id = world["posts"]["public"]
    response = jetonomy_admin.get(f"{jetonomy_admin.target_url}{API_PREFIX}/posts/{post_id}")
    expect.status(response, 200, why=f"the API lives under {API_PREFIX}")
    body = expect.json_body(response)
    expect.that(isinstance(body, dict) and body.get("id") == post_id, f"post {post_id}", response)


CREATES = [
    _param(e)
    for e in CONTRACT.endpoints
    if e.method == "POST" and sorted(e.response["status"]) == [200, 201]
]
ECHOED = (
    "title",
    "name",
    "type",
    "visibility",
    "join_policy",
    "object_type",
    "object_id",
    "post_id",
    "user_id",
    "reason",
    "space_id",
)
"""Request fields a created object carries back unchanged (plain values the suite sends)."""
PATH_ECHOED = {
    "posts.create": ("space_id", "space_id"),
    "replies.create": ("post_id", "post_id"),
    "spaces.invite": ("id", "space_id"),
}
"""Path parameter -> field of the created object."""


@pytest.mark.requirement("JT-EP-004")
@pytest.mark.parametrize("endpoint", CREATES)
def test_create_answers_created_object(endpoint, examples: Examples) -> None:
    """A create answers 200/201 and the created object (its schema, what was sent)."""
    call = examples.call(endpoint)
    response = call.send(examples.client(endpoint.caller))
    if 200 <= response.status < 300:
        examples.undo_later(call, response)
    expect.status(response, (200, 201), why=f"creation by {endpoint.label}")
    body = expect.json_body(response)
    expect.schema(body, endpoint.response["schema"], response)
    sent = dict(call.body or {})
    if endpoint.id in PATH_ECHOED:
        name, field = PATH_ECHOED[endpoint.id]
        sent[field] = examples.resolve(endpoint.example["path"][name])
    for key, value in sent.items():
        if key in ECHOED and key in body:
            expect.that(
                body[key] == value,
                f"the created object to carry {key}={value!r} as sent",
                response,
                detail=f"{key} is {body[key]!r}",
            )


DELETES = [_param(e) for e in CONTRACT.endpoints if e.method == "DELETE"]


@pytest.mark.requirement("JT-EP-005")
@pytest.mark.parametrize("endpoint", DELETES)
def test_delete_reports_deletion(endpoint, examples: Examples) -> None:
    """A delete answers 200, 202 or 204; a body, if any, reports the deletion."""
    response = examples.send(endpoint)
    expect.status(response, (200, 202, 204), why=f"deletion by {endpoint.label}")
    if not response.text.strip():
        return
    body = expect.json_body(response)
    expect.schema(body, endpoint.response["schema"], response)
    if endpoint.response["schema"] == "vote-result":
        expect.that(body["user_vote"] == 0, "user_vote 0 once the vote is removed", response)
    path = endpoint.example.get("path", {})
    if endpoint.response["schema"] == "deleted" and list(path) == ["id"] and "id" in body:
        deleted_id = examples.resolve(path["id"])
        if endpoint.id != "moderation.unban":  # the ban's id or its user's: both readings
            expect.that(
                body["id"] == deleted_id,
                f"the deletion report to name the deleted object {deleted_id}",
                response,
            )


SINGLE_GETS = [
    _param(e)
    for e in CONTRACT.endpoints
    if e.method == "GET" and not e.response["list"] and e.path.endswith("/{id}")
]


@pytest.mark.requirement("JT-EP-006")
@pytest.mark.parametrize("endpoint", SINGLE_GETS)
def test_single_object_is_bare(endpoint, examples: Examples) -> None:
    """GET of one object answers the object itself, with its id at the top level."""
    wanted = examples.resolve(endpoint.example["path"]["id"])
    response = examples.call(endpoint).send(examples.client("admin"))
    expect.status(response, 200, why=f"{endpoint.label} of an existing object")
    body = expect.json_body(response)
    expect.that(
        isinstance(body, dict) and body.get("id") == wanted,
        f"a bare object with id {wanted} at the top level (not wrapped)",
        response,
    )


MANY = 21
"""More than the default page (20): a list that is paginated anyway would miss some."""


def _fresh_tags(examples: Examples) -> tuple[str, set[Any]]:
    """MANY tags (from the reused pool) on one fresh post by member; returns the keys to
    find them by."""
    slugs = list(TAG_POOL[:MANY])
    member = examples.client("member")
    post = created(
        member.post(
            f"/spaces/{examples.world['spaces']['public']}/posts",
            json=post_payload(examples.prefix, examples.factory.faker, tags=slugs),
        ),
        "a fresh post with new tags",
    )
    examples.factory.defer(lambda: examples.client("admin").delete(f"/posts/{post['id']}"))
    attached = [t for t in post.get("tags", []) if isinstance(t, dict)]
    if attached:
        return "id", {t.get("id") for t in attached}
    return "slug", set(slugs)


def _fresh_categories(examples: Examples) -> tuple[str, set[Any]]:
    admin = examples.client("admin")
    ids = set()
    for n in range(MANY):
        category = created(
            admin.post(
                "/categories",
                json={"name": f"{examples.prefix} all-categories {n}", "description": "fresh"},
            ),
            "a fresh category",
        )
        examples.factory.defer(lambda cid=category["id"]: admin.delete(f"/categories/{cid}"))
        ids.add(category["id"])
    return "id", ids


def _fresh_drafts(examples: Examples) -> tuple[str, set[Any]]:
    member = examples.client("member")
    ids = set()
    for _ in range(2):
        draft = created(
            member.post(
                f"/spaces/{examples.world['spaces']['public']}/posts",
                json=post_payload(examples.prefix, examples.factory.faker, status="draft"),
            ),
            "a draft by member",
        )
        examples.factory.defer(lambda pid=draft["id"]: member.delete(f"/posts/{pid}"))
        ids.add(draft["id"])
    return "id", ids


def _fresh_flags(examples: Examples) -> tuple[str, set[Any]]:
    return "id", {examples.fresh("flag")}


def _fresh_marks(examples: Examples, path: str, body_of: Any) -> tuple[str, set[Any]]:
    """Subscriptions or bookmarks of member on two fresh posts (removed afterwards)."""
    member = examples.client("member")
    ids = set()
    post_ids = [examples.fresh("post"), examples.fresh("post_qa")]
    for post_id in post_ids:
        body = body_of(post_id)
        made = created(member.post(path, json=body), f"a fresh {path[1:-1]}")
        examples.factory.defer(lambda body=body: member.delete(path, json=body))
        ids.add(made["id"])
    return "id", ids


ALL_ITEMS = {
    "tags": ("admin", "/tags", _fresh_tags),
    "categories": ("admin", "/categories", _fresh_categories),
    "drafts": ("member", "/posts/drafts", _fresh_drafts),
    "open flags": ("moderator", "/moderation/flags", _fresh_flags),
    "subscriptions": (
        "member",
        "/subscriptions",
        lambda ex: _fresh_marks(
            ex, "/subscriptions", lambda pid: {"object_type": "post", "object_id": pid}
        ),
    ),
    "bookmarks": (
        "member",
        "/bookmarks",
        lambda ex: _fresh_marks(ex, "/bookmarks", lambda pid: {"post_id": pid}),
    ),
}


@pytest.mark.requirement("JT-EP-007")
@pytest.mark.parametrize("kind", [pytest.param(k, id=k) for k in ALL_ITEMS])
def test_list_returns_every_item(kind: str, examples: Examples) -> None:
    """Items just created are all in their "returns all" list (asked for up to 100 items).

    Tags and categories are created 21 at a time: more than a default page of 20.
    """
    role, path, make = ALL_ITEMS[kind]
    key, wanted = make(examples)
    response = examples.client(role).get(path, params={"limit": PAGE})
    expect.status(response, 200, why=f"GET {path}")
    listed = {item.get(key) for item in list_items(response)}
    missing = sorted(wanted - listed, key=str)
    expect.that(
        not missing,
        f"every one of the {len(wanted)} {kind} just created in GET {path}",
        response,
        detail=f"missing ({key}): {missing[:10]}",
    )
