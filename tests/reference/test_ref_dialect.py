"""The alt dialect: each reading it takes where the reference is silent (reference/dialect.py),
and the 400 answers that name their parameters in both dialects."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from pytest_jetonomy.reference import ReferenceConfig, ReferenceServer
from pytest_jetonomy.reference.faults import check_names

from .ref_helpers import NS, Api, assert_error, unique

LINK_NEXT = re.compile(r'^<(?P<url>[^>]+)>; rel="next"$')
SPACE_KEYS = {
    "id",
    "Name",
    "Slug",
    "Description",
    "Type",
    "Visibility",
    "JoinPolicy",
    "Icon",
    "Settings",
    "MemberCount",
    "PostCount",
    "CategoryId",
    "CreatedAt",
}
AUTHOR_KEYS = {"AuthorId", "AuthorUsername", "AuthorDisplayName", "AuthorAvatarUrl"}
USER_KEYS = {"UserId", "UserUsername", "UserDisplayName", "UserAvatarUrl"}


def ok(response: requests.Response, status: int = 200) -> Any:
    assert response.status_code == status, (response.status_code, response.text)
    return response.json()


def make_space(alt: dict[str, Api], **fields: Any) -> dict[str, Any]:
    return ok(alt["admin"].post("/spaces", json={"name": unique("space"), **fields}))


def make_post(alt: dict[str, Api], space_id: int, role: str = "member", **fields: Any) -> dict:
    body = {"title": unique("post"), "content": "<p>body</p>", **fields}
    return ok(alt[role].post(f"/spaces/{space_id}/posts", json=body))


def make_reply(alt: dict[str, Api], post_id: int, role: str = "regular") -> dict[str, Any]:
    return ok(alt[role].post(f"/posts/{post_id}/replies", json={"content": "<p>reply</p>"}))


@pytest.fixture
def alt_post(alt: dict[str, Api]) -> dict[str, Any]:
    return make_post(alt, make_space(alt)["id"])


def empty(response: requests.Response) -> None:
    assert response.status_code == 204, (response.status_code, response.text)
    assert response.content == b""


# -- 1. field names -------------------------------------------------------------------------
def test_keys_are_pascal_case_but_id_settings_and_errors_are_kept(alt):
    settings = {"snake_key": 1, "nested_obj": {"inner_key": True}}
    space = make_space(alt, settings=settings)
    assert set(space) == SPACE_KEYS
    assert space["Settings"] == settings and space["MemberCount"] == 1
    me = ok(alt["member"].patch("/users/me", json={"settings": {"my_pref": "x"}}))
    assert me["Settings"]["my_pref"] == "x" and {"id", "DisplayName", "RegisteredAt"} <= set(me)
    missing = assert_error(alt["member"].get("/spaces/999999"), 404, "jetonomy_not_found")
    assert set(missing) == {"code", "message", "data"} and set(missing["data"]) == {"status"}
    bad = alt["admin"].post("/spaces", json={"name": unique(), "visibility": "nope"})
    assert set(assert_error(bad, 400, "jetonomy_invalid_param")["data"]) == {"status", "params"}


def test_fields_and_envelope_take_the_alt_names(alt, alt_post):
    one = ok(alt["member"].get(f"/posts/{alt_post['id']}", params={"_fields": "id,Title,AuthorId"}))
    assert one == {
        "id": alt_post["id"],
        "Title": alt_post["Title"],
        "AuthorId": alt["member"].user_id,
    }
    listed = ok(
        alt["member"].get(f"/spaces/{alt_post['SpaceId']}/posts", params={"_fields": "id,Title"})
    )
    assert listed == [{"id": alt_post["id"], "Title": alt_post["Title"]}]
    wrapped = ok(alt["member"].get(f"/posts/{alt_post['id']}", params={"_envelope": "1"}))
    assert set(wrapped) == {"body", "status", "headers"} and wrapped["status"] == 200
    assert wrapped["body"]["Title"] == alt_post["Title"]
    gone = ok(alt["member"].get("/posts/999999", params={"_envelope": "1"}))
    assert gone["status"] == 404 and gone["body"]["code"] == "jetonomy_not_found"


# -- 2. flat facts --------------------------------------------------------------------------
def test_embedded_objects_are_flattened(alt):
    space = make_space(alt)
    tag = unique("tag")
    post = make_post(alt, space["id"], tags=[tag])
    member = alt["member"]
    assert AUTHOR_KEYS <= set(post) and "Author" not in post
    assert post["AuthorId"] == member.user_id and post["AuthorUsername"]
    assert post["Tags"] == [tag]
    reply = make_reply(alt, post["id"])
    assert AUTHOR_KEYS <= set(reply) and reply["AuthorId"] == alt["regular"].user_id
    ok(member.post(f"/spaces/{space['id']}/members"))
    members = ok(member.get(f"/spaces/{space['id']}/members"))
    assert all(USER_KEYS <= set(m) and "User" not in m for m in members)
    assert member.user_id in [m["UserId"] for m in members]
    ok(alt["regular"].post(f"/posts/{post['id']}/vote", json={"value": 1}))
    board = ok(alt["anonymous"].get("/leaderboards"))
    assert all({"Rank", "Reputation"} | USER_KEYS <= set(entry) for entry in board)
    held = make_post(alt, space["id"], role="new_member")
    assert held["Status"] == "pending"
    queue = ok(alt["moderator"].get("/moderation/queue"))
    item = next(i for i in queue if i["id"] == held["id"] and i["Type"] == "post")
    assert AUTHOR_KEYS <= set(item) and item["AuthorId"] == alt["new_member"].user_id


# -- 3. lists -------------------------------------------------------------------------------
def test_lists_are_bare_arrays_linked_to_their_next_page(alt, alt_server):
    space = make_space(alt)
    made = {make_post(alt, space["id"])["id"] for _ in range(7)}
    first = alt["anonymous"].get(
        f"/spaces/{space['id']}/posts", params={"limit": 3, "sort": "recent"}
    )
    assert isinstance(ok(first), list) and len(first.json()) == 3
    assert first.headers["X-JT-Total"] == "7" and first.headers["X-JT-TotalPages"] == "3"
    match = LINK_NEXT.match(first.headers["Link"])
    assert match, first.headers["Link"]
    link = urlsplit(match["url"])
    assert match["url"].startswith(alt_server.url + NS + f"/spaces/{space['id']}/posts?")
    query = parse_qs(link.query)
    assert query["limit"] == ["3"] and query["sort"] == ["recent"] and query["after"]
    seen: list[int] = []
    response = first
    while True:
        seen += [item["id"] for item in ok(response)]
        if "Link" not in response.headers:
            break
        response = alt["anonymous"].get(LINK_NEXT.match(response.headers["Link"])["url"])
    assert sorted(seen) == sorted(made)  # every item once


def test_link_keeps_the_rest_route_form(alt, alt_server):
    space = make_space(alt)
    for _ in range(2):
        make_post(alt, space["id"])
    route = f"/jetonomy/v1/spaces/{space['id']}/posts"
    response = alt["anonymous"].get(f"{alt_server.url}/", params={"rest_route": route, "limit": 1})
    assert len(ok(response)) == 1
    query = parse_qs(urlsplit(LINK_NEXT.match(response.headers["Link"])["url"]).query)
    assert query["rest_route"] == [route] and query["limit"] == ["1"] and query["after"]


def test_an_empty_list_has_one_page(alt, anon, space):
    fresh = make_space(alt)
    response = alt["anonymous"].get(f"/spaces/{fresh['id']}/posts")
    assert ok(response) == [] and "Link" not in response.headers
    assert response.headers["X-JT-Total"] == "0" and response.headers["X-JT-TotalPages"] == "1"
    assert anon.get(f"/spaces/{space['id']}/posts").headers["X-JT-TotalPages"] == "0"
    assert isinstance(ok(alt["anonymous"].get("/categories")), list)


# -- 4. limit -------------------------------------------------------------------------------
@pytest.mark.parametrize("limit", [101, 500, "1" + "0" * 30])
def test_a_limit_above_100_is_refused(alt, limit):
    space = make_space(alt)
    body = assert_error(
        alt["anonymous"].get(f"/spaces/{space['id']}/posts", params={"limit": limit}),
        400,
        "jetonomy_invalid_param",
    )
    assert list(body["data"]["params"]) == ["limit"]
    assert ok(alt["anonymous"].get(f"/spaces/{space['id']}/posts", params={"limit": 100})) == []
    assert_error(alt["anonymous"].get("/spaces", params={"limit": 0}), 400)


# -- 5. creation statuses -------------------------------------------------------------------
def test_creations_answer_200(alt):
    admin, moderator, member = alt["admin"], alt["moderator"], alt["member"]
    space = make_space(alt)  # 200 checked by ok()
    assert ok(member.post(f"/spaces/{space['id']}/members"))["Status"] == "joined"
    post = make_post(alt, space["id"])
    reply = make_reply(alt, post["id"])
    ok(admin.post("/categories", json={"name": unique("cat")}))
    ok(moderator.post("/flags", json={"item_type": "post", "item": post["id"], "note": "spam"}))
    ok(member.post("/bookmarks", json={"post": post["id"]}))
    ok(member.post("/subscriptions", json={"kind": "space", "target": space["id"]}))
    assert ok(admin.post(f"/spaces/{space['id']}/invite"))["Token"]
    split = ok(moderator.post(f"/replies/{reply['id']}/split", json={"title": unique("split")}))
    assert split["SpaceId"] == space["id"]
    target = alt["new_member"].user_id
    assert ok(moderator.post("/moderation/ban", json={"member": target}))["UserId"] == target
    empty(moderator.delete(f"/moderation/ban/{target}"))


# -- 6. votes -------------------------------------------------------------------------------
def test_votes_answer_the_voted_post_or_reply(alt, alt_post):
    regular = alt["regular"]
    voted = ok(regular.post(f"/posts/{alt_post['id']}/vote", json={"value": 1}))
    assert voted["id"] == alt_post["id"] and voted["Title"] == alt_post["Title"]
    assert (voted["UserVote"], voted["Upvotes"], voted["VoteScore"]) == (1, 1, 1)
    removed = ok(regular.delete(f"/posts/{alt_post['id']}/vote"))
    assert removed["id"] == alt_post["id"] and (removed["UserVote"], removed["Upvotes"]) == (0, 0)
    reply = make_reply(alt, alt_post["id"])
    down = ok(alt["member"].post(f"/replies/{reply['id']}/vote", json={"value": -1}))
    assert down["id"] == reply["id"] and down["PostId"] == alt_post["id"]
    assert (down["UserVote"], down["Downvotes"], down["VoteScore"]) == (-1, 1, -1)
    assert ok(alt["member"].delete(f"/replies/{reply['id']}/vote"))["UserVote"] == 0


# -- 7. deletions ---------------------------------------------------------------------------
def test_deletions_answer_204_without_a_body(alt):
    admin, moderator, member = alt["admin"], alt["moderator"], alt["member"]
    space = make_space(alt)
    post = make_post(alt, space["id"])
    reply = make_reply(alt, post["id"])
    ok(member.post("/bookmarks", json={"post": post["id"]}))
    empty(member.delete("/bookmarks", json={"post": post["id"]}))
    ok(member.post("/subscriptions", json={"kind": "post", "target": post["id"]}))
    empty(member.delete("/subscriptions", json={"kind": "post", "target": post["id"]}))
    empty(alt["regular"].delete(f"/replies/{reply['id']}"))
    empty(member.delete(f"/posts/{post['id']}"))
    category = ok(admin.post("/categories", json={"name": unique("cat")}))
    empty(admin.delete(f"/categories/{category['id']}"))
    ok(member.post(f"/spaces/{space['id']}/members"))
    empty(member.delete(f"/spaces/{space['id']}/members/{member.user_id}"))
    target = alt["new_member"].user_id
    ok(moderator.post("/moderation/ban", json={"member": target, "why": "test"}))
    empty(moderator.delete(f"/moderation/ban/{target}"))
    empty(member.post("/notifications/mark-all-read"))
    empty(admin.delete(f"/spaces/{space['id']}"))


# -- 8. unread count ------------------------------------------------------------------------
def test_the_unread_count_is_a_bare_integer(alt, alt_post):
    member = alt["member"]
    empty(member.post("/notifications/mark-all-read"))
    assert member.get("/notifications/unread-count").text == "0"
    make_reply(alt, alt_post["id"])  # the post's author (member) is told
    count = ok(member.get("/notifications/unread-count"))
    assert type(count) is int and count == 1


# -- 9. bookmarks ---------------------------------------------------------------------------
def test_the_bookmarks_list_holds_the_posts(alt, alt_post):
    member = alt["member"]
    ok(member.post("/bookmarks", json={"post": alt_post["id"]}))
    listed = ok(member.get("/bookmarks"))
    mine = [item for item in listed if item["id"] == alt_post["id"]]
    assert len(mine) == 1 and mine[0]["Title"] == alt_post["Title"] and "PostId" not in mine[0]
    assert AUTHOR_KEYS <= set(mine[0])


# -- 10. view counter -----------------------------------------------------------------------
def test_posts_count_their_reads(alt, alt_post, member, post):
    path = f"/posts/{alt_post['id']}"
    assert alt_post["ViewCount"] == 0
    assert ok(alt["anonymous"].get(path))["ViewCount"] == 1
    assert ok(alt["regular"].get(path))["ViewCount"] == 2
    listed = ok(alt["anonymous"].get(f"/spaces/{alt_post['SpaceId']}/posts"))
    assert [item["ViewCount"] for item in listed] == [2]  # lists do not count
    assert ok(alt["anonymous"].get(path))["ViewCount"] == 3
    assert "view_count" not in member.get(f"/posts/{post['id']}").json()  # the default's post


# -- 11. namespace index --------------------------------------------------------------------
def test_the_index_sends_empty_args_as_an_array(alt, anon):
    index = ok(alt["anonymous"].get(""))
    assert set(index) == {"namespace", "routes"}
    me = index["routes"]["/jetonomy/v1/users/me"]
    assert set(me) == {"namespace", "methods", "endpoints"}
    assert [e["methods"] for e in me["endpoints"]] == [["GET"], ["PATCH"]]
    assert me["endpoints"][0]["args"] == []
    assert set(me["endpoints"][1]["args"]) == {"display_name", "settings"}
    assert index["routes"]["/jetonomy/v1"]["endpoints"][0]["args"] == []
    assert anon.get("").json()["routes"]["/jetonomy/v1/users/me"]["endpoints"][0]["args"] == {}
    root = ok(alt["anonymous"].get(alt["anonymous"].base_url + "/wp-json/"))
    assert root["routes"]["/jetonomy/v1/users/me"]["endpoints"][0]["args"] == []


# -- 12. private spaces, closed posts -------------------------------------------------------
@pytest.mark.parametrize("visibility", ["private", "hidden"])
def test_closed_spaces_answer_403_to_non_members(alt, visibility):
    admin, member, regular = alt["admin"], alt["member"], alt["regular"]
    space = make_space(alt, visibility=visibility, join_policy="invite")
    post = make_post(alt, space["id"], role="admin")
    reply = make_reply(alt, post["id"], role="admin")
    for path in (
        f"/spaces/{space['id']}",
        f"/spaces/{space['id']}/posts",
        f"/posts/{post['id']}",
        f"/posts/{post['id']}/replies",
        f"/replies/{reply['id']}/vote",
    ):
        method = member.post if path.endswith("/vote") else member.get
        kwargs = {"json": {"value": 1}} if path.endswith("/vote") else {}
        assert_error(method(path, **kwargs), 403, "jetonomy_forbidden")
    assert_error(member.post(f"/spaces/{space['id']}/members"), 403, "jetonomy_forbidden")
    assert_error(member.get("/spaces/999999"), 404, "jetonomy_not_found")
    assert_error(member.get("/posts/999999"), 404, "jetonomy_not_found")
    token = ok(admin.post(f"/spaces/{space['id']}/invite"))["Token"]
    ok(regular.post(f"/spaces/{space['id']}/members", json={"invite_token": token}))
    assert ok(regular.get(f"/posts/{post['id']}"))["id"] == post["id"]


def test_a_reply_to_a_closed_post_is_a_400(alt, alt_post):
    ok(alt["member"].post(f"/posts/{alt_post['id']}/close"))
    body = assert_error(
        alt["regular"].post(f"/posts/{alt_post['id']}/replies", json={"content": "late"}),
        400,
        "jetonomy_invalid_param",
    )
    assert list(body["data"]["params"]) == ["post_id"]


# -- 13. undocumented request bodies --------------------------------------------------------
ALT_ARGS = {
    ("/jetonomy/v1/flags", "POST"): {"item_type", "item", "note"},
    ("/jetonomy/v1/moderation/ban", "POST"): {"member", "why", "until"},
    ("/jetonomy/v1/subscriptions", "POST"): {"kind", "target"},
    ("/jetonomy/v1/subscriptions", "DELETE"): {"kind", "target"},
    ("/jetonomy/v1/bookmarks", "POST"): {"post"},
    ("/jetonomy/v1/bookmarks", "DELETE"): {"post"},
    ("/jetonomy/v1/notifications/(?P<id>[\\d]+)", "PATCH"): {"state"},
}


def _args(index: dict[str, Any], route: str, method: str) -> dict[str, Any]:
    endpoints = index["routes"][route]["endpoints"]
    return next(e["args"] for e in endpoints if e["methods"] == [method])


def test_the_index_describes_the_alt_bodies(alt):
    index = ok(alt["anonymous"].get(""))
    for (route, method), names in ALT_ARGS.items():
        args = _args(index, route, method)
        assert set(args) == names, (route, method, args)
        assert all({"type", "required", "description"} <= set(a) for a in args.values())
    flags = _args(index, "/jetonomy/v1/flags", "POST")
    assert flags["item_type"]["enum"] == ["post", "reply"] and flags["item_type"]["required"]
    assert flags["item"]["type"] == "integer" and not flags["note"]["required"]
    state = _args(index, "/jetonomy/v1/notifications/(?P<id>[\\d]+)", "PATCH")["state"]
    assert state["enum"] == ["read", "unread"] and state["required"] is True


def missing(response: requests.Response) -> list[str]:
    return assert_error(response, 400, "jetonomy_invalid_param")["data"]["params"]


def test_flags_take_item_type_item_and_note(alt, alt_post):
    moderator = alt["moderator"]
    default = {"object_type": "post", "object_id": alt_post["id"], "reason": "spam"}
    assert missing(moderator.post("/flags", json=default)) == ["item_type", "item"]
    flag = ok(moderator.post("/flags", json={"item_type": "post", "item": alt_post["id"]}))
    assert (flag["ObjectType"], flag["ObjectId"]) == ("post", alt_post["id"])
    noted = {"item_type": "post", "item": alt_post["id"], "note": "spam"}
    assert ok(moderator.post("/flags", json=noted))["Reason"] == "spam"


def test_bans_take_member_why_and_until(alt):
    moderator = alt["moderator"]
    target = alt["new_member"].user_id
    assert missing(moderator.post("/moderation/ban", json={"user_id": target, "reason": "x"})) == [
        "member"
    ]
    admin_id = alt["admin"].user_id
    refused = assert_error(moderator.post("/moderation/ban", json={"member": admin_id}), 400)
    assert list(refused["data"]["params"]) == ["member"]
    until = "2099-01-01T00:00:00Z"
    ban = ok(moderator.post("/moderation/ban", json={"member": target, "why": "x", "until": until}))
    assert (ban["UserId"], ban["Reason"], ban["ExpiresAt"]) == (target, "x", until)
    empty(moderator.delete(f"/moderation/ban/{target}"))


def test_subscriptions_take_kind_and_target(alt, alt_post):
    member = alt["member"]
    default = {"object_type": "post", "object_id": alt_post["id"]}
    assert missing(member.post("/subscriptions", json=default)) == ["kind", "target"]
    assert missing(member.delete("/subscriptions", json=default)) == ["kind", "target"]
    body = {"kind": "post", "target": alt_post["id"]}
    made = ok(member.post("/subscriptions", json=body))
    assert (made["ObjectType"], made["ObjectId"]) == ("post", alt_post["id"])
    invalid = assert_error(member.post("/subscriptions", json={**body, "kind": "tag"}), 400)
    assert list(invalid["data"]["params"]) == ["kind"]
    empty(member.delete("/subscriptions", json=body))


def test_bookmarks_take_post(alt, alt_post):
    member = alt["member"]
    assert missing(member.post("/bookmarks", json={"post_id": alt_post["id"]})) == ["post"]
    assert missing(member.delete("/bookmarks", json={"post_id": alt_post["id"]})) == ["post"]
    assert ok(member.post("/bookmarks", json={"post": alt_post["id"]}))["PostId"] == alt_post["id"]
    empty(member.delete("/bookmarks", json={"post": alt_post["id"]}))


def test_notifications_take_state(alt, alt_post):
    member = alt["member"]
    make_reply(alt, alt_post["id"])
    notification = ok(member.get("/notifications"))[0]
    path = f"/notifications/{notification['id']}"
    assert missing(member.patch(path, json={"read": True})) == ["state"]
    invalid = assert_error(member.patch(path, json={"state": "seen"}), 400)
    assert list(invalid["data"]["params"]) == ["state"]
    assert ok(member.patch(path, json={"state": "read"}))["IsRead"] is True
    assert ok(member.patch(path, json={"state": "unread"}))["IsRead"] is False


# -- 14. 400 answers name their parameters (both dialects) ----------------------------------
@pytest.mark.parametrize("dialect", ["default", "alt"])
def test_400_answers_name_the_parameters(request, dialect):
    api = request.getfixturevalue("clients" if dialect == "default" else "alt")
    admin, member = api["admin"], api["member"]
    space = ok(
        admin.post("/spaces", json={"name": unique("space")}), 201 if dialect == "default" else 200
    )
    path = f"/spaces/{space['id']}/posts"
    assert missing(member.post(path, json={})) == ["title", "content"]
    assert missing(member.post(path, json={"content": "x"})) == ["title"]
    assert missing(api["anonymous"].get("/search")) == ["q"]
    assert missing(
        member.get("/updates", params={"since": "2020-01-01T00:00:00Z", "scope": "space"})
    ) == ["id"]
    invalid = assert_error(
        member.post(path, json={"title": "t", "content": "c", "status": "x"}), 400
    )
    assert invalid["code"] == "jetonomy_invalid_param" and set(invalid["data"]) == {
        "status",
        "params",
    }
    assert list(invalid["data"]["params"]) == ["status"]
    assert isinstance(invalid["data"]["params"]["status"], str)


# -- 15. space type -------------------------------------------------------------------------
def test_a_space_type_is_any_label_in_alt(alt, admin):
    label = "Ideas & Feedback"
    assert make_space(alt, type=label)["Type"] == label
    assert_error(alt["admin"].post("/spaces", json={"name": unique(), "type": "x" * 41}), 400)
    assert_error(alt["admin"].post("/spaces", json={"name": unique(), "type": " "}), 400)
    assert make_space(alt, type="x" * 40)["Type"] == "x" * 40
    assert_error(admin.post("/spaces", json={"name": unique(), "type": label}), 400)  # default


# -- faults still apply ---------------------------------------------------------------------
def test_fault_hooks_run_before_the_alt_shape():
    faults = check_names(["empty-space-settings-as-array"])  # PHP's [] for an empty {}
    with ReferenceServer(ReferenceConfig(dialect="alt", faults=faults)) as server:
        creds = server.provision()["admin"]
        admin = Api(server.url, (creds["username"], creds["application_password"]))
        space = ok(admin.post("/spaces", json={"name": unique("space")}))
        got = ok(admin.get(f"/spaces/{space['id']}"))
    assert got["Settings"] == [] and "settings" not in got


def test_an_unknown_dialect_is_refused():
    with pytest.raises(ValueError, match="unknown dialect 'nope'"):
        ReferenceConfig(dialect="nope")
