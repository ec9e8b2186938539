"""wp-login.php sessions (issue 12, item 11): only the account password logs in there, and
logging out ends the session on the server, not just in the browser."""

from __future__ import annotations

import pytest
import requests

from pytest_jetonomy.reference.auth import COOKIE_NAME

from .ref_helpers import NS, assert_error


def _login(server, username: str, password: str) -> requests.Session:
    session = requests.Session()
    session.post(
        server.url + "/wp-login.php",
        data={"log": username, "pwd": password},
        allow_redirects=False,
        timeout=10,
    )
    return session


def _nonce(server, session: requests.Session) -> requests.Response:
    return session.get(
        server.url + "/wp-admin/admin-ajax.php", params={"action": "rest-nonce"}, timeout=10
    )


def test_login_with_application_password_is_refused(server, creds):
    """WordPress refuses application passwords on wp-login.php: the failed-login page
    again (200, the error and the form), and no session cookie."""
    member = creds["member"]
    response = requests.post(
        server.url + "/wp-login.php",
        data={"log": member["username"], "pwd": member["application_password"]},
        allow_redirects=False,
        timeout=10,
    )
    wrong = requests.post(
        server.url + "/wp-login.php",
        data={"log": member["username"], "pwd": "wrong"},
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 200, response.headers
    assert "Set-Cookie" not in response.headers
    assert "login_error" in response.text and "name='pwd'" in response.text
    assert response.text == wrong.text  # the same answer as a wrong password
    session = _login(server, member["username"], member["application_password"])
    assert not session.cookies
    nonce = _nonce(server, session)
    assert nonce.status_code == 400 and nonce.text == "0"


def test_login_with_account_password_still_works(server, creds):
    member = creds["member"]
    session = _login(server, member["username"], member["password"])
    assert session.cookies.get(COOKIE_NAME)
    nonce = _nonce(server, session)
    assert nonce.status_code == 200
    me = session.get(server.url + NS + "/users/me", headers={"X-WP-Nonce": nonce.text})
    assert me.status_code == 200 and me.json()["username"] == member["username"]


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_logout_ends_the_session_on_the_server(server, creds, method):
    member = creds["member"]
    session = _login(server, member["username"], member["password"])
    cookie = session.cookies.get(COOKIE_NAME)
    nonce = _nonce(server, session).text
    me = session.get(server.url + NS + "/users/me", headers={"X-WP-Nonce": nonce})
    assert me.status_code == 200

    out = session.request(
        method, server.url + "/wp-login.php?action=logout", allow_redirects=False, timeout=10
    )
    assert out.status_code == 302 and "/wp-login.php" in out.headers["Location"]
    assert f"{COOKIE_NAME}=;" in out.headers["Set-Cookie"]  # the browser's cookie cleared
    assert not session.cookies.get(COOKIE_NAME)

    # the old cookie, replayed with the nonce it was given: no longer anyone
    replay = requests.Session()
    replay.cookies.set(COOKIE_NAME, cookie)
    assert_error(
        replay.get(server.url + NS + "/users/me", headers={"X-WP-Nonce": nonce}, timeout=10),
        401,
    )
    assert _nonce(server, replay).text == "0"  # and no fresh nonce for it either


def test_logout_ends_only_that_session(server, creds):
    """Another login of the same user (another browser) stays logged in."""
    member = creds["member"]
    first = _login(server, member["username"], member["password"])
    second = _login(server, member["username"], member["password"])
    second_nonce = _nonce(server, second).text
    first.get(server.url + "/wp-login.php?action=logout", allow_redirects=False, timeout=10)
    me = second.get(server.url + NS + "/users/me", headers={"X-WP-Nonce": second_nonce})
    assert me.status_code == 200
