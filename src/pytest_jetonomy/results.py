"""Per-requirement results and the verdict, gathered from test reports.

Reports arrive on the xdist controller (or the single process) through
``pytest_runtest_logreport``; each carries its requirement IDs in ``user_properties`` and,
for failures, the masked evidence in ``report.jetonomy_evidence``. The same book therefore
produces the same summary, JSON and HTML under ``-n auto`` as in a serial run.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any

from .contract import Contract
from .spellings import SpellingBook

AREAS = (
    "endpoints",
    "auth",
    "visibility",
    "params",
    "schemas",
    "pagination",
    "errors",
    "rate-limits",
    "behaviours",
    "conventions",
)

CONFORMANT = "CONFORMANT"
CONFORMANT_WITH_WARNINGS = "CONFORMANT WITH WARNINGS"
NOT_CONFORMANT = "NOT CONFORMANT"
NOT_CERTIFIED = "NOT CERTIFIED"

# outcome precedence when a test reports several phases (setup, call, teardown)
_RANK = {"passed": 0, "skipped": 1, "baselined": 2, "failed": 3, "error": 4}


@dataclass
class TestResult:
    nodeid: str
    requirements: list[str]
    outcome: str = "passed"
    reason: str = ""
    message: str = ""
    evidence: list[dict[str, Any]] = field(default_factory=list)
    duration: float = 0.0
    failed_requirements: list[str] = field(default_factory=list)
    """The requirement a failed check stopped at, when its failure names one; empty: the
    failure counts against every requirement of the test."""

    def merge(self, outcome: str, reason: str, message: str) -> None:
        if _RANK[outcome] > _RANK[self.outcome]:
            self.outcome, self.reason = outcome, reason
            if message:
                self.message = message

    def for_requirement(self, rid: str) -> TestResult:
        """This test as seen by one of its requirements: a check that failed on another
        requirement did not reach this one (it is neither passed nor failed by it)."""
        stopped = self.failed_requirements
        if self.outcome not in ("failed", "baselined") or not stopped or rid in stopped:
            return self
        return replace(
            self,
            outcome="skipped",
            reason=f"not reached: the check failed earlier on {', '.join(stopped)}",
            message="",
            evidence=[],
        )


@dataclass
class RequirementResult:
    id: str
    level: str
    area: str
    title: str
    section: str
    status: str  # passed | failed | skipped | not-run | baselined
    tests: list[TestResult]
    baseline_reason: str | None = None
    basis: str = "stated"
    gist: str = ""

    @property
    def skip_reasons(self) -> list[str]:
        return sorted({t.reason for t in self.tests if t.outcome == "skipped" and t.reason})

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "level": self.level,
            "area": self.area,
            "title": self.title,
            "section": self.section,
            "basis": self.basis,
            "gist": self.gist,
            "status": self.status,
            "baseline_reason": self.baseline_reason,
            "skip_reasons": self.skip_reasons,
            "tests": [
                {
                    "nodeid": t.nodeid,
                    "outcome": t.outcome,
                    "reason": t.reason or None,
                    "message": t.message or None,
                    "evidence": t.evidence,
                    "duration": round(t.duration, 3),
                }
                for t in self.tests
            ],
        }


@dataclass
class Verdict:
    label: str
    line: str
    must_failed: list[str]
    must_unverified: list[str]
    should_failed: list[str]
    baselined: list[str]
    stale_baseline: list[str]
    warnings: list[dict[str, str]] = field(default_factory=list)
    """Failed SHOULD requirements with their basis (stated, convention or reading): never a
    reason for NOT CONFORMANT, listed for the server team to look at."""

    @property
    def conformant(self) -> bool:
        return self.label in (CONFORMANT, CONFORMANT_WITH_WARNINGS)

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "line": self.line,
            "conformant": self.conformant,
            "must_failed": self.must_failed,
            "must_unverified": self.must_unverified,
            "should_failed": self.should_failed,
            "baselined": self.baselined,
            "stale_baseline": self.stale_baseline,
            "warnings": self.warnings,
        }


class ResultBook:
    """Accumulates test reports and turns them into requirement results and a verdict."""

    def __init__(self) -> None:
        self.tests: dict[str, TestResult] = {}
        self.spellings = SpellingBook()

    def add(self, report: Any) -> None:
        self.spellings.add(getattr(report, "jetonomy_spellings", None))
        requirements = [value for name, value in report.user_properties if name == "requirement"]
        if not requirements:
            return
        result = self.tests.get(report.nodeid)
        if result is None:
            result = self.tests[report.nodeid] = TestResult(report.nodeid, requirements)
        result.duration += getattr(report, "duration", 0.0) or 0.0
        outcome, reason, message = _outcome(report)
        result.merge(outcome, reason, message)
        named = getattr(report, "jetonomy_failed", None)
        if named and outcome in ("failed", "baselined"):
            result.failed_requirements = list(named)
        evidence = getattr(report, "jetonomy_evidence", None)
        if evidence:
            result.evidence.extend(evidence)

    def requirement_results(
        self, contract: Contract, baseline: dict[str, str] | None = None
    ) -> list[RequirementResult]:
        baseline = baseline or {}
        active = contract.active_requirements
        by_requirement: dict[str, list[TestResult]] = {rid: [] for rid in active}
        for test in self.tests.values():
            for rid in test.requirements:
                by_requirement.setdefault(rid, []).append(test.for_requirement(rid))
        results = []
        for rid, requirement in active.items():
            tests = sorted(by_requirement[rid], key=lambda t: t.nodeid)
            results.append(
                RequirementResult(
                    id=rid,
                    level=requirement.level,
                    area=requirement.area,
                    title=requirement.title,
                    section=requirement.section,
                    status=_status(tests),
                    tests=tests,
                    baseline_reason=baseline.get(rid),
                    basis=requirement.basis,
                    gist=requirement.gist,
                )
            )
        return results


def _outcome(report: Any) -> tuple[str, str, str]:
    """(outcome, skip or baseline reason, failure message) of one phase report."""
    if getattr(report, "jetonomy_baselined", None):
        return "baselined", str(report.jetonomy_baselined), _message(report)
    if report.passed:
        return "passed", "", ""
    if report.skipped:
        reason = ""
        longrepr = report.longrepr
        if isinstance(longrepr, tuple) and len(longrepr) == 3:
            reason = str(longrepr[2]).removeprefix("Skipped: ")
        return "skipped", reason, ""
    return ("failed" if report.when == "call" else "error"), "", _message(report)


def _message(report: Any) -> str:
    text = getattr(report, "longreprtext", "") or ""
    return text[-4000:]


def _status(tests: list[TestResult]) -> str:
    if not tests:
        return "not-run"
    outcomes = Counter(t.outcome for t in tests)
    if outcomes["failed"] or outcomes["error"]:
        return "failed"
    if outcomes["baselined"]:
        return "baselined"
    if outcomes["passed"]:
        return "passed"
    return "skipped"


def area_counts(results: list[RequirementResult]) -> dict[str, Counter[str]]:
    counts: dict[str, Counter[str]] = {area: Counter() for area in AREAS}
    for result in results:
        counts.setdefault(result.area, Counter())[result.status] += 1
    return counts


def verdict(
    results: list[RequirementResult],
    stale_baseline: list[str] | None = None,
    *,
    read_only: bool = False,
    interrupted: bool = False,
) -> Verdict:
    """The one verdict line. A ``read_only`` run is never certified: most requirements need
    writes to be verified, and what it did verify is a smoke test, not a certificate."""
    # only a stated promise can make a server not conformant (tests/ keep every MUST stated)
    must_failed = [
        r.id for r in results if r.level == "MUST" and r.basis == "stated" and r.status == "failed"
    ]
    must_unverified = [
        r.id for r in results if r.level == "MUST" and r.status in ("skipped", "not-run")
    ]
    should_failed = [
        r.id for r in results if r.status == "failed" and r.id not in must_failed
    ]
    warnings = [
        {"id": r.id, "level": r.level, "basis": r.basis, "title": r.title}
        for r in results
        if r.id in should_failed
    ]
    baselined = [r.id for r in results if r.status == "baselined"]
    stale = list(stale_baseline or [])
    suffix = f"; {len(baselined)} known failure(s) accepted by the baseline" if baselined else ""
    if must_failed:
        label = NOT_CONFORMANT
        line = (
            f"{label}: {len(must_failed)} MUST requirement(s) failed ({_few(must_failed)}){suffix}"
        )
    elif read_only:
        label = NOT_CERTIFIED
        verified = [r.id for r in results if r.status == "passed"]
        line = (
            f"{label}: a read-only run cannot certify; {len(verified)} requirement(s) verified "
            f"without writing, {len(must_unverified)} MUST requirement(s) not verified"
            + (
                f", {len(should_failed)} SHOULD failed ({_few(should_failed)})"
                if should_failed
                else ""
            )
            + suffix
        )
    elif must_unverified:
        label = NOT_CERTIFIED
        reasons = sorted(
            {reason for r in results if r.id in must_unverified for reason in r.skip_reasons}
        )
        not_run = [rid for rid in must_unverified if _find(results, rid).status == "not-run"]
        why = []
        if reasons:
            why.append("skipped: " + "; ".join(reasons[:3]) + (" ..." if len(reasons) > 3 else ""))
        if not_run:
            why.append(
                f"{len(not_run)} not run: the run was interrupted"
                if interrupted
                else f"{len(not_run)} not run in this selection"
            )
        line = (
            f"{label}: {len(must_unverified)} MUST requirement(s) not verified "
            f"({', '.join(why) or 'no check ran'}){suffix}"
        )
    elif should_failed:
        label = CONFORMANT_WITH_WARNINGS
        bases = Counter(w["basis"] for w in warnings)
        line = (
            f"{label}: every MUST passed; {len(should_failed)} SHOULD requirement(s) failed "
            f"({', '.join(f'{n} {basis}' for basis, n in sorted(bases.items()))}: "
            f"{_few(should_failed)}){suffix}"
        )
    else:
        label = CONFORMANT
        unverified = [r for r in results if r.status in ("skipped", "not-run")]
        if unverified:
            reasons = sorted({reason for r in unverified for reason in r.skip_reasons})
            line = (
                f"{label}: every MUST verified; {len(results) - len(unverified)} of "
                f"{len(results)} requirements verified, {len(unverified)} SHOULD not verifiable "
                f"on this target ({_few([r.id for r in unverified])}"
                + (f": {reasons[0]}" if len(reasons) == 1 else "")
                + f"){suffix}"
            )
        else:
            line = f"{label}: all {len(results)} requirements verified{suffix}"
    return Verdict(
        label, line, must_failed, must_unverified, should_failed, baselined, stale, warnings
    )


def _find(results: list[RequirementResult], rid: str) -> RequirementResult:
    return next(r for r in results if r.id == rid)


def _few(ids: list[str], limit: int = 5) -> str:
    return ", ".join(ids[:limit]) + (f" and {len(ids) - limit} more" if len(ids) > limit else "")
