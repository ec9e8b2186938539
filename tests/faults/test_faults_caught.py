"""Every check can fail: each fault variant of the reference server is caught by the suite.

For each fault, the conformance checks of the requirements it breaks run against an
embedded reference server with that fault switched on: each of those requirements must
fail. A few unrelated canary requirements run too and must not fail, showing the fault
breaks only what it should. The conformant server passing the whole suite is the README's
first command (and ``tests/suite/test_conformant_server.py``).
"""

from __future__ import annotations

import json

import pytest

from pytest_jetonomy.contract import conformance_dir, load_contract
from pytest_jetonomy.reference.faults import Fault, catalogue
from pytest_jetonomy.requirements import marker_ids

from ..collect import collect_conformance

CANARIES = ("JT-AUTH-003", "JT-ERR-001", "JT-SCHEMA-011", "JT-BEHAV-011")
"""Cheap requirements that most faults do not touch: they must still pass."""

FAULTS = [f for f in catalogue().values() if not f.robustness]


@pytest.fixture(scope="session")
def files_by_requirement(tmp_path_factory: pytest.TempPathFactory) -> dict[str, set[str]]:
    """Requirement ID -> the conformance files holding its checks (collected once per worker),
    so that each fault's run collects only the files it needs."""
    found: dict[str, set[str]] = {}
    for item in collect_conformance(str(tmp_path_factory.mktemp("collect"))):
        for rid in marker_ids(item):
            found.setdefault(rid, set()).add(str(item.path))
    return found


def run_suite_with_fault(
    pytester: pytest.Pytester, fault: Fault, requirements: list[str], files: dict[str, set[str]]
) -> dict:
    report = pytester.path / "report.json"
    paths = sorted({path for rid in requirements for path in files.get(rid, ())})
    args = [
        *(paths or [str(conformance_dir())]),
        "-p",
        "no:cacheprovider",
        "-p",
        "no:randomly",
        f"--reference-fault={fault.name}",
        "--reference-window=2",
        f"--conformance-report={report}",
        "-q",
    ] + [f"--requirement={rid}" for rid in requirements]
    result = pytester.runpytest_inprocess(*args)
    output = result.stdout.str()
    assert "INTERNALERROR" not in output, output[-3000:]
    assert report.exists(), output[-3000:]
    return json.loads(report.read_text())


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
    missing = sorted(set(load_contract().requirements) - proven)
    assert not missing, (
        f"requirements no fault variant breaks (their checks are unproven): {missing}"
    )


def test_faults_name_only_known_requirements() -> None:
    known = set(load_contract().requirements)
    bad = {f.name: [r for r in f.breaks if r not in known] for f in catalogue().values()}
    assert not {k: v for k, v in bad.items() if v}
