"""Schemas: every success body has the documented shape and JSON types.

Reference: the field names of each resource section ("vote counts, reply count, tags, and
author info", "settings, member count, and post count"...), the pagination section (list
shape) and seed 002 "On API Correctness" (ids are integers, flags are booleans). The contract's
reading of the fields is schemas/resources/*.json.

Each endpoint's example is sent once per process (``success_answer``); the checks below read
that answer for one promise each: the resource's fields, the list shape, JSON types,
timestamps. Delete answers are not checked: the reference does not describe their body.
"""

from __future__ import annotations

from typing import Any

import pytest

from pytest_jetonomy import expect
from pytest_jetonomy.client import ApiResponse

from .contract_checks import (
    CONTRACT,
    SCHEMA_REQUIREMENT,
    TIMESTAMPS_REQUIREMENT,
    TYPES_REQUIREMENT,
    bans,
    body_problems,
    has_timestamps,
    success_answer,
    success_bodies,
)
from .examples import Examples

CHECKED = [e for e in CONTRACT.endpoints if e.response.get("schema") != "deleted"]


def _param(endpoint: Any, requirement: str) -> Any:
    marks = [pytest.mark.requirement(requirement)]
    if bans(endpoint):
        marks.append(pytest.mark.jetonomy_exhausts_rate_limit)
    return pytest.param(endpoint, id=endpoint.label, marks=marks)


def report(requirement: str, name: str, response: ApiResponse, shown: list[str]) -> None:
    more = f" (+{len(shown) - 3} more)" if len(shown) > 3 else ""
    expect.fail(
        f"a body matching the '{name}' schema (schemas/resources/{name}.json)",
        response,
        requirement=requirement,
        detail="; ".join(shown[:3]) + more,
    )


def check(requirement: str, name: str, pairs: list[tuple[str, Any]], response: ApiResponse) -> None:
    """Fail with the problems of ``requirement`` found in any of the bodies."""
    shown: list[str] = []
    for where, body in pairs:
        shown += body_problems(body, name, where).get(requirement, [])
    if shown:
        report(requirement, name, response, shown)


@pytest.mark.parametrize(
    "endpoint", [_param(e, SCHEMA_REQUIREMENT[e.response["schema"]]) for e in CHECKED]
)
def test_success_body_has_resource_fields(endpoint, examples: Examples) -> None:
    """The success body (or every list item) has the resource's fields and values.

    JSON types of integers and booleans and timestamp formats are reported by their own
    checks (JT-SCHEMA-025, JT-SCHEMA-026).
    """
    name = endpoint.response["schema"]
    response = success_answer(endpoint, examples)
    check(SCHEMA_REQUIREMENT[name], name, success_bodies(endpoint, response), response)


LISTS = [_param(e, SCHEMA_REQUIREMENT["list"]) for e in CHECKED if e.response.get("list")]


@pytest.mark.parametrize("endpoint", LISTS)
def test_list_has_list_shape(endpoint, examples: Examples) -> None:
    """A list answer is {data: [...], meta: {count, has_more, cursor_next, total, offset}}."""
    response = success_answer(endpoint, examples)
    body = expect.json_body(response)
    shown = [p for problems in body_problems(body, "list").values() for p in problems]
    if shown:
        report(SCHEMA_REQUIREMENT["list"], "list", response, shown)


@pytest.mark.parametrize("endpoint", [_param(e, TYPES_REQUIREMENT) for e in CHECKED])
def test_ids_counts_and_flags_are_json_integers_and_booleans(endpoint, examples) -> None:
    """Integer fields are JSON integers (not "5", 5.0 or true); flags are true/false, not 0/1."""
    name = endpoint.response["schema"]
    response = success_answer(endpoint, examples)
    check(TYPES_REQUIREMENT, name, success_bodies(endpoint, response), response)
    if endpoint.response.get("list"):
        check(TYPES_REQUIREMENT, "list", [("body", expect.json_body(response))], response)


TIMESTAMPED = [
    _param(e, TIMESTAMPS_REQUIREMENT) for e in CHECKED if has_timestamps(e.response["schema"])
]


@pytest.mark.parametrize("endpoint", TIMESTAMPED)
def test_timestamps_are_iso_8601(endpoint, examples: Examples) -> None:
    """created_at, updated_at and the other ..._at fields are ISO 8601 date-time strings."""
    name = endpoint.response["schema"]
    response = success_answer(endpoint, examples)
    check(TIMESTAMPS_REQUIREMENT, name, success_bodies(endpoint, response), response)


@pytest.mark.requirement("JT-SCHEMA-024")
def test_namespace_index_matches_schema(jetonomy_admin) -> None:
    """GET /wp-json/jetonomy/v1 answers the WordPress discovery shape."""
    response = jetonomy_admin.get("")
    expect.status(response, 200, why="the namespace index")
    body = expect.json_body(response)
    shown = [p for problems in body_problems(body, "namespace-index").values() for p in problems]
    if shown:
        report("JT-SCHEMA-024", "namespace-index", response, shown)


@pytest.mark.requirement("JT-SCHEMA-027")
def test_embedded_author_is_the_author(examples: Examples) -> None:
    """A post by member and a reply by regular embed their own author, single and listed."""
    admin = examples.client("admin")
    member_id = examples.user_id("member")
    regular_id = examples.user_id("regular")
    post_id = examples.fresh("post")  # by member
    reply_id = examples.fresh("reply")  # by regular, on that post

    def same(obj: dict[str, Any], user_id: int, what: str, response: ApiResponse) -> None:
        author = obj.get("author") if isinstance(obj.get("author"), dict) else {}
        expect.that(
            obj.get("author_id") == user_id and author.get("id") == user_id,
            f"{what}: author_id and author.id both equal the creator's id {user_id}",
            response,
            detail=f"author_id={obj.get('author_id')!r}, author.id={author.get('id')!r}",
        )

    single = expect.status(admin.get(f"/posts/{post_id}"), 200)
    same(single.json(), member_id, f"post {post_id}", single)
    listed = expect.status(admin.get(f"/users/{member_id}/posts", params={"limit": 100}), 200)
    for item in listed.items:
        if isinstance(item, dict) and item.get("id") == post_id:
            same(item, member_id, f"post {post_id} in GET /users/{{id}}/posts", listed)
    replies = expect.status(admin.get(f"/posts/{post_id}/replies", params={"limit": 100}), 200)
    mine = [r for r in replies.items if isinstance(r, dict) and r.get("id") == reply_id]
    expect.that(mine, f"reply {reply_id} listed on its post", replies)
    same(mine[0], regular_id, f"reply {reply_id}", replies)
