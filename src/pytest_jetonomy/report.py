"""The certification report: terminal summary and ``--conformance-report FILE.json``.

The JSON document (format ``pytest-jetonomy-report/1``) is stable and documented in
``docs/report-format.md``. It holds no secret: evidence is masked when recorded.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from . import __version__
from .adaptations import lines as adaptation_lines
from .client import STATS
from .contract import Contract
from .masking import mask_text
from .results import AREAS, RequirementResult, Verdict, area_counts, divergences

FORMAT = "pytest-jetonomy-report/1"


@dataclass
class RunInfo:
    target: str
    target_source: str
    embedded: bool
    started_at: datetime
    finished_at: datetime
    run_prefix: str
    workers: int
    selection: str
    read_only: bool = False
    roles_verified: list[str] | None = None
    """Roles whose credentials the pre-flight (``GET /users/me``) verified."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "url": self.target,
            "source": self.target_source,
            "embedded_reference_server": self.embedded,
            "run_prefix": self.run_prefix,
            "workers": self.workers,
            "selection": self.selection,
            "read_only": self.read_only,
            "roles_verified": self.roles_verified or [],
        }


def now() -> datetime:
    return datetime.now(timezone.utc)


def build_document(
    info: RunInfo,
    contract: Contract,
    results: list[RequirementResult],
    verdict: Verdict,
    spellings: list[dict[str, Any]] | None = None,
    adaptations: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    counts = area_counts(results)
    return {
        "format": FORMAT,
        "suite": {"name": "pytest-jetonomy", "version": __version__},
        "contract": {
            "title": contract.meta.get("title", "Jetonomy REST API"),
            "version": contract.version,
        },
        "target": info.to_dict(),
        "started_at": info.started_at.isoformat(timespec="seconds"),
        "finished_at": info.finished_at.isoformat(timespec="seconds"),
        "duration_seconds": round((info.finished_at - info.started_at).total_seconds(), 1),
        "verdict": verdict.to_dict(),
        "summary": {
            "requirements": len(results),
            "by_area": {area: dict(counts.get(area, {})) for area in counts},
            "by_level": {
                level: _status_counts([r for r in results if r.level == level])
                for level in ("MUST", "SHOULD")
            },
            "requests": dict(sorted(STATS.counts.items())),
        },
        "requirements": [r.to_dict() for r in results],
        "divergences": divergences(results),
        "known_divergences": divergences(results, known=True),
        "blocked": [{"by": by, "requirements": ids} for by, ids in verdict.blocked.items()],
        "spellings": spellings or [],
        "adaptations": adaptations or [],
    }


def _status_counts(results: list[RequirementResult]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for result in results:
        counts[result.status] = counts.get(result.status, 0) + 1
    return counts


def write_json(path: str, document: dict[str, Any]) -> None:
    text = json.dumps(document, indent=2, ensure_ascii=False, default=str)
    Path(path).write_text(mask_text(text) + "\n", encoding="utf-8")


def summary_lines(
    info: RunInfo,
    contract: Contract,
    results: list[RequirementResult],
    verdict: Verdict,
    adaptations: list[dict[str, Any]] | None = None,
) -> list[str]:
    counts = area_counts(results)
    lines = [
        f"target: {info.target} ({'embedded reference server' if info.embedded else 'from ' + info.target_source})"
        + (" READ-ONLY" if info.read_only else ""),
        f"suite: pytest-jetonomy {__version__}; contract: Jetonomy REST API {contract.version}",
        f"{'area':<13}{'passed':>8}{'failed':>8}{'blocked':>9}{'skipped':>9}{'known':>7}"
        f"{'not run':>9}",
    ]
    for area in AREAS:
        c = counts.get(area)
        if not c:
            continue
        lines.append(
            f"{area:<13}{c['passed']:>8}{c['failed']:>8}{c['blocked']:>9}{c['skipped']:>9}"
            f"{c['baselined']:>7}{c['not-run']:>9}"
        )
    requests = STATS.counts.get("requests", 0)
    if requests:
        lines.append(
            f"requests sent: {requests}"
            + (
                f", {STATS.counts['unintended_429']} unintended 429"
                if STATS.counts.get("unintended_429")
                else ""
            )
        )
    if STATS.counts.get("refused_write"):
        lines.append(
            f"read-only: {STATS.counts['refused_write']} write(s) refused before sending; "
            "the checks that needed them were skipped"
        )
    if STATS.counts.get("guarded_write"):
        lines.append(
            f"found content: {STATS.counts['guarded_write']} write(s) into content the run "
            "found on the target instead of creating it refused before sending; the checks "
            "that needed them were blocked"
        )
    lines += adaptation_lines(adaptations or [])
    lines += divergence_lines(results)
    for by, ids in verdict.blocked.items():
        lines.append(f"blocked by {by}: {len(ids)} requirement(s) not verified ({_few(ids)})")
    # the baseline's lines (new failures, entries no longer needed) come from gate.py
    for warning in verdict.warnings:
        lines.append(
            f"warning ({warning['basis']}) {warning['id']} {warning['level']}: {warning['title']}"
        )
    lines.append(verdict.line)
    return lines


DIVERGENCES_SHOWN = 15
"""Causes listed in the terminal summary (every one is in the JSON and HTML reports)."""


def divergence_lines(results: list[RequirementResult]) -> list[str]:
    """The divergence list for the terminal: one line per cause, most MUST first, with the
    requirements it explains and the number of checks that saw it."""
    found = divergences(results)
    if not found:
        return []
    lines = [f"divergences by cause ({len(found)}), most MUST requirements first:"]
    for n, entry in enumerate(found[:DIVERGENCES_SHOWN], start=1):
        levels = f"{entry['must']} MUST" if entry["must"] else "SHOULD only"
        lines.append(
            f"{n:>3}. {entry['cause']} [{levels}; {len(entry['requirements'])} requirement(s): "
            f"{_few(entry['requirements'], 4)}; {entry['checks']} check(s)]"
        )
    if len(found) > DIVERGENCES_SHOWN:
        lines.append(
            f"     (+{len(found) - DIVERGENCES_SHOWN} more causes in the JSON and HTML reports)"
        )
    return lines


def _few(ids: list[str], limit: int = 5) -> str:
    return ", ".join(ids[:limit]) + (f" +{len(ids) - limit}" if len(ids) > limit else "")
