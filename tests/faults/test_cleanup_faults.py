"""A run leaves nothing behind on a target that does not delete as documented, and never
claims a clean target it did not verify.

A reference server is started in the alt dialect (its answers spell a space's name ``Name``,
not ``name``) on a database file the test can count, as ``bench/leftovers.py`` does: the
rows of every content table (``reference.storage.CONTENT_TABLES``) before and after a run
of a selection large enough to create throwaway spaces (``test_spaces.py``: fresh spaces,
factories, the checks' own creations), the conformance world and the pagination lists
(``test_pagination.py``), flags and bans (``test_moderation.py``). With each fault of ``reference/faults/cleanup.py``, and without:

- fault-free: every table is back where it was, and the summary says nothing is left;
- ``space-delete-needs-mode`` (409 unless ``mode=delete``, which the route index describes):
  every table is back where it was, and the adaptation is listed (summary and JSON);
- ``space-delete-does-nothing`` (200, nothing deleted): every space still in the database is
  listed as a leftover by id and name with the server's answer, what else stays is only
  inside those spaces, the run refused further throwaway spaces, the summary never says
  nothing is left (a line after the verdict says the target is left unclean) and the exit
  status is not 0.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from pytest_jetonomy.contract import conformance_dir
from pytest_jetonomy.credentials import write_credentials_toml
from pytest_jetonomy.factories import TAG_POOL
from pytest_jetonomy.reference.config import ReferenceConfig
from pytest_jetonomy.reference.server import ReferenceServer
from pytest_jetonomy.reference.storage import CONTENT_TABLES

from ..suite_process import run_suite

SELECTION = ("test_spaces.py", "test_pagination.py", "test_moderation.py")
"""Throwaway spaces, the world, the pagination lists, flags and bans."""

IN_SPACES = ("members", "invites")
"""Tables whose rows stay with a space that stays (they name it: ``space_id``)."""


def _rows(db: Path) -> dict[str, set]:
    """The rows of every content table (by rowid), the tags outside the suite's pool, and
    the space each member and invite row is in."""
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
    try:
        rows = {
            table: {r[0] for r in connection.execute(f"SELECT rowid FROM {table}")}  # noqa: S608
            for table in CONTENT_TABLES
        }
        rows["tags"] = {
            slug for (slug,) in connection.execute("SELECT slug FROM tags") if slug not in TAG_POOL
        }
        for table in IN_SPACES:
            rows[f"{table}.space"] = {
                (rowid, space)
                for rowid, space in connection.execute(f"SELECT rowid, space_id FROM {table}")  # noqa: S608
            }
        return rows
    finally:
        connection.close()


def _run(tmp_path: Path, fault: str | None) -> tuple[int, str, dict, dict, dict]:
    db = tmp_path / "db.sqlite3"
    config = ReferenceConfig(
        db_path=str(db),
        rate_window_seconds=2.0,
        faults=frozenset({fault} if fault else ()),
        dialect="alt",
    )
    with ReferenceServer(config) as server:
        credentials = tmp_path / "credentials.toml"
        write_credentials_toml(credentials, server.provision())
        before = _rows(db)
        run = run_suite(
            tmp_path,
            f"--target-url={server.url}",
            f"--credentials={credentials}",
            "--sweep-older-than=0",
            f"--conformance-html={tmp_path / 'report.html'}",
            paths=[str(conformance_dir() / name) for name in SELECTION],
            report=tmp_path / "report.json",
        )
        after = _rows(db)
    assert "Traceback" not in run.output, run.output[-4000:]
    assert run.report is not None
    return run.returncode, run.output, run.report, before, after


def _grown(before: dict, after: dict) -> dict[str, int]:
    return {
        table: len(after[table] - before[table])
        for table in (*CONTENT_TABLES, "tags")
        if after[table] - before[table]
    }


def _summary(output: str) -> list[str]:
    return output.split("Jetonomy conformance", 1)[-1].splitlines()


@pytest.mark.parametrize(
    "fault", [None, "space-delete-needs-mode"], ids=["fault-free", "needs-mode"]
)
def test_nothing_is_left(tmp_path: Path, fault: str | None) -> None:
    code, output, document, before, after = _run(tmp_path, fault)
    assert _grown(before, after) == {}, (_grown(before, after), output[-4000:])
    cleanup = document["cleanup"]
    assert cleanup["verified_clean"] is True, cleanup["summary"]
    assert cleanup["status"] == "clean" and not cleanup["leftovers"], cleanup["summary"]
    assert cleanup["created"]["space"] >= 10, cleanup["created"]  # throwaway, world, lists
    prefix = document["target"]["run_prefix"]
    assert any(f"nothing carrying {prefix} is left" in line for line in _summary(output)), output[
        -3000:
    ]
    assert not any(
        line.startswith(("TARGET LEFT UNCLEAN", "CLEANUP NOT VERIFIED"))
        for line in _summary(output)
    )
    if fault is None:
        assert code == 0, output[-4000:]
        assert not cleanup["adaptations"] and not cleanup["divergences"], cleanup
        return
    # the documented DELETE refused: reported once as a divergence, deleted as the route
    # index describes it, and listed as an adaptation (summary, JSON, cleanup section)
    assert [d["divergence"] for d in cleanup["divergences"]] == [
        "DELETE /spaces/{id} answered 409 jetonomy_delete_mode_required and did not delete"
    ], cleanup["divergences"]
    adapted = [a["adaptation"] for a in document["adaptations"]]
    assert any("DELETE /spaces/{id}" in a and "`mode=delete`" in a for a in adapted), adapted
    assert [a["adaptation"] for a in cleanup["adaptations"]] == [
        a for a in adapted if a.startswith("DELETE /spaces/{id}")
    ]
    assert any(line.startswith("adapted: DELETE /spaces/{id}") for line in _summary(output))
    assert cleanup["throwaway_spaces"] is None


def test_every_leftover_is_listed_and_the_target_never_called_clean(tmp_path: Path) -> None:
    code, output, document, before, after = _run(tmp_path, "space-delete-does-nothing")
    cleanup = document["cleanup"]
    left_spaces = after["spaces"] - before["spaces"]
    assert left_spaces, "the fault kept no space: nothing was tested"
    listed = {(e["kind"], e["id"]) for e in cleanup["leftovers"]}
    assert listed == {("space", space) for space in left_spaces}, (listed, left_spaces)
    for entry in cleanup["leftovers"]:
        assert document["target"]["run_prefix"] in (entry["name"] or ""), entry
        assert "DELETE answered 204, still readable" in entry["answer"], entry
    # what else stays is inside the spaces left (their members and invites), nothing else
    grown = _grown(before, after)
    assert set(grown) <= {"spaces", *IN_SPACES}, grown
    for table in IN_SPACES:
        stayed = after[f"{table}.space"] - before[f"{table}.space"]
        assert {space for _, space in stayed} <= left_spaces, (table, stayed)
    # the run stopped creating throwaway spaces after the first it could not delete
    refused = cleanup["throwaway_spaces"]
    assert refused and refused["refused"] > 0, cleanup
    assert re.match(r"the target did not delete space \d+ \(DELETE answered 204", refused["reason"])
    # never a clean target: not in the summary, not in the JSON, not in the exit status
    assert cleanup["verified_clean"] is False and cleanup["status"] == "left", cleanup["status"]
    summary = _summary(output)
    assert not any("nothing carrying" in line for line in summary), output[-4000:]
    alarm = [line for line in summary if line.startswith("TARGET LEFT UNCLEAN")]
    assert alarm == [
        f"TARGET LEFT UNCLEAN: {len(left_spaces)} object(s) of this run are still there "
        "(listed above); the exit status is not 0"
    ], summary[-5:]
    verdict = next(i for i, line in enumerate(summary) if line.startswith(("CONFORMANT", "NOT ")))
    assert summary.index(alarm[0]) > verdict
    assert cleanup["alarm"] == alarm[0]
    html = (tmp_path / "report.html").read_text()
    assert f"<p class='alarm'><b>{alarm[0]}</b></p>" in html  # at the top of the page
    assert "Cleanup: NOT verified clean" in html
    assert all(f"<td>{e['id']}</td>" in html for e in cleanup["leftovers"])
    assert code != 0, output[-4000:]
