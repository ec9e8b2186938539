"""A broken precondition fails once, where it is the subject; the rest of the run goes on.

Two fault variants of the reference server (``reference/faults/preconditions.py``), each
with a whole run of the suite (two workers, in a subprocess):

- ``spaces-create-wants-title``: POST /spaces refuses the documented body and wants `title`
  instead of `name`. The run adapts its own setup (listed in the summary and the JSON),
  the checks that send the documented body fail (the fault's ``breaks``) and at least 90 %
  of the requirements the fault-free server verifies are still verified (the fault-free
  server verifies every active requirement: ``tests/suite/test_conformant_server.py``).
- ``every-write-refused``: every write answers 403. The run completes; the verdict says what
  is blocked and by what; no requirement is counted failed without a check that exercised
  it.
"""

from __future__ import annotations

from pathlib import Path

from pytest_jetonomy.contract import load_contract
from pytest_jetonomy.reference.faults import catalogue

from ..suite_process import run_suite

VERIFIED_SHARE = 0.9
"""The share of the fault-free server's verified requirements a run must still verify."""


def _whole_run(tmp_path: Path, fault: str) -> tuple[str, dict]:
    run = run_suite(
        tmp_path,
        f"--reference-fault={fault}",
        f"--conformance-html={tmp_path / 'report.html'}",
        report=tmp_path / "report.json",
    )
    assert run.returncode == 1, run.output[-4000:]  # completed, NOT CONFORMANT
    assert "Traceback" not in run.output, run.output[-4000:]
    assert run.report is not None
    return run.output, run.report


def _failed(document: dict) -> dict[str, dict]:
    return {r["id"]: r for r in document["requirements"] if r["status"] == "failed"}


def _exercised(requirement: dict) -> list[str]:
    """The failing checks of a failed requirement that carry no breach of it (none may)."""
    return [
        t["nodeid"]
        for t in requirement["tests"]
        if t["outcome"] in ("failed", "error")
        and not any(e.get("requirement") == requirement["id"] for e in t["evidence"])
    ]


def test_a_refused_documented_body_fails_once_and_the_run_adapts(tmp_path: Path) -> None:
    fault = catalogue()["spaces-create-wants-title"]
    output, document = _whole_run(tmp_path, fault.name)

    failed = _failed(document)
    assert set(failed) == set(fault.breaks), sorted(failed)
    # the space creation itself fails once: the catalogue example of POST /spaces
    endpoint_checks = [t for t in failed["JT-EP-008"]["tests"] if t["outcome"] == "failed"]
    assert [t["nodeid"].rsplit("[", 1)[-1] for t in endpoint_checks] == ["POST /spaces]"]
    assert not {rid: _exercised(r) for rid, r in failed.items() if _exercised(r)}

    # the adaptation is listed, in the summary and the JSON
    line = "POST /spaces needed `title` (the suite sent `name`), which the reference does not name"
    assert f"adapted: {line}" in output
    assert [a["adaptation"] for a in document["adaptations"]] == [line]
    assert document["adaptations"][0]["route"] == "POST /spaces"
    page = (tmp_path / "report.html").read_text()
    assert "<h2>Adaptations</h2>" in page and "needed `title` (the suite sent `name`)" in page

    # and the rest of the run went on
    active = load_contract().active_requirements
    verified = [r["id"] for r in document["requirements"] if r["status"] == "passed"]
    assert len(verified) >= VERIFIED_SHARE * len(active), (
        f"{len(verified)} of {len(active)} requirements verified: " + document["verdict"]["line"]
    )


def test_every_write_refused_is_reported_blocked_by_what_failed(tmp_path: Path) -> None:
    fault = catalogue()["every-write-refused"]
    output, document = _whole_run(tmp_path, fault.name)

    failed = _failed(document)
    assert set(failed) <= set(fault.breaks) | set(fault.also), sorted(
        set(failed) - set(fault.breaks)
    )
    # no requirement counted failed without a check that exercised it
    assert not {rid: _exercised(r) for rid, r in failed.items() if _exercised(r)}
    # the verdict says what is blocked and by what
    verdict = document["verdict"]
    assert verdict["label"] == "NOT CONFORMANT"
    assert "blocked by" in verdict["line"], verdict["line"]
    blocked = {entry["by"]: entry["requirements"] for entry in document["blocked"]}
    assert len(blocked.get("POST /spaces answering 403", [])) >= 50, blocked.keys()
    assert "blocked by POST /spaces answering 403:" in output
    for by, ids in blocked.items():
        for rid in ids:
            status = next(r for r in document["requirements"] if r["id"] == rid)
            assert status["status"] == "blocked" and by in status["blocked_by"]
    assert not document["adaptations"]  # a 403 says nothing to adapt to
