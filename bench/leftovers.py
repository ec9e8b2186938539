"""Does a full run leave anything behind, also when it is stopped with SIGTERM mid-run?

Starts a reference server in its own process (by default like a PHP host: 100 ms per
request, the documented 60-second windows), counts the rows of every content table of its
database, runs the whole suite with ``-n 2``, optionally sends SIGTERM after some seconds
(to the pytest controller as a service manager does, or to its whole process group as CI
runners do on cancel), then counts again and prints what grew, with the run's own cleanup
line and the unintended 429s it reports.

    python bench/leftovers.py                          # full run, then count
    python bench/leftovers.py --kill-after 120         # SIGTERM to the controller after 2 min
    python bench/leftovers.py --kill-after 120 --group # SIGTERM to every pytest process

Not part of the tests; the figures go to docs/benchmark.md by hand.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from run_bench import start_reference, suite_command

from pytest_jetonomy.factories import TAG_POOL
from pytest_jetonomy.reference.storage import CONTENT_TABLES

KEPT_BY_DESIGN = {
    "tags": "tags outside the suite's reused pool (TAG_POOL); the API cannot delete a tag",
    "notifications": "notifications delivered to the test users; the API cannot delete one",
}
"""What a run may leave, because the contract offers no way to remove it, with why."""


def count_rows(db: Path) -> dict[str, int]:
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
    try:
        counts = {
            table: connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]  # noqa: S608
            for table in (*CONTENT_TABLES, "notifications")
        }
        slugs = [row[0] for row in connection.execute("SELECT slug FROM tags")]
        counts["tags"] = sum(1 for slug in slugs if slug not in TAG_POOL)
        counts["pool tags"] = len(slugs) - counts["tags"]
        return counts
    finally:
        connection.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency-ms", type=int, default=100)
    parser.add_argument("--rate-window", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--kill-after", type=float, default=0, help="send SIGTERM after SECONDS (0: let it finish)"
    )
    parser.add_argument(
        "--group", action="store_true", help="signal every process of the run, not the controller"
    )
    parser.add_argument("pytest_args", nargs="*", help="extra pytest arguments (after --)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="jetonomy-leftovers-") as tmp:
        directory = Path(tmp)
        server, url, credentials = start_reference(directory, args.latency_ms, args.rate_window)
        db = directory / "bench.sqlite3"
        try:
            before = count_rows(db)
            report = directory / "report.json"
            command = suite_command(url, credentials, report, args.workers, args.pytest_args)
            started = time.monotonic()
            run = subprocess.Popen(
                command,
                cwd=directory,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                start_new_session=True,
            )
            signalled = None
            if args.kill_after:
                try:
                    run.wait(timeout=args.kill_after)
                except subprocess.TimeoutExpired:
                    if args.group:
                        os.killpg(run.pid, signal.SIGTERM)
                    else:
                        run.send_signal(signal.SIGTERM)
                    signalled = time.monotonic() - started
            output, _ = run.communicate(timeout=900)
            wall = time.monotonic() - started
            after = count_rows(db)
            report_text = _read(report)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)

    grew = {t: after[t] - before[t] for t in (*CONTENT_TABLES, "tags") if after[t] != before[t]}
    prefix = re.search(r"(jtc-[0-9a-f]{8})", output)
    cleanup = [
        line
        for line in output.splitlines()
        if line.startswith(("cleanup", "TARGET LEFT UNCLEAN", "CLEANUP NOT VERIFIED"))
    ]
    verdict = [line for line in output.splitlines() if line.split(":")[0] in VERDICTS]
    document = json.loads(report_text) if report_text else {}
    requests = document.get("summary", {}).get("requests") if document else None
    failed = [
        f"{r['id']}: "
        + "; ".join(
            f"{t['nodeid']}: {(t.get('message') or '')[:300]}"
            for t in r["tests"]
            if t["outcome"] == "failed"
        )
        for r in document.get("requirements", [])
        if r["status"] == "failed"
    ]
    print(
        f"target: reference server, latency {args.latency_ms} ms, window {args.rate_window:g} s; "
        f"-n {args.workers}; run prefix {prefix.group(1) if prefix else '?'}"
    )
    if signalled is not None:
        whom = "every process of the run" if args.group else "the pytest controller"
        print(
            f"SIGTERM sent to {whom} after {signalled:.0f} s; exited {run.returncode} "
            f"{wall - signalled:.1f} s later"
        )
    else:
        print(f"finished in {wall:.0f} s, exit {run.returncode}")
    print("\n".join(cleanup) or "cleanup: (no cleanup line printed)")
    print("\n".join(verdict) or "verdict: (none printed)")
    if requests is None:
        print("unintended 429: ? (no report written)")
    else:
        print(
            f"requests: {requests.get('requests', 0)}; unintended 429: "
            f"{requests.get('unintended_429', 0)} "
            f"{ {k: v for k, v in requests.items() if k.startswith('unintended_429:')} }"
        )
    for line in failed:
        print(f"failed {line}")
    print(f"rows before: {json.dumps(before)}")
    print(f"rows after:  {json.dumps(after)}")
    print(
        f"kept by design: {after['notifications'] - before['notifications']} "
        f"{KEPT_BY_DESIGN['notifications']}; {after['pool tags']} pool tag(s) "
        f"(at most {len(TAG_POOL)}, reused by every run)"
    )
    if grew:
        print(f"LEFT BEHIND: {json.dumps(grew)}")
        print(output[-3000:])
        return 1
    print(
        "nothing left behind: every content table has the row count it had before the run, "
        "and no tag outside the pool was created"
    )
    return 0


VERDICTS = ("CONFORMANT", "CONFORMANT WITH WARNINGS", "NOT CONFORMANT", "NOT CERTIFIED")


def _read(path: Path) -> str:
    try:
        return path.read_text()
    except OSError:
        return ""


if __name__ == "__main__":
    sys.exit(main())
