"""Fixtures of the fault self-tests."""

from __future__ import annotations

import pytest

from pytest_jetonomy.requirements import marker_ids

from ..collect import collect_conformance


@pytest.fixture(scope="session")
def files_by_requirement(tmp_path_factory: pytest.TempPathFactory) -> dict[str, set[str]]:
    """Requirement ID -> the conformance files holding its checks (collected once per worker),
    so that each fault's run collects only the files it needs."""
    found: dict[str, set[str]] = {}
    for item in collect_conformance(str(tmp_path_factory.mktemp("collect")), validate=False):
        for rid in marker_ids(item):
            found.setdefault(rid, set()).add(str(item.path))
    return found
