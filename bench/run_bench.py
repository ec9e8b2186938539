"""Benchmark of the conformance suite: wall time, requests, throughput, the suite's own CPU.

Runs the whole suite serially (-n 0) and with two workers (-n 2) against a reference
server started in its own process (so the suite's CPU time is not mixed with the server's),
or against any target given with --target-url and --credentials.

    python bench/run_bench.py                                  # reference server, 5 s windows
    python bench/run_bench.py --latency-ms 100 --rate-window 60  # like a PHP host, real windows
    python bench/run_bench.py --target-url https://staging.example.org --credentials c.toml

Not part of the tests: nothing here asserts a time. Results go to docs/benchmark.md by hand.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pytest_jetonomy.contract import conformance_dir


def start_reference(
    directory: Path, latency_ms: int, rate_window: float
) -> tuple[subprocess.Popen, str, Path]:
    credentials = directory / "credentials.toml"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pytest_jetonomy.reference",
            "serve",
            "--port",
            "0",
            "--credentials-out",
            str(credentials),
            "--latency-ms",
            str(latency_ms),
            "--rate-window",
            str(rate_window),
            "--db",
            str(directory / "bench.sqlite3"),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    line = process.stdout.readline() if process.stdout else ""
    served_at = re.match(r"jetonomy-reference: serving (http://\S+) ", line)
    if not served_at:
        raise SystemExit(f"reference server did not start: {line!r}")
    return process, served_at.group(1), credentials


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def suite_command(
    url: str, credentials: Path, report: Path, workers: int, extra: list[str]
) -> list[str]:
    """The pytest command line of a benchmarked run of the whole suite."""
    args = [
        sys.executable,
        "-m",
        "pytest",
        str(conformance_dir()),
        "-q",
        "-p",
        "no:cacheprovider",
        f"--target-url={url}",
        f"--credentials={credentials}",
        f"--conformance-report={report}",
        "--sweep-older-than=0",
        *extra,
    ]
    return args + (["-n", str(workers)] if workers else [])


def run_suite(url: str, credentials: Path, workers: int, directory: Path, extra: list[str]) -> dict:
    report = directory / f"report-n{workers}.json"
    args = suite_command(url, credentials, report, workers, extra)
    cpu_before = children_cpu()
    started = time.monotonic()
    result = subprocess.run(args, cwd=directory, capture_output=True, text=True)
    wall = time.monotonic() - started
    cpu = children_cpu() - cpu_before
    document = json.loads(report.read_text()) if report.exists() else {}
    requests = document.get("summary", {}).get("requests", {})
    sent = requests.get("requests", 0)
    return {
        "workers": workers,
        "exit": result.returncode,
        "wall_s": wall,
        "requests": sent,
        "rps": sent / wall if wall else 0.0,
        "cpu_ms_per_request": 1000 * cpu / sent if sent else 0.0,
        "unintended_429": requests.get("unintended_429", 0),
        "verdict": document.get("verdict", {}).get("label", "?"),
        "by_area": {
            k.removeprefix("area:"): v for k, v in requests.items() if k.startswith("area:")
        },
        "tail": (result.stdout + result.stderr)[-1500:] if result.returncode else "",
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target-url", help="benchmark this target instead of a reference server")
    parser.add_argument("--credentials", help="credentials file for --target-url")
    parser.add_argument(
        "--latency-ms", type=int, default=0, help="reference server latency (default 0)"
    )
    parser.add_argument(
        "--rate-window", type=float, default=5.0, help="reference rate window (default 5)"
    )
    parser.add_argument("--workers", default="0,2", help="comma-separated -n values (default 0,2)")
    parser.add_argument("pytest_args", nargs="*", help="extra pytest arguments (after --)")
    args = parser.parse_args()

    print(
        f"machine: {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    )
    results = []
    with tempfile.TemporaryDirectory(prefix="jetonomy-bench-") as tmp:
        directory = Path(tmp)
        for workers in [int(w) for w in args.workers.split(",")]:
            server = None
            if args.target_url:
                url, credentials = args.target_url, Path(args.credentials or "")
            else:  # a fresh server per run, so runs do not share rate-limit windows or data
                server, url, credentials = start_reference(
                    directory, args.latency_ms, args.rate_window
                )
            try:
                results.append(run_suite(url, credentials, workers, directory, args.pytest_args))
            finally:
                if server is not None:
                    server.send_signal(signal.SIGTERM)
                    server.wait(timeout=30)
    target = args.target_url or (
        f"reference server in its own process (latency {args.latency_ms} ms, window {args.rate_window:g} s)"
    )
    print(f"target: {target}")
    print(
        f"{'-n':>3} {'wall s':>8} {'requests':>9} {'req/s':>7} {'suite CPU ms/req':>17} {'429*':>5}  verdict"
    )
    for r in results:
        print(
            f"{r['workers']:>3} {r['wall_s']:>8.1f} {r['requests']:>9} {r['rps']:>7.1f} "
            f"{r['cpu_ms_per_request']:>17.2f} {r['unintended_429']:>5}  {r['verdict']}"
        )
        if r["tail"]:
            print(r["tail"])
    if len(results) >= 2 and results[1]["wall_s"]:
        print(
            f"speedup of -n {results[1]['workers']} over -n {results[0]['workers']}: "
            f"{results[0]['wall_s'] / results[1]['wall_s']:.2f}x"
        )
    print(f"requests per area (-n {results[0]['workers']}): {json.dumps(results[0]['by_area'])}")
    print("* 429 = requests outside the rate-limit checks that met a 429 and were re-sent")
    return 0


if __name__ == "__main__":
    sys.exit(main())
