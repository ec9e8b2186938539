"""limit/offset/after, totals, clamping, cursor walks."""

from __future__ import annotations

import pytest

from .ref_helpers import assert_error


@pytest.fixture(scope="module")
def big_space(clients):
    admin = clients["admin"]
    space = admin.post("/spaces", json={"name": "pagination"}).json()
    ids = []
    for i in range(105):
        r = admin.post(f"/spaces/{space['id']}/posts", json={"title": f"p{i}", "content": "c"})
        assert r.status_code == 201
        ids.append(r.json()["id"])
    return space, ids


def test_default_limit_and_totals(admin, big_space):
    space, ids = big_space
    r = admin.get(f"/spaces/{space['id']}/posts")
    body = r.json()
    assert len(body["data"]) == 20
    assert body["meta"] == {
        "count": 20,
        "has_more": True,
        "cursor_next": body["meta"]["cursor_next"],
        "total": 105,
        "offset": 0,
    }
    assert body["meta"]["cursor_next"]
    assert r.headers["X-JT-Total"] == "105" and r.headers["X-JT-TotalPages"] == "6"


def test_limit_clamped_to_100(admin, big_space):
    space, _ = big_space
    r = admin.get(f"/spaces/{space['id']}/posts", params={"limit": 500})
    assert len(r.json()["data"]) == 100 and r.headers["X-JT-TotalPages"] == "2"


@pytest.mark.parametrize(
    "params",
    [
        {"limit": 0},
        {"limit": -1},
        {"limit": "x"},
        {"limit": 1.5},
        {"offset": -1},
        {"offset": "a"},
        {"after": "!!!"},
        {"after": "eyJzIjoxfQ"},
    ],
)
def test_bad_pagination_params(admin, big_space, params):
    space, _ = big_space
    assert_error(
        admin.get(f"/spaces/{space['id']}/posts", params=params), 400, "jetonomy_invalid_param"
    )


def test_offset_walk_and_cursor_walk_yield_each_item_once(admin, big_space):
    space, ids = big_space
    seen_offset = []
    offset = 0
    while True:
        body = admin.get(
            f"/spaces/{space['id']}/posts", params={"limit": 7, "offset": offset}
        ).json()
        seen_offset += [p["id"] for p in body["data"]]
        if not body["meta"]["has_more"]:
            assert body["meta"]["cursor_next"] is None
            break
        offset += 7
    assert sorted(seen_offset) == sorted(ids) and len(seen_offset) == len(set(seen_offset))

    seen_cursor, params = [], {"limit": 9, "sort": "popular"}
    while True:
        body = admin.get(f"/spaces/{space['id']}/posts", params=params).json()
        seen_cursor += [p["id"] for p in body["data"]]
        if body["meta"]["cursor_next"] is None:
            break
        params = {
            "limit": 9,
            "sort": "popular",
            "after": body["meta"]["cursor_next"],
            "offset": 999,
        }
    assert sorted(seen_cursor) == sorted(ids) and len(seen_cursor) == len(set(seen_cursor))


def test_recent_order_is_newest_first(admin, big_space):
    space, ids = big_space
    data = admin.get(f"/spaces/{space['id']}/posts", params={"limit": 3}).json()["data"]
    assert [p["id"] for p in data] == sorted(ids, reverse=True)[:3]


def test_offset_past_end(admin, big_space):
    space, _ = big_space
    body = admin.get(f"/spaces/{space['id']}/posts", params={"offset": 1000}).json()
    assert body["data"] == [] and body["meta"]["has_more"] is False and body["meta"]["total"] == 105


def test_empty_list_total_pages_zero(admin, make_space):
    empty = make_space()
    r = admin.get(f"/spaces/{empty['id']}/posts")
    assert r.headers["X-JT-Total"] == "0" and r.headers["X-JT-TotalPages"] == "0"
    assert r.json()["meta"]["cursor_next"] is None


@pytest.mark.parametrize("path", ["/spaces", "/leaderboards", "/notifications", "/search?q=p"])
def test_other_paginated_lists(admin, path):
    r = admin.get(path, params={"limit": 2})
    assert r.status_code == 200, r.text
    body = r.json()
    assert len(body["data"]) <= 2 and set(body["meta"]) == {
        "count",
        "has_more",
        "cursor_next",
        "total",
        "offset",
    }
    assert "X-JT-Total" in r.headers and "X-JT-TotalPages" in r.headers
