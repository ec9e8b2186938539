"""The wheel ships the suite and the contract; with either install, the README's editable one
(``pip install -e .``) and a wheel, ``pytest --pyargs pytest_jetonomy.conformance`` runs the
suite and ``pytest --list-requirements`` lists every requirement with its checks, from any
directory (issue 12, item 5)."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from pytest_jetonomy.contract import conformance_dir
from pytest_jetonomy.suite import suite_path

ROOT = Path(__file__).parents[2]
QUICK = "test_route_is_served and spaces"
"""A few checks that take no time: enough to see the suite collected and run."""
LISTED = re.compile(r"^(JT-[A-Z]+-\d+) .*? (\d+) tests  ", re.MULTILINE)
"""A line of --list-requirements: the requirement ID and its number of checks."""
WHERE = (
    "import importlib.util, pytest_jetonomy\n"
    "from pytest_jetonomy.contract import conformance_dir\n"
    "print(pytest_jetonomy.__file__)\n"
    "print(conformance_dir())\n"
    "print(importlib.util.find_spec('pytest_jetonomy.conformance') is not None)\n"
)
"""Where the plugin and its suite come from, for the interpreter and environment given."""


class SetupFailed(RuntimeError):
    """What the fixtures here raise instead of failing an ``assert``: the plugin, active in the
    self-tests too, reports an assertion that fails while a test is set up as "blocked" (a
    skip), and a wheel that does not build must fail the tests, not skip them."""


def _require(condition: object, message: str) -> None:
    if not condition:
        raise SetupFailed(message)


def _run(cwd: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )


def _pytest(cwd: Path, env: dict[str, str], *args: str) -> str:
    result = _run(cwd, env, "-m", "pytest", "-p", "no:cacheprovider", *args)
    output = result.stdout + result.stderr
    _require(
        result.returncode == 0,
        f"pytest {' '.join(args)}: exit {result.returncode}\n{output[-3000:]}",
    )
    return output


def _where(cwd: Path, env: dict[str, str]) -> tuple[str, str, str]:
    """(the plugin's file, conformance_dir(), "True" if pytest_jetonomy.conformance imports)."""
    result = _run(cwd, env, "-c", WHERE)
    _require(result.returncode == 0, result.stdout + result.stderr)
    plugin, suite, importable = result.stdout.splitlines()
    return plugin, suite, importable


def _catalogue(output: str) -> dict[str, int]:
    return {rid: int(count) for rid, count in LISTED.findall(output)}


def _environment(**changes: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTEST_ADDOPTS")}
    env.update({k: v for k, v in changes.items() if v is not None})
    return env


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    # offline when the build backend is at hand (the test extra installs hatchling)
    isolation = ["--no-build-isolation"] if importlib.util.find_spec("hatchling") else []
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", *isolation, "-q"]
        + ["-w", str(out), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    _require(result.returncode == 0, result.stdout + result.stderr)
    (built,) = out.glob("pytest_jetonomy-*.whl")
    return built


@pytest.fixture(scope="module")
def wheel_install(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The wheel installed on its own (no dependencies: this interpreter has them) in a folder
    put first on the path: the environment to run it with."""
    target = tmp_path_factory.mktemp("site")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target)]
        + [str(wheel)],
        check=True,
        timeout=300,
    )
    env = _environment(PYTHONPATH=str(target))
    plugin, suite, importable = _where(target, env)
    _require(Path(plugin).is_relative_to(target), f"the plugin imported is {plugin}")
    _require(Path(suite) == target / "pytest_jetonomy" / "conformance", f"the suite is {suite}")
    _require(importable == "True", "pytest_jetonomy.conformance is not importable")
    return env


@pytest.fixture(scope="module")
def editable_install(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """This interpreter's own install, when it is the README's editable one: the plugin from
    ``src/``, the suite the clone's ``conformance/``, no package pytest_jetonomy.conformance."""
    env = _environment()
    plugin, suite, importable = _where(tmp_path_factory.mktemp("where"), env)
    if not Path(plugin).is_relative_to(ROOT / "src"):
        pytest.skip(
            f"this interpreter's pytest_jetonomy is not the editable install of {ROOT} "
            f"(it is {plugin}, e.g. tox's install): the wheel tests cover an installed plugin"
        )
    _require(Path(suite) == ROOT / "conformance", f"the suite is {suite}")
    _require(importable == "False", "pytest_jetonomy.conformance is importable")
    return env


@pytest.fixture(params=["editable", "wheel"])
def install(request: pytest.FixtureRequest) -> dict[str, str]:
    return request.getfixturevalue(f"{request.param}_install")


@pytest.fixture(scope="module")
def catalogue_in_clone() -> dict[str, int]:
    """Requirement -> number of checks, as --list-requirements counts them in the clone."""
    counts = _catalogue(_pytest(ROOT, _environment(), "--list-requirements"))
    _require(counts and sum(counts.values()) > 100, f"listed in the clone: {counts}")
    return counts


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


def test_pyargs_runs_the_suite_from_any_directory(install: dict[str, str], tmp_path: Path) -> None:
    output = _pytest(tmp_path, install, "--pyargs", "pytest_jetonomy.conformance", "-k", QUICK)
    assert re.search(r"\b\d+ passed\b", output) and not re.search(r"\b\d+ failed\b", output)
    assert "deselected" in output, output[-3000:]


def test_list_requirements_counts_the_checks_from_any_directory(
    install: dict[str, str], tmp_path: Path, catalogue_in_clone: dict[str, int]
) -> None:
    """Outside the clone there is no test path to collect: the listing collects the suite."""
    listed = _catalogue(_pytest(tmp_path, install, "--list-requirements"))
    assert listed == catalogue_in_clone


def test_pyargs_names_of_the_suite_map_into_its_folder() -> None:
    suite = conformance_dir()
    assert suite_path("pytest_jetonomy.conformance") == str(suite)
    assert suite_path("pytest_jetonomy.conformance.test_endpoints::test_route_is_served") == (
        f"{suite / 'test_endpoints.py'}::test_route_is_served"
    )
    assert suite_path("pytest_jetonomy.conformance.no_such_module") is None  # pytest says so
    assert suite_path("pytest_jetonomy.conformance_other") is None
    assert suite_path("some_other_package.tests") is None
