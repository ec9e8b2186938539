"""Runs the conformance suite in a pytest subprocess, as a user does (``python -m pytest``),
with two xdist workers: against the embedded reference server (``--reference-fault``,
``--reference-dialect``...) or against a target given with ``--target-url``/ini."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pytest_jetonomy.contract import conformance_dir


@dataclass
class SuiteRun:
    """A finished run: its exit code, its output and its JSON report."""

    returncode: int
    stdout: str
    output: str
    """stdout and stderr."""
    report: dict[str, Any] | None
    """The JSON report (``report=`` given), else None."""


def run_suite(
    cwd: Path,
    *args: str,
    paths: Sequence[str] | None = None,
    report: Path | None = None,
    quiet: bool = True,
    env: Mapping[str, str] | None = None,
    timeout: float = 600,
    workers: int | None = 2,
) -> SuiteRun:
    """Run ``paths`` (default: the whole suite) in ``cwd`` with ``-n workers`` (None: in one
    process), no cache and ``args``; with ``report``, write the JSON report there and read it back. No run may end
    in an INTERNALERROR."""
    command = [
        sys.executable,
        "-m",
        "pytest",
        *(paths if paths is not None else [str(conformance_dir())]),
        *(["-n", str(workers)] if workers is not None else []),
        "-p",
        "no:cacheprovider",
        "-p",
        "no:randomly",
        *args,
        *([f"--conformance-report={report}"] if report is not None else []),
        *(["-q"] if quiet else []),
    ]
    result = subprocess.run(
        command,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=dict(env) if env is not None else None,
    )
    output = result.stdout + result.stderr
    assert "INTERNALERROR" not in output, output[-4000:]
    document = None
    if report is not None:
        assert report.exists(), output[-4000:]
        document = json.loads(report.read_text())
    return SuiteRun(result.returncode, result.stdout, output, document)
