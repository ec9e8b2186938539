"""Release gating at the end of a run: the baseline's verdict on this run's failures (new
failures, entries no longer needed) and the release diff against an earlier report
(``--compare-report``). The plugin calls :func:`check_baseline` and :func:`compare_with`;
the summary lines and the JSON sections (``baseline``, ``diff``) come from here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .baseline import Baseline, requirement_of
from .diff import compare, has_new_failures
from .diff import lines as diff_lines
from .results import RequirementResult, ResultBook

NEW_FAILURES_SHOWN = 20
"""New failures listed in the terminal summary (every one is in the JSON report)."""
DIFF_SHOWN = 20
"""New and fixed signatures of the release diff listed in the terminal summary."""
REACHED = ("passed", "failed", "baselined", "error")
"""Outcomes of a check that reached its requirement."""


@dataclass
class BaselineCheck:
    """What the baseline says of this run."""

    baseline: Baseline
    new_failures: list[dict[str, Any]] = field(default_factory=list)
    """One entry per signature the baseline does not accept: ``signature``, ``requirement``,
    ``level``, ``subject``, ``kind``, ``cause``, ``listed`` (the baseline knows other failures
    of that requirement: it fails in a new way), ``checks``."""
    stale: list[str] = field(default_factory=list)
    """Entries no longer needed: signatures not seen while their requirement ran, and
    requirements of the older form that now pass."""

    @property
    def signatures(self) -> list[str]:
        return [entry["signature"] for entry in self.new_failures]

    def lines(self) -> list[str]:
        out = [f"baseline warning: {warning}" for warning in self.baseline.warnings]
        for entry in self.new_failures[:NEW_FAILURES_SHOWN]:
            out.append(new_failure_line(entry))
        if len(self.new_failures) > NEW_FAILURES_SHOWN:
            out.append(
                f"     (+{len(self.new_failures) - NEW_FAILURES_SHOWN} more new failures in the "
                "JSON report)"
            )
        for entry in self.stale:
            out.append(stale_line(entry))
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.baseline.path,
            "form": self.baseline.form,
            "warnings": list(self.baseline.warnings),
            "new_failures": self.new_failures,
            "stale": self.stale,
        }


def new_failure_line(entry: dict[str, Any]) -> str:
    """``new failure of JT-AUTH-026: status 200 where 401 on GET /bookmarks as anonymous``."""
    rid = entry["requirement"]
    line = (
        f"new failure of {rid}: " if rid else "new failure (no requirement): "
    ) + f"{entry['kind']} on {entry['subject']}"
    if entry.get("listed"):
        line += " (the baseline lists other failures of it: a new way of failing)"
    return line


def stale_line(entry: str) -> str:
    if " | " in entry:
        return (
            f"baseline entry no longer needed: {entry} (not seen while {requirement_of(entry)} ran)"
        )
    return f"baseline entry no longer needed: {entry} now passes"


def check_baseline(
    book: ResultBook, results: list[RequirementResult], baseline: Baseline
) -> BaselineCheck:
    """The new failures (breaches the baseline does not accept, in failed checks) and the
    stale entries of ``baseline`` after this run."""
    levels = {r.id: r.level for r in results}
    new: dict[str, dict[str, Any]] = {}
    seen: set[str] = set()
    for test in book.tests.values():
        for data in test.breaches:
            signature = data.get("signature")
            if not signature:
                continue
            seen.add(signature)
            if test.outcome not in ("failed", "error") or data.get("baseline"):
                continue
            rid = data.get("requirement")
            entry = new.setdefault(
                signature,
                {
                    "signature": signature,
                    "requirement": rid,
                    "level": levels.get(rid or "", None),
                    "subject": data.get("subject"),
                    "kind": data.get("kind"),
                    "cause": data.get("cause"),
                    "listed": bool(rid and baseline.listed(rid)),
                    "checks": [],
                },
            )
            entry["checks"].append(test.nodeid)
    ran = [r.id for r in results if any(t.outcome in REACHED for t in r.tests)]
    passed = [r.id for r in results if r.status == "passed"]
    ordered = sorted(
        new.values(),
        key=lambda e: (
            e["level"] != "MUST",
            not e["listed"],
            e["requirement"] or "",
            e["signature"],
        ),
    )
    return BaselineCheck(baseline, ordered, baseline.stale(seen, ran, passed))


# -- the release diff of a run (--compare-report) ----------------------------------------------
class CompareError(Exception):
    """An earlier report that cannot be compared with; the message says why."""


def load_report(path: str) -> dict[str, Any]:
    """A JSON certification report, or :class:`CompareError`."""
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise CompareError(f"{path}: cannot read the report ({exc.strerror})") from None
    except ValueError as exc:
        raise CompareError(f"{path}: not JSON: {exc}") from None
    if not isinstance(document, dict) or not str(document.get("format", "")).startswith(
        "pytest-jetonomy-report/"
    ):
        raise CompareError(f"{path}: not a pytest-jetonomy JSON report (--conformance-report)")
    return document


def compare_with(old: dict[str, Any], document: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The diff of this run's report against ``old``, and its summary lines."""
    result = compare(old, document)
    shown = diff_lines(result, limit=DIFF_SHOWN)
    head = "release diff against the earlier report" + (
        ": NEW FAILURES" if has_new_failures(result) else ": no new failure"
    )
    return result, [head] + [f"  {line}" for line in shown]
