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
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from . import requirements as _requirements
from .client import ApiResponse, Exchange
from .contract import load_contract
from .failures import Blocked, Breach, CheckFailed, normalise

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

_precondition: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "jetonomy_precondition", default=None
)


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


def _exchange_of(response: ApiResponse | Exchange | None) -> Exchange | None:
    return response.exchange if isinstance(response, ApiResponse) else response


def subject_of(response: ApiResponse | Exchange | None) -> str:
    """What a breach is about: the catalogue route and the identity (``POST
    /spaces/{space_id}/posts as anonymous``), or the running check when no answer is shown."""
    exchange = _exchange_of(response)
    if exchange is None:
        return "(the check)"
    route = load_contract().route_of(exchange.method, exchange.url)
    return f"{route} as {exchange.identity}"


def breach(
    expected: str,
    response: ApiResponse | Exchange | None = None,
    *,
    requirement: str | None = None,
    detail: str | None = None,
    kind: str | None = None,
) -> Breach:
    """The breach a failure reports (the check's own requirement when it names none and has
    exactly one)."""
    if requirement is None:
        current = _requirements.current()
        requirement = current[0].id if len(current) == 1 else None
    exchange = _exchange_of(response)
    return Breach(
        requirement=requirement,
        kind=normalise(kind or expected),
        subject=subject_of(response),
        expected=expected,
        detail=detail,
        exchange=exchange.to_dict() if exchange is not None else None,
    )


def _message(found: Breach, response: ApiResponse | Exchange | None) -> str:
    exchange = _exchange_of(response)
    message = _headline(found.requirement) + f"  expected: {found.expected}"
    if found.detail:
        message += f"\n  problem: {found.detail}"
    if exchange is not None:
        message += "\n" + exchange.describe()
    return message


def raise_breaches(found: list[tuple[Breach, ApiResponse | Exchange | None]]) -> None:
    """Fail the check with these breaches (one message each, in order); inside a
    :func:`precondition` the check is blocked instead."""
    message = "\n".join(_message(b, response) for b, response in found)
    error = CheckFailed(message, [b for b, _ in found])
    step = _precondition.get()
    if step is not None:
        raise blocking(error, step) from None
    # from None: a failure raised while handling an unusable answer (not JSON...) is shown
    # alone, not after "During handling of the above exception, another exception occurred"
    raise error from None


def fail(
    expected: str,
    response: ApiResponse | Exchange | None = None,
    *,
    requirement: str | None = None,
    detail: str | None = None,
    kind: str | None = None,
) -> None:
    """Fail the current check with the standard message and a typed breach."""
    found = breach(expected, response, requirement=requirement, detail=detail, kind=kind)
    raise_breaches([(found, response)])


def blocker_of(found: Breach) -> str:
    """What a failed precondition is called where checks say what blocked them: the route
    and what it answered (``POST /spaces answering 400``), or the requirement."""
    route = found.subject.split(" as ")[0]
    if found.kind.startswith("status ") and found.exchange is not None:
        return f"{route} answering {found.exchange.get('status')}"
    if found.kind.startswith(("no answer", "body not JSON")):
        return f"{route}: {found.kind}"
    return found.requirement or found.kind


def blocking(error: BaseException, step: str) -> Blocked:
    """The :class:`Blocked` a failed step makes of ``error`` (a failure or an unusable answer)."""
    if isinstance(error, Blocked):
        return error
    if isinstance(error, CheckFailed) and error.breaches:
        first = error.breaches[0]
        return Blocked(blocker_of(first), step, first.detail or first.expected)
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    by = getattr(error, "blocker", None) or text
    return Blocked(by, step, text if by != text else "")


@contextmanager
def precondition(step: str) -> Iterator[None]:
    """Run a step the check needs but does not judge (create a fresh object, read a list, cast
    a vote to look at its effect...): a failure inside blocks the check, "blocked by" what
    failed, instead of failing its requirement. That failure counts where it is the subject
    (the check of the request that failed)."""
    token = _precondition.set(step)
    try:
        yield
    except Blocked:
        raise
    except (AssertionError, pytest.fail.Exception) as exc:
        raise blocking(exc, step) from None
    finally:
        _precondition.reset(token)


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
    kind: str | None = None,
) -> None:
    """Fail unless ``condition``; ``kind`` names the breach when ``expected`` (which may hold
    this run's values) is not what one fix would mend (``status 400 where 2xx``)."""
    if not condition:
        fail(expected, response, requirement=requirement, detail=detail, kind=kind)


def _as_set(value: int | Iterable[int]) -> tuple[int, ...]:
    return (value,) if isinstance(value, int) else tuple(value)


def _wanted(allowed: tuple[int, ...]) -> str:
    return " or ".join(str(s) for s in allowed)


def status(
    response: ApiResponse,
    expected: int | Iterable[int],
    *,
    requirement: str | None = None,
    why: str = "",
    subject: bool = False,
) -> ApiResponse:
    """The response has one of the expected statuses.

    A success a step needs (every status expected below 400, no ``requirement``, not
    ``subject``) is a precondition: when the target refuses it, the check is blocked by that
    route's answer instead of failing its own requirement. A check whose subject is that
    success says so (``subject=True`` or ``requirement=``)."""
    allowed = _as_set(expected)
    if response.status in allowed:
        return response
    wanted = _wanted(allowed)
    expected_text = f"HTTP {wanted}{(' (' + why + ')') if why else ''}"
    kind = f"status {response.status} where {wanted}"
    if not subject and requirement is None and all(s < 400 for s in allowed):
        with precondition(why or f"a request answering {wanted}"):
            fail(expected_text, response, kind=kind)
    fail(expected_text, response, requirement=requirement, kind=kind)
    return response  # pragma: no cover - fail() raises


def json_body(response: ApiResponse, *, requirement: str | None = None) -> Any:
    try:
        return response.json()
    except AssertionError as exc:
        problem = str(exc).splitlines()[0] if str(exc) else "the body is not valid JSON"
    fail("a JSON body", response, requirement=requirement, detail=problem, kind="body not JSON")
    return None  # pragma: no cover - fail() raises


def error(
    response: ApiResponse,
    expected_status: int | Iterable[int],
    codes: str | Iterable[str] | None = None,
    *,
    requirement: str | None = None,
) -> dict[str, Any]:
    """The response is an error with the documented envelope, status and code.

    Each of the three is judged and reported on its own (a wrong code and a wrong status are
    two breaches, so that a known wrong code cannot hide a status that changes)."""
    allowed = _as_set(expected_status)
    code_set = (codes,) if isinstance(codes, str) else (tuple(codes) if codes else ())
    wanted = _wanted(allowed)
    if code_set:
        wanted += " with code " + " or ".join(code_set)
    found: list[tuple[Breach, ApiResponse]] = []
    if response.status not in allowed:
        kind = f"status {response.status} where {_wanted(allowed)}"
        found.append((breach(wanted, response, requirement=requirement, kind=kind), response))
        if response.status < 400:
            raise_breaches(found)  # a success is no error: nothing more to judge
    body = response.json() if response.is_json else None
    problems = envelope_problems(body, response.status)
    if problems:
        found.append(
            (
                breach(
                    wanted + " in the error envelope",
                    response,
                    requirement=requirement,
                    detail=problems,
                    kind=f"error envelope: {problems}",
                ),
                response,
            )
        )
    elif code_set and body["code"] not in code_set:
        # the wrong code is named against the code promised for the status that came back (a
        # check accepting "403 jetonomy_forbidden or 404 jetonomy_not_found" that got a 403
        # names jetonomy_forbidden): one code replaced across the API is one cause, whatever
        # set of answers each check accepts
        documented = load_contract().error_codes
        promised = [c for c in code_set if documented.get(c) == response.status] or list(code_set)
        kind = f"code {body['code']} where {' or '.join(promised)}"
        found.append(
            (
                breach(
                    wanted,
                    response,
                    requirement=requirement,
                    detail=f"code is {body['code']!r}",
                    kind=kind,
                ),
                response,
            )
        )
    if found:
        raise_breaches(found)
    return body


def envelope_problems(body: Any, http_status: int | None = None) -> str | None:
    """Why ``body`` is not the documented error envelope (None if it is)."""
    if body is None:
        return "envelope: the body is not JSON"
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
