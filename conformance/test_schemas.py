"""Schemas: what the reference promises of its resources, observed by value and behaviour.

Reference: "GET /posts/{id} returns a single post by ID, including vote counts, reply count,
tags, and author info"; objects addressed by an integer ``id``; seed 002 "On API
Correctness" (ids and counts are integers, flags are booleans, a field keeps one type).

The reference names no response field but ``id``, so the post's facts are found by what the
suite controls: a vote moves an integer by one (JT-SCHEMA-028), each reply moves one that
counts the replies listed (029), the tag slug sent is found in the post (030), the author's
user id is found at the same place in posts of different authors (031). The schemas of
``schemas/resources/`` require nothing but an integer ``id`` of what the API addresses by id
(034). The conventions judge JSON types where the suite knows what a value is: the ids it
holds, the counts its actions moved, the state a pin flips (025), the dates of a post (026),
and that a field keeps one JSON type in every answer (035).
"""

from __future__ import annotations

import re
from email.utils import parsedate_tz
from typing import Any

import pytest
from jsonschema import Draft202012Validator, validators

from pytest_jetonomy import adaptations, expect, spellings
from pytest_jetonomy.client import ApiResponse
from pytest_jetonomy.expect import SUCCESS
from pytest_jetonomy.factories import (
    TAG_POOL,
    created_id,
    post_payload,
    space_payload,
    unique_word,
)
from pytest_jetonomy.lists import ListShapeError, items_of, walk
from pytest_jetonomy.observe import (
    Observation,
    Path,
    Reader,
    counts,
    describe,
    is_integer,
    is_timestamp,
    leaves,
    matches,
    number,
    object_reader,
    show,
    where,
)

from .contract_checks import CONTRACT, endpoint_case, success_answer, success_bodies
from .examples import Examples

NOT_RESOURCES = ("result", "unread-count")
"""Schemas of answers that are no resource: what the reference does not describe (votes,
joins, deletions...) and the unread count (JT-SCHEMA-011, checked with the notifications)."""

RESOURCE_ENDPOINTS = [e for e in CONTRACT.endpoints if e.response["schema"] not in NOT_RESOURCES]
TAGGED = TAG_POOL[13]
"""The tag slug the post of the tag check is created with."""


# -- strict validation: an integer is a JSON integer (never 5.0, "5" or true) -------------------
def _strict_integer(_checker: Any, instance: Any) -> bool:
    return is_integer(instance)


_STRICT = validators.extend(
    Draft202012Validator,
    type_checker=Draft202012Validator.TYPE_CHECKER.redefine("integer", _strict_integer),
)
_validators: dict[str, Any] = {}


def strict_problems(body: Any, name: str, where_: str) -> list[str]:
    """What keeps ``body`` from validating against ``schemas/resources/<name>.json``."""
    if name not in _validators:
        _validators[name] = _STRICT(CONTRACT.schemas[name], registry=CONTRACT.registry)
    errors = sorted(_validators[name].iter_errors(body), key=lambda e: list(e.absolute_path))
    return [
        f"{where_}: {'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}"[:300]
        for e in errors
    ]


def fail_schema(name: str, response: ApiResponse, shown: list[str]) -> None:
    expect.no_problems(
        [(problem, response) for problem in shown],
        f"a body matching the '{name}' schema (schemas/resources/{name}.json)",
        shown=3,
    )


# -- JT-SCHEMA-034: an integer id ------------------------------------------------------------
@pytest.mark.parametrize(
    "endpoint", [endpoint_case(e, requirements=("JT-SCHEMA-034",)) for e in RESOURCE_ENDPOINTS]
)
def test_resources_carry_an_integer_id(endpoint, examples: Examples) -> None:
    """The success answer (each item of a list) validates against the resource's schema:
    an object, with a JSON integer ``id`` where the API addresses the resource by id."""
    name = endpoint.response["schema"]
    response = success_answer(endpoint, examples)
    shown = [
        problem
        for place, body in success_bodies(endpoint, response)
        for problem in strict_problems(body, name, place)
    ]
    if shown:
        fail_schema(name, response, shown)


# -- JT-SCHEMA-024: the namespace index -----------------------------------------------------------
@pytest.mark.requirement("JT-SCHEMA-024")
def test_namespace_index_matches_schema(jetonomy_admin) -> None:
    """GET /wp-json/jetonomy/v1 answers the WordPress discovery shape (namespace, routes with
    their methods and endpoints; ``args`` an object, or [] for none as WordPress core sends)."""
    response = jetonomy_admin.get("")
    expect.status(response, 200, why="the namespace index")
    shown = strict_problems(expect.json_body(response), "namespace-index", "the index")
    if shown:
        fail_schema("namespace-index", response, shown)


# -- JT-SCHEMA-028..031: what GET /posts/{id} includes ------------------------------------------
def post_reader(examples: Examples, post_id: int) -> Reader:
    """GET /posts/{id} as the admin (who never votes nor replies in these checks)."""
    return object_reader(examples.client("admin"), f"/posts/{post_id}", f"post {post_id}")


@pytest.mark.requirement("JT-SCHEMA-028")
def test_a_vote_moves_a_count_of_the_post(examples: Examples) -> None:
    """Read a fresh post twice, regular upvotes it, read again (as admin, who did not vote):
    a JSON integer of the post moved by exactly one."""
    post_id = examples.fresh("post")
    read = post_reader(examples, post_id)
    seen = Observation.take(read)
    examples.upvote(post_id)
    changed = seen.diff(read())
    moved = [c for c in counts(changed) if c.step == 1]
    expect.that(
        moved,
        "a JSON integer of the post moved by exactly one after an upvote (its vote counts)",
        read.last,
        detail=describe(changed),
    )
    spellings.at("post.votes", *(c.path for c in moved))


@pytest.mark.requirement("JT-SCHEMA-029")
def test_each_reply_moves_the_reply_count(examples: Examples) -> None:
    """A fresh post read before and after each of two replies: one JSON integer moved by one
    each time, and it equals the number of replies listed."""
    post_id = examples.fresh("post")
    read = post_reader(examples, post_id)
    seen = Observation.take(read)
    candidates: set[Path] | None = None
    after: dict[str, Any] = {}
    for turn in ("first", "second"):
        examples.new_reply(post_id)
        after = read()
        changed = seen.diff(after)
        moved = {c.path for c in counts(changed) if c.step == 1}
        candidates = moved if candidates is None else candidates & moved
        expect.that(
            candidates,
            f"a JSON integer of the post moved by one after the {turn} reply "
            "(the same one after each reply: its reply count)",
            read.last,
            detail=describe(changed),
        )
        seen = Observation(after, seen.drift)
    replies = walk(examples.client("admin"), f"/posts/{post_id}/replies").items
    values = leaves(after)
    counting = sorted((p for p in candidates or () if values.get(p) == len(replies)), key=show)
    expect.that(
        counting,
        f"the integer that moved with each reply equals the {len(replies)} replies listed",
        read.last,
        detail=", ".join(
            f"{show(p)} = {values.get(p)!r}" for p in sorted(candidates or (), key=show)
        ),
    )
    spellings.at("post.reply_count", *counting)


@pytest.mark.requirement("JT-SCHEMA-030")
def test_the_post_holds_its_tag(examples: Examples) -> None:
    """A post created with a tag slug (``tags[]``) holds that slug when read back."""
    post_id, _ = examples.new_post("member", tags=[TAGGED])
    read = post_reader(examples, post_id)
    found = [
        path
        for path, value in leaves(read()).items()
        if isinstance(value, str) and value.strip().casefold() == TAGGED.casefold()
    ]
    expect.that(
        found,
        f"the tag slug {TAGGED!r} sent with the post found in GET /posts/{{id}}",
        read.last,
    )
    spellings.at("post.tags", *found)


@pytest.mark.requirement("JT-SCHEMA-031")
def test_the_post_holds_its_author(examples: Examples) -> None:
    """A post by member and one by regular, both read by admin: one place of the post holds
    member's id in the first and regular's id in the second."""
    member_id, regular_id = examples.user_id("member"), examples.user_id("regular")
    first = post_reader(examples, examples.fresh("post"))  # by member
    second = post_reader(examples, examples.new_post("regular")[0])
    by_member, by_regular = first(), second()
    member_at, regular_at = where(by_member, member_id), where(by_regular, regular_id)
    both = sorted(set(member_at) & set(regular_at), key=show)
    expect.that(
        both,
        f"the author's id at one place of both posts (member {member_id} in the first, "
        f"regular {regular_id} in the second)",
        second.last,
        detail=f"member's id at: {', '.join(map(show, member_at)) or 'nowhere'}; regular's id "
        f"at: {', '.join(map(show, regular_at)) or 'nowhere'}",
    )
    spellings.at("post.author", *both)


# -- answers holding posts, spaces and users (JT-SCHEMA-025, 026, 035) -------------------------
class Answer:
    """One answer of the gathering: its resources of one kind (the body or list items)."""

    def __init__(self, kind: str, label: str, response: ApiResponse, objects: list[Any]) -> None:
        self.kind = kind
        self.label = label
        self.response = response
        self.objects = objects


class Gathered:
    """Answers holding the posts, a space and the users the suite knows, and their ids."""

    def __init__(self) -> None:
        self.answers: list[Answer] = []
        self.ids: dict[str, set[int]] = {"post": set(), "space": set(), "user": set()}

    def add(self, kind: str, label: str, response: ApiResponse, listed: bool = False) -> None:
        """Keep a 2xx JSON answer (others are other checks' business)."""
        if not 200 <= response.status < 300 or not response.text.strip() or not response.is_json:
            return
        body = response.json()
        if listed:
            try:
                objects = items_of(body)
            except ListShapeError:
                return
        else:
            objects = [body]
        objects = [o for o in objects if isinstance(o, dict)]
        if objects:
            self.answers.append(Answer(kind, label, response, objects))

    def of(self, kind: str) -> list[Answer]:
        return [a for a in self.answers if a.kind == kind]

    def known(self) -> list[tuple[Answer, Any, int]]:
        """(answer, object, id) for every object of the gathering the suite knows by id."""
        out = []
        for answer in self.answers:
            for obj in answer.objects:
                for wanted in self.ids[answer.kind]:
                    if "id" in obj and matches(obj["id"], wanted):
                        out.append((answer, obj, wanted))
        return out


def gather(examples: Examples) -> Gathered:
    """A fresh space (created, read, its settings set, read again, listed), a post and a draft
    in it (created, edited, pinned, read, listed in the space, by their author and among the
    drafts), and the member user (own profile, by id, by login)."""
    admin, moderator = examples.client("admin"), examples.client("moderator")
    faker = examples.factory.faker
    found = Gathered()

    with adaptations.helper():  # not the subject: adapted if the server wants another body
        made = admin.post("/spaces", json=space_payload(examples.prefix, faker))
    space_id = created_id(made, "a fresh space")
    examples.factory.defer(lambda: admin.delete(f"/spaces/{space_id}"))
    found.ids["space"].add(space_id)
    found.add("space", "POST /spaces", made)
    found.add("space", "GET /spaces/{id} (no settings set)", admin.get(f"/spaces/{space_id}"))
    settings = examples.body_for(
        "spaces.update",
        f"/spaces/{space_id}",
        settings={"conformance_probe": unique_word(examples.prefix)},
    )
    found.add("space", "PATCH /spaces/{id}", admin.patch(f"/spaces/{space_id}", json=settings))
    found.add("space", "GET /spaces/{id} (settings set)", admin.get(f"/spaces/{space_id}"))
    found.add("space", "GET /spaces", admin.get("/spaces"), listed=True)

    admin_id = examples.user_id("admin")
    found.ids["user"].add(admin_id)
    made = admin.post(
        f"/spaces/{space_id}/posts", json=post_payload(examples.prefix, faker, tags=[TAGGED])
    )
    post_id = created_id(made, "a post in the fresh space")
    examples.factory.defer(lambda: admin.delete(f"/posts/{post_id}"))
    found.ids["post"].add(post_id)
    found.add("post", "POST /spaces/{space_id}/posts", made)
    edit = {"title": f"{unique_word(examples.prefix)} edited"}
    found.add("post", "PATCH /posts/{id}", admin.patch(f"/posts/{post_id}", json=edit))
    found.add("post", "POST /posts/{id}/pin", moderator.post(f"/posts/{post_id}/pin"))
    found.add("post", "GET /posts/{id}", admin.get(f"/posts/{post_id}"))
    made = admin.post(
        f"/spaces/{space_id}/posts",
        json=post_payload(examples.prefix, faker, status="draft"),
    )
    draft_id = created_id(made, "a draft in the fresh space")
    examples.factory.defer(lambda: admin.delete(f"/posts/{draft_id}"))
    found.ids["post"].add(draft_id)
    found.add("post", "POST /spaces/{space_id}/posts (a draft)", made)
    found.add("post", "GET /posts/drafts", admin.get("/posts/drafts"), listed=True)
    found.add(
        "post", "GET /spaces/{space_id}/posts", admin.get(f"/spaces/{space_id}/posts"), listed=True
    )
    found.add("post", "GET /users/{id}/posts", admin.get(f"/users/{admin_id}/posts"), listed=True)

    member_id = examples.user_id("member")
    login = examples.world["users"]["member"]["login"]
    found.ids["user"].add(member_id)
    found.add("user", "GET /users/me", examples.client("member").get("/users/me"))
    found.add("user", "GET /users/{id}", admin.get(f"/users/{member_id}"))
    found.add("user", "GET /users/by-login/{login}", admin.get(f"/users/by-login/{login}"))
    return found


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if is_integer(value):
        return "integer"
    if isinstance(value, float):
        return "number (not an integer)"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def node_types(value: Any, path: Path = ()) -> list[tuple[Path, str]]:
    """(generic path, JSON type) of every value of ``value``, containers too (list indexes
    as ``[]``: the same field in every item)."""
    out = [(path, json_type(value))]
    if isinstance(value, dict):
        for key, item in value.items():
            out += node_types(item, (*path, key))
    elif isinstance(value, list):
        for item in value:
            out += node_types(item, (*path, "[]"))
    return out


@pytest.mark.requirement("JT-SCHEMA-035")
def test_a_field_keeps_one_json_type(examples: Examples) -> None:
    """Across the answers holding posts (created, edited, pinned, read, listed, drafts),
    spaces (created, read with and without settings, changed, listed) and users (own profile,
    by id, by login), each field of a resource has one JSON type (null aside): never an
    object here and an array there, a number and a numeric string, an integer and a float."""
    found = gather(examples)
    problems: list[tuple[str, ApiResponse]] = []
    for kind in ("post", "space", "user"):
        seen: dict[Path, dict[str, Answer]] = {}
        for answer in found.of(kind):
            for obj in answer.objects:
                for path, type_ in node_types(obj):
                    if type_ != "null":
                        seen.setdefault(path, {}).setdefault(type_, answer)
        for path, types in sorted(seen.items(), key=lambda item: show(item[0])):
            if len(types) > 1:
                shown = "; ".join(f"{t} in {a.label}" for t, a in types.items())
                problems.append(
                    (f"{kind} {show(path)}: {shown}", list(types.values())[-1].response)
                )
    expect.no_problems(
        problems, "each field of a post, a space and a user with one JSON type in every answer"
    )


# -- JT-SCHEMA-025: ids, counts and flags ---------------------------------------------------------
FLAG_WORDS = {"0", "1", "true", "false"}


def _flag_like(value: Any) -> bool:
    """0/1 or "0"/"1"/"true"/"false": a flag that is no JSON boolean."""
    if is_integer(value):
        return value in (0, 1)
    return isinstance(value, str) and value.strip().lower() in FLAG_WORDS


@pytest.mark.requirement("JT-SCHEMA-025")
def test_known_ids_are_json_integers(examples: Examples) -> None:
    """Wherever the ids the suite holds (its post and draft, their space, the users) appear in
    the answers holding them, they are JSON integers, never "12" nor 12.0."""
    found = gather(examples)
    wrong: list[tuple[str, ApiResponse]] = []
    for answer, obj, wanted in found.known():
        for path in where(obj, wanted):
            value = leaves(obj)[path]
            if not is_integer(value):
                wrong.append(
                    (f"{answer.label}: {show(path) if path else 'id'} = {value!r}", answer.response)
                )
    for kind in ("post", "space", "user"):
        for wanted in found.ids[kind]:
            for answer in found.answers:
                for obj in answer.objects:
                    if answer.kind == kind and "id" in obj and matches(obj["id"], wanted):
                        continue  # the object itself: judged above
                    for path in where(obj, wanted):
                        value = leaves(obj)[path]
                        if isinstance(value, str):  # the id of a related object, as a string
                            wrong.append(
                                (
                                    f"{answer.label}: {show(path)} = {value!r} ({kind} {wanted})",
                                    answer.response,
                                )
                            )
    expect.no_problems(
        wrong, "the ids of posts, spaces and users as JSON integers wherever they appear"
    )


@pytest.mark.requirement("JT-SCHEMA-025")
def test_moved_counts_and_flipped_flags_are_integers_and_booleans(examples: Examples) -> None:
    """A fresh post (read as admin): what an upvote and a reply move by one is a JSON integer
    (never "3" nor 3.0); what a pin flips is no 0/1 (nor "0"/"1"/"true"/"false")."""
    post_id = examples.fresh("post")
    read = post_reader(examples, post_id)
    seen = Observation.take(read)
    examples.upvote(post_id)
    examples.new_reply(post_id)
    after = read()
    not_integers = []
    for change in seen.diff(after):
        old, new = number(change.old), number(change.new)
        if old is not None and new is not None and abs(new - old) in (1.0, 2.0):
            if not (is_integer(change.old) and is_integer(change.new)):
                not_integers.append(change)
    expect.that(
        not not_integers,
        "the counts an upvote and a reply moved as JSON integers",
        read.last,
        detail=describe(not_integers),
    )
    seen = Observation(after, seen.drift)
    pin = examples.client("moderator").post(f"/posts/{post_id}/pin")
    expect.status(pin, SUCCESS, why="a moderator pins the post")
    flipped = seen.diff(read())
    not_booleans = [c for c in flipped if _flag_like(c.old) and _flag_like(c.new)]
    expect.that(
        not not_booleans,
        "the state a pin flips as a JSON boolean (true/false, not 0/1)",
        read.last,
        detail=describe(not_booleans),
    )


# -- JT-SCHEMA-026: dates ------------------------------------------------------------------------
MONTHS = "jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec"
_LOOKS_DATED = [
    re.compile(r"^\d{4}-\d{2}-\d{2}"),  # ISO-like, judged by observe.is_timestamp
    re.compile(r"^\d{1,2}[/.]\d{1,2}[/.]\d{2,4}(\D|$)"),  # 11/30/2026, 30.11.2026
    re.compile(rf"^(\w{{3}},?\s+)?\d{{1,2}}\s+({MONTHS})\w*\s+\d{{4}}", re.IGNORECASE),
    re.compile(rf"^({MONTHS})\w*\s+\d{{1,2}},?\s+\d{{4}}", re.IGNORECASE),  # Nov 30, 2026
]


def looks_dated(text: str) -> bool:
    """A string that is a date or a time in a recognisable form (ISO, RFC 2822, d/m/y...)."""
    value = text.strip()
    if len(value) > 64:
        return False
    if any(pattern.match(value) for pattern in _LOOKS_DATED):
        return True
    return parsedate_tz(value) is not None and bool(re.search(r"\d{1,2}:\d{2}", value))


@pytest.mark.requirement("JT-SCHEMA-026")
def test_post_dates_are_iso_8601(examples: Examples) -> None:
    """Every string of the suite's posts (created, edited, pinned, read, listed) that is a
    date or a time is ISO 8601 (2026-11-30T12:00:00Z), never RFC 2822 nor d/m/y."""
    found = gather(examples)
    wrong: list[tuple[str, ApiResponse]] = []
    for answer, obj, _ in found.known():
        if answer.kind != "post":
            continue
        for path, value in leaves(obj).items():
            if isinstance(value, str) and looks_dated(value):
                if not is_timestamp(value):
                    wrong.append((f"{answer.label}: {show(path)} = {value!r}", answer.response))
    expect.no_problems(wrong, "the dates and times of a post as ISO 8601 strings")
