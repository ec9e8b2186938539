"""Per-requirement results, the divergence list and the verdict, gathered from test reports.

Reports arrive on the xdist controller (or the single process) through
``pytest_runtest_logreport``; each carries its requirement IDs in ``user_properties`` and
the typed outcome of the check: the breaches of a failure (``report.jetonomy_breaches``) or
what blocked it (``report.jetonomy_blocked``). The same book therefore produces the same
summary, JSON and HTML under ``-n auto`` as in a serial run.

A check has one of these outcomes: passed, failed (a breach of a requirement it exercised),
blocked (a precondition failed: it could not reach its subject), skipped (what it needs is
not there: a role, a reading the target does not take), baselined (a known failure), or
error (the suite itself broke). A requirement fails only from checks that exercised it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any

from .contract import Contract
from .failures import Breach
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
_RANK = {"passed": 0, "skipped": 1, "blocked": 2, "baselined": 3, "failed": 4, "error": 5}


@dataclass
class TestResult:
    nodeid: str
    requirements: list[str]
    outcome: str = "passed"
    reason: str = ""
    message: str = ""
    breaches: list[dict[str, Any]] = field(default_factory=list)
    """The typed breaches of a failure (``Breach.to_dict``), in the order found."""
    blocked: dict[str, str] | None = None
    """What blocked the check: ``{"by", "step", "detail"}``."""
    duration: float = 0.0
    judged: list[str] = field(default_factory=list)
    """Requirements a failed check judged in full (``expect.soft``): those it did not breach
    it verified (passed), instead of leaving them blocked by the failure."""

    def merge(self, outcome: str, reason: str, message: str) -> None:
        if _RANK[outcome] > _RANK[self.outcome]:
            self.outcome, self.reason = outcome, reason
            if message:
                self.message = message

    @property
    def failed_requirements(self) -> list[str]:
        """The requirements the check's breaches name (empty: it names none, the failure
        counts against every requirement of the check)."""
        return sorted({b["requirement"] for b in self.breaches if b.get("requirement")})

    def for_requirement(self, rid: str) -> TestResult:
        """This test as seen by one of its requirements: a check that failed on another of its
        requirements did not reach this one, which it leaves blocked by that failure (unless
        it judged this one in full: ``judged``); a check whose breaches of this requirement
        the baseline all accepts is a known failure of it, whatever else it found."""
        stopped = self.failed_requirements
        if self.outcome not in ("failed", "baselined") or not stopped:
            return self
        if rid in stopped:
            mine = [b for b in self.breaches if b.get("requirement") == rid]
            if self.outcome == "failed" and all(b.get("baseline") for b in mine):
                reason = "; ".join(dict.fromkeys(str(b["baseline"]) for b in mine))
                return replace(self, outcome="baselined", reason=reason)
            return self
        if rid in self.judged:  # judged in full next to the breaches: verified, and kept
            return replace(self, outcome="passed", reason="", message="", breaches=[])
        return replace(
            self,
            outcome="blocked",
            reason=f"blocked by {', '.join(stopped)}: the check failed there first",
            message="",
            breaches=[],
            blocked={
                "by": ", ".join(stopped),
                "step": "an earlier part of the check",
                "detail": "",
            },
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "nodeid": self.nodeid,
            "outcome": self.outcome,
            "reason": self.reason or None,
            "message": self.message or None,
            "evidence": [_evidence(b) for b in self.breaches],
            "blocked": self.blocked,
            "duration": round(self.duration, 3),
        }


def _evidence(breach: dict[str, Any]) -> dict[str, Any]:
    """A breach as the report's evidence (``problem`` kept as the name of the detail)."""
    return {**breach, "problem": breach.get("detail")}


@dataclass
class RequirementResult:
    id: str
    level: str
    area: str
    title: str
    section: str
    status: str  # passed | failed | blocked | skipped | not-run | baselined
    tests: list[TestResult]
    baseline_reason: str | None = None
    basis: str = "stated"
    gist: str = ""

    @property
    def skip_reasons(self) -> list[str]:
        return sorted({t.reason for t in self.tests if t.outcome == "skipped" and t.reason})

    @property
    def blocked_by(self) -> list[str]:
        """What blocked its checks (each failed precondition once)."""
        return sorted({t.blocked["by"] for t in self.tests if t.blocked and t.outcome == "blocked"})

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
            "blocked_by": self.blocked_by,
            "tests": [t.to_dict() for t in self.tests],
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
    blocked: dict[str, list[str]] = field(default_factory=dict)
    """Failed precondition -> the requirements it left blocked (not verified)."""
    causes: int = 0
    """How many distinct causes the failed MUST requirements come from (the divergence list)."""
    new_failures: list[str] = field(default_factory=list)
    """With a baseline: the signatures of the failures it does not list (new failures)."""

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
            "blocked": self.blocked,
            "causes": self.causes,
            "new_failures": self.new_failures,
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
        blocked = getattr(report, "jetonomy_blocked", None)
        if blocked and result.outcome == "blocked":
            result.blocked = dict(blocked)
        breaches = getattr(report, "jetonomy_breaches", None)
        if breaches:
            result.breaches.extend(breaches)
        judged = getattr(report, "jetonomy_judged", None)
        if judged:
            result.judged = sorted(set(result.judged) | set(judged))

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
    """(outcome, skip, block or baseline reason, failure message) of one phase report."""
    if getattr(report, "jetonomy_baselined", None):
        return "baselined", str(report.jetonomy_baselined), _message(report)
    if report.passed:
        return "passed", "", ""
    if report.skipped:
        reason = ""
        longrepr = report.longrepr
        if isinstance(longrepr, tuple) and len(longrepr) == 3:
            reason = str(longrepr[2]).removeprefix("Skipped: ")
        blocked = getattr(report, "jetonomy_blocked", None)
        return ("blocked" if blocked else "skipped"), reason, ""
    if getattr(report, "jetonomy_breaches", None):
        return "failed", "", _message(report)
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
    if outcomes["blocked"]:
        return "blocked"
    return "skipped"


def area_counts(results: list[RequirementResult]) -> dict[str, Counter[str]]:
    counts: dict[str, Counter[str]] = {area: Counter() for area in AREAS}
    for result in results:
        counts.setdefault(result.area, Counter())[result.status] += 1
    return counts


# -- the divergence list ----------------------------------------------------------------------
def divergences(results: list[RequirementResult], *, known: bool = False) -> list[dict[str, Any]]:
    """The failures grouped by cause, most MUST requirements first: one line per thing a
    server team would fix, with the requirements and the number of checks it explains, the
    signatures of its breaches (what a baseline lists) and one failing exchange as evidence.
    ``known``: the causes of failures a baseline accepts."""
    wanted = "baselined" if known else "failed"
    levels = {r.id: r.level for r in results}
    causes: dict[str, dict[str, Any]] = {}
    for result in results:
        for test in result.tests:
            if test.outcome != wanted and not (wanted == "failed" and test.outcome == "error"):
                continue
            for data in test.breaches or [_unnamed(test)]:
                rid = data.get("requirement") or result.id
                if rid != result.id or (not known and data.get("baseline")):
                    continue
                found = Breach.from_dict(data)
                entry = causes.setdefault(
                    found.cause,
                    {
                        "cause": found.cause,
                        "requirements": set(),
                        "checks": set(),
                        "signatures": set(),
                        "evidence": data,
                    },
                )
                entry["requirements"].add(rid)
                entry["checks"].add(test.nodeid)
                entry["signatures"].add(found.signature)
    out = []
    for entry in causes.values():
        ids = sorted(entry["requirements"])
        out.append(
            {
                "cause": entry["cause"],
                "requirements": ids,
                "must": sum(1 for rid in ids if levels.get(rid) == "MUST"),
                "checks": len(entry["checks"]),
                "signatures": sorted(entry["signatures"]),
                "evidence": _evidence(entry["evidence"]),
            }
        )
    return sorted(
        out, key=lambda e: (-e["must"], -len(e["requirements"]), -e["checks"], e["cause"])
    )


def _unnamed(test: TestResult) -> dict[str, Any]:
    """A failure that carries no typed breach (the suite itself broke): its own cause."""
    first = (test.message or "error").strip().splitlines()
    return {
        "requirement": None,
        "kind": "the check broke: " + (first[-1][:200] if first else "error"),
        "subject": "(the check)",
        "expected": "the check to run to its end",
        "detail": None,
        "exchange": None,
    }


def blocked_requirements(results: list[RequirementResult]) -> dict[str, list[str]]:
    """Failed precondition -> the requirements left blocked (verified by no check) by it."""
    out: dict[str, set[str]] = {}
    for result in results:
        if result.status == "blocked":
            for by in result.blocked_by:
                out.setdefault(by, set()).add(result.id)
    return {by: sorted(ids) for by, ids in sorted(out.items(), key=lambda kv: -len(kv[1]))}


# -- the verdict -----------------------------------------------------------------------------
def verdict(
    results: list[RequirementResult],
    stale_baseline: list[str] | None = None,
    *,
    read_only: bool = False,
    interrupted: bool = False,
    new_failures: list[str] | None = None,
) -> Verdict:
    """The one verdict line. A ``read_only`` run is never certified: most requirements need
    writes to be verified, and what it did verify is a smoke test, not a certificate."""
    # only a stated promise can make a server not conformant (tests/ keep every MUST stated)
    must_failed = [
        r.id for r in results if r.level == "MUST" and r.basis == "stated" and r.status == "failed"
    ]
    must_unverified = [
        r.id for r in results if r.level == "MUST" and r.status in ("blocked", "skipped", "not-run")
    ]
    should_failed = [r.id for r in results if r.status == "failed" and r.id not in must_failed]
    warnings = [
        {"id": r.id, "level": r.level, "basis": r.basis, "title": r.title}
        for r in results
        if r.id in should_failed
    ]
    baselined = [r.id for r in results if r.status == "baselined"]
    blocked = blocked_requirements(results)
    causes = sum(1 for entry in divergences(results) if entry["must"])
    stale = list(stale_baseline or [])
    suffix = f"; {len(baselined)} known failure(s) accepted by the baseline" if baselined else ""
    new = list(new_failures or [])
    if new:
        suffix += f"; {len(new)} new failure(s) not in the baseline"
    blocked_ids = sorted({rid for ids in blocked.values() for rid in ids})
    if blocked_ids:
        suffix = (
            f"; {len(blocked_ids)} requirement(s) blocked by {len(blocked)} failed "
            f"precondition(s)" + suffix
        )
    if must_failed:
        label = NOT_CONFORMANT
        line = (
            f"{label}: {len(must_failed)} MUST requirement(s) failed "
            f"({causes} cause(s): {_few(must_failed)}){suffix}"
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
        must_blocked = [rid for rid in must_unverified if _find(results, rid).status == "blocked"]
        why = []
        if must_blocked:
            by = sorted({b for rid in must_blocked for b in _find(results, rid).blocked_by})
            why.append(
                f"{len(must_blocked)} blocked by "
                + "; ".join(by[:3])
                + (" ..." if len(by) > 3 else "")
            )
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
        unverified = [r for r in results if r.status in ("skipped", "not-run", "blocked")]
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
        label,
        line,
        must_failed,
        must_unverified,
        should_failed,
        baselined,
        stale,
        warnings,
        blocked,
        causes,
        new,
    )


def _find(results: list[RequirementResult], rid: str) -> RequirementResult:
    return next(r for r in results if r.id == rid)


def _few(ids: list[str], limit: int = 5) -> str:
    return ", ".join(ids[:limit]) + (f" and {len(ids) - limit} more" if len(ids) > limit else "")
