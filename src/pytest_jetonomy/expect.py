"""Assertions for checks: a failure says which requirement, what was sent, what was promised,
and what came back (secrets masked).

Each helper fails the test with ``pytest.fail(..., pytrace=False)`` and a message like::

    [JT-AUTH-001 MUST] Auth-required endpoints refuse anonymous callers (reference: Authentication)
      expected: 401 with code jetonomy_not_logged_in
      sent: POST http://127.0.0.1:8080/wp-json/jetonomy/v1/spaces/3/posts as anonymous body={...}
      got:  201 (application/json) {"id": 12, ...}

The evidence (masked request and response) is also kept for the certification report.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterable
from typing import Any

import pytest

from . import requirements as _requirements
from .client import ApiResponse, Exchange
from .contract import load_contract

# -- statuses every careful reading may answer ----------------------------------------------
# The reference gives no status but for errors: where it is silent, a check accepts every
# status a careful implementer could choose.
SUCCESS = (200, 201, 202, 204)
"""An action that succeeded (with a body, or without one: 202, 204)."""
CREATED = (200, 201)
"""A creation (REST's 201, or WordPress's usual 200)."""
DELETED = (200, 202, 204)
"""A deletion (200 with a body, 202 or 204 without one)."""
REFUSED = (401, 403, 404)
"""What a caller may get for what it may not see (unauthenticated, forbidden, or hidden)."""

_evidence: contextvars.ContextVar[list[dict[str, Any]] | None] = contextvars.ContextVar(
    "jetonomy_evidence", default=None
)


def start_evidence() -> contextvars.Token[list[dict[str, Any]] | None]:
    return _evidence.set([])


def take_evidence(token: contextvars.Token[list[dict[str, Any]] | None]) -> list[dict[str, Any]]:
    collected = _evidence.get() or []
    _evidence.reset(token)
    return collected


def _headline(requirement: str | None) -> str:
    ids = [requirement] if requirement else [r.id for r in _requirements.current()]
    if not ids:
        return ""
    contract = load_contract()
    lines = []
    for requirement_id in ids:
        req = contract.requirements.get(requirement_id)
        if req is None:
            lines.append(f"[{requirement_id}]")
        else:
            basis = "" if req.basis == "stated" else f", {req.basis}"
            lines.append(f"[{req.id} {req.level}{basis}] {req.title} (reference: {req.section})")
    return "\n".join(lines) + "\n"


def fail(
    expected: str,
    response: ApiResponse | Exchange | None = None,
    *,
    requirement: str | None = None,
    detail: str | None = None,
) -> None:
    """Fail the current check with the standard message."""
    exchange = response.exchange if isinstance(response, ApiResponse) else response
    message = _headline(requirement) + f"  expected: {expected}"
    if detail:
        message += f"\n  problem: {detail}"
    if exchange is not None:
        message += "\n" + exchange.describe()
    record = _evidence.get()
    if record is not None:
        record.append(
            {
                "requirement": requirement,
                "expected": expected,
                "problem": detail,
                "exchange": exchange.to_dict() if exchange is not None else None,
            }
        )
    # from None: a failure raised while handling an unusable answer (not JSON...) is shown
    # alone, not after "During handling of the above exception, another exception occurred"
    raise pytest.fail.Exception(message, pytrace=False) from None


def no_problems(
    problems: Iterable[tuple[str, ApiResponse | None]],
    expected: str,
    *,
    shown: int = 4,
    requirement: str | None = None,
) -> None:
    """Fail when ``problems`` (each a text and the answer it was seen in) is not empty: the
    first answer is shown, and the first ``shown`` texts (with how many more there are)."""
    found = list(problems)
    if not found:
        return
    more = f" (+{len(found) - shown} more)" if len(found) > shown else ""
    fail(
        expected,
        found[0][1],
        requirement=requirement,
        detail="; ".join(text for text, _ in found[:shown]) + more,
    )


def that(
    condition: Any,
    expected: str,
    response: ApiResponse | None = None,
    *,
    requirement: str | None = None,
    detail: str | None = None,
) -> None:
    if not condition:
        fail(expected, response, requirement=requirement, detail=detail)


def _as_set(value: int | Iterable[int]) -> tuple[int, ...]:
    return (value,) if isinstance(value, int) else tuple(value)


def status(
    response: ApiResponse,
    expected: int | Iterable[int],
    *,
    requirement: str | None = None,
    why: str = "",
) -> ApiResponse:
    """The response has one of the expected statuses."""
    allowed = _as_set(expected)
    if response.status not in allowed:
        wanted = " or ".join(str(s) for s in allowed)
        fail(f"HTTP {wanted}{(' (' + why + ')') if why else ''}", response, requirement=requirement)
    return response


def json_body(response: ApiResponse, *, requirement: str | None = None) -> Any:
    try:
        return response.json()
    except AssertionError as exc:
        problem = str(exc).splitlines()[0] if str(exc) else "the body is not valid JSON"
    fail("a JSON body", response, requirement=requirement, detail=problem)
    return None  # pragma: no cover - fail() raises


def error(
    response: ApiResponse,
    expected_status: int | Iterable[int],
    codes: str | Iterable[str] | None = None,
    *,
    requirement: str | None = None,
) -> dict[str, Any]:
    """The response is an error with the documented envelope, status and code."""
    allowed = _as_set(expected_status)
    code_set = (codes,) if isinstance(codes, str) else (tuple(codes) if codes else ())
    wanted = " or ".join(str(s) for s in allowed)
    if code_set:
        wanted += " with code " + " or ".join(code_set)
    if response.status not in allowed:
        fail(wanted, response, requirement=requirement)
    body = json_body(response, requirement=requirement)
    problems = envelope_problems(body, response.status)
    if problems:
        fail(wanted + " in the error envelope", response, requirement=requirement, detail=problems)
    if code_set and body["code"] not in code_set:
        fail(wanted, response, requirement=requirement, detail=f"code is {body['code']!r}")
    return body


def envelope_problems(body: Any, http_status: int | None = None) -> str | None:
    """Why ``body`` is not the documented error envelope (None if it is)."""
    contract = load_contract()
    errors = sorted(contract.validator("error").iter_errors(body), key=lambda e: list(e.path))
    if errors:
        first = errors[0]
        where = "/".join(str(p) for p in first.path) or "(body)"
        return f"envelope: {where}: {first.message}"
    if http_status is not None and body["data"]["status"] != http_status:
        return f"data.status is {body['data']['status']!r} but the HTTP status is {http_status}"
    return None


def schema(
    body: Any,
    name: str,
    response: ApiResponse | None = None,
    *,
    requirement: str | None = None,
    where: str = "body",
) -> None:
    """``body`` validates against the contract's resource schema ``name``."""
    contract = load_contract()
    errors = sorted(contract.validator(name).iter_errors(body), key=lambda e: list(e.path))
    if errors:
        shown = []
        for err in errors[:3]:
            path = "/".join(str(p) for p in err.path) or "(root)"
            shown.append(f"{where}/{path}: {err.message}"[:300])
        more = f" (+{len(errors) - 3} more)" if len(errors) > 3 else ""
        fail(
            f"{where} matching the '{name}' schema (schemas/resources/{name}.json)",
            response,
            requirement=requirement,
            detail="; ".join(shown) + more,
        )
