"""Rate-limit headers on every namespace response and a 429 on a short window."""

from __future__ import annotations

import time

import pytest
import requests

from pytest_jetonomy.reference import ReferenceConfig, ReferenceServer

from .ref_helpers import NS, assert_error


@pytest.fixture(scope="module")
def limited():
    with ReferenceServer(ReferenceConfig(rate_window_seconds=3.0)) as srv:
        yield srv, srv.provision()


def test_headers_fall_by_one_and_429(limited):
    srv, _ = limited
    session = requests.Session()
    remaining = []
    for _ in range(30):
        r = session.get(srv.url + NS + "/spaces")
        assert r.status_code == 200
        assert r.headers["X-RateLimit-Limit"] == "30"
        assert 1 <= int(r.headers["X-RateLimit-Reset"]) <= 3
        remaining.append(int(r.headers["X-RateLimit-Remaining"]))
    assert remaining == list(range(29, -1, -1))
    r = session.get(srv.url + NS + "/spaces")
    assert_error(r, 429, "jetonomy_rate_limited")
    assert r.headers["X-RateLimit-Remaining"] == "0"
    assert r.headers["Retry-After"] == r.headers["X-RateLimit-Reset"]
    nr = session.get(srv.url + NS + "/no-such-route")
    assert nr.status_code == 429 and "X-RateLimit-Limit" in nr.headers
    time.sleep(int(r.headers["Retry-After"]) + 0.1)
    assert session.get(srv.url + NS + "/spaces").status_code == 200


def test_per_role_limits_and_admin_unlimited(limited):
    srv, creds = limited
    expected = {
        "new_member": "60",
        "member": "120",
        "regular": "180",
        "leader": "300",
        "moderator": "300",
        "admin": "-1",
    }
    for role, limit in expected.items():
        c = creds[role]
        r = requests.get(
            srv.url + NS + "/users/me", auth=(c["username"], c["application_password"])
        )
        assert r.headers["X-RateLimit-Limit"] == limit, role
        if role == "admin":
            assert r.headers["X-RateLimit-Remaining"] == "-1"
            assert 1 <= int(r.headers["X-RateLimit-Reset"]) <= 3


def test_errors_carry_headers(limited):
    srv, creds = limited
    c = creds["member"]
    r = requests.get(srv.url + NS + "/no-such", auth=(c["username"], c["application_password"]))
    assert_error(r, 404, "rest_no_route")
    assert r.headers["X-RateLimit-Limit"] == "120"
