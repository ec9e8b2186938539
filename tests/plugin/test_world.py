"""The conformance world, piece by piece, and the write guard.

A failed creation blocks only the checks that read that object (and what depends on it),
by what failed; what could not be created is found on the target instead, read and never
written into. The world is built here against a reference server behind a middleware that
refuses chosen requests (and records what reaches the server).
"""

from __future__ import annotations

import base64
import io
import json
import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from conformance.world import SPACES, WORLD_NAMES, World, build_world, discover_world

from pytest_jetonomy.client import JetonomyClient, TransportError, WriteGuard
from pytest_jetonomy.contract import conformance_dir
from pytest_jetonomy.credentials import build_credentials, load_credentials, write_credentials_toml
from pytest_jetonomy.failures import Blocked
from pytest_jetonomy.options import Settings, new_run_prefix
from pytest_jetonomy.pacing import Pacer
from pytest_jetonomy.reference.config import ReferenceConfig
from pytest_jetonomy.reference.server import ReferenceServer
from pytest_jetonomy.run import JetonomyRun

from ..suite_process import run_suite

API = "/wp-json/jetonomy/v1"


class Refuse:
    """WSGI middleware: answers 403 jetonomy_forbidden to the requests ``refused(method, path,
    body, user)`` selects (``user``: the login of HTTP Basic auth); records (method, path) of
    every request reaching the server."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.refused: Callable[[str, str, dict, str], bool] = lambda *_: False
        self.seen: list[tuple[str, str]] = []
        self._lock = threading.Lock()

    def __call__(self, environ: dict, start_response: Any) -> Any:
        method, path = environ["REQUEST_METHOD"], environ.get("PATH_INFO", "")
        length = int(environ.get("CONTENT_LENGTH") or 0)
        raw = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(raw)
        try:
            body = json.loads(raw) if raw else {}
        except ValueError:
            body = {}
        basic = environ.get("HTTP_AUTHORIZATION", "").removeprefix("Basic ")
        user = base64.b64decode(basic).decode().split(":")[0] if basic else ""
        if self.refused(method, path, body if isinstance(body, dict) else {}, user):
            payload = json.dumps(
                {"code": "jetonomy_forbidden", "message": "No.", "data": {"status": 403}}
            ).encode()
            start_response("403 Forbidden", [("Content-Type", "application/json")])
            return [payload]
        with self._lock:
            self.seen.append((method, path))
        return self.app(environ, start_response)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[ReferenceServer, dict, Refuse]]:
    reference = ReferenceServer(
        ReferenceConfig(db_path=str(tmp_path / "db.sqlite3"), rate_window_seconds=2.0)
    )
    reference.start()
    try:
        tables = reference.provision()
        middleware = Refuse(reference._server.app)  # type: ignore[union-attr]
        reference._server.app = middleware  # type: ignore[union-attr]
        yield reference, tables, middleware
    finally:
        reference.stop()


def _run(server: ReferenceServer, tables: dict, **settings: Any) -> JetonomyRun:
    return JetonomyRun(
        settings=Settings(
            target_url=server.url,
            target_source="test",
            credentials_path=None,
            credentials_source="test",
            request_timeout=5.0,
            run_prefix=new_run_prefix(),
            **settings,
        ),
        credentials=build_credentials(tables, "test"),
        pacer=Pacer(),
    )


def _hidden_space(path: str, body: dict) -> bool:
    return path == f"{API}/spaces" and body.get("visibility") == "hidden"


def test_a_failed_creation_blocks_only_what_needs_it(server) -> None:
    reference, tables, middleware = server
    middleware.refused = lambda method, path, body, user: (
        method == "POST" and _hidden_space(path, body)
    )
    run = _run(reference, tables)

    world = build_world(run)

    assert set(world["missing"]) == {"spaces.hidden", "posts.hidden"}, world["missing"]
    assert world["found"] == {}
    for name in ("spaces.hidden", "posts.hidden"):
        assert world["missing"][name]["by"] == "POST /spaces answering 403"
    assert "needs spaces.hidden" in world["missing"]["posts.hidden"]["step"]
    # the rest of the world is there
    assert set(world["spaces"]) == {"public", "qa", "private", "approval", "invite"}
    assert set(world["posts"]) == {"public", "other", "private"}
    assert isinstance(world["replies"]["public"], int) and isinstance(world["category"], int)

    read = World(json.loads(json.dumps(world)))  # as a worker reads it back
    assert isinstance(read["spaces"]["public"], int)
    with pytest.raises(Blocked) as blocked:
        read["posts"]["hidden"]
    assert blocked.value.by == "POST /spaces answering 403"
    assert "posts.hidden could not be set up" in blocked.value.step


def test_an_object_needing_a_missing_one_is_missing_by_the_same_cause(server) -> None:
    reference, tables, middleware = server
    # the member cannot join the open spaces: the member's posts in the public space (and the
    # reply under them) are missing by that cause; the public space itself is there
    member = tables["member"]["username"]
    middleware.refused = lambda method, path, body, user: (
        method == "POST" and path.endswith("/members") and user == member
    )
    run = _run(reference, tables)

    world = build_world(run)

    cause = "POST /spaces/{id}/members answering 403"
    assert world["missing"]["joined.public.member"]["by"] == cause
    for name in ("posts.public", "posts.other", "replies.public"):
        assert world["missing"][name]["by"] == cause, world["missing"]
    assert isinstance(world["spaces"]["public"], int)
    assert isinstance(world["posts"]["private"], int)


def _populate_hidden(run: JetonomyRun) -> tuple[int, int]:
    """A hidden space the regular user belongs to (by an invite), with a post by admin."""
    admin = run.client("admin")
    space = admin.post(
        "/spaces", json={"name": "found hidden", "visibility": "hidden", "join_policy": "invite"}
    )
    assert space.status == 201, space.text
    space_id = space.json()["id"]
    token = admin.post(f"/spaces/{space_id}/invite").json()["token"]
    assert run.client("regular").get(f"/invite/{token}").status < 400
    post = admin.post(f"/spaces/{space_id}/posts", json={"title": "found", "content": "<p>x</p>"})
    assert post.status == 201, post.text
    return space_id, post.json()["id"]


def test_found_content_fills_the_world_and_is_never_written_into(server) -> None:
    reference, tables, middleware = server
    run = _run(reference, tables)
    space_id, post_id = _populate_hidden(run)
    middleware.refused = lambda method, path, body, user: (
        method == "POST" and _hidden_space(path, body)
    )
    middleware.seen.clear()

    world = build_world(run)

    assert world["spaces"]["hidden"] == space_id
    assert world["posts"]["hidden"] == post_id
    assert world["found"]["spaces.hidden"]["by"] == "POST /spaces answering 403"
    assert world["found"]["spaces.hidden"]["id"] == space_id
    assert "spaces.hidden" not in world["missing"] and "posts.hidden" not in world["missing"]
    # the world did not try to write into the found space (no post, no invite)
    assert not [
        (m, p)
        for m, p in middleware.seen
        if m != "GET" and p.startswith(f"{API}/spaces/{space_id}")
    ], middleware.seen
    # and no check can: the write is refused before it is sent, blocked by the cause
    with pytest.raises(Blocked) as blocked:
        run.client("member").post(f"/spaces/{space_id}/posts", json={"title": "x"})
    assert blocked.value.by == "POST /spaces answering 403"
    assert (
        f"the run writes only into content it created or was given with --existing: POST "
        f"/spaces/{space_id}/posts would write into space {space_id}, found on the target"
    ) in blocked.value.step
    with pytest.raises(Blocked):
        run.client("admin").delete(f"/posts/{post_id}")
    assert run.client("admin").get(f"/spaces/{space_id}").status == 200  # reads go on
    assert ("POST", f"{API}/spaces/{space_id}/posts") not in middleware.seen


def test_existing_objects_are_used_and_may_be_written_into(server) -> None:
    reference, tables, middleware = server
    probe = _run(reference, tables)
    space = probe.client("admin").post("/spaces", json={"name": "named by the user"})
    named = space.json()["id"]
    run = _run(reference, tables, existing={"spaces.public": named})
    middleware.seen.clear()

    world = build_world(run)

    assert world["spaces"]["public"] == named and world["existing"] == {"spaces.public": named}
    assert not world["missing"] and not world["found"]
    # the world's posts went into the named space, and the member and regular joined it
    assert ("POST", f"{API}/spaces/{named}/posts") in middleware.seen
    assert ("POST", f"{API}/spaces/{named}/members") in middleware.seen
    assert run.guard.found == {}


def test_discovery_finds_a_space_of_any_type(server) -> None:
    reference, tables, middleware = server
    admin = _run(reference, tables).client("admin")
    made = {}
    for kind, body in {
        "public": {"type": "forum", "visibility": "public", "join_policy": "open"},
        "qa": {"type": "ideas", "visibility": "public", "join_policy": "open"},
        "approval": {"type": "announcements", "visibility": "public", "join_policy": "approval"},
    }.items():
        response = admin.post("/spaces", json={"name": f"a {body['type']} space", **body})
        assert response.status == 201, response.text
        made[kind] = response.json()["id"]
    middleware.seen.clear()

    world = discover_world(_run(reference, tables, read_only=True))

    # two open public spaces, one of each name (whichever); the approval space by its policy
    assert {world["spaces"].get("public"), world["spaces"].get("qa")} == {
        made["public"],
        made["qa"],
    }, world["missing"]
    assert world["spaces"].get("approval") == made["approval"]
    assert not [m for m, _ in middleware.seen if m not in ("GET", "HEAD")]


def test_world_accessor() -> None:
    missing = {
        "spaces.hidden": {"by": "POST /spaces answering 403", "step": "create it", "detail": ""},
    }
    world = World({"spaces": {"public": 1}, "users": {}, "missing": missing})
    assert world["spaces"]["public"] == 1
    with pytest.raises(Blocked) as blocked:
        world["spaces"]["hidden"]
    assert blocked.value.by == "POST /spaces answering 403"
    with pytest.raises(KeyError):  # a name the world never had: a bug in the check
        world["spaces"]["nowhere"]
    # a read-only run: what was not found skips, with the reason
    found = World(
        {"spaces": {}, "read_only": True, "missing": {"spaces.qa": "read-only run: none"}}
    )
    with pytest.raises(pytest.skip.Exception, match="read-only run: none"):
        found["spaces"]["qa"]
    with pytest.raises(pytest.skip.Exception, match="nothing the suite can use as category"):
        found["category"]


def test_write_guard_refuses_before_sending() -> None:
    guard = WriteGuard()
    guard.protect("spaces", 12, "POST /spaces answering 400")
    guard.protect("categories", 3, "POST /categories answering 403")
    # nothing listens on port 1: a request that is sent is a TransportError
    client = JetonomyClient("http://127.0.0.1:1", None, timeout=1, guard=guard)
    for method, path in [
        ("POST", "/spaces/12/posts"),
        ("PATCH", "/spaces/12"),
        ("DELETE", "/spaces/12/members/4"),
        ("PATCH", "/categories/3"),
    ]:
        with pytest.raises(Blocked) as blocked:
            client.request(method, path, json_body={})
        assert blocked.value.by in ("POST /spaces answering 400", "POST /categories answering 403")
        assert f"{method} {path} would write into" in blocked.value.step
    for method, path in [("POST", "/spaces/120/posts"), ("POST", "/posts/12/vote")]:
        with pytest.raises(TransportError):  # not found content: sent
            client.request(method, path, json_body={})
    # a clone (another identity of the run) is guarded too
    with pytest.raises(Blocked):
        client.clone().request("POST", "/spaces/12/posts")


def _suite(cwd: Path, url: str, credentials: Path, *args: str, keep: bool = False) -> str:
    """The output of the suite in one process against ``url``; ``args`` name what to run."""
    result = run_suite(
        cwd,
        f"--target-url={url}",
        f"--credentials={credentials}",
        *args,
        paths=[],
        workers=None,
        env={**os.environ, **({"JETONOMY_KEEP_DATA": "1"} if keep else {})},
        timeout=300,
    )
    assert result.returncode in (0, 1), result.output[-4000:]
    return result.output


def test_a_run_that_can_create_nothing_reads_found_content(tmp_path: Path) -> None:
    """Every write refused, on a target holding content (left by an earlier run): the checks
    that only read run on the content found there; nothing is written into it."""
    db, credentials = str(tmp_path / "db.sqlite3"), tmp_path / "credentials.toml"
    populating = ReferenceServer(ReferenceConfig(db_path=db, rate_window_seconds=2.0))
    populating.start()
    try:
        write_credentials_toml(credentials, populating.provision())
        visibility = str(conformance_dir() / "test_visibility.py")
        _suite(tmp_path, populating.url, credentials, visibility, keep=True)
        admin = JetonomyClient(populating.url, load_credentials(str(credentials))["admin"])
        there = [item["id"] for item in admin.get("/spaces").items]
        assert len(there) >= 6, there
    finally:
        populating.stop()
    refusing = ReferenceServer(
        ReferenceConfig(
            db_path=db, rate_window_seconds=2.0, faults=frozenset({"every-write-refused"})
        )
    )
    refusing.start()
    try:
        middleware = Refuse(refusing._server.app)  # type: ignore[union-attr]
        refusing._server.app = middleware  # type: ignore[union-attr]
        report = tmp_path / "report.json"
        output = _suite(
            tmp_path,
            refusing.url,
            credentials,
            str(conformance_dir()),
            "-n",
            "2",
            f"--conformance-report={report}",
        )
    finally:
        refusing.stop()
    document = json.loads(report.read_text())
    status = {r["id"]: r["status"] for r in document["requirements"]}
    # the visibility of the found spaces is verified by reading them
    assert all(status[f"JT-VIS-00{n}"] == "passed" for n in (1, 2, 3, 4, 5)), status
    assert "write(s) into content the run found on the target" in output
    into_found = [
        (method, path)
        for method, path in middleware.seen
        if method not in ("GET", "HEAD")
        and any(
            path.startswith(f"{API}/spaces/{space_id}/") or path == f"{API}/spaces/{space_id}"
            for space_id in there
        )
    ]
    assert not into_found, into_found[:10]


def test_every_space_of_the_world_can_be_named_with_existing() -> None:
    """The world's names are the ones ``--existing`` takes (one list, in options.py): a kind
    of space added to the world must be added there, or a read-only run could not find it."""
    assert {name for name in WORLD_NAMES if name.startswith("spaces.")} == {
        f"spaces.{kind}" for kind in SPACES
    }
