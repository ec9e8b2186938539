"""A run removes what it created, also when stopped by SIGTERM, and says so."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from pytest_jetonomy.adaptations import deletion_adaptation, deletions
from pytest_jetonomy.cleanup import SweepResult, carries, is_stale, sweep
from pytest_jetonomy.client import JetonomyClient
from pytest_jetonomy.credentials import load_credentials, write_credentials_toml
from pytest_jetonomy.ledger import fold
from pytest_jetonomy.reference.config import ReferenceConfig
from pytest_jetonomy.reference.server import ReferenceServer

SLOW_TEST = """
import time
from pathlib import Path

def test_slow(jetonomy_seeded_space, jetonomy_space_factory):
    jetonomy_space_factory()
    Path({marker!r}).write_text("seeded")
    for _ in range(600):
        time.sleep(0.1)
"""


def _admin(reference_server) -> JetonomyClient:
    creds = load_credentials(str(reference_server.credentials_file), environ={})
    return JetonomyClient(reference_server.url, creds["admin"])


@pytest.mark.parametrize("workers", [0, 2], ids=["serial", "xdist"])
def test_sigterm_mid_run_still_cleans_up(reference_server, tmp_path: Path, workers: int) -> None:
    """SIGTERM to the pytest process (the controller under xdist, whose workers never report
    back then): the run-wide and the test's own objects are deleted, and the run says so."""
    marker = tmp_path / "seeded"
    (tmp_path / "test_slow.py").write_text(SLOW_TEST.format(marker=str(marker)))
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "--target-url",
            reference_server.url,
            "--credentials",
            str(reference_server.credentials_file),
            "test_slow.py",
            # no stale sweep: the controller itself then never talks to the target
            "--sweep-older-than=0",
            *(["-n", str(workers)] if workers else []),
        ],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    for _ in range(300):
        if marker.exists() or process.poll() is not None:
            break
        time.sleep(0.1)
    assert marker.exists(), "the test never reached its slow part"
    process.send_signal(signal.SIGTERM)
    output, _ = process.communicate(timeout=60)
    prefix = re.search(r"run prefix (jtc-[0-9a-f]{8})", output).group(1)
    # the seeded space and the factory's space were recorded when created, and deleted
    assert re.search(r"cleanup: the run created [2-9]\d* spaces, 45 posts", output), output
    assert re.search(r"cleanup: deleted and read back gone: [2-9]\d* spaces", output), output
    assert re.search(
        rf"cleanup: read every page of /spaces \(\d+ page\(s\)\) and /categories "
        rf"\(\d+ page\(s\)\): nothing carrying {prefix} is left",
        output,
    ), output
    assert "TARGET LEFT UNCLEAN" not in output and "CLEANUP NOT VERIFIED" not in output
    # read again, independently: nothing on /spaces or /categories carries the prefix
    # (what would, the sweep deletes, and the assertion fails)
    left = sweep(_admin(reference_server), lambda item: carries(item, prefix) is not None)
    assert left == SweepResult(), left
    assert process.returncode != 0


def test_stale_spaces_of_earlier_runs_are_swept(reference_server, pytester) -> None:
    admin = _admin(reference_server)
    stale = admin.post("/spaces", json={"name": "jtc-0badc0de-left-behind", "visibility": "public"})
    assert stale.status == 201
    pytester.makepyfile("def test_nothing(jetonomy_admin): pass")
    args = (
        "--target-url",
        reference_server.url,
        "--credentials",
        str(reference_server.credentials_file),
    )
    # younger than the limit: may belong to a concurrent run, kept
    pytester.runpytest(*args).assert_outcomes(passed=1)
    assert admin.get(f"/spaces/{stale.json()['id']}").status == 200
    # older than the limit (a tiny one here): swept before the run
    pytester.runpytest(*args, "--sweep-older-than", "0.0001").assert_outcomes(passed=1)
    assert admin.get(f"/spaces/{stale.json()['id']}").status == 404


API = "/wp-json/jetonomy/v1"


class Failing:
    """WSGI middleware: answers ``status`` with an HTML error page to the requests whose
    method and path below the API root ``fails`` selects; the others reach the server."""

    def __init__(self, app: Any, status: str, fails: Callable[[str, str], bool]) -> None:
        self.app = app
        self.status = status
        self.fails = fails

    def __call__(self, environ: dict, start_response: Any) -> Any:
        path = environ.get("PATH_INFO", "")
        if path.startswith(API) and self.fails(environ["REQUEST_METHOD"], path[len(API) :]):
            start_response(self.status, [("Content-Type", "text/html"), ("Retry-After", "1")])
            return [b"<p>There has been a critical error on this website.</p>"]
        return self.app(environ, start_response)


def _run_failing(
    pytester: pytest.Pytester,
    tmp_path: Path,
    status: str,
    fails: Callable[[str, str], bool],
    test: str,
) -> pytest.RunResult:
    """Run ``test`` (no requirement: the cleanup alone sets the exit status) against a
    reference server whose answers ``fails`` selects are ``status``."""
    server = ReferenceServer(
        ReferenceConfig(db_path=str(tmp_path / "db.sqlite3"), rate_window_seconds=2.0)
    )
    server.start()
    try:
        credentials = tmp_path / "credentials.toml"
        write_credentials_toml(credentials, server.provision())
        server._server.app = Failing(server._server.app, status, fails)  # type: ignore[union-attr]
        pytester.makepyfile(test)
        result = pytester.runpytest(
            "-p",
            "no:cacheprovider",
            f"--target-url={server.url}",
            f"--credentials={credentials}",
            "--sweep-older-than=0",
        )
    finally:
        server.stop()
    return result


def test_an_unreadable_listing_is_never_called_clean(pytester, tmp_path: Path) -> None:
    """The leftover check cannot read /categories: the summary says the cleanup could not be
    verified and what may be left, never that nothing is left, and the exit status is not 0
    although every test passed."""
    result = _run_failing(
        pytester,
        tmp_path,
        "500 Internal Server Error",
        lambda method, path: method == "GET" and path == "/categories",
        "def test_one(jetonomy_space_factory): jetonomy_space_factory()",
    )
    output = result.stdout.str()
    result.assert_outcomes(passed=1)
    assert re.search(
        r"cleanup could not be verified: could not read /categories: GET /categories "
        r"answering 500; may be left: nothing the ledger holds",
        output,
    ), output
    assert re.search(r"^CLEANUP NOT VERIFIED: could not read /categories", output, re.M), output
    assert "nothing carrying" not in output
    assert result.ret == pytest.ExitCode.TESTS_FAILED


def test_a_target_answering_503_names_what_may_be_left(pytester, tmp_path: Path) -> None:
    """The target answers 503 to the cleanup's walk of /spaces and to every DELETE of a
    space (issue 12): the summary says the cleanup could not be verified and names what may
    be left (the ledger's spaces not read back gone: the run-wide seeded space and the
    test's own, by id and name), never that the target is clean, and the exit status is
    not 0 although every test passed."""
    result = _run_failing(
        pytester,
        tmp_path,
        "503 Service Unavailable",
        lambda method, path: (
            (method, path) == ("GET", "/spaces")
            or (method == "DELETE" and re.fullmatch(r"/spaces/\d+", path) is not None)
        ),
        "def test_one(jetonomy_seeded_space, jetonomy_space_factory):\n"
        "    jetonomy_space_factory()\n",
    )
    output = result.stdout.str()
    result.assert_outcomes(passed=1)
    prefix = re.search(r"run prefix (jtc-[0-9a-f]{8})", output).group(1)
    left = re.findall(r"^cleanup: LEFT space (\d+) '([^']*)': DELETE answered 503", output, re.M)
    assert len(left) == 2 and all(name.startswith(prefix) for _, name in left), output
    named = ", ".join(f"space {space} {name!r}" for space, name in left)
    assert re.search(
        r"^cleanup could not be verified: could not read /spaces: GET /spaces answering 503; "
        rf"may be left: 2 spaces the ledger holds that were not read back gone: {re.escape(named)}$",
        output,
        re.M,
    ), output
    assert "nothing carrying" not in output
    assert re.search(
        r"^TARGET LEFT UNCLEAN: 2 object\(s\) of this run are still there \(listed above\), "
        r"and the cleanup could not be verified \(could not read /spaces: GET /spaces "
        r"answering 503\); the exit status is not 0$",
        output,
        re.M,
    ), output
    assert result.ret == pytest.ExitCode.TESTS_FAILED


UNREADABLE_LEDGER = """
import pytest
from pytest_jetonomy.run import RUN_KEY

@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session):
    path = session.config.stash[RUN_KEY].ledger.path
    path.unlink()
    path.mkdir()  # the ledger, unreadable when the cleanup reads it
"""


def _run_one_space(pytester: pytest.Pytester, tmp_path: Path) -> str:
    """The output of one passing test that makes a space, on a healthy target, whose cleanup
    then goes wrong (the caller arranges how): never a traceback, and the exit status is not
    0 although every test passed."""
    result = _run_failing(
        pytester,
        tmp_path,
        "500 Internal Server Error",
        lambda method, path: False,
        "def test_one(jetonomy_space_factory): jetonomy_space_factory()",
    )
    output = result.stdout.str() + result.stderr.str()
    result.assert_outcomes(passed=1)
    assert "INTERNALERROR" not in output and "Traceback" not in output, output
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    return output


def test_an_unreadable_ledger_is_one_line_and_never_called_clean(pytester, tmp_path: Path) -> None:
    """The run's ledger cannot be read at session finish: one line says the cleanup could
    not be verified and why (never a traceback or an INTERNALERROR), the listings are still
    looked through, and the exit status is not 0 although every test passed."""
    pytester.makeconftest(UNREADABLE_LEDGER)
    output = _run_one_space(pytester, tmp_path)
    prefix = re.search(r"run prefix (jtc-[0-9a-f]{8})", output).group(1)
    said = re.findall(r"^cleanup could not be verified: .*$", output, re.M)
    assert len(said) == 1, output
    assert re.fullmatch(
        rf"cleanup could not be verified: the run's ledger \S+/{prefix}-ledger\.jsonl could "
        rf"not be read \(Is a directory\); may be left: not known without the ledger \(what "
        rf"this run created carries {prefix}\)",
        said[0],
    ), said
    assert re.search(r"^CLEANUP NOT VERIFIED: the run's ledger \S+ could not", output, re.M)
    assert "nothing carrying" not in output


def test_a_cleanup_stopped_by_an_unexpected_error_is_one_line(
    pytester, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("the disk went away\nsecond line")

    monkeypatch.setattr("pytest_jetonomy.plugin.finish", broken)
    output = _run_one_space(pytester, tmp_path)
    assert re.search(
        r"^cleanup could not be verified: the cleanup stopped: RuntimeError: the disk went "
        r"away; may be left: not known",
        output,
        re.M,
    ), output


def test_a_space_of_an_earlier_run_is_known_by_its_own_values_and_age() -> None:
    """The stale-run sweep: another run's prefix in any string value of the space's own
    (nested ones too, not those of an object embedded in it), and every timestamp it shows
    older than the limit (the newest counts: a space active since may be a concurrent run's)."""
    cutoff = datetime(2026, 1, 1, tzinfo=timezone.utc)
    old, new = "2025-06-01T10:00:00Z", "2026-03-01 10:00:00"
    this_run = "jtc-11111111"
    earlier = "jtc-0badc0de-world-public-1 Devolved website"
    # any field name, and a nested value of its own (title.rendered)
    assert is_stale({"id": 1, "Name": earlier, "CreatedAt": old}, this_run, cutoff)
    assert is_stale({"id": 1, "title": {"rendered": earlier}, "date": old}, this_run, cutoff)
    # active since the limit: kept
    kept = {"id": 1, "name": earlier, "created_at": old, "last_activity": new}
    assert not is_stale(kept, this_run, cutoff)
    # created since the limit, embedding an author registered long ago: kept
    kept = {"id": 1, "name": earlier, "created_at": new, "owner": {"id": 5, "registered": old}}
    assert not is_stale(kept, this_run, cutoff)
    # a user's space whose embedded last post an earlier run wrote: not a space of that run
    users = {
        "id": 1,
        "name": "Team news",
        "created_at": old,
        "last_post": {"id": 9, "title": earlier},
    }
    assert not is_stale(users, this_run, cutoff)
    assert carries(users, "jtc-0badc0de") is None
    # this run's own, and a space showing no timestamp: kept
    assert not is_stale(
        {"id": 1, "name": f"{this_run}-world-1", "created_at": old}, this_run, cutoff
    )
    assert not is_stale({"id": 1, "name": earlier}, this_run, cutoff)


def test_the_deletion_the_route_index_describes() -> None:
    """A value that means deleting, or a boolean named so; never one that only hides."""
    described = {
        "mode": {"type": "string", "enum": ["archive", "delete"]},
        "force": {"type": "boolean", "default": False},
        "status": {"type": "string", "enum": ["trash", "draft"]},
        "reason": {"type": "string"},
    }
    assert deletions(described) == [{"mode": "delete"}, {"force": True}]
    assert deletions({"mode": {"enum": ["archive", "hide"]}}) == []
    assert deletions(None) == []
    record = deletion_adaptation("DELETE /spaces/{id}", {"mode": "delete"}, "query")
    assert record["adaptation"].startswith(
        "DELETE /spaces/{id} did not delete as documented; deleted with `mode=delete` (in the "
        "query)"
    )


def test_the_ledger_folds_what_became_of_each_object() -> None:
    created = {"op": "created", "route": "POST /x", "by": "admin"}
    book = fold(
        [
            {**created, "kind": "space", "id": 3},
            {**created, "kind": "post", "id": 9, "within": ["space", 3]},
            {**created, "kind": "ban", "id": 7},
            {"op": "answered", "kind": "ban", "id": 7, "status": 204, "by": "moderator"},
            {**created, "kind": "ban", "id": 7},
            {"op": "answered", "kind": "space", "id": 3, "status": 200, "by": "admin"},
            {
                "op": "left",
                "kind": "space",
                "id": 3,
                "answer": "DELETE answered 200, still readable",
            },
            {**created, "kind": "invite", "id": None, "within": ["space", 3]},
            {**created, "kind": "invite", "id": None, "within": ["space", 3]},
            {"op": "refused"},
        ]
    )
    assert book.creations == {"space": 1, "post": 1, "ban": 2, "invite": 2}
    assert book.recycled == {"ban": 1}  # banned again: the earlier ban goes with the last
    assert book.get("ban", 7).state == "open"
    assert book.get("space", 3).state == "left"
    assert book.get("space", 3).answer == "DELETE answered 200, still readable"
    assert len([e for e in book.entries.values() if e.kind == "invite"]) == 2
    assert book.refused == 1
