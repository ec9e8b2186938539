"""The wheel ships the suite and the contract, and an installed plugin runs the suite from
any directory with ``pytest --pyargs pytest_jetonomy.conformance``."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    (built,) = out.glob("pytest_jetonomy-*.whl")
    return built


def test_wheel_contains_suite_contract_and_entry_points(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    for required in (
        "pytest_jetonomy/py.typed",
        "pytest_jetonomy/plugin.py",
        "pytest_jetonomy/reference/server.py",
        "pytest_jetonomy/conformance/conftest.py",
        "pytest_jetonomy/conformance/test_endpoints.py",
        "pytest_jetonomy/schemas/requirements.json",
        "pytest_jetonomy/schemas/endpoints.json",
        "pytest_jetonomy/schemas/resources/post.json",
    ):
        assert required in names, f"{required} missing from {wheel.name}"
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "jetonomy = pytest_jetonomy.plugin" in text
    assert "jetonomy-reference = pytest_jetonomy.reference.cli:main" in text
    assert "jetonomy-report = pytest_jetonomy.diff:main" in text


def test_installed_plugin_runs_the_packaged_suite_from_anywhere(
    wheel: Path, tmp_path: Path
) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        timeout=300,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(target)}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--pyargs",
            "pytest_jetonomy.conformance",
            "-p",
            "no:cacheprovider",
            "-k",
            "test_route_is_served and spaces",
            "-q",
        ],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-3000:]
    assert re.search(r"\b\d+ passed\b", output) and not re.search(r"\b\d+ failed\b", output)
    assert (
        str(target)
        in subprocess.run(
            [sys.executable, "-c", "import pytest_jetonomy; print(pytest_jetonomy.__file__)"],
            cwd=elsewhere,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
