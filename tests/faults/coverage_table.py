"""Generates docs/coverage.md: requirement -> checks -> fault variants that prove them.

    python -m tests.faults.coverage_table > docs/coverage.md

``tests/faults/test_coverage_doc.py`` fails when the committed table is out of date.
"""

from __future__ import annotations

import sys
import tempfile

from pytest_jetonomy.contract import load_contract
from pytest_jetonomy.reference.faults import catalogue

from ..collect import checks_by_requirement, collect_conformance

HEADER = """# Coverage: requirements, checks, and the faults that prove them

Generated from `schemas/requirements.json`, the conformance suite and the fault variants of
the reference server (`python -m tests.faults.coverage_table > docs/coverage.md`; a self-test
fails when this file is out of date). Every requirement has at least one check, and at
least one fault variant that the self-tests show its checks catching
(`tests/faults/test_faults_caught.py`).

"""


def render(checks: dict[str, list[str]]) -> str:
    contract = load_contract()
    faults_by_requirement: dict[str, list[str]] = {}
    for fault in catalogue().values():
        for rid in fault.breaks:
            faults_by_requirement.setdefault(rid, []).append(fault.name)
    lines = [HEADER.rstrip("\n"), ""]
    totals = (
        f"{len(contract.active_requirements)} requirements "
        f"({len(contract.requirements) - len(contract.active_requirements)} retired IDs), "
        f"{sum(1 for f in catalogue().values() if not f.robustness)} fault variants "
        f"(+{sum(1 for f in catalogue().values() if f.robustness)} robustness faults)."
    )
    lines += [totals, ""]
    lines.append("| requirement | level | basis | title | checks | faults |")
    lines.append("|---|---|---|---|---|---|")
    for rid, requirement in contract.active_requirements.items():
        tests = "<br>".join(
            f"`{name.split('/')[-1].replace('.py::', '::')}`" for name in checks.get(rid, [])
        )
        faults = "<br>".join(f"`{name}`" for name in faults_by_requirement.get(rid, []))
        title = requirement.title.replace("|", "\\|")
        lines.append(
            f"| {rid} | {requirement.level} | {requirement.basis} | {title} | "
            f"{tests or '**none**'} | {faults or '**none**'} |"
        )
    retired = [r for r in contract.requirements.values() if not r.active]
    if retired:
        lines += ["", "Retired IDs (kept: IDs are permanent; no check carries them):", ""]
        lines += [f"- {r.id} {r.level}: {r.title} ({r.retired_because})" for r in retired]
    robustness = [f for f in catalogue().values() if f.robustness]
    if robustness:
        lines += [
            "",
            "Robustness faults (the suite must finish with clear failures, no INTERNALERROR):",
            "",
        ]
        lines += [f"- `{f.name}`: {f.description}" for f in robustness]
    return "\n".join(lines) + "\n"


def generate() -> str:
    with tempfile.TemporaryDirectory() as basetemp:
        return render(checks_by_requirement(collect_conformance(basetemp)))


if __name__ == "__main__":
    text = generate()
    sys.stdout.write(text)
