"""Users, notifications, subscriptions, bookmarks, search, leaderboards, updates, categories,
flags, link preview."""

from __future__ import annotations

import time

import pytest

from .ref_helpers import assert_error, unique


def test_users(member, anon, creds):
    me = member.get("/users/me").json()
    assert {"email", "settings", "reputation", "registered_at", "trust_level"} <= set(me)
    r = member.patch("/users/me", json={"settings": {"theme": "dark", "lang": "en"}})
    assert r.json()["settings"]["theme"] == "dark"
    r = member.patch("/users/me", json={"settings": {"lang": "fr"}, "display_name": "Mem Ber"})
    assert r.json()["settings"]["theme"] == "dark" and r.json()["settings"]["lang"] == "fr"
    assert r.json()["display_name"] == "Mem Ber"
    public = anon.get(f"/users/{member.user_id}").json()
    assert "email" not in public and public["username"] == creds["member"]["username"]
    by_login = anon.get(f"/users/by-login/{creds['member']['username']}")
    assert by_login.json()["id"] == member.user_id
    assert_error(anon.get("/users/by-login/nobody-here"), 404)
    posts = anon.get(f"/users/{member.user_id}/posts")
    assert posts.status_code == 200 and all(
        p["author_id"] == member.user_id for p in posts.json()["data"]
    )


def test_notifications(member, regular, post):
    before = member.get("/notifications/unread-count").json()["count"]
    regular.post(f"/posts/{post['id']}/replies", json={"content": "ping"})
    assert member.get("/notifications/unread-count").json()["count"] == before + 1
    newest = member.get("/notifications").json()["data"][0]
    assert newest["type"] == "reply" and newest["is_read"] is False
    read = member.patch(f"/notifications/{newest['id']}", json={"read": True})
    assert read.status_code == 200 and read.json()["is_read"] is True
    assert (
        member.patch(f"/notifications/{newest['id']}", json={"read": False}).json()["is_read"]
        is False
    )
    assert_error(regular.patch(f"/notifications/{newest['id']}", json={"read": True}), 403)
    assert_error(member.patch(f"/notifications/{newest['id']}", json={"read": "maybe"}), 400)
    assert member.post("/notifications/mark-all-read").status_code == 200
    assert member.get("/notifications/unread-count").json() == {"count": 0}


def test_accept_notifies_reply_author(member, clients, qa_space, make_post):
    leader = clients["leader"]
    post = make_post(qa_space["id"])
    reply = leader.post(f"/posts/{post['id']}/replies", json={"content": "ans"}).json()
    before = leader.get("/notifications/unread-count").json()["count"]
    member.post(f"/replies/{reply['id']}/accept")
    assert leader.get("/notifications/unread-count").json()["count"] == before + 1


def test_subscriptions_and_bookmarks(member, space, post):
    body = {"object_type": "space", "object_id": space["id"]}
    created = member.post("/subscriptions", json=body)
    assert created.status_code == 201 and created.json()["object_id"] == space["id"]
    assert member.post("/subscriptions", json=body).status_code in (200, 201)
    subs = [
        s
        for s in member.get("/subscriptions").json()["data"]
        if s["object_id"] == space["id"] and s["object_type"] == "space"
    ]
    assert len(subs) == 1
    assert member.delete("/subscriptions", json=body).json()["deleted"] is True
    assert_error(member.delete("/subscriptions", json=body), 404)
    assert_error(member.post("/subscriptions", json={"object_type": "user", "object_id": 1}), 400)

    mark = member.post("/bookmarks", json={"post_id": post["id"]})
    assert mark.status_code == 201 and mark.json()["post_id"] == post["id"]
    assert member.post("/bookmarks", json={"post_id": post["id"]}).json()["id"] == mark.json()["id"]
    listed = member.get("/bookmarks").json()["data"]
    assert [b["post"]["id"] for b in listed if b["post_id"] == post["id"]] == [post["id"]]
    assert member.delete("/bookmarks", json={"post_id": post["id"]}).status_code == 200
    assert_error(member.post("/bookmarks", json={"post_id": 987654321}), 404)


def test_search(member, regular, anon, space, make_post):
    word = unique("needle")
    p = make_post(space["id"], title=f"About {word.upper()}", tags=[word])
    reply = regular.post(f"/posts/{p['id']}/replies", json={"content": f"me too {word}"}).json()
    everything = anon.get("/search", params={"q": word}).json()["data"]
    kinds = {(h["type"], h["id"]) for h in everything}
    assert ("post", p["id"]) in kinds and ("reply", reply["id"]) in kinds
    assert any(h["type"] == "tag" for h in everything)
    posts_only = anon.get("/search", params={"q": word, "mode": "posts"}).json()["data"]
    assert {h["type"] for h in posts_only} == {"post"}
    by_author = anon.get("/search", params={"q": word, "author_id": regular.user_id}).json()["data"]
    assert [(h["type"], h["id"]) for h in by_author] == [("reply", reply["id"])]
    recent = anon.get("/search", params={"q": word, "sort": "recent"}).json()["data"]
    stamps = [h["created_at"] or "" for h in recent]
    assert stamps == sorted(stamps, reverse=True)
    assert (
        anon.get("/search", params={"q": word, "from_date": "2999-01-01T00:00:00Z"}).json()["data"]
        == []
    )
    assert_error(anon.get("/search"), 400, "jetonomy_invalid_param")
    assert_error(anon.get("/search", params={"q": "x", "mode": "bogus"}), 400)
    draft = make_post(space["id"], title=f"secret {word}", status="draft")
    assert draft["id"] not in [
        h["id"] for h in anon.get("/search", params={"q": "secret " + word}).json()["data"]
    ]


def test_leaderboard(member, regular, clients, space, make_post):
    p = make_post(space["id"], api=clients["leader"])
    member.post(f"/posts/{p['id']}/vote", json={"value": 1})
    regular.post(f"/posts/{p['id']}/vote", json={"value": 1})
    for period in ("all", "month", "week"):
        body = member.get("/leaderboards", params={"period": period, "limit": 100}).json()
        ranks = [e["rank"] for e in body["data"]]
        assert ranks == list(range(1, len(ranks) + 1))
        reps = [e["reputation"] for e in body["data"]]
        assert reps == sorted(reps, reverse=True)
        entry = next(e for e in body["data"] if e["user"]["id"] == clients["leader"].user_id)
        assert entry["reputation"] >= 2
    assert_error(member.get("/leaderboards", params={"period": "year"}), 400)


def test_updates(member, regular, space, make_post):
    since = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 1))
    p = make_post(space["id"])
    reply = regular.post(f"/posts/{p['id']}/replies", json={"content": "u"}).json()
    items = member.get("/updates", params={"since": since}).json()["data"]
    assert ("post", p["id"]) in {(i["object_type"], i["object_id"]) for i in items}
    assert ("reply", reply["id"]) in {(i["object_type"], i["object_id"]) for i in items}
    scoped = member.get("/updates", params={"since": since, "scope": "post", "id": p["id"]}).json()
    assert {i["post_id"] for i in scoped["data"]} == {p["id"]}
    future = member.get("/updates", params={"since": "2999-01-01T00:00:00Z"}).json()
    assert future["data"] == []
    assert_error(member.get("/updates"), 400)
    assert_error(member.get("/updates", params={"since": "not a date"}), 400)
    assert_error(member.get("/updates", params={"since": since, "scope": "space"}), 400)
    assert_error(
        member.get("/updates", params={"since": since, "scope": "space", "id": 10**8}), 404
    )


def test_categories(admin, anon, member):
    created = admin.post("/categories", json={"name": "Cat A", "description": "d"})
    assert created.status_code == 201
    cat = created.json()
    assert cat["slug"] == "cat-a" or cat["slug"].startswith("cat-a")
    child = admin.post("/categories", json={"name": "Child", "parent_id": cat["id"]}).json()
    assert child["parent_id"] == cat["id"]
    assert anon.get(f"/categories/{cat['id']}").json()["name"] == "Cat A"
    assert cat["id"] in [c["id"] for c in anon.get("/categories").json()["data"]]
    assert admin.patch(f"/categories/{cat['id']}", json={"name": "Cat B"}).json()["name"] == "Cat B"
    assert_error(member.post("/categories", json={"name": "x"}), 403)
    assert_error(admin.post("/categories", json={}), 400)
    space = admin.post("/spaces", json={"name": unique("s"), "category_id": cat["id"]}).json()
    assert space["category_id"] == cat["id"]
    assert anon.get(f"/categories/{cat['id']}").json()["space_count"] == 1
    assert admin.delete(f"/categories/{cat['id']}").json() == {"deleted": True, "id": cat["id"]}
    assert_error(anon.get(f"/categories/{cat['id']}"), 404)


def test_flags(moderator, regular, post):
    reply = regular.post(f"/posts/{post['id']}/replies", json={"content": "bad"}).json()
    flag = moderator.post(
        "/flags", json={"object_type": "reply", "object_id": reply["id"], "reason": "rude"}
    )
    assert flag.status_code == 201 and flag.json()["status"] == "open"
    assert flag.json()["id"] in [f["id"] for f in moderator.get("/moderation/flags").json()["data"]]
    resolved = moderator.post(f"/moderation/flags/{flag.json()['id']}/resolve")
    assert resolved.json()["status"] == "resolved"
    assert flag.json()["id"] not in [
        f["id"] for f in moderator.get("/moderation/flags").json()["data"]
    ]
    assert_error(
        moderator.post("/flags", json={"object_type": "post", "object_id": 10**9, "reason": "x"}),
        404,
    )
    assert_error(moderator.post("/moderation/flags/999999/resolve"), 404)


def test_link_preview(server, member):
    r = member.get("/link-preview", params={"url": server.url + "/"})
    assert r.status_code == 200
    assert r.json()["title"] == "Jetonomy Reference Server" and r.json()["description"]
    refused = member.get("/link-preview", params={"url": "http://127.0.0.1:9/nothing"})
    assert_error(refused, 400, "jetonomy_invalid_param")  # not a public address
    for bad in ("ftp://x", "javascript:alert(1)", "not a url"):
        assert_error(member.get("/link-preview", params={"url": bad}), 400)
    assert_error(member.get("/link-preview"), 400)


@pytest.mark.parametrize("path", ["/", "/wp-login.php", "/wp-admin/"])
def test_html_pages(server, path):
    import requests

    r = requests.get(server.url + path)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/html")
