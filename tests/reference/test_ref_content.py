"""Spaces, posts, replies, votes, tags: the happy paths and the documented behaviours."""

from __future__ import annotations

from .ref_helpers import assert_error, unique


def test_space_crud_and_settings_merge(admin, anon, make_space):
    space = make_space(description="d", settings={"a": 1, "b": 2})
    assert space["member_count"] == 1 and space["visibility"] == "public"
    got = anon.get(f"/spaces/{space['id']}")
    assert got.status_code == 200 and got.json()["settings"] == {"a": 1, "b": 2}
    patched = admin.patch(
        f"/spaces/{space['id']}", json={"settings": {"b": 3, "c": 4}, "name": "N"}
    )
    assert patched.status_code == 200
    assert patched.json()["settings"] == {"a": 1, "b": 3, "c": 4}
    assert patched.json()["name"] == "N"
    patched = admin.patch(f"/spaces/{space['id']}", json={"settings": {"a": None}})
    assert patched.json()["settings"] == {"b": 3, "c": 4}
    listed = anon.get("/spaces", params={"limit": 100})
    assert listed.status_code == 200 and "X-JT-Total" in listed.headers


def test_post_lifecycle(member, anon, moderator, space, make_post):
    post = make_post(space["id"], tags=["Py", "ref-tag"])
    assert post["status"] == "publish" and post["author_id"] == member.user_id
    assert {t["slug"] for t in post["tags"]} == {"py", "ref-tag"}
    assert (
        post["user_vote"] == 0 and post["is_pinned"] is False and post["accepted_reply_id"] is None
    )
    assert anon.get(f"/posts/{post['id']}").json()["title"] == post["title"]
    upd = member.patch(f"/posts/{post['id']}", json={"title": "new title", "tags": ["other"]})
    assert upd.status_code == 200 and upd.json()["title"] == "new title"
    assert [t["slug"] for t in upd.json()["tags"]] == ["other"]
    closed = member.post(f"/posts/{post['id']}/close")
    assert closed.status_code == 200 and closed.json()["is_closed"] is True
    assert_error(
        moderator.post(f"/posts/{post['id']}/replies", json={"content": "x"}),
        403,
        "jetonomy_forbidden",
    )
    deleted = member.delete(f"/posts/{post['id']}")
    assert deleted.status_code == 200 and deleted.json() == {"deleted": True, "id": post["id"]}
    assert_error(anon.get(f"/posts/{post['id']}"), 404, "jetonomy_not_found")


def test_drafts_visible_only_to_author(member, regular, moderator, space, make_post):
    draft = make_post(space["id"], status="draft")
    assert draft["status"] == "draft"
    assert any(d["id"] == draft["id"] for d in member.get("/posts/drafts").json()["data"])
    assert not any(d["id"] == draft["id"] for d in regular.get("/posts/drafts").json()["data"])
    assert_error(regular.get(f"/posts/{draft['id']}"), 404)
    assert_error(moderator.get(f"/posts/{draft['id']}"), 404)
    listed = member.get(f"/spaces/{space['id']}/posts").json()["data"]
    assert draft["id"] not in [p["id"] for p in listed]
    published = member.patch(f"/posts/{draft['id']}", json={"status": "publish"})
    assert published.json()["status"] == "publish" and published.json()["published_at"]


def test_pin_puts_post_first(moderator, anon, space, make_post):
    first = make_post(space["id"])
    make_post(space["id"])
    pinned = moderator.post(f"/posts/{first['id']}/pin")
    assert pinned.status_code == 200 and pinned.json()["is_pinned"] is True
    listed = anon.get(f"/spaces/{space['id']}/posts").json()["data"]
    assert listed[0]["id"] == first["id"]
    assert moderator.post(f"/posts/{first['id']}/pin").json()["is_pinned"] is False


def test_replies_and_accept(member, regular, moderator, qa_space, make_post, anon):
    post = make_post(qa_space["id"])
    reply = regular.post(f"/posts/{post['id']}/replies", json={"content": "answer"})
    assert reply.status_code == 201
    reply = reply.json()
    child = regular.post(
        f"/posts/{post['id']}/replies", json={"content": "child", "parent_id": reply["id"]}
    ).json()
    assert child["parent_id"] == reply["id"]
    listed = anon.get(f"/posts/{post['id']}/replies").json()
    assert [r["id"] for r in listed["data"]] == [reply["id"], child["id"]]
    assert anon.get(f"/posts/{post['id']}").json()["reply_count"] == 2
    assert_error(moderator.post(f"/replies/{reply['id']}/accept"), 403, "jetonomy_forbidden")
    accepted = member.post(f"/replies/{reply['id']}/accept")
    assert accepted.status_code == 200 and accepted.json()["is_accepted"] is True
    assert anon.get(f"/posts/{post['id']}").json()["accepted_reply_id"] == reply["id"]
    edited = regular.patch(f"/replies/{child['id']}", json={"content": "edited"})
    assert edited.json()["content"] == "edited"
    assert_error(member.patch(f"/replies/{child['id']}", json={"content": "nope"}), 403)
    assert regular.delete(f"/replies/{child['id']}").json() == {"deleted": True, "id": child["id"]}


def test_accept_outside_qa_is_400(member, regular, space, make_post):
    post = make_post(space["id"])
    reply = regular.post(f"/posts/{post['id']}/replies", json={"content": "a"}).json()
    assert_error(member.post(f"/replies/{reply['id']}/accept"), 400, "jetonomy_invalid_param")


def test_votes_toggle_switch_delete(regular, post):
    path = f"/posts/{post['id']}/vote"
    up = regular.post(path, json={"value": 1}).json()
    assert up == {
        "object_type": "post",
        "object_id": post["id"],
        "user_vote": 1,
        "upvotes": 1,
        "downvotes": 0,
        "vote_score": 1,
    }
    down = regular.post(path, json={"value": -1}).json()
    assert (down["user_vote"], down["upvotes"], down["downvotes"]) == (-1, 0, 1)
    off = regular.post(path, json={"value": -1}).json()
    assert off["user_vote"] == 0 and off["vote_score"] == 0
    regular.post(path, json={"value": 1})
    assert regular.get(f"/posts/{post['id']}").json()["user_vote"] == 1
    assert regular.delete(path).json()["user_vote"] == 0
    for bad in (0, 2, "x", True, None):
        assert_error(regular.post(path, json={"value": bad}), 400, "jetonomy_invalid_param")


def test_reply_votes(member, regular, post):
    reply = regular.post(f"/posts/{post['id']}/replies", json={"content": "r"}).json()
    voted = member.post(f"/replies/{reply['id']}/vote", json={"value": 1}).json()
    assert voted["object_type"] == "reply" and voted["upvotes"] == 1
    assert member.delete(f"/replies/{reply['id']}/vote").json()["upvotes"] == 0


def test_move_merge_split(moderator, member, regular, anon, space, make_space, make_post):
    other = make_space()
    post = make_post(space["id"])
    moved = moderator.post(f"/posts/{post['id']}/move", json={"target_space_id": other["id"]})
    assert moved.status_code == 200 and moved.json()["space_id"] == other["id"]
    assert_error(moderator.post(f"/posts/{post['id']}/move", json={}), 400)
    assert_error(moderator.post(f"/posts/{post['id']}/move", json={"target_space_id": 10**9}), 404)

    source, target = make_post(space["id"]), make_post(space["id"])
    r1 = regular.post(f"/posts/{source['id']}/replies", json={"content": "one"}).json()
    merged = moderator.post(f"/posts/{source['id']}/merge", json={"target_post_id": target["id"]})
    assert merged.status_code == 200 and merged.json()["id"] == target["id"]
    assert r1["id"] in [r["id"] for r in anon.get(f"/posts/{target['id']}/replies").json()["data"]]
    assert_error(anon.get(f"/posts/{source['id']}"), 404)

    r2 = regular.post(f"/posts/{target['id']}/replies", json={"content": "split me"}).json()
    split = moderator.post(f"/replies/{r2['id']}/split")
    assert split.status_code == 201
    new_post = split.json()
    assert new_post["space_id"] == space["id"] and new_post["content"] == "split me"
    assert r2["id"] not in [
        r["id"] for r in anon.get(f"/posts/{target['id']}/replies").json()["data"]
    ]


def test_new_member_content_waits_for_moderation(clients, moderator, anon, space, make_post):
    newbie = clients["new_member"]
    pending = make_post(space["id"], api=newbie)
    assert pending["status"] == "pending"
    assert_error(anon.get(f"/posts/{pending['id']}"), 404)
    assert newbie.get(f"/posts/{pending['id']}").status_code == 200
    queue = moderator.get("/moderation/queue").json()["data"]
    assert {"type": "post", "id": pending["id"]}.items() <= next(
        i for i in queue if i["id"] == pending["id"] and i["type"] == "post"
    ).items()
    approved = moderator.post(f"/moderation/approve/post/{pending['id']}")
    assert approved.status_code == 200 and approved.json()["status"] == "publish"
    assert anon.get(f"/posts/{pending['id']}").status_code == 200
    spam = moderator.post(f"/moderation/spam/post/{pending['id']}")
    assert spam.json()["status"] == "spam"
    assert_error(anon.get(f"/posts/{pending['id']}"), 404)
    assert moderator.get(f"/posts/{pending['id']}").json()["status"] == "spam"
    trashed = moderator.post(f"/moderation/trash/post/{pending['id']}")
    assert trashed.json()["status"] == "trash"
    post = make_post(space["id"])
    reply = newbie.post(f"/posts/{post['id']}/replies", json={"content": "hi"}).json()
    assert reply["status"] == "pending"
    assert reply["id"] not in [
        r["id"] for r in anon.get(f"/posts/{post['id']}/replies").json()["data"]
    ]
    assert moderator.post(f"/moderation/approve/reply/{reply['id']}").json()["status"] == "publish"
    assert_error(moderator.post(f"/moderation/approve/user/{reply['id']}"), 400)


def test_delete_space_deletes_posts(admin, anon, make_space, make_post):
    doomed = make_space()
    post = make_post(doomed["id"])
    assert admin.delete(f"/spaces/{doomed['id']}").json() == {"deleted": True, "id": doomed["id"]}
    assert_error(anon.get(f"/posts/{post['id']}"), 404)
    assert_error(anon.get(f"/spaces/{doomed['id']}"), 404)


def test_join_policies_and_invites(admin, member, regular, anon, make_space):
    open_space = make_space(join_policy="open")
    joined = member.post(f"/spaces/{open_space['id']}/members")
    assert joined.status_code in (200, 201) and joined.json()["status"] == "joined"
    members = anon.get(f"/spaces/{open_space['id']}/members").json()["data"]
    assert member.user_id in [m["user_id"] for m in members]
    role = admin.patch(
        f"/spaces/{open_space['id']}/members/{member.user_id}", json={"role": "moderator"}
    )
    assert role.status_code == 200 and role.json()["role"] == "moderator"
    assert_error(
        admin.patch(f"/spaces/{open_space['id']}/members/{member.user_id}", json={"role": "owner"}),
        400,
    )
    left = member.delete(f"/spaces/{open_space['id']}/members/{member.user_id}")
    assert left.status_code == 200

    approval = make_space(join_policy="approval")
    pending = member.post(f"/spaces/{approval['id']}/members")
    assert pending.status_code == 202 and pending.json()["status"] == "pending"
    members = anon.get(f"/spaces/{approval['id']}/members").json()["data"]
    assert member.user_id not in [m["user_id"] for m in members]

    invite_only = make_space(join_policy="invite", visibility="private")
    assert_error(regular.get(f"/spaces/{invite_only['id']}"), 404)
    assert_error(regular.post(f"/spaces/{invite_only['id']}/members"), 404)
    invite = admin.post(f"/spaces/{invite_only['id']}/invite")
    assert invite.status_code == 201
    token = invite.json()["token"]
    assert set(invite.json()) == {"token", "url", "space_id", "expires_at"}
    redirect = anon.get(f"/invite/{token}")
    assert redirect.status_code == 302
    assert redirect.headers["Location"].split("?")[0].endswith("/wp-login.php")
    assert "action=register" in redirect.headers["Location"]
    assert_error(anon.get("/invite/nope-not-a-token"), 404)
    redeemed = regular.get(f"/invite/{token}")
    assert redeemed.status_code == 200 and redeemed.json()["status"] == "joined"
    assert regular.get(f"/spaces/{invite_only['id']}").status_code == 200
    token2 = admin.post(f"/spaces/{invite_only['id']}/invite").json()["token"]
    assert_error(
        member.post(f"/spaces/{invite_only['id']}/members", json={"invite_token": "bad"}), 404
    )
    ok = member.post(f"/spaces/{invite_only['id']}/members", json={"invite_token": token2})
    assert ok.status_code in (200, 201) and ok.json()["status"] == "joined"
    # a space admin removes another member
    assert admin.delete(f"/spaces/{invite_only['id']}/members/{regular.user_id}").status_code == 200


def test_invite_space_without_token_is_403(member, make_space):
    space = make_space(join_policy="invite")
    assert_error(member.post(f"/spaces/{space['id']}/members"), 403, "jetonomy_forbidden")


def test_tags_and_space_tags(anon, space, make_post):
    slug = unique("tag")
    make_post(space["id"], tags=[slug])
    tags = anon.get("/tags").json()["data"]
    entry = next(t for t in tags if t["slug"] == slug)
    assert entry["count"] == 1
    space_tags = anon.get("/space-tags").json()["data"]
    assert any(t["slug"] == slug and t["space_id"] == space["id"] for t in space_tags)
    by_id = make_post(space["id"], tags=[entry["id"]])
    assert by_id["tags"][0]["slug"] == slug
