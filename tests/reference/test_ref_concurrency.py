"""Concurrent writes from many threads are all stored."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from .ref_helpers import Api


def test_8_threads_x_25_posts(server, creds, make_space):
    space = make_space()
    c = creds["admin"]

    def worker(n: int) -> list[int]:
        api = Api(server.url, (c["username"], c["application_password"]))
        ids = []
        for i in range(25):
            r = api.post(
                f"/spaces/{space['id']}/posts", json={"title": f"w{n}-{i}", "content": "c"}
            )
            assert r.status_code == 201, r.text
            ids.append(r.json()["id"])
            if i % 5 == 0:
                assert api.post(f"/posts/{ids[-1]}/vote", json={"value": 1}).status_code == 200
        return ids

    with ThreadPoolExecutor(8) as pool:
        created = [i for ids in pool.map(worker, range(8)) for i in ids]
    assert len(set(created)) == 200
    api = Api(server.url, (c["username"], c["application_password"]))
    seen, offset = set(), 0
    while True:
        body = api.get(
            f"/spaces/{space['id']}/posts", params={"limit": 100, "offset": offset}
        ).json()
        seen |= {p["id"] for p in body["data"]}
        if not body["meta"]["has_more"]:
            break
        offset += 100
    assert seen == set(created)
    assert api.get(f"/spaces/{space['id']}").json()["post_count"] == 200
