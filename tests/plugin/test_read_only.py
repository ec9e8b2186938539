"""--read-only: no write leaves the client, checks that need one are skipped, no certificate.

The end-to-end test runs the whole conformance suite read-only against a reference server
that an earlier (writing) run populated, with a middleware counting what reaches the
server: the only non-GET allowed is the cookie login.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pytest_jetonomy.client import JetonomyClient, WriteRefused
from pytest_jetonomy.contract import conformance_dir
from pytest_jetonomy.credentials import build_credentials, write_credentials_toml
from pytest_jetonomy.options import parse_existing
from pytest_jetonomy.reference.config import ReferenceConfig
from pytest_jetonomy.reference.server import ReferenceServer
from pytest_jetonomy.results import NOT_CERTIFIED, NOT_CONFORMANT, RequirementResult, verdict

from ..suite_process import SuiteRun, run_suite

SHOW_SETTINGS = """
def test_show(jetonomy_run):
    s = jetonomy_run.settings
    print(f"READ_ONLY={s.read_only} EXISTING={sorted(s.existing.items())}")
"""


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_read_only_client_refuses_writes_without_sending(method: str) -> None:
    # nothing listens on port 1: had the client sent the request, it would be a TransportError
    client = JetonomyClient("http://127.0.0.1:1", None, read_only=True, timeout=1)
    with pytest.raises(WriteRefused) as caught:
        client.request(method, "/spaces", json_body={"title": "x"})
    assert isinstance(caught.value, pytest.skip.Exception)
    assert f"{method} http://127.0.0.1:1/wp-json/jetonomy/v1/spaces" in caught.value.msg
    assert "--read-only" in caught.value.msg
    # a clone (another identity, same run) stays read-only
    with pytest.raises(WriteRefused):
        client.clone().request(method, "/spaces")


def test_parse_existing() -> None:
    assert parse_existing(["spaces.public=12", "category=3"]) == {
        "spaces.public": 12,
        "category": 3,
    }
    for bad, says in [
        ("spaces.public", "expected NAME=ID"),
        ("spaces.nowhere=1", "expected NAME=ID"),
        ("posts.public=abc", "is not an integer"),
    ]:
        with pytest.raises(pytest.UsageError, match=says):
            parse_existing([bad])


def test_read_only_from_env_and_ini(pytester: pytest.Pytester, monkeypatch) -> None:
    pytester.makepyfile(SHOW_SETTINGS)
    result = pytester.runpytest("-s", "--read-only", "--existing", "spaces.public=7")
    result.stdout.fnmatch_lines(["mode: READ-ONLY*spaces.public=7*", "*READ_ONLY=True*"])
    pytester.makeini("[pytest]\njetonomy_read_only = true\n")
    result = pytester.runpytest("-s")
    result.stdout.fnmatch_lines(["*READ_ONLY=True EXISTING=[]*"])
    monkeypatch.setenv("JETONOMY_READ_ONLY", "0")  # env beats ini
    result = pytester.runpytest("-s")
    result.stdout.fnmatch_lines(["*READ_ONLY=False*"])
    monkeypatch.setenv("JETONOMY_READ_ONLY", "maybe")
    result = pytester.runpytest("-s")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "JETONOMY_READ_ONLY='maybe' is not a boolean" in result.stderr.str()


def test_existing_in_a_run_that_writes(pytester: pytest.Pytester) -> None:
    # --existing without --read-only is the user's consent: the run uses (and may write
    # into) the object instead of creating it; the header says so
    pytester.makepyfile(SHOW_SETTINGS)
    result = pytester.runpytest("-s", "--existing", "spaces.public=7")
    assert result.ret == pytest.ExitCode.OK, result.stdout.str()
    result.stdout.fnmatch_lines(
        [
            "existing objects used instead of created (the run may write into them): "
            "spaces.public=7",
            "*READ_ONLY=False EXISTING=?('spaces.public', 7)?*",
        ]
    )
    assert "LEFT BEHIND" not in result.stdout.str()


def _result(rid: str, level: str, status: str) -> RequirementResult:
    return RequirementResult(rid, level, "auth", "title", "s", status, [])


def test_read_only_verdict_never_certifies() -> None:
    results = [
        _result("JT-A-001", "MUST", "passed"),
        _result("JT-A-002", "MUST", "skipped"),
        _result("JT-A-003", "SHOULD", "passed"),
    ]
    the_verdict = verdict(results, read_only=True)
    assert the_verdict.label == NOT_CERTIFIED
    assert "read-only run cannot certify" in the_verdict.line
    assert "2 requirement(s) verified without writing" in the_verdict.line
    assert "1 MUST requirement(s) not verified" in the_verdict.line
    # even with every requirement passed, a read-only run is not a certificate
    all_passed = [_result("JT-A-001", "MUST", "passed")]
    assert verdict(all_passed, read_only=True).label == NOT_CERTIFIED
    # a MUST failure found without writing is still a failure
    failed = [_result("JT-A-001", "MUST", "failed")]
    assert verdict(failed, read_only=True).label == NOT_CONFORMANT


class MethodLog:
    """WSGI middleware: records (method, path) of every request reaching the server."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.seen: list[tuple[str, str]] = []
        self._lock = threading.Lock()

    def __call__(self, environ: dict, start_response: Any) -> Any:
        with self._lock:
            self.seen.append((environ["REQUEST_METHOD"], environ.get("PATH_INFO", "")))
        return self.app(environ, start_response)

    def writes(self) -> list[tuple[str, str]]:
        return [
            (method, path)
            for method, path in self.seen
            if method not in ("GET", "HEAD", "OPTIONS") and path != "/wp-login.php"
        ]


@pytest.fixture
def populated(tmp_path: Path) -> Iterator[tuple[ReferenceServer, Path, MethodLog, JetonomyClient]]:
    """A reference server holding what an earlier writing run left (JETONOMY_KEEP_DATA)."""
    server = ReferenceServer(
        ReferenceConfig(db_path=str(tmp_path / "db.sqlite3"), rate_window_seconds=2.0)
    )
    server.start()
    try:
        credentials = tmp_path / "credentials.toml"
        tables = server.provision()
        write_credentials_toml(credentials, tables)
        admin = JetonomyClient(server.url, build_credentials(tables, "test")["admin"])
        log = MethodLog(server._server.app)  # type: ignore[union-attr]
        server._server.app = log  # type: ignore[union-attr]
        result = _suite(
            tmp_path,
            server.url,
            credentials,
            [str(conformance_dir() / "test_visibility.py")],
            env={"JETONOMY_KEEP_DATA": "1"},
        )
        assert result.returncode in (0, 1), result.stdout[-3000:]  # a selection: NOT CERTIFIED
        assert log.writes(), "the populating run wrote nothing: the test would prove nothing"
        log.seen.clear()
        yield server, credentials, log, admin
    finally:
        server.stop()


def _suite(
    cwd: Path, url: str, credentials: Path, args: list[str], env: dict[str, str] | None = None
) -> SuiteRun:
    """The suite in one process against ``url``; ``args`` name what to run."""
    return run_suite(
        cwd,
        f"--target-url={url}",
        f"--credentials={credentials}",
        *args,
        paths=[],
        workers=None,
        env={**os.environ, **(env or {})},
        timeout=300,
    )


def test_whole_suite_read_only_sends_no_write(
    populated: tuple[ReferenceServer, Path, MethodLog, JetonomyClient], tmp_path: Path
) -> None:
    server, credentials, log, admin = populated
    # a second open space, named with --existing: the run must read it instead of searching
    named = admin.post(
        "/spaces",
        json={
            "name": "jtc-named-space",
            "type": "discussion",
            "visibility": "public",
            "join_policy": "open",
        },
    )
    assert named.status == 201, named.text
    named_id = named.json()["id"]
    post = admin.post(
        f"/spaces/{named_id}/posts", json={"title": "A post to read", "content": "Read me."}
    )
    assert post.status == 201, post.text
    reply = admin.post(f"/posts/{post.json()['id']}/replies", json={"content": "A reply."})
    assert reply.status == 201, reply.text
    log.seen.clear()

    report = tmp_path / "report.json"
    result = _suite(
        tmp_path,
        server.url,
        credentials,
        [
            str(conformance_dir()),
            "-n",
            "2",
            "--read-only",
            f"--existing=spaces.public={named_id}",
            f"--conformance-report={report}",
            "-rs",
        ],
    )
    output = result.output
    assert result.returncode == 0, output[-4000:]
    assert not log.writes(), f"a read-only run sent writes: {log.writes()[:10]}"
    assert ("GET", f"/wp-json/jetonomy/v1/spaces/{named_id}/posts") in log.seen
    document = json.loads(report.read_text())
    assert document["target"]["read_only"] is True
    assert document["verdict"]["label"] == NOT_CERTIFIED
    assert "read-only run cannot certify" in document["verdict"]["line"]
    statuses = [r["status"] for r in document["requirements"]]
    assert "failed" not in statuses
    assert statuses.count("passed") >= 50, document["verdict"]["line"]
    # the checks that needed a write say which one
    assert "read-only run: needs a write (POST " in output
    assert "read-only:" in output and "write(s) refused before sending" in output
    assert "cleanup: none needed (read-only run: no write was sent)" in output
