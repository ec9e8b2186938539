"""The error envelope for bad input of every kind; WordPress globals; rest_route."""

from __future__ import annotations

import pytest
import requests

from .ref_helpers import assert_error


def test_malformed_json(admin, space):
    r = admin.post(
        f"/spaces/{space['id']}/posts",
        data=b"{not json",
        headers={"Content-Type": "application/json"},
    )
    assert_error(r, 400, "rest_invalid_json")
    r = admin.post(
        f"/spaces/{space['id']}/posts", data=b'["a"]', headers={"Content-Type": "application/json"}
    )
    assert_error(r, 400)
    r = admin.post(
        f"/spaces/{space['id']}/posts",
        data=b'{"title": "\\ud800", "content": "x"}',
        headers={"Content-Type": "application/json"},
    )
    assert_error(r, 400)


@pytest.mark.parametrize(
    "body",
    [
        {"title": ["a"], "content": "x"},
        {"title": {"a": 1}, "content": "x"},
        {"title": 5, "content": "x"},
        {"title": "", "content": "x"},
        {"content": "x"},
        {"title": "t" * 100000, "content": "x"},
        {"title": "t\x00", "content": "x"},
        {"title": "t", "content": "x", "tags": "a" * 500},
        {"title": "t", "content": "x", "status": "weird"},
        {"title": "t", "content": "x", "published_at": "yesterday"},
        {"title": "t", "content": "x", "tags": [10**30]},
    ],
)
def test_wrong_types_are_400(member, space, body):
    assert_error(
        member.post(f"/spaces/{space['id']}/posts", json=body), 400, "jetonomy_invalid_param"
    )


def test_unicode_round_trip(member, space):
    title = "Ünïcødé ☃ 𝄞 — 日本語"
    r = member.post(f"/spaces/{space['id']}/posts", json={"title": title, "content": "é"})
    assert r.status_code == 201 and r.json()["title"] == title


@pytest.mark.parametrize(
    "path",
    [
        "/posts/0",
        "/posts/99999999",
        "/posts/9223372036854775808",
        "/posts/" + "9" * 40,
        "/users/18446744073709551616",
        "/spaces/99999999999999999999/posts",
    ],
)
def test_huge_and_unknown_ids_are_404(admin, path):
    assert_error(admin.get(path), 404, "jetonomy_not_found")


def test_huge_body_ids(moderator, post):
    r = moderator.post(f"/posts/{post['id']}/move", json={"target_space_id": 2**70})
    assert r.status_code in (400, 404)
    assert_error(r, r.status_code)
    assert_error(moderator.post(f"/posts/{post['id']}/move", json={"target_space_id": -3}), 400)


def test_no_route(admin, anon):
    assert_error(anon.get("/nope"), 404, "rest_no_route")
    assert_error(anon.request("PUT", "/spaces"), 404, "rest_no_route")
    assert_error(anon.get("/posts/-1"), 404, "rest_no_route")


def test_form_body_with_array_tags(member, space):
    r = member.post(
        f"/spaces/{space['id']}/posts",
        data={"title": "form", "content": "c", "tags[]": ["f1", "f2"]},
    )
    assert r.status_code == 201, r.text
    assert sorted(t["slug"] for t in r.json()["tags"]) == ["f1", "f2"]


def test_query_params_merge_with_body(member, space):
    r = member.post(
        f"/spaces/{space['id']}/posts", params={"title": "from query"}, json={"content": "c"}
    )
    assert r.status_code == 201 and r.json()["title"] == "from query"


def test_wrong_content_type_ignores_body(member, space):
    r = member.post(
        f"/spaces/{space['id']}/posts",
        data='{"title": "t", "content": "c"}',
        headers={"Content-Type": "text/plain"},
    )
    assert_error(r, 400, "jetonomy_invalid_param")


def test_rest_route(server, anon, post):
    # anonymous requests share one bucket with the other tests': the client waits out a 429
    r = anon.get(server.url + "/", params={"rest_route": f"/jetonomy/v1/posts/{post['id']}"})
    assert r.status_code == 200 and r.json()["id"] == post["id"]
    assert "X-RateLimit-Limit" in r.headers
    index = anon.get(server.url + "/?rest_route=/jetonomy/v1")
    assert index.status_code == 200 and index.json()["namespace"] == "jetonomy/v1"


def test_fields_and_envelope(anon, member, post, space):
    r = anon.get(f"/posts/{post['id']}", params={"_fields": "id,title,author.id"})
    assert r.json() == {
        "id": post["id"],
        "title": post["title"],
        "author": {"id": post["author_id"]},
    }
    lst = anon.get(f"/spaces/{space['id']}/posts", params={"_fields": "id"}).json()
    assert all(set(item) == {"id"} for item in lst["data"]) and "meta" in lst
    env = member.get("/posts/99999999", params={"_envelope": "1"})
    assert env.status_code == 200
    body = env.json()
    assert body["status"] == 404 and body["body"]["code"] == "jetonomy_not_found"
    assert "X-RateLimit-Limit" in body["headers"]


def test_namespace_index(anon, server):
    index = anon.get("").json()
    routes = index["routes"]
    entry = routes["/jetonomy/v1/spaces/(?P<id>[\\d]+)"]
    assert sorted(entry["methods"]) == ["DELETE", "GET", "PATCH"]
    assert entry["namespace"] == "jetonomy/v1"
    total = sum(len(r["endpoints"]) for k, r in routes.items() if k != "/jetonomy/v1")
    assert total == 66
    root = requests.get(server.url + "/wp-json/").json()
    assert "jetonomy/v1" in root["namespaces"] and root["routes"]


def test_no_server_error_on_random_input(server, clients, post):
    """Every route, random ids and random junk in every declared arg: never a 5xx."""
    import random
    import re

    from pytest_jetonomy.reference.routes import all_routes

    rng = random.Random(4)
    junk = [
        None,
        0,
        -1,
        2**64,
        "x",
        "",
        [],
        ["a"],
        {},
        {"k": None},
        True,
        1.5,
        "☃" * 300,
        "2020-01-01T00:00:00Z",
        "a\x00b",
    ]
    ids = [post["id"], post["space_id"], 1, 10**12]
    for spec in all_routes():
        for role in ("admin", "member"):
            path = re.sub(r"<id:\w+>", lambda _: str(rng.choice(ids)), spec.rule)
            path = re.sub(r"<\w+>", lambda _: rng.choice(["post", "reply", "zz"]), path)
            body = {a.name: rng.choice(junk) for a in spec.args}
            if rng.random() < 0.5:
                response = clients[role].request(spec.method, path, json=body)
            else:
                form = {k: str(v) for k, v in body.items() if v is not None}
                response = clients[role].request(spec.method, path, data=form)
            assert response.status_code < 500, (spec.method, path, body, response.text)
            if response.status_code >= 400:
                assert_error(response, response.status_code)
