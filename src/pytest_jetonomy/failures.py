"""What a check found broken, and what it could not reach: typed, from ``expect`` to the report.

A :class:`Breach` is one broken promise: the requirement, what it is about (the ``subject``:
``POST /spaces/{space_id}/posts as anonymous``) and what broke (the ``kind``:
``status 201 where 401``), both normalised (no ids, run prefixes or timestamps), so that the
same breach reads the same in every run: its ``signature`` identifies it, its ``cause``
groups it with the breaches one fix would mend (the divergence list). A check that fails
raises :class:`CheckFailed` carrying its breaches; the result book reads them from the
exception, never from the message text.

A check that cannot reach its subject because a precondition failed (a setup step, a helper
request, an earlier requirement) raises :class:`Blocked`: neither passed nor failed, "blocked
by" the step that failed; that step's own failure counts once, in the check whose subject it
is.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

import pytest

_RUN_WORD = re.compile(r"jtc[-_]?[0-9a-f]{8}[\w.-]*", re.IGNORECASE)
"""A word made from the run prefix (``jtc-1a2b3c4d-12``, ``jtc_1a2b3c4d_493_k`` as a
settings key, ``jtc1a2b3c4dq...`` as a unique word)."""
_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?")
_TOKEN = re.compile(r"(?<![\w-])(?=[\w-]*\d)(?=[\w-]*[A-Za-z])[A-Za-z0-9_-]{16,}(?![\w-])")
"""A random-looking value (a uuid, a nonce, an invite token, a cursor): 16 characters or
more mixing letters and digits."""
_DECIMAL = re.compile(r"(?<![\w.])-?\d+\.\d+(?![\w.])")
_NUMBER = re.compile(r"(?<![\w.])-?\d+(?![\w])")
_STATUS = re.compile(r"\b(status |HTTP |answering |answered |where |or )([1-5]\d\d)(?![\w])")
_REQUIREMENT_ID = re.compile(r"\b(JT-[A-Z]+-)(\d{3})\b")
_QUOTED = re.compile(
    r"(?<!\w)'[^']*\{(?:run|n|time|token)\}[^']*'(?!\w)"
    r"|(?<!\w)\"[^\"]*\{(?:run|n|time|token)\}[^\"]*\"(?!\w)"
)
"""A quoted value holding something normalised (the possessive ``member's`` is no quote)."""
_SPACES = re.compile(r"\s+")
KEPT_NUMBERS = frozenset({"-1", "0", "1", "2"})
"""Numbers that say what broke (a vote value, a count that should be 1) rather than which
object: they stay in a normalised text. HTTP statuses stay too, where the text says they are
one (``status 404``, ``HTTP 404``, ``answering 404``, ``where 401``, ``or 403``), and so do
requirement IDs (``JT-BEHAV-012``)."""


def _number(match: re.Match[str]) -> str:
    text = match.group(0)
    return text if text in KEPT_NUMBERS else "{n}"


def normalise(text: str) -> str:
    """``text`` without what differs from run to run: run-prefixed words, timestamps, random
    tokens, ids and other numbers, decimals included (HTTP statuses and the small numbers of
    a promise kept); a quoted value holding one of them is ``'…'``."""
    text = _RUN_WORD.sub("{run}", text)
    text = _TIMESTAMP.sub("{time}", text)
    text = _TOKEN.sub("{token}", text)
    text = _DECIMAL.sub("{n}", text)
    kept: list[str] = []

    def keep(match: re.Match[str]) -> str:
        kept.append(match.group(2))
        return f"{match.group(1)}\x00k{len(kept) - 1}\x00"  # no number of its own

    text = _REQUIREMENT_ID.sub(keep, text)
    text = _STATUS.sub(keep, text)
    text = _NUMBER.sub(_number, text)
    text = re.sub("\x00k(\\d+)\x00", lambda m: kept[int(m.group(1))], text)
    text = _QUOTED.sub("'…'", text)
    return _SPACES.sub(" ", text).strip()


@dataclass(frozen=True)
class Breach:
    """One broken promise."""

    requirement: str | None
    kind: str
    """What broke, normalised: ``status 201 where 401``, ``code rest_forbidden where
    jetonomy_forbidden``, ``the post as before the vote``..."""
    subject: str
    """What it is about, normalised: ``POST /spaces/{space_id}/posts as anonymous``."""
    expected: str
    """The promise in words, with this run's values (for the reader)."""
    detail: str | None = None
    exchange: dict[str, Any] | None = None

    @property
    def signature(self) -> str:
        """The same breach, the same text, in every run (baselines and release diffs)."""
        return f"{self.requirement or '(no requirement)'} | {self.subject} | {self.kind}"

    @property
    def cause(self) -> str:
        """What one fix would mend: breaches of one cause are one line of the divergence list.

        A refusal that is wrong in the same way everywhere (a code, a status where an error
        was promised) is one cause across routes; a route that does not answer as promised
        (a status where a success was promised, a body that is not JSON) is a cause of its
        own; other kinds (a target that stops answering, a missing header, a promise of a
        behaviour) are one cause wherever they are seen.
        """
        route = self.subject.split(" as ")[0]
        if (self.kind.startswith("status ") and not _refusal(self.kind)) or self.kind.startswith(
            "body not JSON"
        ):
            return f"{route}: {self.kind}"
        return self.kind

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "signature": self.signature, "cause": self.cause}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Breach:
        return cls(
            requirement=data.get("requirement"),
            kind=data.get("kind", ""),
            subject=data.get("subject", ""),
            expected=data.get("expected", ""),
            detail=data.get("detail"),
            exchange=data.get("exchange"),
        )


def _refusal(kind: str) -> bool:
    """``status 200 where 401``: an error status was promised (a refusal policy)."""
    wanted = kind.split(" where ", 1)[-1]
    return bool(re.match(r"[45]\d\d", wanted))


class CheckFailed(pytest.fail.Exception):  # type: ignore[misc,name-defined]
    """A check found its subject broken; carries the breaches (typed, for the report)."""

    judged: tuple[str, ...] = ()
    """The requirements the check judged in full before it failed (an ``expect.soft`` block):
    those it did not breach count as verified by the check, not as blocked by the failure."""

    def __init__(self, message: str, breaches: list[Breach]) -> None:
        super().__init__(message, pytrace=False)
        self.breaches = breaches


class Blocked(pytest.skip.Exception):  # type: ignore[misc,name-defined]
    """A check could not reach its subject: a precondition failed.

    ``by`` names what failed in a way that groups (a requirement ID, or a route and what it
    answered: ``POST /spaces answered 400``); ``step`` says what the check was doing.
    """

    def __init__(self, by: str, step: str, detail: str = "") -> None:
        self.by = normalise(by)
        self.step = step
        self.detail = detail
        text = f"blocked by {by}: {step}"
        if detail:
            text += f" ({detail})"
        # the skip is reported at the check (not inside the hook that turned it into one)
        super().__init__(text, _use_item_location=True)

    def to_dict(self) -> dict[str, str]:
        return {"by": self.by, "step": self.step, "detail": self.detail}


# shown as pytest shows its own outcomes ("Failed: ...", "Skipped: ...") in its summaries:
# "CheckFailed: [JT-... MUST] ..." and "Skipped: blocked by ..."
CheckFailed.__module__ = "builtins"
Blocked.__module__ = "builtins"
Blocked.__qualname__ = "Skipped"
