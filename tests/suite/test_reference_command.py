"""The documented flow: `jetonomy-reference serve` in the background, then the suite against it
with the target URL only in an ini file and two xdist workers."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from pytest_jetonomy.contract import conformance_dir

from ..suite_process import run_suite


@pytest.fixture
def served(tmp_path: Path):
    credentials = tmp_path / "c.toml"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pytest_jetonomy.reference",
            "serve",
            "--port",
            "0",
            "--credentials-out",
            str(credentials),
            "--rate-window",
            "5",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        line = process.stdout.readline()
        served_at = re.match(r"jetonomy-reference: serving (http://127\.0\.0\.1:\d+) ", line)
        assert served_at, line
        yield served_at.group(1), credentials
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0


def test_suite_against_served_reference_with_ini_target_and_two_workers(
    served, tmp_path: Path
) -> None:
    url, credentials = served
    suite = tmp_path / "suite"
    shutil.copytree(
        conformance_dir(), suite / "conformance", ignore=shutil.ignore_patterns("__pycache__")
    )
    (suite / "pytest.ini").write_text(f"[pytest]\ntarget_url = {url}\n")
    run = run_suite(
        suite,
        "--credentials",
        str(credentials),
        paths=["conformance/test_endpoints.py"],
        quiet=False,  # the header says where the target came from
        env={**os.environ, "JETONOMY_TARGET_URL": ""},
        timeout=300,
    )
    output = run.output
    assert run.returncode == 0, output[-3000:]
    assert f"target: {url} (from ini target_url in pytest.ini)" in output
    assert re.search(r"\b\d+ passed\b", output) and not re.search(r"\b\d+ failed\b", output), (
        output[-2000:]
    )
