"""A run removes what it created, also when stopped by SIGTERM, and says so."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pytest_jetonomy.cleanup import leftovers
from pytest_jetonomy.client import JetonomyClient
from pytest_jetonomy.credentials import load_credentials

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
    assert re.search(
        rf"cleanup: deleted \d+ run-wide object\(s\); nothing carrying {prefix} is left", output
    ), output
    assert leftovers(_admin(reference_server), prefix) == []
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
