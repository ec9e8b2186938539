"""Checks that fail on purpose, for the inner sessions of the release-gating self-tests
(baselines by signature, the release diff): one passes (JT-PAGE-001), one gets 200 where it
expects ``status`` (JT-PAGE-008; 200 passes), one gets a wrong error code (JT-ERR-003)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

CHECKS = """
import pytest
from pytest_jetonomy import expect

@pytest.mark.requirement("JT-PAGE-001")
def test_passes(jetonomy_admin):
    expect.status(jetonomy_admin.get("/spaces"), 200, subject=True)

@pytest.mark.requirement("JT-PAGE-008")
def test_status(jetonomy_admin):
    expect.status(jetonomy_admin.get("/spaces"), STATUS)

@pytest.mark.requirement("JT-ERR-003")
def test_code(jetonomy_admin):
    expect.error(jetonomy_admin.get("/posts/987654321"), 404, "jetonomy_gone")
"""


def failing_checks(status: int = 418) -> str:
    """The three checks, the second expecting ``status`` from ``GET /spaces``."""
    return CHECKS.replace("STATUS", str(status))


def run_inner(pytester: pytest.Pytester, *args: str, checks: str) -> pytest.RunResult:
    """An inner session of ``checks`` (as ``test_checks.py``) against the embedded server."""
    pytester.makepyfile(test_checks=checks)
    return pytester.runpytest("-p", "no:randomly", *args)


def run_reported(
    pytester: pytest.Pytester, tmp_path: Path, name: str, *args: str, checks: str
) -> tuple[pytest.RunResult, dict[str, Any], str]:
    """:func:`run_inner` writing its reports as ``tmp_path/name.json`` and ``.html``: the
    result, the JSON report and the HTML page."""
    report, page = tmp_path / f"{name}.json", tmp_path / f"{name}.html"
    result = run_inner(
        pytester,
        *args,
        f"--conformance-report={report}",
        f"--conformance-html={page}",
        checks=checks,
    )
    return result, json.loads(report.read_text()), page.read_text()
