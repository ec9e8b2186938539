"""The conformant reference server passes the whole suite: every requirement verified."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from pytest_jetonomy.contract import conformance_dir, load_contract


def test_whole_suite_passes_on_the_embedded_reference_server(tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            str(conformance_dir()),
            "-n",
            "2",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:randomly",
            f"--conformance-report={report}",
            "-q",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]
    document = json.loads(report.read_text())
    assert document["verdict"]["label"] == "CONFORMANT", document["verdict"]["line"]
    statuses = {r["id"]: r["status"] for r in document["requirements"]}
    assert set(statuses) == set(load_contract().requirements)
    assert set(statuses.values()) == {"passed"}
    assert "nothing carrying" in document.get("cleanup", ""), document.get("cleanup")
