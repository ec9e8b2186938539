"""Every requirement of the catalogue is verified by at least one conformance check."""

from __future__ import annotations

import pytest

from pytest_jetonomy.contract import load_contract
from pytest_jetonomy.requirements import marker_ids

from ..collect import collect_conformance


@pytest.fixture(scope="module")
def collected(tmp_path_factory: pytest.TempPathFactory) -> list[pytest.Item]:
    """The conformance suite, collected in-process (no test runs)."""
    return collect_conformance(str(tmp_path_factory.mktemp("collect")))


def test_every_requirement_has_a_check(collected: list[pytest.Item]) -> None:
    covered = {rid for item in collected for rid in marker_ids(item)}
    missing = sorted(set(load_contract().active_requirements) - covered)
    assert not missing, f"requirements with no conformance check: {missing}"


def test_every_check_names_a_requirement(collected: list[pytest.Item]) -> None:
    unmarked = sorted({item.nodeid.split("[")[0] for item in collected if not marker_ids(item)})
    assert not unmarked, f"conformance checks without a requirement marker: {unmarked}"


def test_every_endpoint_is_exercised(collected: list[pytest.Item]) -> None:
    labels = {e.label for e in load_contract().endpoints}
    exercised = {label for item in collected for label in labels if f"[{label}" in item.nodeid}
    assert exercised == labels, (
        f"endpoints no check is parametrised with: {sorted(labels - exercised)}"
    )
