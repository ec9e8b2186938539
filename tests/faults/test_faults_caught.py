"""Every check can fail: each fault variant of the reference server is caught by the suite.

For each fault, the conformance checks of the requirements it breaks run against an
embedded reference server with that fault switched on: each of those requirements must
fail. A few unrelated canary requirements run too and must not fail, showing the fault
breaks only what it should. The conformant server passing the whole suite is the README's
first command (and ``tests/suite/test_conformant_server.py``).
"""

from __future__ import annotations

import pytest

from pytest_jetonomy.contract import load_contract
from pytest_jetonomy.reference.faults import Fault, catalogue

from .harness import run_suite_with_fault

CANARIES = ("JT-AUTH-003", "JT-ERR-001", "JT-SCHEMA-011", "JT-BEHAV-011")
"""Cheap requirements that most faults do not touch: they must still pass."""

FAULTS = [f for f in catalogue().values() if not f.robustness]


@pytest.mark.parametrize("fault", [pytest.param(f, id=f.name) for f in FAULTS])
def test_fault_is_caught(
    pytester: pytest.Pytester, fault: Fault, files_by_requirement: dict[str, set[str]]
) -> None:
    canaries = [c for c in CANARIES if c not in fault.breaks and c not in fault.also]
    document = run_suite_with_fault(
        pytester, fault, list(fault.breaks) + canaries, files_by_requirement
    )
    status = {r["id"]: r for r in document["requirements"]}
    missed = [rid for rid in fault.breaks if status[rid]["status"] != "failed"]
    assert not missed, (
        f"fault {fault.name!r} ({fault.description}) was not caught by the checks of {missed}: "
        + "; ".join(
            f"{rid}: {status[rid]['status']} {status[rid]['skip_reasons']}" for rid in missed
        )
    )
    collateral = [c for c in canaries if status[c]["status"] == "failed"]
    assert not collateral, (
        f"fault {fault.name!r} also broke unrelated requirements {collateral}: "
        + "; ".join(
            (t.get("message") or "")[-600:]
            for c in collateral
            for t in status[c]["tests"]
            if t["outcome"] in ("failed", "error")
        )
    )


def test_every_requirement_is_broken_by_some_fault() -> None:
    proven = {rid for fault in catalogue().values() for rid in fault.breaks}
    missing = sorted(set(load_contract().active_requirements) - proven)
    assert not missing, (
        f"requirements no fault variant breaks (their checks are unproven): {missing}"
    )


def test_faults_name_only_known_requirements() -> None:
    known = set(load_contract().active_requirements)
    bad = {f.name: [r for r in f.breaks if r not in known] for f in catalogue().values()}
    assert not {k: v for k, v in bad.items() if v}
