"""The check toolkit: list shapes, walks and cursors, observation by value and by change, the
spelling formatter, the target's clock, learned bodies."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from types import SimpleNamespace
from typing import Any

import pytest

from pytest_jetonomy import expect, lists, spellings
from pytest_jetonomy.bodies import learn
from pytest_jetonomy.clock import clock_source, iso, parse_time, server_clock
from pytest_jetonomy.contract import load_contract
from pytest_jetonomy.factories import unique_word
from pytest_jetonomy.observe import (
    HeldUser,
    Observation,
    TopLevelId,
    appeared,
    by_id,
    changes,
    columns,
    counts,
    counts_positions,
    holding,
    holds,
    holds_text,
    identity,
    integer_moves,
    item_reader,
    leaves,
    located,
    number,
    object_reader,
    positional,
    read_object,
    show,
    under_key,
    user_path,
    value_at,
    vanished,
    where,
)
from pytest_jetonomy.routeindex import RouteIndex

# -- list shapes ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "items"),
    [
        pytest.param([{"id": 1}, {"id": 2}], [{"id": 1}, {"id": 2}], id="bare array"),
        pytest.param({"data": [{"id": 1}], "meta": {"total": 1}}, [{"id": 1}], id="data+meta"),
        pytest.param({"items": [], "total": 0}, [], id="items, empty"),
        pytest.param({"results": [{"id": 3}], "facets": ["a", "b"]}, [{"id": 3}], id="objects win"),
        pytest.param({"data": [], "errors": []}, [], id="two empty arrays: data preferred"),
    ],
)
def test_items_are_found_in_every_reading(body: Any, items: list[Any]) -> None:
    assert lists.items_of(body) == items


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({"total": 3}, id="no array"),
        pytest.param("text", id="a string"),
        pytest.param({"a": [{"id": 1}], "b": [{"id": 2}]}, id="two arrays of objects"),
    ],
)
def test_no_list_is_a_shape_error(body: Any) -> None:
    with pytest.raises(lists.ListShapeError):
        lists.items_of(body)


def test_body_strings_leave_the_items_out() -> None:
    body = {"data": [{"title": "not a cursor"}], "meta": {"cursor_next": "abc", "total": 3}}
    assert lists.body_strings(body) == [(("meta", "cursor_next"), "abc")]
    assert lists.body_strings([{"title": "x"}]) == []


class FakeResponse:
    """What walk() reads of an ApiResponse."""

    def __init__(self, body: Any, headers: dict[str, str] | None = None) -> None:
        self.body = body
        self.status = 200
        self.headers = headers or {}
        self.raw = SimpleNamespace(links={}, url="http://t/x")
        self.exchange = SimpleNamespace(describe=lambda: "  sent: GET x\n  got: 200", to_dict=dict)

    def json(self) -> Any:
        return self.body

    def header_int(self, name: str) -> int | None:
        value = self.headers.get(name)
        return int(value) if value is not None else None


class FakeClient:
    """A list of ``size`` items served ``page`` at a time, as a bare array or an object."""

    def __init__(
        self,
        size: int,
        page: int = 20,
        wrapped: bool = False,
        total: bool = True,
        ignores_offset: bool = False,
    ) -> None:
        self.items = [{"id": n} for n in range(1, size + 1)]
        self.page, self.wrapped, self.total, self.ignores_offset = (
            page,
            wrapped,
            total,
            ignores_offset,
        )
        self.sent: list[dict[str, Any]] = []

    def get(self, path: str, params: dict[str, Any] | None = None, **_: Any) -> FakeResponse:
        params = params or {}
        self.sent.append(params)
        offset = 0 if self.ignores_offset else int(params.get("offset", 0))
        chunk = self.items[offset : offset + int(params.get("limit", self.page))]
        headers = {"X-JT-Total": str(len(self.items))} if self.total else {}
        return FakeResponse({"data": chunk} if self.wrapped else chunk, headers)


@pytest.mark.parametrize("wrapped", [False, True], ids=["bare", "wrapped"])
@pytest.mark.parametrize("total", [True, False], ids=["with total", "without total"])
def test_walk_reads_every_item_once_with_the_default_page_size(wrapped: bool, total: bool) -> None:
    client = FakeClient(45, wrapped=wrapped, total=total)
    walk = lists.walk(client, "/x")
    assert [i["id"] for i in walk.items] == list(range(1, 46))
    assert walk.complete
    assert all("limit" not in sent for sent in client.sent)  # the documented default only


def test_walk_stops_when_offset_is_ignored() -> None:
    client = FakeClient(7, ignores_offset=True, total=False)
    walk = lists.walk(client, "/tags")
    assert [i["id"] for i in walk.items] == list(range(1, 8))
    assert walk.complete and len(client.sent) <= 2


def test_walk_is_bounded_and_says_so() -> None:
    walk = lists.walk(FakeClient(500), "/x", max_pages=3)
    assert len(walk.items) == 60 and not walk.complete


def test_walk_stops_once_the_wanted_item_is_seen() -> None:
    client = FakeClient(100)
    walk = lists.walk(client, "/x", until=lambda items: by_id(items, 25) is not None)
    assert len(client.sent) == 2 and not walk.complete


def test_walk_notes_the_list_shape() -> None:
    token = spellings.start()
    lists.walk(FakeClient(3, wrapped=True), "/x")
    assert spellings.take(token) == [
        {"fact": "list.items", "spelling": "the 'data' array of a JSON object"}
    ]


# -- values and changes ---------------------------------------------------------------------------
POST = {
    "id": 7,
    "author": {"id": 3, "username": "mem"},
    "tags": [{"slug": "a"}, {"slug": "b"}],
    "votes": 0,
    "settings": {},
}


def test_leaves_and_paths() -> None:
    flat = leaves(POST)
    assert flat[("author", "id")] == 3
    assert flat[("tags", 1, "slug")] == "b"
    assert flat[("settings",)] == {}
    assert show(("tags", 1, "slug")) == "tags[1].slug"


def test_values_are_found_anywhere() -> None:
    assert where(POST, 3) == [("author", "id")]
    assert holds(POST, "b") and not holds(POST, "c")
    assert holds({"AuthorId": "3"}, 3)  # a numeric string still names the object
    assert not holds({"flag": True}, 1)  # a boolean is not the integer 1
    assert holds_text({"Title": "Hello World"}, "world")
    assert by_id([{"id": 1}, {"id": 7}], 7) == {"id": 7}
    assert holding([{"post_id": 9}, {"post": {"id": 7}}], 7) == {"post": {"id": 7}}


def test_identity_prefers_the_id() -> None:
    assert identity({"id": 4, "x": 1}) == identity({"id": 4, "x": 2})
    assert identity({"user": 4}) != identity({"user": 5})


def test_changes_leave_timestamps_and_drift_out() -> None:
    before = {"up": 0, "views": 10, "updated": "2026-01-01T00:00:00Z", "mine": None}
    after = {"up": 1, "views": 11, "updated": "2026-01-01T00:00:05Z", "mine": "up"}
    found = changes(before, after, ignore={("views",)})
    assert [str(c) for c in found] == ["mine: None -> 'up'", "up: 0 -> 1"]
    assert [c.step for c in counts(found)] == [1]
    assert [str(c) for c in changes({"a": 1}, {"a": True})] == ["a: 1 -> True"]


def test_observation_learns_what_moves_on_its_own() -> None:
    reads = iter([{"views": 1, "up": 0}, {"views": 2, "up": 0}])
    seen = Observation.take(lambda: next(reads))
    assert seen.same({"views": 3, "up": 0})
    assert [str(c) for c in seen.diff({"views": 4, "up": 1})] == ["up: 0 -> 1"]


# -- undocumented bodies ----------------------------------------------------------------------
CONTRACT = load_contract()


def _index(path: str, method: str, args: Any) -> RouteIndex:
    return RouteIndex.parse(
        {"routes": {f"/jetonomy/v1{path}": {"endpoints": [{"methods": [method], "args": args}]}}}
    )


FLAG_ARGS = {
    "item_type": {"type": "string", "enum": ["post", "reply"], "required": True},
    "item": {"type": "integer", "required": True, "description": "id of the item"},
    "note": {"type": "string"},
}


def test_body_is_fitted_to_the_route_index() -> None:
    flag = CONTRACT.endpoint("moderation.flag")
    body = {"object_type": "post", "object_id": 12, "reason": "check"}
    learned = learn(flag, body, _index("/flags", "POST", FLAG_ARGS), "/flags")
    assert learned.body == {"item_type": "post", "item": 12, "note": "check"}
    assert learned.source == "the route index"


def test_a_flag_may_be_a_two_word_choice() -> None:
    endpoint = CONTRACT.endpoint("notifications.update")
    index = _index(
        "/notifications/(?P<id>[\\d]+)",
        "PATCH",
        {"id": {"type": "integer"}, "state": {"type": "string", "enum": ["read", "unread"]}},
    )
    assert learn(endpoint, {"read": True}, index, "/notifications/4").body == {"state": "read"}
    assert learn(endpoint, {"read": False}, index, "/notifications/4").body == {"state": "unread"}


def test_without_a_description_the_suites_reading_is_sent() -> None:
    flag = CONTRACT.endpoint("moderation.flag")
    body = {"object_type": "post", "object_id": 12, "reason": "check"}
    for index in (None, RouteIndex([]), _index("/flags", "POST", [])):
        assert learn(flag, body, index, "/flags").body == body


def test_a_required_argument_the_suite_cannot_fill_keeps_its_reading() -> None:
    bookmark = CONTRACT.endpoint("bookmarks.create")
    index = _index(
        "/bookmarks", "POST", {"folder": {"type": "string", "enum": ["a"], "required": True}}
    )
    assert learn(bookmark, {"post_id": 3}, index, "/bookmarks").body == {"post_id": 3}


def test_documented_bodies_are_never_rewritten() -> None:
    create = CONTRACT.endpoint("posts.create")
    index = _index("/spaces/(?P<space_id>[\\d]+)/posts", "POST", {"headline": {"type": "string"}})
    body = {"title": "t", "content": "c"}
    assert learn(create, body, index, "/spaces/3/posts").body == body


# -- the contract's names ---------------------------------------------------------------------
def test_page_parameters_and_headers_come_from_the_contract() -> None:
    pagination = CONTRACT.pagination
    assert lists.TOTAL_HEADER == pagination["total_header"]
    assert lists.TOTAL_PAGES_HEADER == pagination["total_pages_header"]
    assert (lists.LIMIT_PARAM, lists.OFFSET_PARAM, lists.CURSOR_PARAM) == (
        pagination["limit_param"],
        pagination["offset_param"],
        pagination["cursor_param"],
    )
    assert lists.page_params(limit=5, offset=0) == {"limit": 5, "offset": 0}
    assert lists.page_params(after="abc") == {"after": "abc"}
    assert lists.page_params() == {}


def test_rate_limit_headers_come_from_the_contract() -> None:
    from pytest_jetonomy import ratelimits

    limits = CONTRACT.meta["rate_limits"]
    assert ratelimits.HEADERS == tuple(
        limits["headers"][k] for k in ("limit", "remaining", "reset")
    )
    assert ratelimits.WINDOW_SECONDS == limits["window_seconds"]
    assert ratelimits.PER_TRUST_LEVEL == CONTRACT.rate_limits


# -- lists as they present themselves, and finding an item ------------------------------------
class LinkedResponse(FakeResponse):
    """A page answer that may carry a ``Link: <...>; rel="next"`` header."""

    def __init__(self, body: Any, headers: dict[str, str] | None = None, link: str = "") -> None:
        super().__init__(body, headers)
        if link:
            self.raw.links = {"next": {"url": link}}


def test_a_list_announces_more_pages_by_header_or_link() -> None:
    assert lists.announces_more(FakeResponse([], {"X-JT-TotalPages": "3"}))
    assert not lists.announces_more(FakeResponse([], {"X-JT-TotalPages": "1"}))
    assert lists.announces_more(LinkedResponse([], link="/x?offset=20"))
    assert not lists.announces_more(FakeResponse([]))


def test_whole_list_reads_the_one_answer_or_every_announced_page() -> None:
    client = FakeClient(45)
    response, items, paged = lists.whole_list(client, "/x")
    assert paged is False and len(items) == 20 and len(client.sent) == 1

    class Paged(FakeClient):
        def get(self, path: str, params: dict[str, Any] | None = None, **_: Any) -> FakeResponse:
            answer = super().get(path, params)
            answer.headers["X-JT-TotalPages"] = "3"
            return answer

    response, items, paged = lists.whole_list(Paged(45), "/x")
    assert paged is True and [i["id"] for i in items] == list(range(1, 46))


def test_find_stops_at_the_item_and_shows_its_page() -> None:
    client = FakeClient(100)
    item, response = lists.find(client, "/x", 25)
    assert item == {"id": 25} and len(client.sent) == 2
    assert {"id": 25} in response.json()
    missing, last = lists.find(FakeClient(30), "/x", 999)
    assert missing is None and last.json()[-1] == {"id": 30}


# -- cursors ---------------------------------------------------------------------------------
class CursorClient(FakeClient):
    """A list whose pages tell the next one by a body cursor or a Link header (``c<offset>``)."""

    def __init__(self, size: int, how: str) -> None:
        super().__init__(size, wrapped=(how == "body"))
        self.how = how

    def get(self, path: str, params: dict[str, Any] | None = None, **_: Any) -> FakeResponse:
        params = dict(params or {})
        if path.startswith("http"):  # a Link URL followed as it is
            query = dict(part.split("=") for part in path.split("?", 1)[1].split("&"))
            params = {**params, **query}
        after = params.pop("after", None)
        if after is not None:
            if not str(after).startswith("c"):
                bad = FakeResponse({"code": "jetonomy_invalid_param"})
                bad.status = 400
                return bad
            params["offset"] = int(str(after)[1:])
        offset, limit = int(params.get("offset", 0)), int(params.get("limit", self.page))
        chunk = self.items[offset : offset + limit]
        more = offset + limit < len(self.items)
        token = f"c{offset + limit}" if more else None
        if self.how == "body":
            return FakeResponse({"data": chunk, "meta": {"cursor_next": token}})
        link = f"http://t/x?limit={limit}&after={token}" if token else ""
        return LinkedResponse(chunk, link=link)


@pytest.mark.parametrize("how", ["body", "link"])
def test_the_cursor_is_learned_and_followed(how: str) -> None:
    token = spellings.start()
    source = lists.Source(CursorClient(23, how), "/x")
    walked = lists.cursor_walk(source, 5)
    assert not isinstance(walked, lists.NoCursor)
    cursor, pages = walked
    assert [k for page in pages for k in page.keys] == list(range(1, 24))
    assert pages[-1].next is None
    expected = (
        "the body field 'meta.cursor_next', sent as after"
        if how == "body"
        else 'a Link header rel="next" (RFC 8288) carrying after=...'
    )
    assert cursor.spelling == expected
    assert {"fact": "list.next", "spelling": expected} in spellings.take(token)


def test_a_list_without_cursor_says_what_was_tried() -> None:
    found = lists.learn_cursor(lists.Source(FakeClient(23), "/x"), 5)
    assert isinstance(found, lists.NoCursor)
    assert "no candidate" in found.detail


@pytest.mark.parametrize("how", ["body", "link"])
def test_first_cursor_is_a_real_after_value(how: str) -> None:
    found = lists.first_cursor(lists.Source(CursorClient(3, how), "/x"), limit=1)
    assert found is not None and found[1] == "c1"
    assert lists.first_cursor(lists.Source(FakeClient(3), "/x"), limit=1) is None


def test_cursor_spelling_names_the_parameter_the_link_carries() -> None:
    by_offset = LinkedResponse([{"id": 1}], link="http://t/x?offset=20")
    assert lists.cursor_spelling(by_offset, "20") == (
        'a Link header rel="next" (RFC 8288) carrying offset=...'
    )
    by_after = LinkedResponse([{"id": 1}], link="http://t/x?after=c20")
    assert "carrying after=" in lists.cursor_spelling(by_after, "c20")
    in_body = FakeResponse({"data": [], "meta": {"next": "abc"}})
    assert lists.cursor_spelling(in_body, "abc") == "the body field 'meta.next', sent as after"


# -- reading objects again and again ------------------------------------------------------------
class ObjectClient:
    """Answers GET of one path with the next of ``bodies``."""

    def __init__(self, *bodies: Any) -> None:
        self.bodies = list(bodies)

    def get(self, path: str, **_: Any) -> FakeResponse:
        return FakeResponse(self.bodies.pop(0))


def test_object_reader_keeps_the_last_answer() -> None:
    read = object_reader(ObjectClient({"id": 1, "up": 0}, {"id": 1, "up": 1}), "/p/1", "post 1")
    assert read() == {"id": 1, "up": 0}
    first = read.last
    assert read() == {"id": 1, "up": 1} and read.last is not first
    body, response = read_object(ObjectClient({"id": 2}), "/p/2", "post 2")
    assert body == {"id": 2} and response.status == 200


def test_item_reader_finds_the_item_in_its_list() -> None:
    read = item_reader(FakeClient(30), "/x", 27, "item 27")
    assert read() == {"id": 27}
    assert {"id": 27} in read.last.json()


# -- what a list gained, values by key, moves -----------------------------------------------------
def test_appeared_and_vanished_tell_entries_by_identity() -> None:
    before = [{"id": 1}, {"user": 4, "role": "member"}]
    after = [{"id": 1, "x": 2}, {"user": 4, "role": "moderator"}, {"id": 9}]
    assert appeared(before, after) == [{"user": 4, "role": "moderator"}, {"id": 9}]
    assert vanished(before, after) == [{"user": 4, "role": "member"}]


def test_under_key_and_located() -> None:
    body = {"Settings": {"k1": "v"}, "other": "v"}
    assert under_key(body, "k1", "v") == [("Settings", "k1")]
    replies = [{"id": 1, "children": [{"id": 2}]}, {"id": 3}]
    assert located(replies, 2) == [((0, "children", 0), {"id": 2})]
    assert located(replies, 7) == []


def test_integer_moves_tell_counts_of_the_wrong_type() -> None:
    moved = changes({"a": 1, "b": "3", "c": 1.0, "d": "x"}, {"a": 2, "b": "4", "c": 2.0, "d": "y"})
    ints, untyped = integer_moves(moved)
    assert [str(c) for c in ints] == ["a: 1 -> 2"]
    assert sorted(show(c.path) for c in untyped) == ["b", "c"]
    assert number("3") == 3.0 and number(" -2.5 ") == -2.5
    assert number(True) is None and number("nan") is None and number("x") is None


# -- telling entries apart by value ------------------------------------------------------------
BOARD = [
    {"rank": 1, "user": {"id": 5}, "points": 40},
    {"rank": 2, "user": {"id": 3}, "points": 30},
    {"rank": 2, "user": {"id": 4}, "points": 30},
    {"rank": 4, "user": {"id": 1}, "points": 2},
]


def test_positions_are_told_from_values() -> None:
    assert columns(BOARD)[("rank",)] == [1, 2, 2, 4]
    assert counts_positions([1, 2, 2, 4], 1)
    assert not counts_positions([40, 30, 30, 2], 1)
    assert positional(BOARD) == {("rank",)}
    assert value_at({"user": {"id": 5}}, ("user", "id")) == 5
    assert value_at({"tags": [{"slug": "a"}]}, ("tags", "[]", "slug")) == "a"


def test_the_user_path_is_found_by_value_and_never_a_rank() -> None:
    known = {1, 2, 3, 4, 5}  # the ranks 1, 2, 4 are known user ids too
    assert user_path(BOARD, known) == ("user", "id")
    assert user_path([{"rank": 1}, {"rank": 2}], known) == ("rank",)  # nothing else holds one
    assert user_path(BOARD, {99}) is None
    members = [{"user_id": 4, "user": {"id": 4}}, {"user_id": 5, "user": {"id": 5}}]
    assert user_path(members, known) == ("user_id",)  # the shorter of two equal places


def test_held_user_and_top_level_id_tell_entries_apart() -> None:
    users = HeldUser(frozenset({1, 3, 4, 5}))
    assert users.learn(BOARD) == ("user", "id")
    assert users(BOARD[1]) == users.of(3)
    assert users.entry(BOARD, 4) is BOARD[2]
    assert users({"nobody": True}) == identity({"nobody": True})
    top = TopLevelId()
    assert top({"id": 7}) == top({"id": "7"}) == 7
    assert top({"x": 1}) == identity({"x": 1})


# -- spellings ---------------------------------------------------------------------------------
def test_one_formatter_spells_every_path() -> None:
    assert spellings.spelled(("tags", 0, "slug")) == "tags[].slug"
    assert spellings.spelled(("Tags", 3)) == "Tags[]"
    assert spellings.spelled(("Settings", "probe"), key="probe") == "Settings"
    assert spellings.spelled(()) == "(the body itself)"
    assert spellings.shown(("b",), ("a", 1), ("a", 0)) == "a[], b"
    token = spellings.start()
    assert spellings.at("post.tags", ("tags", 1, "slug"), ("tags", 0, "slug")) == "tags[].slug"
    assert spellings.at("user.settings", ("settings", "k"), key="k") == "settings"
    assert spellings.at("post.author") == "nowhere"
    assert spellings.take(token) == [
        {"fact": "post.tags", "spelling": "tags[].slug"},
        {"fact": "user.settings", "spelling": "settings"},
    ]
    for fact in ("reply.my_vote", "reply.parent", "leaderboard.rank"):
        assert fact in spellings.FACTS
    with pytest.raises(KeyError):
        spellings.at("no.such.fact", ("x",))


# -- the target's clock, unique words ------------------------------------------------------------
def test_the_server_clock_is_the_date_header() -> None:
    answer = FakeResponse({}, {"Date": "Mon, 30 Nov 2026 12:00:00 GMT"})
    moment = server_clock(answer)
    assert iso(moment) == "2026-11-30T12:00:00Z"
    assert iso(moment, timedelta(days=1)) == "2026-12-01T12:00:00Z"
    assert "Date header" in clock_source(answer)
    undated = FakeResponse({})
    assert server_clock(undated).tzinfo is not None
    assert "local clock" in clock_source(undated)


def test_parse_time_reads_iso_8601() -> None:
    assert parse_time("2026-11-30T12:00:00Z") == datetime(2026, 11, 30, 12, tzinfo=timezone.utc)
    assert parse_time("2026-11-30 13:00:00+01:00") == datetime(
        2026, 11, 30, 12, tzinfo=timezone.utc
    )
    assert parse_time("2026-11-30T12:00:00") == datetime(2026, 11, 30, 12, tzinfo=timezone.utc)
    assert parse_time("yesterday") is None and parse_time(None) is None


def test_unique_words_are_single_words() -> None:
    first, second = unique_word("jtc-ab12"), unique_word("jtc-ab12")
    assert first != second and first.isalnum() and first.startswith("jtcab12q")


def test_no_problems_fails_with_the_first_few() -> None:
    expect.no_problems([], "nothing wrong")
    with pytest.raises(pytest.fail.Exception) as failed:
        expect.no_problems([(f"p{n}", None) for n in range(6)], "no problem", shown=2)
    assert "p0; p1 (+4 more)" in str(failed.value)


def test_user_path_never_takes_a_value_every_entry_shares() -> None:
    """Members of space 1 whose user ids are 1, 2, 3 in list order: the user path is the one
    naming each entry's user, not the space every entry holds (nor a rank)."""
    from pytest_jetonomy.observe import user_path

    entries = [{"space_id": 1, "user_id": n, "role": "member"} for n in (1, 2, 3)]
    assert user_path(entries, known=[1, 2, 3, 9]) == ("user_id",)
