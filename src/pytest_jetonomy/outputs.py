"""The files a run writes (reports, baseline): checked at the start, written one by one at the end.

A run can take many minutes; an output path that cannot be written must not lose it. So
every output path is checked before the first request (``check_output_paths``): missing
parent folders are created, and a path that cannot be written stops the run at once with
one line. At the end, ``write_output`` writes one file and turns a failure into one line,
so that the verdict is still printed and the other outputs are still written.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

OUTPUT_OPTIONS = (
    ("conformance_report", "--conformance-report"),
    ("conformance_html", "--conformance-html"),
    ("write_baseline", "--write-baseline"),
)
"""Every option whose value is a file the plugin writes: (dest, flag)."""


def _reason(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


def check_output_path(flag: str, value: str) -> None:
    """Make ``value`` writable (create its missing parent folders) or raise a one-line
    UsageError naming the option, the path and what is wrong."""
    path = Path(value)

    def refuse(problem: str) -> pytest.UsageError:
        return pytest.UsageError(f"jetonomy: {flag} {value}: {problem}")

    if path.is_dir():
        raise refuse("is a directory, expected a file path")
    parent = path.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        # exist_ok hides this when the parent is a folder: here a file stands in the way
        raise refuse(f"cannot create folder {parent}: a file of that name exists") from None
    except NotADirectoryError:
        raise refuse(f"cannot create folder {parent}: a part of it is a file") from None
    except OSError as exc:
        raise refuse(f"cannot create folder {parent}: {_reason(exc)}") from None
    # os.access ignores what root may do and read-only file systems: try a file beside it
    try:
        handle, probe = tempfile.mkstemp(prefix=".jetonomy-write-check-", dir=str(parent))
    except OSError as exc:
        raise refuse(f"folder {parent} is not writable: {_reason(exc)}") from None
    os.close(handle)
    os.unlink(probe)
    if path.exists() and not os.access(path, os.W_OK):
        raise refuse("the file exists and is not writable")


def check_output_paths(config: pytest.Config) -> None:
    """Check every output path of the run (see ``check_output_path``); two outputs may not
    name the same file (one would overwrite the other)."""
    seen: dict[str, str] = {}
    for dest, flag in OUTPUT_OPTIONS:
        value = config.getoption(dest, None)
        if not value:
            continue
        check_output_path(flag, str(value))
        key = os.path.realpath(str(value))
        if key in seen:
            raise pytest.UsageError(
                f"jetonomy: {flag} {value}: the same file as {seen[key]}; "
                "one output would overwrite the other"
            )
        seen[key] = flag


def write_output(flag: str, path: str, write: Callable[[], Any]) -> tuple[Any, str | None]:
    """Run ``write`` (which writes ``path``); return (its result, None), or (None, a line
    naming the output that could not be written and why)."""
    try:
        return write(), None
    except OSError as exc:
        return None, f"jetonomy: {flag} {path} could not be written: {_reason(exc)}"
