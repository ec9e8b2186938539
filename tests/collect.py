"""Collect the conformance suite in-process (no test runs) for the self-tests."""

from __future__ import annotations

import contextlib
import io

import pytest

from pytest_jetonomy.contract import conformance_dir
from pytest_jetonomy.requirements import marker_ids


def collect_conformance(basetemp: str, *, validate: bool = True) -> list[pytest.Item]:
    """The conformance suite's items. ``validate=False`` collects without the plugin, so a
    marker naming an unknown or retired requirement does not stop the collection (for
    finding the files that hold a requirement's checks)."""
    items: list[pytest.Item] = []

    class Grab:
        def pytest_collection_finish(self, session: pytest.Session) -> None:
            items.extend(session.items)

    args = ["--collect-only", "-q", "-p", "no:cacheprovider", f"--basetemp={basetemp}"]
    if not validate:
        args += ["-p", "no:jetonomy", "--continue-on-collection-errors"]
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        code = pytest.main([*args, str(conformance_dir())], plugins=[Grab()])
    assert code == 0 or not validate, (
        f"collecting the suite failed ({code}):\n{output.getvalue()[-3000:]}"
    )
    return items


def checks_by_requirement(items: list[pytest.Item]) -> dict[str, list[str]]:
    """Requirement ID -> names of the check functions carrying it (parameters folded)."""
    found: dict[str, list[str]] = {}
    for item in items:
        name = item.nodeid.split("[")[0]
        for rid in marker_ids(item):
            names = found.setdefault(rid, [])
            if name not in names:
                names.append(name)
    return found
