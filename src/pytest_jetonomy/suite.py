"""Where pytest finds the conformance suite: from any directory, with either install.

A wheel ships the suite as the package ``pytest_jetonomy.conformance`` (hatch's
force-include); an editable install (``pip install -e .``) has no such package, since
hatchling's editable wheel puts ``src/`` on the path, and the suite is the clone's
``conformance/`` folder. :func:`contract.conformance_dir` finds it in both; this module
points pytest's collection arguments at it, before the session collects:

- ``--pyargs pytest_jetonomy.conformance[.MODULE][::NAME]``, when Python cannot import the
  package (the editable install), becomes the same place in ``conformance_dir()``; when it
  can (a wheel), pytest resolves the name itself and nothing changes;
- ``--list-requirements`` with no test path and no ``testpaths`` ini (pytest would collect the
  current directory: outside the clone, nothing) collects ``conformance_dir()``, so the
  catalogue shows the real number of checks of each requirement. A plain ``pytest`` run in
  another project is never redirected.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from .contract import conformance_dir

PACKAGE = "pytest_jetonomy.conformance"


def _importable(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def _names_suite(arg: str) -> bool:
    dotted = arg.partition("::")[0]
    return dotted == PACKAGE or dotted.startswith(PACKAGE + ".")


def _suite_dir() -> Path:
    try:
        return conformance_dir()
    except FileNotFoundError as exc:  # an incomplete installation: one line, no traceback
        raise pytest.UsageError(f"jetonomy: {exc}") from None


def suite_path(arg: str) -> str | None:
    """``pytest_jetonomy.conformance.test_spaces::test_x`` -> ``<conformance_dir>/test_spaces.py
    ::test_x``; None for an argument that names something else or nothing in the suite (pytest
    then reports the name as given)."""
    if not _names_suite(arg):
        return None
    dotted, sep, rest = arg.partition("::")
    path = _suite_dir().joinpath(*dotted.split(".")[2:])
    if not path.is_dir():
        path = path.with_name(path.name + ".py")
        if not path.is_file():
            return None
    return f"{path}{sep}{rest}"


def point_at_suite(config: pytest.Config) -> None:
    """Rewrite ``config.args`` (what the session will collect) as the module docstring says."""
    args = list(config.args)
    if config.option.pyargs and any(map(_names_suite, args)) and not _importable(PACKAGE):
        args = [suite_path(arg) or arg for arg in args]
    if (
        config.getoption("list_requirements")
        and getattr(config, "args_source", None) == pytest.Config.ArgsSource.INVOCATION_DIR
    ):
        args = [str(_suite_dir())]
    config.args = args
