"""The release diff: what is new, fixed and unchanged between two certification reports.

This is the gate a server team puts between its last release and the candidate:
``jetonomy-report diff OLD.json NEW.json`` (or ``pytest --compare-report OLD.json``) compares
the failures of two JSON reports by signature (a new way of failing is new, even for a
requirement that failed before) and by requirement, with the verdict of each side. A new
failure makes the command exit 1.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

FORMAT = "pytest-jetonomy-diff/1"
FAILING = ("failed", "error", "baselined")


def failures_of(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Signature -> one breach of that signature (with its exchange), from a report."""
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


def compare(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """The diff of two reports (``pytest-jetonomy-diff/1``)."""
    before, after = failures_of(old), failures_of(new)
    old_status, new_status = statuses_of(old), statuses_of(new)
    failing_before = {rid for rid, s in old_status.items() if s in ("failed", "baselined")}
    failing_after = {rid for rid, s in new_status.items() if s in ("failed", "baselined")}
    return {
        "format": FORMAT,
        "old": _side(old),
        "new": _side(new),
        "signatures": {
            "new": [after[s] for s in sorted(set(after) - set(before))],
            "fixed": [before[s] for s in sorted(set(before) - set(after))],
            "unchanged": sorted(set(before) & set(after)),
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
                    for s in set(after) - set(before)
                    if after[s].get("requirement") in failing_before & failing_after
                }
            ),
            "no_longer_verified": sorted(
                rid
                for rid, status in new_status.items()
                if old_status.get(rid) == "passed" and status in ("blocked", "skipped", "not-run")
            ),
        },
    }


def _side(document: dict[str, Any]) -> dict[str, Any]:
    verdict = document.get("verdict", {})
    return {
        "target": document.get("target", {}).get("url"),
        "finished_at": document.get("finished_at"),
        "suite": document.get("suite", {}).get("version"),
        "verdict": verdict.get("label"),
        "line": verdict.get("line"),
    }


def has_new_failures(diff: dict[str, Any]) -> bool:
    return bool(diff["signatures"]["new"])


def lines(diff: dict[str, Any]) -> list[str]:
    """The diff in words, for a terminal."""
    old, new = diff["old"], diff["new"]
    sig, req = diff["signatures"], diff["requirements"]
    out = [
        f"before: {old['verdict']} ({old['target']}, {old['finished_at']})",
        f"after:  {new['verdict']} ({new['target']}, {new['finished_at']})",
        f"failures by signature: {len(sig['new'])} new, {len(sig['fixed'])} fixed, "
        f"{len(sig['unchanged'])} unchanged",
    ]
    for breach in sig["new"]:
        known = " (a requirement that failed before, failing in a new way)" if breach.get(
            "requirement"
        ) in req["failing_in_new_ways"] else ""
        out.append(
            f"  NEW   {breach.get('requirement') or '(no requirement)'}: {breach.get('kind')} "
            f"on {breach.get('subject')}{known}"
        )
    for breach in sig["fixed"]:
        out.append(
            f"  fixed {breach.get('requirement') or '(no requirement)'}: {breach.get('kind')} "
            f"on {breach.get('subject')}"
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
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="jetonomy-report", description="Work with pytest-jetonomy certification reports."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    diff_parser = commands.add_parser(
        "diff",
        help="what is new, fixed and unchanged between two JSON reports (exit 1 on a new failure)",
    )
    diff_parser.add_argument("old", help="the report of the last release (JSON)")
    diff_parser.add_argument("new", help="the report of the candidate (JSON)")
    diff_parser.add_argument("--json", metavar="FILE", help="also write the diff as JSON")
    diff_parser.add_argument(
        "--html", metavar="FILE", help="also write the new report as HTML, with the diff"
    )
    args = parser.parse_args(argv)
    documents = []
    for path in (args.old, args.new):
        try:
            documents.append(json.loads(Path(path).read_text(encoding="utf-8")))
        except (OSError, ValueError) as exc:
            print(f"jetonomy-report: error: {path}: {exc}", file=sys.stderr)
            return 2
    result = compare(*documents)
    for line in lines(result):
        print(line)
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    if args.html:
        from .html_report import write_html

        write_html(args.html, {**documents[1], "diff": result}, [])
    return 1 if has_new_failures(result) else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
