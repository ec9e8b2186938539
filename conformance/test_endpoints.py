"""Endpoints: every documented method and path is served (reference: Overview and every
endpoint section).

What an answer holds is the behaviour checks' business; here only what the reference (or the
HTTP convention it builds on) says of every endpoint: it is routed, a valid request succeeds,
a creation tells the new object's id, a deletion answers a deletion status, a single object
is answered bare, and the lists documented as returning "all" items hold them all.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from pytest_jetonomy import expect, lists
from pytest_jetonomy.client import JetonomyClient
from pytest_jetonomy.contract import load_contract
from pytest_jetonomy.factories import TAG_POOL, created, new_id, unique
from pytest_jetonomy.observe import by_id, holding

from .contract_checks import endpoint_case, example_answer
from .examples import Examples

CONTRACT = load_contract()
REDIRECTING = {"spaces.redeem"}
"""GET /invite/{token} "redirects to registration if not logged in": a redirect is legal."""


def _param(endpoint):
    """A test case per endpoint; those that ban new_member run on one xdist worker."""
    return endpoint_case(endpoint)


ENDPOINTS = [_param(e) for e in CONTRACT.endpoints]


@pytest.mark.requirement("JT-EP-002")
@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_route_is_served(endpoint, examples: Examples) -> None:
    """An authorised caller's valid request never meets 404 rest_no_route, 405 or 501 (the
    answer other checks read too, sent once)."""
    response = example_answer(endpoint, examples)
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


@pytest.mark.requirement("JT-EP-008")
@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_valid_request_succeeds(endpoint, examples: Examples) -> None:
    """The catalogue's valid example, sent by an allowed caller, gets a 2xx answer (redeeming
    an invite may also redirect). The admin calls the public endpoints here (an anonymous
    caller's success is JT-AUTH-008's)."""
    response = example_answer(endpoint, examples)
    succeeded = 200 <= response.status < 300 or (
        endpoint.id in REDIRECTING and 300 <= response.status < 400
    )
    wanted = "2xx or 3xx" if endpoint.id in REDIRECTING else "2xx"
    expect.that(
        succeeded,
        f"a {wanted} answer to the valid {endpoint.label} of its caller",
        response,
        kind=f"status {response.status} where {wanted}",
    )


API_PREFIX = "/wp-json/jetonomy/v1"


@pytest.mark.requirement("JT-EP-001")
def test_api_prefix(jetonomy_admin: JetonomyClient, request: pytest.FixtureRequest) -> None:
    """<target>/wp-json/jetonomy/v1/spaces answers a list, and .../posts/{id} of a known post
    that post (the spaces first: the run-wide world needs the prefix too)."""
    spaces = jetonomy_admin.get(f"{jetonomy_admin.target_url}{API_PREFIX}/spaces")
    lists.page_items(
        spaces, f"GET {API_PREFIX}/spaces (the API lives under {API_PREFIX})", subject=True
    )
    world = request.getfixturevalue("world")
    post_id = world["posts"]["public"]
    response = jetonomy_admin.get(f"{jetonomy_admin.target_url}{API_PREFIX}/posts/{post_id}")
    expect.status(response, 200, why=f"the API lives under {API_PREFIX}", subject=True)
    body = expect.json_body(response)
    expect.that(isinstance(body, dict) and body.get("id") == post_id, f"post {post_id}", response)


ADDRESSED_CREATIONS = {
    "posts.create",
    "replies.create",
    "replies.split",
    "spaces.create",
    "categories.create",
    "moderation.flag",
}
"""Creations of objects the API then addresses by id (``/posts/{id}``, ``/replies/{id}``,
``/spaces/{id}``, ``/categories/{id}``, ``/moderation/flags/{id}/resolve``): the caller needs
the new id. An invite is a token, a ban is lifted by the user's id, subscriptions and
bookmarks are removed by what they point at: of those only the status is judged."""
CREATES = [
    _param(e)
    for e in CONTRACT.endpoints
    if e.method == "POST" and sorted(e.response["status"]) == [200, 201]
]


@pytest.mark.requirement("JT-EP-009")
@pytest.mark.parametrize("endpoint", CREATES)
def test_creation_tells_the_new_id(endpoint, examples: Examples) -> None:
    """A creation answers 200 or 201 and tells the new object's id: an integer ``id`` in the
    body or a ``Location`` header ending in it."""
    response = examples.send(endpoint)
    expect.status(response, (200, 201), why=f"creation by {endpoint.label}", subject=True)
    if endpoint.id not in ADDRESSED_CREATIONS:
        return
    body = response.json() if response.is_json and response.text.strip() else None
    found = new_id(response, body)
    expect.that(
        found is not None,
        f"{endpoint.label} to tell the new object's id (an integer id in the body, or a "
        "Location header ending in it)",
        response,
    )


DELETES = [_param(e) for e in CONTRACT.endpoints if e.method == "DELETE"]


@pytest.mark.requirement("JT-EP-010")
@pytest.mark.parametrize("endpoint", DELETES)
def test_deletion_status(endpoint, examples: Examples) -> None:
    """A deletion answers 200, 202 or 204 (with or without a body: what it did is checked by
    the behaviour checks)."""
    response = examples.send(endpoint)
    expect.status(response, (200, 202, 204), why=f"deletion by {endpoint.label}", subject=True)


SINGLE_GETS = [
    _param(e)
    for e in CONTRACT.endpoints
    if e.method == "GET" and not e.response["list"] and e.path.endswith("/{id}")
]


@pytest.mark.requirement("JT-EP-006")
@pytest.mark.parametrize("endpoint", SINGLE_GETS)
def test_single_object_is_bare(endpoint, examples: Examples) -> None:
    """GET of one object answers the object itself, with the id asked for at the top level."""
    wanted = examples.resolve(endpoint.example["path"]["id"])
    response = examples.call(endpoint).send(examples.client("admin"))
    expect.status(response, 200, why=f"{endpoint.label} of an existing object", subject=True)
    body = expect.json_body(response)
    expect.that(
        isinstance(body, dict) and body.get("id") == wanted,
        f"a bare JSON object with the id {wanted} at the top level (not wrapped)",
        response,
    )


# -- lists documented as returning all items --------------------------------------------------
MANY = 21
"""More than the documented default page (20): a list that holds one page only misses some."""

Found = Callable[[list[Any], Any], Any]


def _tags(examples: Examples) -> tuple[list[Any], Found]:
    """MANY tags (of the reused pool: the API cannot delete tags) on one fresh post by member;
    each is found by its slug in some entry of the (global) tag list."""
    slugs = list(TAG_POOL[:MANY])
    examples.new_post("member", tags=slugs)
    return slugs, holding


def _categories(examples: Examples) -> tuple[list[Any], Found]:
    admin = examples.client("admin")
    ids = []
    for _ in range(MANY):
        body = examples.body_for(
            "categories.create",
            "/categories",
            name=f"{unique(examples.prefix)} all-categories",
            description="fresh",
        )
        category_id = created(admin.post("/categories", json=body), "a fresh category")["id"]
        examples.factory.defer(lambda cid=category_id: admin.delete(f"/categories/{cid}"))
        ids.append(category_id)
    return ids, by_id


def _drafts(examples: Examples) -> tuple[list[Any], Found]:
    return [examples.new_post("member", status="draft")[0] for _ in range(MANY)], by_id


def _flags(examples: Examples) -> tuple[list[Any], Found]:
    """MANY open flags, by moderator, each on its own fresh post (by admin): a server may
    well keep one open flag per user and post."""
    moderator = examples.client("moderator")
    ids = []
    for _ in range(MANY):
        post_id, _ = examples.new_post("admin")
        body = examples.body_for(
            "moderation.flag",
            "/flags",
            object_type="post",
            object_id=post_id,
            reason="conformance check",
        )
        flag_id = created(moderator.post("/flags", json=body), "a fresh flag")["id"]
        examples.factory.defer(
            lambda fid=flag_id: moderator.post(f"/moderation/flags/{fid}/resolve")
        )
        ids.append(flag_id)
    return ids, by_id


ALL_ITEMS: dict[str, tuple[str, str, Callable[[Examples], tuple[list[Any], Found]]]] = {
    "tags": ("admin", "/tags", _tags),
    "categories": ("admin", "/categories", _categories),
    "drafts": ("member", "/posts/drafts", _drafts),
    "open flags": ("moderator", "/moderation/flags", _flags),
}
"""The lists the reference documents as returning all items ("Returns all tags used across
the community", "all categories", "all draft posts belonging to the authenticated user",
"all open flags"), with the reader and how the items are made and found. Subscriptions and
bookmarks are not "all" lists (JT-BEHAV-048/049 check them)."""


@pytest.mark.requirement("JT-EP-011")
@pytest.mark.parametrize("kind", [pytest.param(k, id=k) for k in ALL_ITEMS])
def test_list_returns_every_item(kind: str, examples: Examples) -> None:
    """More items than a default page are all in their "all" list, read with no parameters:
    in the one answer, or across the pages that answer announces (X-JT-TotalPages, Link)."""
    role, path, make = ALL_ITEMS[kind]
    wanted, found_in = make(examples)
    response, items, paged = lists.whole_list(
        examples.client(role), path, what=f"GET {path} as {role}"
    )
    missing = [key for key in wanted if found_in(items, key) is None]
    expect.that(
        not missing,
        f"every one of the {len(wanted)} {kind} just created in GET {path}"
        + (" (across the pages it announced)" if paged else " (in its one answer)"),
        response,
        detail=f"missing {len(missing)}: {missing[:10]}",
    )
