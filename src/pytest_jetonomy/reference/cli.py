"""``jetonomy-reference serve``: run the reference server until SIGINT/SIGTERM."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Sequence

from ..credentials import write_credentials_toml
from .config import DEFAULT_DIALECT, DIALECTS, ReferenceConfig
from .faults import catalogue, check_names
from .server import ReferenceServer

PROG = "jetonomy-reference"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description="The Jetonomy reference server.")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the jetonomy/v1 API over HTTP")
    serve.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8080, help="port (default 8080; 0 = free port)")
    serve.add_argument("--db", metavar="FILE", help="SQLite file (default: a temporary file)")
    serve.add_argument(
        "--credentials-out",
        metavar="FILE",
        help="write the provisioned users' credentials (TOML) here",
    )
    serve.add_argument(
        "--rate-window",
        type=float,
        default=60.0,
        metavar="SECONDS",
        help="rate-limit window length (default 60)",
    )
    serve.add_argument(
        "--latency-ms",
        type=int,
        default=0,
        metavar="MS",
        help="sleep this long before each API request (default 0)",
    )
    serve.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="NAME",
        help="switch on a fault variant that breaks one promise (repeatable; see 'faults')",
    )
    serve.add_argument(
        "--dialect",
        choices=DIALECTS,
        default=DEFAULT_DIALECT,
        help="reading of the API where the reference is silent: 'default', or 'alt' (other "
        "field names and shapes, equally conformant; see the README) (default: default)",
    )
    serve.add_argument(
        "--link-preview-allow",
        action="append",
        default=[],
        metavar="URL",
        help="a URL (or URL prefix) GET /link-preview may fetch although its host is not a "
        "public address (repeatable; private addresses are refused otherwise)",
    )
    commands.add_parser("faults", help="list the fault variants and the requirements they break")
    return parser


def _fail(message: str) -> int:
    print(f"{PROG}: error: {message}", file=sys.stderr, flush=True)
    return 1


def serve(args: argparse.Namespace) -> int:
    if args.rate_window <= 0:
        return _fail("--rate-window must be positive")
    if args.latency_ms < 0:
        return _fail("--latency-ms must not be negative")
    if not 0 <= args.port <= 65535:
        return _fail("--port must be between 0 and 65535")
    try:
        faults = check_names(args.fault)
    except ValueError as err:
        return _fail(str(err))
    config = ReferenceConfig(
        db_path=args.db,
        rate_window_seconds=args.rate_window,
        latency_ms=args.latency_ms,
        faults=faults,
        dialect=args.dialect,
        link_preview_allow=tuple(args.link_preview_allow),
    )
    server = ReferenceServer(config, host=args.host, port=args.port)
    try:
        server.start()
    except OSError as err:
        return _fail(f"cannot serve on {args.host}:{args.port}: {err.strerror or err}")
    except Exception as err:  # noqa: BLE001 - e.g. an unusable --db file
        return _fail(f"cannot start: {err}")
    stop = threading.Event()
    try:
        creds = server.provision()
        if args.credentials_out:
            try:
                write_credentials_toml(args.credentials_out, creds)
            except OSError as err:
                return _fail(f"cannot write {args.credentials_out}: {err.strerror or err}")

        def on_signal(signum: int, frame: object) -> None:
            stop.set()

        signal.signal(signal.SIGINT, on_signal)
        signal.signal(signal.SIGTERM, on_signal)
        window = f"{args.rate_window:g}s"
        db = args.db or (server.app.db.path if server.app else "?")
        dialect = f", dialect {args.dialect}" if args.dialect != DEFAULT_DIALECT else ""
        faulty = f", FAULTS: {', '.join(sorted(faults))}" if faults else ""
        print(
            f"{PROG}: serving {server.url} (rate window {window}, db {db}{dialect}{faulty})",
            flush=True,
        )
        while not stop.wait(0.5):
            pass
        return 0
    finally:
        server.stop()


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "serve":
        return serve(args)
    if args.command == "faults":
        for fault in catalogue().values():
            print(
                f"{fault.name:<36} breaks {', '.join(fault.breaks) or '(robustness)'}: {fault.description}"
            )
        return 0
    parser.print_help()
    return 2


if __name__ == "__main__":
    sys.exit(main())
