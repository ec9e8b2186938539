"""Params: documented parameters are validated, defaulted and accepted as documented.

Reference: "Errors" (400 ``jetonomy_invalid_param``: missing or invalid parameter), the
parameter tables of every endpoint section, and "Pagination" (limit and offset). Every case
starts from the catalogue's valid example sent by an allowed caller, so that the parameter
under test is the only thing wrong.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from pytest_jetonomy import expect
from pytest_jetonomy.factories import TAG_POOL, unique

from .contract_checks import CONTRACT, NEVER_USED_ID, bans, build_call, caller_of, send
from .examples import DROP, Call, Examples

INVALID = "jetonomy_invalid_param"

# Required in the reference's own parameter tables, or meaningless without (which post to
# bookmark?). The four below are the suite's reading of endpoints whose parameters the
# reference does not name; a careful server may take their absence as a default (mark read,
# no reason given, an empty edit), so success is accepted there too (never another error).
MAY_DEFAULT = {
    ("notifications.update", "read"),
    ("replies.update", "content"),
    ("moderation.flag", "reason"),
    ("moderation.ban", "reason"),
}


def _marks(endpoint: Any, *requirements: str) -> list[Any]:
    marks = [pytest.mark.requirement(*requirements)]
    if bans(endpoint):
        marks.append(pytest.mark.jetonomy_exhausts_rate_limit)
    return marks


def _change(call: Call, location: str, **changes: Any) -> Call:
    return call.with_body(**changes) if location == "body" else call.with_query(**changes)


def _send(examples: Examples, endpoint: Any, location: str, **changes: Any) -> Any:
    call = _change(examples.call(endpoint), location, **changes)
    return send(examples, call, caller_of(endpoint))


def _fields(endpoint: Any) -> list[Any]:
    return [p for p in endpoint.params if p.location != "path"]


# -- JT-PARAM-001 missing required parameters ----------------------------------------------------
MISSING = [
    pytest.param(
        e, p.name, p.location, {}, id=f"{e.label} without {p.name}", marks=_marks(e, "JT-PARAM-001")
    )
    for e in CONTRACT.endpoints
    for p in _fields(e)
    if p.required is True
]
# "id: Required when scope is space or post"
UPDATES = CONTRACT.endpoint("updates.poll")
MISSING += [
    pytest.param(
        UPDATES,
        "id",
        "query",
        {"scope": scope},
        id=f"{UPDATES.label} with scope={scope} without id",
        marks=_marks(UPDATES, "JT-PARAM-001"),
    )
    for scope in ("space", "post")
]


@pytest.mark.parametrize(("endpoint", "name", "location", "extra"), MISSING)
def test_missing_required_param_is_refused(endpoint, name, location, extra, examples) -> None:
    """Dropping a required parameter from the valid example: 400 jetonomy_invalid_param."""
    response = _send(examples, endpoint, location, **extra, **{name: DROP})
    if (endpoint.id, name) in MAY_DEFAULT and response.status in endpoint.response["status"]:
        return  # the server took a default for a parameter the reference does not name
    expect.error(response, 400, INVALID)


# -- JT-PARAM-002 wrong types ---------------------------------------------------------------------
WRONG_TYPE_VALUE = {"integer": "abc", "boolean": "not-a-boolean", "array": True}


def _wrong_type_cases() -> list[Any]:
    cases = []
    for e in CONTRACT.endpoints:
        for p in _fields(e):
            if p.type not in WRONG_TYPE_VALUE:
                continue
            extra = (
                {"scope": "space"} if p.required == "conditional" and e.id == "updates.poll" else {}
            )
            cases.append(
                pytest.param(
                    e,
                    p.name,
                    p.location,
                    WRONG_TYPE_VALUE[p.type],
                    extra,
                    id=f"{e.label} {p.name} ({p.type}) given {WRONG_TYPE_VALUE[p.type]!r}",
                    marks=_marks(e, "JT-PARAM-002"),
                )
            )
    return cases


@pytest.mark.parametrize(("endpoint", "name", "location", "value", "extra"), _wrong_type_cases())
def test_wrong_type_is_refused(endpoint, name, location, value, extra, examples) -> None:
    """Text for an integer, a non-boolean for a boolean, a scalar for an array: 400."""
    response = _send(examples, endpoint, location, **extra, **{name: value})
    expect.error(response, 400, INVALID)


# -- JT-PARAM-003 enumerations ----------------------------------------------------------------------
def _enum_cases() -> list[Any]:
    cases = []
    for e in CONTRACT.endpoints:
        for p in e.params:
            if not p.enum:
                continue
            value = 2 if p.type == "integer" else "not-a-documented-value"
            cases.append(
                pytest.param(
                    e,
                    p.name,
                    p.location,
                    value,
                    id=f"{e.label} {p.name}={value}",
                    marks=_marks(e, "JT-PARAM-003"),
                )
            )
    return cases


@pytest.mark.parametrize(("endpoint", "name", "location", "value"), _enum_cases())
def test_value_outside_enum_is_refused(endpoint, name, location, value, examples) -> None:
    """A value outside a documented enumeration: 400 jetonomy_invalid_param.

    In a path (``/moderation/approve/{type}/{id}``) a WordPress route pattern may simply not
    match an undocumented type, so 404 is accepted there as well as 400.
    """
    if location == "path":
        response = send(
            examples, build_call(examples, endpoint, **{name: value}), caller_of(endpoint)
        )
        if response.status == 404:
            expect.error(response, 404)
            return
        expect.error(response, 400, INVALID)
        return
    response = _send(examples, endpoint, location, **{name: value})
    expect.error(response, 400, INVALID)


# -- JT-PARAM-004 limit and offset bounds ----------------------------------------------------------
BOUNDS = [
    pytest.param(e, name, value, id=f"{e.label} {name}={value}", marks=_marks(e, "JT-PARAM-004"))
    for e in CONTRACT.endpoints
    if e.paginated
    for name, value in (("limit", 0), ("limit", -1), ("offset", -1))
    if e.param(name) is not None
]


@pytest.mark.parametrize(("endpoint", "name", "value"), BOUNDS)
def test_page_bounds_are_refused(endpoint, name, value, examples) -> None:
    """limit below 1 and a negative offset: 400 jetonomy_invalid_param."""
    response = _send(examples, endpoint, "query", **{name: value})
    expect.error(response, 400, INVALID)


# -- JT-PARAM-005 dates ---------------------------------------------------------------------------
def _raw(endpoint: Any, name: str) -> dict[str, Any]:
    return next((p for p in endpoint.raw.get("params", []) if p["name"] == name), {})


DATES = [
    pytest.param(
        e, p.name, p.location, id=f"{e.label} {p.name}=yesterday", marks=_marks(e, "JT-PARAM-005")
    )
    for e in CONTRACT.endpoints
    for p in _fields(e)
    if _raw(e, p.name).get("format") == "date-time"
]


@pytest.mark.parametrize(("endpoint", "name", "location"), DATES)
def test_date_that_is_not_iso_8601_is_refused(endpoint, name, location, examples) -> None:
    """A date-time parameter given as "yesterday": 400 jetonomy_invalid_param."""
    extra = {"scope": "global"} if endpoint.id == "updates.poll" else {}
    response = _send(examples, endpoint, location, **extra, **{name: "yesterday"})
    expect.error(response, 400, INVALID)


# -- JT-PARAM-006 every documented optional parameter is accepted ----------------------------------
def _iso(delta: timedelta) -> str:
    return (datetime.now(timezone.utc) + delta).strftime("%Y-%m-%dT%H:%M:%SZ")


def _valid_values(endpoint: Any, param: Any) -> list[tuple[str, dict[str, Any]]]:
    """(label, changes) pairs giving ``param`` a valid value; [] when none is documented."""
    name = param.name
    if param.enum:
        cases = [(f"{name}={v}", {name: v}) for v in param.enum]
        if endpoint.id == "updates.poll" and name == "scope":
            cases = [
                ("scope=global", {"scope": "global"}),
                ("scope=space", {"scope": "space", "id": "@space.public"}),
                ("scope=post", {"scope": "post", "id": "@post.public"}),
            ]
        return cases
    examples_given = _raw(endpoint, name).get("examples")
    if examples_given:
        return [(f"{name}={v}", {name: v}) for v in examples_given]
    fixed: dict[str, Any] = {
        "limit": 5,
        "offset": 1,
        "after": "$cursor",
        "tags": "$tags",
        "published_at": "$past",
        "expires_at": "$future",
        "from_date": "2020-01-01T00:00:00Z",
        "to_date": "$future",
        "space_id": "@space.public",
        "author_id": "@user.member",
        "tag_id": "$tag_id",
        "parent_id": "@category.public" if endpoint.group == "categories" else "@reply.fresh",
        "title": "@text.title",
        "name": "@text.name",
        "description": "@text.title",
        "content": "@text.html",
        "icon": "dashicons-admin-site",
        "slug": "$slug",
        "settings": {"conformance_probe": "@text.word"},
        "display_name": "$display_name",
    }
    if name not in fixed:
        return []
    return [(f"{name}", {name: fixed[name]})]


def _optional_cases() -> list[Any]:
    cases = []
    for e in CONTRACT.endpoints:
        for p in _fields(e):
            if p.required is not False:
                continue  # required, or conditional on settings the suite cannot see
            for label, changes in _valid_values(e, p):
                cases.append(
                    pytest.param(
                        e,
                        p.location,
                        changes,
                        id=f"{e.label} with {label}",
                        marks=_marks(e, "JT-PARAM-006"),
                    )
                )
    return cases


def _special(token: str, endpoint: Any, examples: Examples) -> Any:
    admin = examples.client("admin")
    if token == "$past":
        return _iso(timedelta(minutes=-5))
    if token == "$future":
        return _iso(timedelta(days=1))
    if token == "$slug":
        return unique(examples.prefix).lower() + "-slug"
    if token == "$tags":
        return [TAG_POOL[9]]
    if token == "$display_name":
        me = expect.status(examples.client(caller_of(endpoint)).get("/users/me"), 200)
        return me.json().get("display_name") or "Conformance"
    if token == "$cursor":
        first = examples.call(endpoint).with_query(limit=1).send(admin)
        expect.status(first, 200, why="a first page to take a cursor from")
        if not first.cursor_next:
            pytest.skip("the first page of GET /spaces/{space_id}/posts gave no next cursor")
        return first.cursor_next
    if token == "$tag_id":
        slug = TAG_POOL[10]
        response = admin.post(
            f"/spaces/{examples.world['spaces']['public']}/posts",
            json={"title": f"{slug} post", "content": "<p>tagged</p>", "tags": [slug]},
        )
        expect.status(response, (200, 201), why="a tagged post to search by tag")
        post = response.json()
        examples.factory.defer(lambda: admin.delete(f"/posts/{post['id']}"))
        tags = post.get("tags") or []
        if not tags or not isinstance(tags[0], dict) or "id" not in tags[0]:
            pytest.skip("the created post shows no tag id to filter by")
        return tags[0]["id"]
    raise KeyError(token)


def _resolve(value: Any, endpoint: Any, examples: Examples) -> Any:
    if isinstance(value, str) and value.startswith("$"):
        return _special(value, endpoint, examples)
    return examples.resolve(value)


@pytest.mark.parametrize(("endpoint", "location", "changes"), _optional_cases())
def test_optional_param_is_accepted(endpoint, location, changes, examples) -> None:
    """The valid example plus one documented optional parameter: the documented success.

    Parameters whose valid values the reference does not give (``sort`` of GET /spaces) and
    conditional ones (``captcha_token``, ``invite_token``) are not sent.
    """
    resolved = {k: _resolve(v, endpoint, examples) for k, v in changes.items()}
    response = _send(examples, endpoint, location, **resolved)
    expect.status(response, endpoint.response["status"], why=f"{endpoint.label} with {resolved}")


# -- JT-PARAM-007 status defaults to publish -------------------------------------------------------
@pytest.mark.requirement("JT-PARAM-007")
def test_post_without_status_is_published(examples: Examples) -> None:
    """A post created without status is published and listed in its space."""
    admin = examples.client("admin")
    space_id = examples.fresh("space")
    response = admin.post(
        f"/spaces/{space_id}/posts",
        json={"title": f"{unique(examples.prefix)} default status", "content": "<p>x</p>"},
    )
    expect.status(response, (200, 201), why="creating a post without status")
    post = response.json()
    examples.factory.defer(lambda: admin.delete(f"/posts/{post['id']}"))
    expect.that(post.get("status") == "publish", "the new post's status is 'publish'", response)
    single = expect.status(admin.get(f"/posts/{post['id']}"), 200)
    expect.that(
        single.json().get("status") == "publish", "the post reads back as 'publish'", single
    )
    listed = expect.status(admin.get(f"/spaces/{space_id}/posts", params={"limit": 100}), 200)
    ids = [item.get("id") for item in listed.items if isinstance(item, dict)]
    expect.that(post["id"] in ids, f"post {post['id']} listed in its space", listed)


# -- JT-PARAM-008 search mode defaults to all --------------------------------------------------------
@pytest.mark.requirement("JT-PARAM-008")
def test_search_without_mode_searches_everything(examples: Examples) -> None:
    """A word in a space name, a post title and a reply: no mode finds what mode=all finds."""
    admin = examples.client("admin")
    word = unique(examples.prefix).replace("-", "") + "mq"
    space = admin.post(
        "/spaces",
        json={
            "name": f"{word} space",
            "description": word,
            "visibility": "public",
            "join_policy": "open",
        },
    )
    expect.status(space, (200, 201), why="creating a space to search for")
    space_id = space.json()["id"]
    examples.factory.defer(lambda: admin.delete(f"/spaces/{space_id}"))
    post = admin.post(
        f"/spaces/{space_id}/posts", json={"title": f"{word} post", "content": "<p>p</p>"}
    )
    expect.status(post, (200, 201), why="creating a post to search for")
    post_id = post.json()["id"]
    reply = admin.post(f"/posts/{post_id}/replies", json={"content": f"<p>{word} reply</p>"})
    expect.status(reply, (200, 201), why="creating a reply to search for")

    def found(**query: Any) -> tuple[Any, set[tuple[Any, Any]]]:
        response = expect.status(
            admin.get("/search", params={"q": word, "limit": 100, **query}), 200
        )
        return response, {
            (i.get("type"), i.get("id")) for i in response.items if isinstance(i, dict)
        }

    response_all, with_all = found(mode="all")
    if not with_all:
        pytest.skip(f"search with mode=all found nothing for a fresh word {word!r}")
    response_none, without = found()
    expect.that(
        without == with_all,
        "GET /search without mode returns the results of mode=all",
        response_none,
        detail=f"mode=all: {sorted(map(str, with_all))}; no mode: {sorted(map(str, without))}",
    )


# -- JT-PARAM-009 leaderboard period defaults to all -------------------------------------------------
@pytest.mark.requirement("JT-PARAM-009")
def test_leaderboard_without_period_is_all_time(examples: Examples) -> None:
    """GET /leaderboards and ?period=all rank the same users the same way.

    regular first upvotes a fresh post by member, so that someone has a reputation to rank
    by (on a fresh target everyone could be at 0, and any window would rank alike).
    Reputation changes as other checks vote, so the comparison is retried twice.
    """
    admin = examples.client("admin")
    post_id = examples.fresh("post")  # by member
    vote = examples.client("regular").post(f"/posts/{post_id}/vote", json={"value": 1})
    expect.status(vote, (200, 201), why="an upvote that gives member some reputation")

    def ranking(**query: Any) -> tuple[Any, list[Any]]:
        response = expect.status(admin.get("/leaderboards", params={"limit": 100, **query}), 200)
        rows = [
            ((i.get("user") or {}).get("id"), i.get("reputation"), i.get("rank"))
            for i in response.items
            if isinstance(i, dict)
        ]
        return response, rows

    for _ in range(3):
        response, default = ranking()
        _, all_time = ranking(period="all")
        if default == all_time:
            return
    expect.fail(
        "GET /leaderboards without period ranks like ?period=all",
        response,
        detail=f"no period: {default[:5]}...; period=all: {all_time[:5]}...",
    )


# -- JT-PARAM-010 post sorts -------------------------------------------------------------------------
POSTS_LIST = CONTRACT.endpoint("posts.list")


@pytest.mark.requirement("JT-PARAM-010")
@pytest.mark.parametrize("sort", POSTS_LIST.param("sort").enum or ())
def test_documented_post_sorts_are_accepted(sort, examples: Examples) -> None:
    """GET /spaces/{space_id}/posts?sort=<documented value>: 200 and a list."""
    response = examples.call(POSTS_LIST).with_query(sort=sort).send(examples.client("admin"))
    expect.status(response, 200, why=f"sort={sort}")
    body = expect.json_body(response)
    expect.that(
        isinstance(body, dict) and isinstance(body.get("data"), list),
        "a list body with a data array",
        response,
    )


# -- JT-PARAM-011 tags given as slugs -----------------------------------------------------------------
@pytest.mark.requirement("JT-PARAM-011")
def test_tags_given_as_slugs_are_attached(examples: Examples) -> None:
    """POST with tags [a, b]: the post has tags a and b; PATCH with tags [c]: only c."""
    member = examples.client("member")
    admin = examples.client("admin")
    base = unique(examples.prefix).lower()
    first = list(TAG_POOL[6:8])
    response = member.post(
        f"/spaces/{examples.world['spaces']['public']}/posts",
        json={"title": f"{base} tagged", "content": "<p>t</p>", "tags": first},
    )
    expect.status(response, (200, 201), why="creating a post with tags")
    post_id = response.json()["id"]
    examples.factory.defer(lambda: admin.delete(f"/posts/{post_id}"))

    def slugs(resp: Any) -> set[Any]:
        tags = resp.json().get("tags")
        return (
            {t.get("slug") for t in tags if isinstance(t, dict)}
            if isinstance(tags, list)
            else set()
        )

    expect.that(slugs(response) == set(first), f"the created post has tags {first}", response)
    read = expect.status(admin.get(f"/posts/{post_id}"), 200)
    expect.that(slugs(read) == set(first), f"the post reads back with tags {first}", read)
    second = [TAG_POOL[8]]
    edited = member.patch(f"/posts/{post_id}", json={"tags": second})
    expect.status(edited, 200, why="editing the post's tags")
    read = expect.status(admin.get(f"/posts/{post_id}"), 200)
    expect.that(slugs(read) == set(second), f"after the edit the post has tags {second} only", read)


# -- JT-PARAM-012 no captcha token needed when captcha is off --------------------------------------
@pytest.mark.requirement("JT-PARAM-012")
def test_no_captcha_token_needed(examples: Examples) -> None:
    """A post and a reply without captcha_token are created (captcha disabled on a test site)."""
    post = send(examples, examples.call(CONTRACT.endpoint("posts.create")), "member")
    expect.status(
        post, (200, 201), why="a post without captcha_token (if captcha is on, turn it off)"
    )
    reply = send(examples, examples.call(CONTRACT.endpoint("replies.create")), "member")
    expect.status(
        reply, (200, 201), why="a reply without captcha_token (if captcha is on, turn it off)"
    )


# -- JT-PARAM-013 unknown ids in a body -----------------------------------------------------------------
BODY_IDS = [
    pytest.param(
        e, p.name, id=f"{e.label} {p.name}={NEVER_USED_ID}", marks=_marks(e, "JT-PARAM-013")
    )
    for e in CONTRACT.endpoints
    for p in e.params
    if p.location == "body" and p.type == "integer" and (p.name.endswith("_id"))
]


@pytest.mark.parametrize(("endpoint", "name"), BODY_IDS)
def test_unknown_body_id_is_refused(endpoint, name, examples) -> None:
    """An id that names nothing: 400 jetonomy_invalid_param or 404 jetonomy_not_found."""
    response = _send(examples, endpoint, "body", **{name: NEVER_USED_ID})
    if response.status == 404:
        expect.error(response, 404, "jetonomy_not_found")
    else:
        expect.error(response, (400, 404), (INVALID, "jetonomy_not_found"))
