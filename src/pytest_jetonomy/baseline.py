"""Known failures, accepted by signature, each with a written reason (``--baseline FILE``).

A baseline accepts *a way of failing*, not a requirement: each breach carries a signature
(requirement, subject, kind: ``JT-AUTH-027 | POST /spaces as anonymous | code
rest_not_logged_in where jetonomy_not_logged_in``), and only the listed signatures are
accepted. A failing check is accepted when every breach it carries is listed. A requirement
that fails in a new way (``status 200 where 401`` where only a wrong code was known) is a new
failure, and fails the gate. ``--write-baseline`` writes this run's failures grouped by the
causes of the divergence list, each cause with a reason to fill in::

    [[known]]
    cause = "code rest_not_logged_in where jetonomy_not_logged_in"
    reason = "our codes differ from the reference's; ticket 1234"
    signatures = [
      "JT-AUTH-027 | GET /bookmarks as anonymous | code rest_not_logged_in where jetonomy_not_logged_in",
    ]

The older form, one table per requirement ID (``[JT-PAGE-008]`` with a ``reason``), still
works, with a warning: it accepts every way of failing that requirement, and so can hide a
new, graver one. A retired ID of the older form (a requirement since split) accepts the
failures of the requirements that replace it.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .contract import Contract
from .failures import Breach

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

PLACEHOLDER = "TODO: say why this failure is accepted, and until when"
NO_REQUIREMENT = "(no requirement)"
LEGACY_WARNING = (
    "the baseline accepts failures by requirement ID (the older form): it also accepts a new, "
    "graver way of failing a listed requirement; write it again with --write-baseline to "
    "accept failures by signature"
)


class BaselineError(Exception):
    """A baseline file that cannot be used; the message names the file and the problem."""


def requirement_of(signature: str) -> str:
    """The requirement ID a signature names (``(no requirement)`` for a failure naming none)."""
    return signature.split(" | ", 1)[0]


@dataclass
class Baseline:
    """The known failures of a target: signatures (with their cause's reason), and the
    requirements of an older, requirement-level baseline."""

    path: str
    signatures: dict[str, str] = field(default_factory=dict)
    """Signature -> the reason it is accepted."""
    requirements: dict[str, str] = field(default_factory=dict)
    """Requirement ID -> reason (the older form; a retired ID is listed as its successors)."""
    tables: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """The older form's tables as written -> the requirements each accepts (a retired ID:
    the requirements that replace it); by default each listed requirement is its own."""
    warnings: list[str] = field(default_factory=list)
    """What the summary says about the file itself (the older form, retired IDs)."""

    @property
    def form(self) -> str:
        """``signatures``, ``requirements`` (the older form) or ``both``."""
        if self.signatures and self.requirements:
            return "both"
        return "requirements" if self.requirements else "signatures"

    def __bool__(self) -> bool:
        return bool(self.signatures or self.requirements)

    def listed(self, requirement: str) -> bool:
        """Whether the baseline knows failures of ``requirement`` (in either form)."""
        return requirement in self.requirements or any(
            requirement_of(sig) == requirement for sig in self.signatures
        )

    def reason_of(self, requirement: str) -> str | None:
        """Why failures of ``requirement`` are accepted (the reasons of its entries)."""
        reasons = [r for sig, r in self.signatures.items() if requirement_of(sig) == requirement]
        if requirement in self.requirements:
            reasons.append(self.requirements[requirement])
        return "; ".join(dict.fromkeys(reasons)) or None

    def reasons(self) -> dict[str, str]:
        """Requirement ID -> why its failures are accepted, for every listed requirement."""
        ids = {requirement_of(sig) for sig in self.signatures} | set(self.requirements)
        return {rid: self.reason_of(rid) or "" for rid in sorted(ids)}

    def accepted(self, found: Breach, requirements: Iterable[str] = ()) -> str | None:
        """The reason one breach is accepted (by its signature, or by its requirement in the
        older form), or None: a new failure."""
        if found.signature in self.signatures:
            return self.signatures[found.signature]
        rid = found.requirement
        if rid is not None and rid in self.requirements:
            return f"{rid}: {self.requirements[rid]}"
        ids = list(requirements)
        if rid is None and ids and all(r in self.requirements for r in ids):
            return "; ".join(f"{r}: {self.requirements[r]}" for r in ids)
        return None

    def stale(self, seen: Iterable[str], ran: Iterable[str], passed: Iterable[str]) -> list[str]:
        """Entries no longer needed: listed signatures not seen while their requirement ran
        (a check reached it), and (older form) listed requirements that now pass."""
        seen_set, ran_set, passed_set = set(seen), set(ran), set(passed)
        out = [
            sig for sig in self.signatures if sig not in seen_set and requirement_of(sig) in ran_set
        ]
        # a table of a retired ID is needed while one of the requirements replacing it fails
        tables = self.tables or {rid: (rid,) for rid in self.requirements}
        return out + [
            key for key, ids in tables.items() if ids and all(rid in passed_set for rid in ids)
        ]


def load_baseline(path: str, contract: Contract) -> Baseline:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise BaselineError(f"{path}: cannot read the baseline ({exc.strerror})") from None
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise BaselineError(f"{path}: not valid TOML: {exc}") from None
    baseline = Baseline(path)
    for key, value in document.items():
        if key == "known":
            _load_known(baseline, value, contract)
            continue
        if key not in contract.requirements:
            raise BaselineError(
                f"{path}: [{key}] names no requirement of the catalogue "
                f"(Jetonomy REST API {contract.version})"
            )
        reason = value.get("reason") if isinstance(value, dict) else None
        if not isinstance(reason, str) or not reason.strip():
            raise BaselineError(f"{path}: [{key}] needs a non-empty 'reason'")
        requirement = contract.requirements[key]
        if requirement.active:
            baseline.requirements[key] = reason.strip()
            baseline.tables[key] = (key,)
            continue
        successors = [rid for rid in requirement.superseded_by if rid in contract.requirements]
        baseline.tables[key] = tuple(successors)
        for rid in successors:
            baseline.requirements.setdefault(rid, f"{key} (since split): {reason.strip()}")
        baseline.warnings.append(
            f"[{key}] is {requirement.retired_because}"
            + (f": it accepts failures of {', '.join(successors)}" if successors else "")
        )
    if baseline.requirements:
        baseline.warnings.insert(0, LEGACY_WARNING)
    return baseline


def _load_known(baseline: Baseline, entries: Any, contract: Contract) -> None:
    path = baseline.path
    if not isinstance(entries, list):
        raise BaselineError(f"{path}: 'known' must be an array of tables ([[known]])")
    retired: set[str] = set()
    for n, entry in enumerate(entries, start=1):
        where = f"{path}: [[known]] #{n}"
        if not isinstance(entry, dict):
            raise BaselineError(f"{where} must be a table")
        reason = entry.get("reason")
        if not isinstance(reason, str) or not reason.strip():
            raise BaselineError(f"{where} needs a non-empty 'reason'")
        signatures = entry.get("signatures")
        if not isinstance(signatures, list) or not signatures:
            raise BaselineError(f"{where} needs 'signatures', a non-empty list")
        for signature in signatures:
            if not isinstance(signature, str) or signature.count(" | ") < 2:
                raise BaselineError(
                    f"{where}: {signature!r} is not a signature ('requirement | subject | kind')"
                )
            rid = requirement_of(signature)
            if rid != NO_REQUIREMENT and rid not in contract.requirements:
                raise BaselineError(f"{where}: {signature!r} names no requirement of the catalogue")
            if rid != NO_REQUIREMENT and not contract.requirements[rid].active:
                retired.add(rid)
            baseline.signatures[signature] = reason.strip()
    for rid in sorted(retired):
        baseline.warnings.append(
            f"signatures of {rid} accept nothing: it is "
            f"{contract.requirements[rid].retired_because} (write the baseline again)"
        )


def merge_causes(*lists: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Divergence lists (this run's failures, and the failures a baseline accepted) as one
    list of causes with their requirements and signatures."""
    merged: dict[str, dict[str, Any]] = {}
    for entries in lists:
        for entry in entries:
            into = merged.setdefault(
                entry["cause"], {"cause": entry["cause"], "requirements": [], "signatures": []}
            )
            into["requirements"] = sorted(set(into["requirements"]) | set(entry["requirements"]))
            into["signatures"] = sorted(
                set(into["signatures"]) | set(entry.get("signatures") or ())
            )
    return list(merged.values())


def write_baseline(
    path: str,
    causes: list[dict[str, Any]],
    target: str,
    previous: Baseline | None = None,
) -> int:
    """Write failures (divergence list entries: causes with their signatures) as a baseline
    with one reason per cause (the reason ``previous`` gave all of its signatures, else a
    placeholder); return the number of signatures."""
    lines = [
        f"# Known failures of {target}, by signature (pytest-jetonomy --baseline).",
        "# Each cause accepts exactly its signatures: a new way of failing is a new failure.",
        "# Replace each placeholder with the reason the failure is accepted.",
        "",
    ]
    count = 0
    for entry in causes:
        signatures = list(entry["signatures"])
        if not signatures:
            continue
        known = {previous.signatures.get(s) for s in signatures} if previous else {None}
        reason = known.pop() if len(known) == 1 and None not in known else PLACEHOLDER
        lines += [
            "[[known]]",
            f"cause = {toml_string(entry['cause'])}",
            f"# requirements: {', '.join(entry['requirements'])}",
            f"reason = {toml_string(reason)}",
            "signatures = [",
        ]
        for signature in signatures:
            lines.append(f"  {toml_string(signature)},")
            count += 1
        lines += ["]", ""]
    Path(path).write_text("\n".join(lines), encoding="utf-8")
    return count


def toml_string(text: str) -> str:
    """``text`` as a TOML basic string (control characters escaped; a lone surrogate, which
    TOML cannot hold, as U+FFFD)."""
    out = []
    for char in text:
        code = ord(char)
        if char in '"\\':
            out.append("\\" + char)
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\u{code:04x}")
        elif 0xD800 <= code <= 0xDFFF:
            out.append("\\ufffd")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'
