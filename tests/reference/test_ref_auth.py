"""Auth classes, invalid credentials, cookie + nonce sessions, bans."""

from __future__ import annotations

import pytest
import requests

from .ref_helpers import NS, Api, assert_error


def test_required_endpoints_401_for_anonymous(anon, post):
    for method, path in [
        ("GET", "/users/me"),
        ("GET", "/notifications"),
        ("POST", f"/posts/{post['id']}/vote"),
        ("GET", "/posts/drafts"),
        ("GET", "/moderation/queue"),
        ("POST", "/spaces"),
        ("GET", "/bookmarks"),
        ("GET", "/updates"),
        ("GET", "/link-preview"),
    ]:
        assert_error(anon.request(method, path, json={}), 401, "jetonomy_not_logged_in")


def test_invalid_credentials_are_401_even_on_public_routes(server, creds):
    bad = Api(server.url, (creds["member"]["username"], "aaaa bbbb cccc dddd eeee ffff"))
    assert_error(bad.get("/spaces"), 401, "jetonomy_not_logged_in")
    account_pw = Api(server.url, (creds["member"]["username"], creds["member"]["password"]))
    assert_error(account_pw.get("/spaces"), 401)
    garbage = requests.get(server.url + NS + "/spaces", headers={"Authorization": "Basic !!!"})
    assert_error(garbage, 401)


def test_app_password_spaces_are_ignored(server, creds):
    c = creds["member"]
    squashed = Api(server.url, (c["username"], c["application_password"].replace(" ", "")))
    assert squashed.get("/users/me").status_code == 200


@pytest.mark.parametrize(
    "role,expected", [("member", 403), ("leader", 403), ("moderator", 201), ("admin", 201)]
)
def test_moderator_only_flag(clients, post, role, expected):
    body = {"object_type": "post", "object_id": post["id"], "reason": "spam"}
    response = clients[role].post("/flags", json=body)
    assert response.status_code == expected, response.text
    if expected == 403:
        assert_error(response, 403, "jetonomy_forbidden")


def test_admin_only_space_create(clients):
    for role in ("moderator", "leader", "member"):
        assert_error(clients[role].post("/spaces", json={"name": "x"}), 403, "jetonomy_forbidden")


def test_space_admin_update(clients, admin, space):
    assert_error(clients["moderator"].patch(f"/spaces/{space['id']}", json={"name": "x"}), 403)
    # a member promoted to space admin may update
    member = clients["member"]
    member.post(f"/spaces/{space['id']}/members")
    admin.patch(f"/spaces/{space['id']}/members/{member.user_id}", json={"role": "admin"})
    assert member.patch(f"/spaces/{space['id']}", json={"description": "mine"}).status_code == 200


def test_author_or_moderator(clients, post):
    assert_error(clients["regular"].patch(f"/posts/{post['id']}", json={"title": "x"}), 403)
    assert (
        clients["moderator"].patch(f"/posts/{post['id']}", json={"title": "m"}).status_code == 200
    )


def test_order_404_before_400_before_403(clients, anon):
    member = clients["member"]
    assert_error(anon.post("/posts/999999/pin"), 401)
    assert_error(member.post("/posts/999999/move", json={"target_space_id": "x"}), 404)


def test_under_privileged_param_error_does_not_mask_403(clients, post, space):
    member = clients["member"]
    ok_body = {"target_space_id": space["id"]}
    assert_error(member.post(f"/posts/{post['id']}/move", json=ok_body), 403)


def test_cookie_nonce_flow(server, creds):
    session = requests.Session()
    login = session.post(
        server.url + "/wp-login.php",
        data={"log": creds["member"]["username"], "pwd": creds["member"]["password"]},
        allow_redirects=False,
    )
    assert login.status_code == 302 and login.headers["Location"].endswith("/wp-admin/")
    assert "httponly" in login.headers["Set-Cookie"].lower()
    nonce = session.get(server.url + "/wp-admin/admin-ajax.php", params={"action": "rest-nonce"})
    assert nonce.status_code == 200 and nonce.headers["Content-Type"].startswith("text/plain")
    # cookie without nonce: anonymous
    assert_error(session.get(server.url + NS + "/users/me"), 401)
    me = session.get(server.url + NS + "/users/me", headers={"X-WP-Nonce": nonce.text})
    assert me.status_code == 200 and me.json()["username"] == creds["member"]["username"]
    via_query = session.get(server.url + NS + "/users/me", params={"_wpnonce": nonce.text})
    assert via_query.status_code == 200
    assert_error(
        session.get(server.url + NS + "/users/me", headers={"X-WP-Nonce": "bad"}),
        403,
        "rest_cookie_invalid_nonce",
    )
    # an application password is no pwd: API only, like WordPress (test_ref_sessions.py)
    other = requests.Session()
    login = other.post(
        server.url + "/wp-login.php",
        data={"log": creds["regular"]["username"], "pwd": creds["regular"]["application_password"]},
        allow_redirects=False,
    )
    assert login.status_code == 200 and not other.cookies
    no_session = requests.get(server.url + "/wp-admin/admin-ajax.php?action=rest-nonce")
    assert no_session.status_code == 400 and no_session.text == "0"


def test_bad_login_sets_no_cookie(server, creds):
    response = requests.post(
        server.url + "/wp-login.php",
        data={"log": creds["member"]["username"], "pwd": "wrong"},
        allow_redirects=False,
    )
    assert response.status_code == 200 and "Set-Cookie" not in response.headers


def test_ban_blocks_writes(clients, moderator, space):
    leader = clients["leader"]
    ban = moderator.post("/moderation/ban", json={"user_id": leader.user_id, "reason": "test"})
    assert ban.status_code == 201 and ban.json()["user_id"] == leader.user_id
    try:
        assert_error(
            leader.post(f"/spaces/{space['id']}/posts", json={"title": "t", "content": "c"}),
            403,
            "jetonomy_forbidden",
        )
        assert leader.get("/users/me").status_code == 200
    finally:
        lifted = moderator.delete(f"/moderation/ban/{leader.user_id}")
        assert lifted.status_code == 200
    assert_error(moderator.delete(f"/moderation/ban/{leader.user_id}"), 404)
    created = leader.post(f"/spaces/{space['id']}/posts", json={"title": "t", "content": "c"})
    assert created.status_code == 201
    assert_error(
        clients["member"].post("/moderation/ban", json={"user_id": leader.user_id, "reason": "x"}),
        403,
    )
