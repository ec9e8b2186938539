"""A broken target never breaks the suite: malformed or missing answers are clear failures.

For each robustness fault of the reference server (bodies that are not JSON or are cut
short, a 500 HTML page on one request in ten, a server that stops answering), a bounded
selection of the suite runs against the embedded server with that fault on, in a
subprocess with a hard time limit. The run must finish (no hang), exit 1, never end in an
INTERNALERROR, show no Python traceback, and every failure must name the cause.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pytest_jetonomy.contract import conformance_dir
from pytest_jetonomy.reference.faults import catalogue

REQUIREMENTS = ("JT-EP-001", "JT-AUTH-003", "JT-ERR-001", "JT-PAGE-005", "JT-RATE-010")
"""Cheap checks that need the conformance world, the pagination lists, or neither."""

REQUEST_TIMEOUT = 2
HARD_LIMIT = 150.0
"""Seconds after which a run counts as hung (a healthy selection takes a few seconds)."""

CAUSES = {
    "json-body-invalid": ("not valid JSON",),
    "json-body-truncated": ("not valid JSON",),
    "server-error-one-in-ten": ("HTTP 500", "500 (text/html", "answering 500"),
    "stops-answering": ("no answer within", "stopped answering"),
}
"""What a failure message must say for each fault (any of the phrases)."""

NOISE = (
    "INTERNALERROR",
    "Traceback (most recent call last)",
    "During handling of the above exception",
    "requests.exceptions",
    "urllib3",
)

ROBUSTNESS = [f for f in catalogue().values() if f.robustness]


def run_suite(
    tmp_path: Path, fault: str, workers: int = 0
) -> tuple[subprocess.CompletedProcess, dict, float]:
    report = tmp_path / "report.json"
    args = [
        sys.executable,
        "-m",
        "pytest",
        str(conformance_dir()),
        "-p",
        "no:cacheprovider",
        "-p",
        "no:randomly",
        "-q",
        f"--reference-fault={fault}",
        "--reference-window=2",
        f"--request-timeout={REQUEST_TIMEOUT}",
        f"--conformance-report={report}",
        f"--basetemp={tmp_path / 'base'}",
    ] + [f"--requirement={rid}" for rid in REQUIREMENTS]
    if workers:
        args += ["-n", str(workers)]
    started = time.monotonic()
    try:
        result = subprocess.run(
            args, cwd=tmp_path, capture_output=True, text=True, timeout=HARD_LIMIT
        )
    except subprocess.TimeoutExpired as exc:
        output = (exc.stdout or b"")[-3000:]
        pytest.fail(
            f"the suite hung with fault {fault!r}: no end within {HARD_LIMIT:g} s\n{output!r}"
        )
    elapsed = time.monotonic() - started
    assert report.exists(), (
        f"no conformance report\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    )
    return result, json.loads(report.read_text()), elapsed


def failed_tests(document: dict) -> dict[str, str]:
    """nodeid -> what stopped it, for every test of the report that failed, errored or was
    blocked (the failure message, or what blocked it: a precondition that met the fault)."""
    return {
        test["nodeid"]: (test["message"] or test["reason"] or "")
        for requirement in document["requirements"]
        for test in requirement["tests"]
        if test["outcome"] in ("failed", "error", "blocked")
        and not (test["outcome"] == "blocked" and test["reason"].startswith("blocked by JT-"))
    }


def test_every_robustness_fault_has_its_causes() -> None:
    assert {f.name for f in ROBUSTNESS} == set(CAUSES)


@pytest.mark.parametrize(
    ("fault", "workers"),
    [pytest.param(f.name, 0, id=f.name) for f in ROBUSTNESS]
    + [pytest.param("json-body-invalid", 2, id="json-body-invalid-xdist")],
)
def test_suite_finishes_with_clear_failures(tmp_path: Path, fault: str, workers: int) -> None:
    result, document, elapsed = run_suite(tmp_path, fault, workers)
    output = result.stdout + result.stderr
    for noise in NOISE:
        assert noise not in output, f"{noise!r} in the output of the run:\n{output[-4000:]}"
    assert result.returncode == 1, f"exit code {result.returncode}\n{output[-3000:]}"
    failures = failed_tests(document)
    assert failures, f"no check failed or was blocked with fault {fault!r}\n{output[-3000:]}"
    unclear = {
        nodeid: message.splitlines()[:6]
        for nodeid, message in failures.items()
        if not any(phrase in message for phrase in CAUSES[fault])
    }
    assert not unclear, f"failures that do not name the cause ({CAUSES[fault]}): {unclear}"
    assert document["verdict"]["conformant"] is False
    if fault == "stops-answering":
        # once the target stopped answering, checks fail at once, not one timeout each
        fast = [m for m in failures.values() if "stopped answering" in m]
        assert fast, f"no check failed fast after the target stopped answering: {failures}"
        assert elapsed < 10 * REQUEST_TIMEOUT + 20, f"{len(failures)} failures took {elapsed:.0f} s"
    summary = result.stdout[result.stdout.find("Jetonomy conformance") :]
    assert "NOT CONFORMANT" in summary or "NOT CERTIFIED" in summary, summary
