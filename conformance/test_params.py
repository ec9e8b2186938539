"""Params: documented parameters are validated, defaulted and accepted as documented.

Reference: "Errors" (400 ``jetonomy_invalid_param``: missing or invalid parameter), the
parameter tables of every endpoint section, and "Pagination" (limit and offset). Every case
starts from the catalogue's valid example sent by an allowed caller, so that the parameter
under test is the only thing wrong. Only the parameters the reference documents are
parametrised (``Param.documented``): the others are the suite's reading of a body the
reference does not describe, and a server may name them otherwise.

No check reads a response field by name (but ``id``): a default, a tag or a search result
is observed by value (the id or slug the suite holds) or by comparing whole answers.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from pytest_jetonomy import adaptations, expect, lists, spellings
from pytest_jetonomy.clock import iso
from pytest_jetonomy.factories import TAG_POOL, created, unique, unique_word
from pytest_jetonomy.observe import by_id, holding, identity, where

from .contract_checks import CONTRACT, NEVER_USED_ID, caller_of, endpoint_marks
from .examples import DROP, Call, Examples

INVALID = "jetonomy_invalid_param"


def _change(call: Call, location: str, **changes: Any) -> Call:
    return call.with_body(**changes) if location == "body" else call.with_query(**changes)


def _send(examples: Examples, endpoint: Any, location: str, **changes: Any) -> Any:
    call = _change(examples.call(endpoint), location, **changes)
    return examples.send_call(call, caller_of(endpoint))


def _fields(endpoint: Any) -> list[Any]:
    """The documented query and body parameters of an endpoint."""
    return [p for p in endpoint.params if p.location != "path" and p.documented]


def _raw(endpoint: Any, name: str) -> dict[str, Any]:
    return next((p for p in endpoint.raw.get("params", []) if p["name"] == name), {})


# -- JT-PARAM-001 missing required parameters ----------------------------------------------------
MISSING = [
    pytest.param(
        e,
        p.name,
        p.location,
        {},
        id=f"{e.label} without {p.name}",
        marks=endpoint_marks(e, "JT-PARAM-001"),
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
        marks=endpoint_marks(UPDATES, "JT-PARAM-001"),
    )
    for scope in ("space", "post")
]


@pytest.mark.parametrize(("endpoint", "name", "location", "extra"), MISSING)
def test_missing_required_param_is_refused(endpoint, name, location, extra, spare_examples) -> None:
    """Dropping a documented required parameter from the valid example: 400
    jetonomy_invalid_param."""
    response = _send(spare_examples, endpoint, location, **extra, **{name: DROP})
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
                    marks=endpoint_marks(e, "JT-PARAM-002"),
                )
            )
    return cases


@pytest.mark.parametrize(("endpoint", "name", "location", "value", "extra"), _wrong_type_cases())
def test_wrong_type_is_refused(endpoint, name, location, value, extra, spare_examples) -> None:
    """Text for an integer, a non-boolean for a boolean, a scalar for an array: 400."""
    response = _send(spare_examples, endpoint, location, **extra, **{name: value})
    expect.error(response, 400, INVALID)


# -- JT-PARAM-003 enumerations ----------------------------------------------------------------------
def _enum_cases() -> list[Any]:
    """Documented enumerations only (``enum``; the ``examples`` of a parameter whose values
    the reference only illustrates, "e.g. discussion, qa", are no enumeration)."""
    cases = []
    for e in CONTRACT.endpoints:
        for p in e.params:
            if not p.enum or not p.documented:
                continue
            value = 2 if p.type == "integer" else "not-a-documented-value"
            cases.append(
                pytest.param(
                    e,
                    p.name,
                    p.location,
                    value,
                    id=f"{e.label} {p.name}={value}",
                    marks=endpoint_marks(e, "JT-PARAM-003"),
                )
            )
    return cases


@pytest.mark.parametrize(("endpoint", "name", "location", "value"), _enum_cases())
def test_value_outside_enum_is_refused(endpoint, name, location, value, spare_examples) -> None:
    """A value outside a documented enumeration: 400 jetonomy_invalid_param.

    In a path (``/moderation/approve/{type}/{id}``) a WordPress route pattern may simply not
    match an undocumented type, so 404 is accepted there as well as 400.
    """
    if location == "path":
        response = spare_examples.send_call(
            spare_examples.call(endpoint, **{name: value}), caller_of(endpoint)
        )
        if response.status == 404:
            expect.error(response, 404)
            return
        expect.error(response, 400, INVALID)
        return
    response = _send(spare_examples, endpoint, location, **{name: value})
    expect.error(response, 400, INVALID)


# -- JT-PARAM-004 limit and offset bounds ----------------------------------------------------------
BOUNDS = [
    pytest.param(
        e, name, value, id=f"{e.label} {name}={value}", marks=endpoint_marks(e, "JT-PARAM-004")
    )
    for e in CONTRACT.endpoints
    if e.paginated
    for name, value in ((lists.LIMIT_PARAM, 0), (lists.LIMIT_PARAM, -1), (lists.OFFSET_PARAM, -1))
    if e.param(name) is not None
]


@pytest.mark.parametrize(("endpoint", "name", "value"), BOUNDS)
def test_page_bounds_are_refused(endpoint, name, value, spare_examples) -> None:
    """limit below 1 and a negative offset: 400 jetonomy_invalid_param."""
    response = _send(spare_examples, endpoint, "query", **{name: value})
    expect.error(response, 400, INVALID)


# -- JT-PARAM-005 dates ---------------------------------------------------------------------------
DATES = [
    pytest.param(
        e,
        p.name,
        p.location,
        id=f"{e.label} {p.name}=yesterday",
        marks=endpoint_marks(e, "JT-PARAM-005"),
    )
    for e in CONTRACT.endpoints
    for p in _fields(e)
    if _raw(e, p.name).get("format") == "date-time"
]


@pytest.mark.parametrize(("endpoint", "name", "location"), DATES)
def test_date_that_is_not_iso_8601_is_refused(endpoint, name, location, spare_examples) -> None:
    """A date-time parameter given as "yesterday": 400 jetonomy_invalid_param."""
    extra = {"scope": "global"} if endpoint.id == "updates.poll" else {}
    response = _send(spare_examples, endpoint, location, **extra, **{name: "yesterday"})
    expect.error(response, 400, INVALID)


# -- JT-PARAM-006 every documented optional parameter is accepted ----------------------------------
def _iso(delta: timedelta) -> str:
    """The local time (UTC) shifted by ``delta``, in ISO 8601 (for values the target only
    has to accept: no promise about the target's own time depends on them)."""
    return iso(datetime.now(timezone.utc), delta)


FIXED_VALUES: dict[str, Any] = {
    lists.LIMIT_PARAM: 5,
    lists.OFFSET_PARAM: 1,
    lists.CURSOR_PARAM: "$cursor",
    "tags": "$tags",
    "published_at": "$past",
    "from_date": "2020-01-01T00:00:00Z",
    "to_date": "$future",
    "space_id": "@space.public",
    "author_id": "@user.member",
    "tag_id": "$tag_id",
    "parent_id": "@reply.fresh",
    "title": "@text.title",
    "description": "@text.title",
    "content": "@text.html",
    "icon": "dashicons-admin-site",
}
"""A valid value of each documented optional parameter whose values the reference does not
list ("$..." values are found at run time, "@..." ones are the suite's objects)."""


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
    if name not in FIXED_VALUES:
        return []
    return [(f"{name}", {name: FIXED_VALUES[name]})]


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
                        marks=endpoint_marks(e, "JT-PARAM-006"),
                    )
                )
    return cases


def next_cursor(examples: Examples, endpoint: Any) -> str:
    """A real ``after`` value for ``endpoint``'s example list (``lists.first_cursor`` of its
    first page of one item). Skips when there is none: the target gives no cursor to page
    on with."""
    base = examples.call(endpoint)
    source = lists.Source(
        examples.client("admin"),
        base.path,
        base.query,
        f"{endpoint.label} (a first page to take a cursor from)",
    )
    found = lists.first_cursor(source, limit=1)
    if found is None:
        pytest.skip(
            f"the first page of {endpoint.label} (limit=1, more items than that) gives no "
            f"cursor: no Link rel=next carrying {lists.CURSOR_PARAM}=, no body string "
            f"accepted as {lists.CURSOR_PARAM}"
        )
    return found[1]


def _tag_id(examples: Examples) -> int:
    """The id of a tag the suite puts on a post of its own, found in GET /tags by its slug."""
    admin = examples.client("admin")
    slug = TAG_POOL[10]
    examples.new_post(
        "admin", title=f"{unique(examples.prefix)} tagged", content="<p>t</p>", tags=[slug]
    )
    walked = lists.walk(admin, "/tags", until=lambda items: holding(items, slug) is not None)
    tag = holding(walked.items, slug)
    if not isinstance(tag, dict) or not isinstance(tag.get("id"), int):
        pytest.skip(f"GET /tags shows no tag with an integer id holding the slug {slug!r}")
    return int(tag["id"])


def _special(token: str, endpoint: Any, examples: Examples) -> Any:
    if token == "$past":
        return _iso(timedelta(minutes=-5))
    if token == "$future":
        return _iso(timedelta(days=1))
    if token == "$tags":
        return [TAG_POOL[9]]
    if token == "$cursor":
        return next_cursor(examples, endpoint)
    if token == "$tag_id":
        return _tag_id(examples)
    raise KeyError(token)


def _resolve(value: Any, endpoint: Any, examples: Examples) -> Any:
    if isinstance(value, str) and value.startswith("$"):
        return _special(value, endpoint, examples)
    return examples.resolve(value)


@pytest.mark.parametrize(("endpoint", "location", "changes"), _optional_cases())
def test_optional_param_is_accepted(endpoint, location, changes, examples) -> None:
    """The valid example plus one documented optional parameter: the documented success.

    Parameters whose valid values the reference does not give (``sort`` of GET /spaces) and
    conditional ones (``captcha_token``) are not sent.
    """
    resolved = {k: _resolve(v, endpoint, examples) for k, v in changes.items()}
    response = _send(examples, endpoint, location, **resolved)
    expect.status(
        response, endpoint.response["status"], why=f"{endpoint.label} with {resolved}", subject=True
    )


# -- JT-PARAM-007 status defaults to publish -------------------------------------------------------
@pytest.mark.requirement("JT-PARAM-007")
def test_post_without_status_is_published(examples: Examples) -> None:
    """A post created without status (by the admin, in a fresh public space) is published:
    an anonymous reader finds it, by its id, among the posts of its space."""
    space_id = examples.fresh("space")
    post_id, _ = examples.new_post(
        "admin",
        space_id,
        title=f"{unique(examples.prefix)} default status",
        content="<p>x</p>",
    )
    walked = lists.walk(
        examples.client("anonymous"),
        f"/spaces/{space_id}/posts",
        until=lambda items: by_id(items, post_id) is not None,
    )
    expect.that(
        by_id(walked.items, post_id) is not None,
        f"post {post_id} (created without status) listed in its space to anonymous readers",
        walked.last,
        detail=f"listed ids: {[identity(i) for i in walked.items][:20]}",
    )


# -- JT-PARAM-008 search mode defaults to all --------------------------------------------------------
def _found(client: Any, word: str, **query: Any) -> tuple[Any, Counter[Any]]:
    """The search results for ``word`` (every page), as a multiset of identities."""
    walked = lists.walk(client, "/search", {"q": word, **query})
    return walked.last, Counter(identity(item) for item in walked.items)


@pytest.mark.requirement("JT-PARAM-008")
def test_search_without_mode_searches_everything(examples: Examples) -> None:
    """A word in a space name, a post title and a reply: no mode finds what mode=all finds.

    The results are compared by identity as multisets: a result's id alone may be a space's,
    a post's or a reply's, so how often each comes back counts too.
    """
    admin = examples.client("admin")
    word = unique_word(examples.prefix)
    with adaptations.helper():  # not the subject: adapted if the server wants another body
        space = created(
            admin.post(
                "/spaces",
                json={
                    "name": f"{word} space",
                    "description": word,
                    "visibility": "public",
                    "join_policy": "open",
                },
            ),
            "a space to search for",
        )
    space_id = space["id"]
    examples.factory.defer(lambda: admin.delete(f"/spaces/{space_id}"))
    post_id, _ = examples.new_post("admin", space_id, title=f"{word} post", content="<p>p</p>")
    examples.new_reply(post_id, "admin", content=f"<p>{word} reply</p>")

    _, with_all = _found(admin, word, mode="all")
    if not with_all:
        pytest.skip(f"search with mode=all found nothing for a fresh word {word!r}")
    response, without = _found(admin, word)
    expect.that(
        without == with_all,
        "GET /search without mode returns the results of mode=all",
        response,
        detail=f"mode=all: {sorted(map(str, with_all.elements()))}; "
        f"no mode: {sorted(map(str, without.elements()))}",
    )


# -- JT-PARAM-009 leaderboard period defaults to all -------------------------------------------------
@pytest.mark.requirement("JT-PARAM-009")
def test_leaderboard_without_period_is_all_time(examples: Examples) -> None:
    """GET /leaderboards and ?period=all give the same entries in the same order.

    regular first upvotes a fresh post by member, so that someone has a reputation to rank
    by (on a fresh target everyone could be at 0, and any window would rank alike).
    Reputation changes as other checks vote, so the comparison is tried three times.
    """
    admin = examples.client("admin")
    post_id = examples.fresh("post")  # by member
    examples.upvote(post_id)  # by regular: gives member some reputation

    def ranking(**query: Any) -> tuple[Any, list[Any]]:
        response = admin.get("/leaderboards", params=query or None)
        items = lists.page_items(response, "GET /leaderboards")
        return response, [identity(item) for item in items]

    for _ in range(3):
        response, default = ranking()
        _, all_time = ranking(period="all")
        if default == all_time:
            return
    expect.fail(
        "GET /leaderboards without period ranks like ?period=all (same entries, same order)",
        response,
        detail=f"no period: {default[:3]}...; period=all: {all_time[:3]}...",
    )


# -- JT-PARAM-010 post sorts -------------------------------------------------------------------------
POSTS_LIST = CONTRACT.endpoint("posts.list")


@pytest.mark.requirement("JT-PARAM-010")
@pytest.mark.parametrize("sort", POSTS_LIST.param("sort").enum or ())
def test_documented_post_sorts_are_accepted(sort, examples: Examples) -> None:
    """GET /spaces/{space_id}/posts?sort=<documented value>: 200 and a list."""
    response = examples.call(POSTS_LIST).with_query(sort=sort).send(examples.client("admin"))
    lists.page_items(response, f"GET /spaces/{{space_id}}/posts?sort={sort}", subject=True)


# -- JT-PARAM-011 tags given as slugs -----------------------------------------------------------------
def _tags_read_back(examples: Examples, post_id: int, slugs: list[str], when: str) -> None:
    """GET /posts/{id} holds each slug (the reference: "including ... tags")."""
    read = expect.status(examples.client("admin").get(f"/posts/{post_id}"), 200)
    body = expect.json_body(read)
    missing = [slug for slug in slugs if not where(body, slug)]
    expect.that(
        not missing,
        f"the post read back {when} holds the tag slugs {slugs}",
        read,
        detail=f"not found: {missing}",
    )
    spellings.at("post.tags", *(path for slug in slugs for path in where(body, slug)))


@pytest.mark.requirement("JT-PARAM-011")
def test_tags_given_as_slugs_are_attached(examples: Examples) -> None:
    """POST with tags [a, b]: the post read back holds a and b; PATCH with tags [c]: it
    holds c."""
    member = examples.client("member")
    first = list(TAG_POOL[6:8])
    post_id, _ = examples.new_post(
        "member", title=f"{unique(examples.prefix)} tagged", content="<p>t</p>", tags=first
    )
    _tags_read_back(examples, post_id, first, "after its creation")
    second = [TAG_POOL[8]]
    edited = member.patch(f"/posts/{post_id}", json={"tags": second})
    expect.status(edited, 200, why="editing the post's tags")
    _tags_read_back(examples, post_id, second, "after the edit")


# -- JT-PARAM-012 no captcha token needed when captcha is off --------------------------------------
@pytest.mark.requirement("JT-PARAM-012")
def test_no_captcha_token_needed(examples: Examples) -> None:
    """A post and a reply without captcha_token are created (captcha disabled on a test site)."""
    post = examples.send(CONTRACT.endpoint("posts.create"), "member")
    expect.status(
        post,
        (200, 201),
        why="a post without captcha_token (if captcha is on, turn it off)",
        subject=True,
    )
    reply = examples.send(CONTRACT.endpoint("replies.create"), "member")
    expect.status(
        reply,
        (200, 201),
        why="a reply without captcha_token (if captcha is on, turn it off)",
        subject=True,
    )


# -- JT-PARAM-013 unknown ids in a body -----------------------------------------------------------------
BODY_IDS = [
    pytest.param(
        e, p.name, id=f"{e.label} {p.name}={NEVER_USED_ID}", marks=endpoint_marks(e, "JT-PARAM-013")
    )
    for e in CONTRACT.endpoints
    for p in _fields(e)
    if p.location == "body" and p.type == "integer" and p.name.endswith("_id")
]


@pytest.mark.parametrize(("endpoint", "name"), BODY_IDS)
def test_unknown_body_id_is_refused(endpoint, name, examples) -> None:
    """An id that names nothing: 400 jetonomy_invalid_param or 404 jetonomy_not_found."""
    response = _send(examples, endpoint, "body", **{name: NEVER_USED_ID})
    if response.status == 404:
        expect.error(response, 404, "jetonomy_not_found")
    else:
        expect.error(response, (400, 404), (INVALID, "jetonomy_not_found"))
