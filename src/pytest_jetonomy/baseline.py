"""Known failures, by requirement ID, each with a written reason (``--baseline FILE``).

A baseline file is TOML, one table per accepted failure::

    [JT-PAGE-008]
    reason = "TotalPages rounds down; fixed in 2.4 (ticket 1234)"

Checks of a listed requirement that fail are reported as known failures and do not fail
the run; a listed requirement that now passes is reported as no longer needed (and fails
the run under ``--strict-baseline``). An entry naming no requirement of the catalogue,
or without a reason, is an error.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path

from .contract import Contract

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

PLACEHOLDER = "TODO: say why this failure is accepted, and until when"


class BaselineError(Exception):
    """A baseline file that cannot be used; the message names the file and the problem."""


def load_baseline(path: str, contract: Contract) -> dict[str, str]:
    """Requirement ID -> reason."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise BaselineError(f"{path}: cannot read the baseline ({exc.strerror})") from None
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise BaselineError(f"{path}: not valid TOML: {exc}") from None
    entries: dict[str, str] = {}
    for requirement_id, table in document.items():
        if requirement_id not in contract.requirements:
            raise BaselineError(
                f"{path}: [{requirement_id}] names no requirement of the catalogue "
                f"(Jetonomy REST API {contract.version})"
            )
        reason = table.get("reason") if isinstance(table, dict) else None
        if not isinstance(reason, str) or not reason.strip():
            raise BaselineError(f"{path}: [{requirement_id}] needs a non-empty 'reason'")
        entries[requirement_id] = reason.strip()
    return entries


def write_baseline(path: str, failures: Iterable[tuple[str, str]], target: str) -> int:
    """Write the failed requirements (id, title) with a placeholder reason; return the count."""
    lines = [
        f"# Known failures of {target}, by requirement ID (pytest-jetonomy --baseline).",
        "# Replace each placeholder with the reason the failure is accepted.",
        "",
    ]
    count = 0
    for requirement_id, title in failures:
        lines += [f"[{requirement_id}]", f"# {title}", f'reason = "{PLACEHOLDER}"', ""]
        count += 1
    Path(path).write_text("\n".join(lines), encoding="utf-8")
    return count
