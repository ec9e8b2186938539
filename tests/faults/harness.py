"""Runs a selection of the conformance suite against an embedded reference server with fault
variants switched on (or none), in one dialect, and returns its JSON report."""

from __future__ import annotations

import json

import pytest

from pytest_jetonomy.contract import conformance_dir
from pytest_jetonomy.reference.faults import Fault


def run_suite_with_fault(
    pytester: pytest.Pytester,
    fault: Fault | None,
    requirements: list[str],
    files: dict[str, set[str]],
    dialect: str = "default",
) -> dict:
    """Run the checks of ``requirements`` against an embedded reference server in ``dialect``
    with ``fault`` switched on (None: the conformant server); return the JSON report."""
    _, document = run_selection(
        pytester, [fault.name] if fault is not None else [], requirements, files, dialect=dialect
    )
    return document


def run_selection(
    pytester: pytest.Pytester,
    faults: list[str],
    requirements: list[str],
    files: dict[str, set[str]],
    *extra: str,
    dialect: str = "default",
    report_name: str = "report.json",
) -> tuple[pytest.RunResult, dict]:
    """Run the checks of ``requirements`` against an embedded reference server with the
    ``faults`` switched on (and ``extra`` options: a baseline...); return the run (its exit
    code and output) and its JSON report (``report_name`` in the pytester directory)."""
    report = pytester.path / report_name
    paths = sorted({path for rid in requirements for path in files.get(rid, ())})
    args = [
        *(paths or [str(conformance_dir())]),
        "-p",
        "no:cacheprovider",
        "-p",
        "no:randomly",
        *[f"--reference-fault={name}" for name in faults],
        f"--reference-dialect={dialect}",
        "--reference-window=2",
        f"--conformance-report={report}",
        "-q",
        *extra,
    ] + [f"--requirement={rid}" for rid in requirements]
    result = pytester.runpytest_inprocess(*args)
    output = result.stdout.str()
    assert "INTERNALERROR" not in output, output[-3000:]
    assert report.exists(), output[-3000:]
    return result, json.loads(report.read_text())
