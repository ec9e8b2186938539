"""The release diff: what is new, fixed and unchanged between two certification reports.

This is the gate a server team puts between its last release and the candidate:
``jetonomy-report diff OLD.json NEW.json`` (or ``pytest --compare-report OLD.json``) compares
the failures of two JSON reports by signature (a new way of failing is new, even for a
requirement that failed before) and by requirement, with the verdict of each side. A new
failure makes the command exit 1.

A failure of the old report that the new one does not show is *fixed* only if the new run
reached its requirement (a check of it passed or failed); otherwise it is *not verified*
(deselected, blocked or skipped in the new run), never taken for a fix. A signature of a
requirement the suite has since split (a retired ID) is matched with the same subject and
kind under the requirements that replace it.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .baseline import requirement_of
from .masking import mask_text

FORMAT = "pytest-jetonomy-diff/1"
FAILING = ("failed", "error", "baselined")
"""Outcomes of a check that count as a failure in a report (a known failure is one too)."""
REACHED = ("passed", "failed", "baselined")
"""Statuses of a requirement some check reached."""


def failures_of(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Signature -> one breach of that signature (with its exchange and the check that saw
    it), from a report."""
    out: dict[str, dict[str, Any]] = {}
    for requirement in document.get("requirements", []):
        for test in requirement.get("tests", []):
            if test.get("outcome") not in FAILING:
                continue
            for breach in test.get("evidence") or []:
                signature = breach.get("signature")
                if signature and (breach.get("requirement") in (None, requirement["id"])):
                    out.setdefault(signature, {**breach, "check": test["nodeid"]})
    return out


def statuses_of(document: dict[str, Any]) -> dict[str, str]:
    return {r["id"]: r["status"] for r in document.get("requirements", [])}


def _renamed(before: set[str], after: set[str]) -> dict[str, list[str]]:
    """Old signatures of retired requirement IDs -> the same subject and kind under the IDs
    that replace them, where the new report has them."""
    from .contract import load_contract

    requirements = load_contract().requirements
    out: dict[str, list[str]] = {}
    for signature in sorted(before - after):
        retired = requirements.get(requirement_of(signature))
        if retired is None or not retired.superseded_by:
            continue
        rest = signature.split(" | ", 1)[1]
        found = [f"{rid} | {rest}" for rid in retired.superseded_by if f"{rid} | {rest}" in after]
        if found:
            out[signature] = found
    return out


def compare(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """The diff of two reports (``pytest-jetonomy-diff/1``)."""
    before, after = failures_of(old), failures_of(new)
    old_status, new_status = statuses_of(old), statuses_of(new)
    renamed = _renamed(set(before), set(after))
    matched_after = {s for targets in renamed.values() for s in targets}
    gone = sorted(set(before) - set(after) - set(renamed))
    fixed = [s for s in gone if _reached(requirement_of(s), new_status)]
    # a requirement split since the old report failed there under its retired ID: the
    # requirements replacing it that show the same failures (renamed) failed before too
    was = {requirement_of(t): requirement_of(s) for s, targets in renamed.items() for t in targets}
    for rid, retired in was.items():
        old_status.setdefault(rid, old_status.get(retired, "failed"))
    failing_before = {rid for rid, s in old_status.items() if s in ("failed", "baselined")}
    failing_after = {rid for rid, s in new_status.items() if s in ("failed", "baselined")}
    new_signatures = sorted(set(after) - set(before) - matched_after)
    return {
        "format": FORMAT,
        "old": _side(old),
        "new": _side(new),
        "signatures": {
            "new": [after[s] for s in new_signatures],
            "fixed": [before[s] for s in fixed],
            "not_verified": [before[s] for s in gone if s not in fixed],
            "unchanged": sorted((set(before) & set(after)) | set(renamed)),
            "renamed": renamed,
        },
        "requirements": {
            "new_failures": sorted(failing_after - failing_before),
            "fixed": sorted(
                rid for rid in failing_before - failing_after if new_status.get(rid) == "passed"
            ),
            "still_failing": sorted(failing_before & failing_after),
            "failing_in_new_ways": sorted(
                {
                    after[s]["requirement"]
                    for s in new_signatures
                    if after[s].get("requirement") in failing_before & failing_after
                }
            ),
            "no_longer_verified": sorted(
                rid
                for rid, status in new_status.items()
                if old_status.get(rid) in REACHED and status in ("blocked", "skipped", "not-run")
            ),
            "statuses": _statuses(old, new, old_status, new_status, was),
        },
    }


def _statuses(
    old: dict[str, Any],
    new: dict[str, Any],
    old_status: dict[str, str],
    new_status: dict[str, str],
    was: dict[str, str],
) -> dict[str, dict[str, Any]]:
    """Requirement -> its level and its status on each side (``None``: not in that report),
    for every requirement failing on a side or whose status changed; ``old_id``: the retired
    ID it failed under in the old report."""
    levels = {
        r["id"]: r.get("level") for document in (old, new) for r in document.get("requirements", [])
    }
    failing = ("failed", "baselined")
    out: dict[str, dict[str, Any]] = {}
    for rid in sorted(set(old_status) | set(new_status)):
        before, after = old_status.get(rid), new_status.get(rid)
        if rid in was.values() and after is None:
            continue  # a retired ID: its failures are its successors' now
        if before == after and before not in failing:
            continue
        out[rid] = {"level": levels.get(rid), "old": before, "new": after}
        if rid in was:
            out[rid]["old_id"] = was[rid]
    return out


def _reached(requirement: str, statuses: dict[str, str]) -> bool:
    """Whether the new run reached ``requirement`` (a failure naming none: always; a retired
    ID: one of the requirements that replace it)."""
    if requirement in statuses:
        return statuses[requirement] in REACHED
    from .contract import load_contract

    retired = load_contract().requirements.get(requirement)
    if retired is None or not retired.superseded_by:
        return True
    return any(statuses.get(rid) in REACHED for rid in retired.superseded_by)


def _side(document: dict[str, Any]) -> dict[str, Any]:
    verdict = document.get("verdict", {})
    target = document.get("target", {}).get("url")
    return {
        # a report of an older version may hold the URL's password
        "target": mask_text(target) if isinstance(target, str) else target,
        "finished_at": document.get("finished_at"),
        "suite": document.get("suite", {}).get("version"),
        "contract": document.get("contract", {}).get("version"),
        "verdict": verdict.get("label"),
        "line": verdict.get("line"),
    }


def has_new_failures(diff: dict[str, Any]) -> bool:
    return bool(diff["signatures"]["new"])


def _breach_line(label: str, breach: dict[str, Any], note: str = "") -> str:
    return (
        f"{label} {breach.get('requirement') or '(no requirement)'}: {breach.get('kind')} "
        f"on {breach.get('subject')}{note}"
    )


def _capped(items: list[str], limit: int | None, what: str) -> list[str]:
    if limit is None or len(items) <= limit:
        return items
    return items[:limit] + [f"      (+{len(items) - limit} more {what} in the JSON diff)"]


def lines(diff: dict[str, Any], *, limit: int | None = None) -> list[str]:
    """The diff in words, for a terminal (at most ``limit`` new and fixed signatures each)."""
    old, new = diff["old"], diff["new"]
    sig, req = diff["signatures"], diff["requirements"]
    out = [
        f"before: {old['verdict']} ({old['target']}, {old['finished_at']})",
        f"after:  {new['verdict']} ({new['target']}, {new['finished_at']})",
        f"failures by signature: {len(sig['new'])} new, {len(sig['fixed'])} fixed, "
        f"{len(sig['unchanged'])} unchanged"
        + (
            f", {len(sig['not_verified'])} not verified in the new run"
            if sig.get("not_verified")
            else ""
        ),
    ]
    in_new_ways = set(req["failing_in_new_ways"])
    out += _capped(
        [
            _breach_line(
                "  NEW  ",
                breach,
                " (a requirement that failed before, failing in a new way)"
                if breach.get("requirement") in in_new_ways
                else "",
            )
            for breach in sig["new"]
        ],
        limit,
        "new failures",
    )
    out += _capped(
        [_breach_line("  fixed", breach) for breach in sig["fixed"]], limit, "fixed failures"
    )
    out.append(
        f"requirements: {len(req['new_failures'])} newly failing"
        + (f" ({', '.join(req['new_failures'])})" if req["new_failures"] else "")
        + f", {len(req['fixed'])} fixed"
        + (f" ({', '.join(req['fixed'])})" if req["fixed"] else "")
        + f", {len(req['still_failing'])} still failing"
        + (
            f", {len(req['no_longer_verified'])} no longer verified "
            f"({', '.join(req['no_longer_verified'])})"
            if req["no_longer_verified"]
            else ""
        )
    )
    out += _capped(
        [
            f"  {rid}"
            + (f" ({entry['level']})" if entry.get("level") else "")
            + f": {_as_status(entry['old'])}"
            + (f" as {entry['old_id']}" if entry.get("old_id") else "")
            + f" -> {_as_status(entry['new'])}"
            for rid, entry in (req.get("statuses") or {}).items()
            if entry["old"] != entry["new"]
        ],
        limit,
        "requirements whose status changed",
    )
    return out


def _as_status(status: str | None) -> str:
    return status or "not in the report"


def _write(flag: str, path: str, diff: dict[str, Any], new: dict[str, Any]) -> None:
    """Write the diff as JSON (``--json``) or the new report as HTML, with the diff."""
    if flag == "--json":
        text = json.dumps(diff, indent=2, ensure_ascii=False) + "\n"
        Path(path).write_text(text, encoding="utf-8")
        return
    from .contract import load_contract
    from .html_report import write_html

    write_html(path, {**new, "diff": diff}, [e.label for e in load_contract().endpoints])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="jetonomy-report", description="Work with pytest-jetonomy certification reports."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    diff_parser = commands.add_parser(
        "diff",
        help="what is new, fixed and unchanged between two JSON reports (exit 1 on a new failure)",
        description="Compare two JSON certification reports (--conformance-report) by failure "
        "signature and by requirement. Exit 1 when the new report has a failure the old one "
        "does not, 0 otherwise, 2 when a report cannot be read or an output cannot be "
        "written.",
    )
    diff_parser.add_argument("old", help="the report of the last release (JSON)")
    diff_parser.add_argument("new", help="the report of the candidate (JSON)")
    diff_parser.add_argument(
        "--json", metavar="FILE", help=f"also write the diff as JSON ({FORMAT})"
    )
    diff_parser.add_argument(
        "--html", metavar="FILE", help="also write the new report as HTML, with the diff"
    )
    args = parser.parse_args(argv)
    import pytest

    from .gate import CompareError, load_report
    from .outputs import check_output_path, write_output

    def error(message: str) -> int:
        print(f"jetonomy-report: error: {message}", file=sys.stderr)
        return 2

    outputs = [
        (flag, path) for flag, path in (("--json", args.json), ("--html", args.html)) if path
    ]
    for flag, path in outputs:
        try:
            check_output_path(flag, path)  # before the work, like a run's outputs
        except pytest.UsageError as exc:
            return error(str(exc).removeprefix("jetonomy: "))
    documents = []
    for path in (args.old, args.new):
        try:
            documents.append(load_report(path))
        except CompareError as exc:
            return error(str(exc))
    result = compare(*documents)
    for line in lines(result):
        print(line)
    status = 1 if has_new_failures(result) else 0
    for flag, path in outputs:
        # one by one: an output that cannot be written is one line, the other is still written
        _, problem = write_output(
            flag, path, lambda flag=flag, path=path: _write(flag, path, result, documents[1])
        )
        if problem:
            status = error(problem.removeprefix("jetonomy: "))
    return status


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
