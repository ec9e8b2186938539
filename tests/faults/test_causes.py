"""One failure, one cause: a fault of one promise, in a run of the whole suite, fails that
promise only and reads as one line of the divergence list.

- ``search-limit-capped-at-50`` (GET /search serves at most 50 items, the documented maximum
  is 100): only the limit requirement fails. No search behaviour, search filter or visibility
  check fails because a helper asked for more results than the server gives (helpers ask for
  the documented defaults and walk the pages).
- ``forbidden-code-replaced`` (every 403 ``jetonomy_forbidden`` answers ``rest_forbidden``):
  the divergence list has exactly one cause, which explains every failed requirement, with
  the number of checks; the terminal summary shows that one line.

Each fault runs the whole suite once (in a subprocess, two workers); the fault-free run
verifies every requirement (``tests/suite/test_conformant_server.py``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pytest_jetonomy.reference.faults import catalogue

from ..suite_process import run_suite


def run_whole_suite(tmp_path: Path, fault: str) -> tuple[str, dict[str, Any]]:
    """The terminal output and the JSON report of the whole suite against the embedded
    reference server with ``fault`` switched on."""
    run = run_suite(tmp_path, f"--reference-fault={fault}", report=tmp_path / "report.json")
    assert run.returncode == 1, f"exit code {run.returncode}\n{run.output[-4000:]}"
    assert run.report is not None
    return run.stdout, run.report


def by_status(document: dict[str, Any]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for requirement in document["requirements"]:
        found.setdefault(requirement["status"], set()).add(requirement["id"])
    return found


def failed_checks(document: dict[str, Any]) -> set[str]:
    return {
        test["nodeid"]
        for requirement in document["requirements"]
        for test in requirement["tests"]
        if test["outcome"] in ("failed", "error")
    }


def summary(stdout: str) -> str:
    return stdout[stdout.find("Jetonomy conformance") :]


def test_search_capped_below_the_maximum_fails_only_the_limit_requirement(
    tmp_path: Path,
) -> None:
    stdout, document = run_whole_suite(tmp_path, "search-limit-capped-at-50")
    statuses = by_status(document)
    assert statuses.get("failed") == {"JT-PAGE-003"}, (
        statuses.get("failed"),
        summary(stdout)[-3000:],
    )
    # every other requirement stays verified: nothing blocked, skipped or errored
    assert set(statuses) == {"passed", "failed"}, {
        status: sorted(ids) for status, ids in statuses.items() if status != "passed"
    }
    assert failed_checks(document) == {
        "conformance/test_pagination.py::test_limit_gives_at_most_n_items[GET /search]"
    }
    (divergence,) = document["divergences"]
    assert divergence["requirements"] == ["JT-PAGE-003"]
    assert divergence["must"] == 1 and divergence["checks"] == 1
    exchange = divergence["evidence"]["exchange"]
    assert exchange["method"] == "GET" and "/search?" in exchange["url"]
    assert "limit=100" in exchange["url"]
    assert document["verdict"]["must_failed"] == ["JT-PAGE-003"]
    assert document["verdict"]["line"].startswith(
        "NOT CONFORMANT: 1 MUST requirement(s) failed (1 cause(s): JT-PAGE-003)"
    )


CODE_CAUSE = "code rest_forbidden where jetonomy_forbidden"


def test_one_code_replaced_across_the_api_is_one_cause(tmp_path: Path) -> None:
    stdout, document = run_whole_suite(tmp_path, "forbidden-code-replaced")
    statuses = by_status(document)
    failed = statuses.get("failed", set())
    assert set(catalogue()["forbidden-code-replaced"].breaks) <= failed, sorted(failed)
    assert not statuses.get("blocked"), sorted(statuses["blocked"])
    causes = [entry["cause"] for entry in document["divergences"]]
    assert causes == [CODE_CAUSE], causes
    (divergence,) = document["divergences"]
    # the one cause explains every failed requirement and every failed check
    assert set(divergence["requirements"]) == failed
    verdict = document["verdict"]
    assert divergence["must"] == len(verdict["must_failed"]) > 0
    assert set(verdict["must_failed"]) | set(verdict["should_failed"]) == failed
    checks = failed_checks(document)
    assert divergence["checks"] == len(checks) > len(failed)
    evidence = divergence["evidence"]
    assert evidence["cause"] == CODE_CAUSE and evidence["requirement"] in failed
    assert evidence["exchange"]["status"] == 403
    assert '"rest_forbidden"' in evidence["exchange"]["response_excerpt"]
    assert verdict["causes"] == 1
    assert f"({len(verdict['must_failed'])} MUST requirement(s) failed (1 cause(s):" in (
        verdict["line"].replace("NOT CONFORMANT: ", "(")
    )
    # the terminal summary shows that one line
    lines = summary(stdout).splitlines()
    assert "divergences by cause (1), most MUST requirements first:" in lines, lines
    shown = [line for line in lines if line.startswith("  1. ")]
    assert shown == [
        f"  1. {CODE_CAUSE} [{divergence['must']} MUST; {len(failed)} requirement(s): "
        + ", ".join(sorted(failed)[:4])
        + (f" +{len(failed) - 4}" if len(failed) > 4 else "")
        + f"; {len(checks)} check(s)]"
    ], shown
    assert not [line for line in lines if line.startswith("  2. ")]
