"""Assertions for checks: a failure says which requirement, what was sent, what was promised,
and what came back (secrets masked).

Each helper fails the test with ``pytest.fail(..., pytrace=False)`` and a message like::

    [JT-AUTH-026 MUST] Auth-required endpoints refuse anonymous callers with 401, never serving them. (reference: Authentication)
      expected: 401 with code jetonomy_not_logged_in
      sent: POST http://127.0.0.1:8080/wp-json/jetonomy/v1/spaces/3/posts as anonymous body={...}
      got:  201 (application/json) {"id": 12, ...}

The evidence (masked request and response) is also kept for the certification report.

A check that verifies several independent things (a refusal and the state it leaves; the
presence and the value of a header) judges them all inside ``with expect.soft():``: every
breach of the block is collected, and the check fails once, at the end of the block, with
all of them (each with its own signature), so that a known wrong code cannot hide an
authentication bypass on the same answer.
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


class _Soft:
    """The breaches a :func:`soft` block collected, and the requirements it judged."""

    def __init__(self) -> None:
        self.found: list[tuple[Breach, ApiResponse | Exchange | None]] = []
        self.judged: set[str] = set()


_soft: contextvars.ContextVar[_Soft | None] = contextvars.ContextVar("jetonomy_soft", default=None)


def _judge(*requirements: str | None) -> None:
    """Note, inside a :func:`soft` block, the requirements an assertion judges (the check's
    own when it names none and has exactly one), passed or not."""
    block = _soft.get()
    if block is None:
        return
    for requirement in requirements:
        if requirement is None:
            requirement = _requirements.own()
        if requirement is not None:
            block.judged.add(requirement)


@contextmanager
def soft() -> Iterator[None]:
    """Judge every assertion of the block, and fail once at its end with every breach found.

    Inside the block the assertions of this module record their breach and go on (``fail``,
    ``that``, ``error``... return instead of raising); at the end of the block the check
    fails with all of them, each with its own signature. A requirement judged in the block
    and not breached counts as verified by the check (passed), not blocked by the others: put
    in the block every assertion of the requirements it judges. Preconditions inside the
    block still block at once; anything that stops the block after a breach (code that
    needed what broke, a blocked step) ends it with the breaches found so far. Nested blocks
    are one block.
    """
    if _soft.get() is not None:
        yield
        return
    block = _Soft()
    token = _soft.set(block)
    stopped: BaseException | None = None
    try:
        yield
    except (Exception, pytest.fail.Exception, pytest.skip.Exception) as exc:
        if not block.found:
            raise
        stopped = exc
    finally:
        _soft.reset(token)
    if stopped is not None:
        more = list(stopped.breaches) if isinstance(stopped, CheckFailed) else []
        note = ""
        if not more:
            text = str(stopped).strip()
            note = "then the check stopped: " + (
                text.splitlines()[0] if text else type(stopped).__name__
            )
        raise _collected(block, [(b, None) for b in more], note) from None
    if block.found:
        raise_breaches(_unique(block.found), judged=block.judged)


def _unique(
    found: list[tuple[Breach, ApiResponse | Exchange | None]],
) -> list[tuple[Breach, ApiResponse | Exchange | None]]:
    """One breach per signature (a block that judges in a loop may see one breach twice)."""
    seen: set[str] = set()
    out = []
    for item in found:
        if item[0].signature not in seen:
            seen.add(item[0].signature)
            out.append(item)
    return out


def _collected(
    block: _Soft, more: list[tuple[Breach, ApiResponse | Exchange | None]], note: str = ""
) -> CheckFailed:
    """The failure of a soft block that stopped before its end: its breaches so far (what it
    did not reach counts as blocked: nothing is taken as judged in full)."""
    found = _unique(block.found + more)
    message = "\n".join(_message(b, response) for b, response in found)
    if note:
        message += f"\n({note})"
    error = CheckFailed(message, [b for b, _ in found])
    step = _precondition.get()
    if step is not None:
        return blocking(error, step)  # type: ignore[return-value]
    return error


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
    /spaces/{space_id}/posts as anonymous``), or the running check when no answer is shown.
    Normalised like a breach's kind: a path outside the catalogue (``/no-such-route/
    jtc-1a2b3c4d-7``) keeps no run prefix, token or id."""
    exchange = _exchange_of(response)
    if exchange is None:
        return "(the check)"
    route = load_contract().route_of(exchange.method, exchange.url)
    return normalise(f"{route} as {exchange.identity}")


def breach(
    expected: str,
    response: ApiResponse | Exchange | None = None,
    *,
    requirement: str | None = None,
    detail: str | None = None,
    kind: str | None = None,
) -> Breach:
    """The breach a failure reports (the check's own requirement when it names none and has
    exactly one, its ``code=`` requirements aside)."""
    if requirement is None:
        requirement = _requirements.own()
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


def raise_breaches(
    found: list[tuple[Breach, ApiResponse | Exchange | None]],
    *,
    judged: Iterable[str] = (),
) -> None:
    """Fail the check with these breaches (one message each, in order); inside a
    :func:`precondition` the check is blocked instead; inside a :func:`soft` block they are
    recorded and the check goes on."""
    block = _soft.get()
    if block is not None:
        block.found.extend(found)
        return
    message = "\n".join(_message(b, response) for b, response in found)
    error = CheckFailed(message, [b for b, _ in found])
    error.judged = tuple(sorted(judged))
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
    """Fail the current check with the standard message and a typed breach (inside a
    :func:`soft` block: record it and go on)."""
    _judge(requirement)
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
    outside = _soft.set(None)  # a precondition blocks at once, also inside a soft block
    try:
        yield
    except Blocked:
        raise
    except (AssertionError, pytest.fail.Exception) as exc:
        raise blocking(exc, step) from None
    finally:
        _soft.reset(outside)
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
    _judge(requirement)
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
    _judge(requirement)
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
    step = not subject and requirement is None and all(s < 400 for s in allowed)
    if not step:
        _judge(requirement)
    if response.status in allowed:
        return response
    wanted = _wanted(allowed)
    expected_text = f"HTTP {wanted}{(' (' + why + ')') if why else ''}"
    kind = f"status {response.status} where {wanted}"
    if step:
        with precondition(why or f"a request answering {wanted}"):
            fail(expected_text, response, kind=kind)
    fail(expected_text, response, requirement=requirement, kind=kind)
    return response  # inside a soft block: the breach is recorded


def json_body(response: ApiResponse, *, requirement: str | None = None) -> Any:
    _judge(requirement)
    try:
        return response.json()
    except AssertionError as exc:
        problem = str(exc).splitlines()[0] if str(exc) else "the body is not valid JSON"
    fail("a JSON body", response, requirement=requirement, detail=problem, kind="body not JSON")
    return None  # inside a soft block: the breach is recorded


def error(
    response: ApiResponse,
    expected_status: int | Iterable[int],
    codes: str | Iterable[str] | None = None,
    *,
    requirement: str | None = None,
    code_requirement: str | None = None,
) -> dict[str, Any]:
    """The response is an error with the documented envelope, status and code.

    Each of the three is judged and reported on its own (a wrong code and a wrong status are
    two breaches, so that a known wrong code cannot hide a status that changes). The status
    is ``requirement``'s (the check's own by default); the envelope and the code are
    ``code_requirement``'s (by default the check's ``code=`` requirement, if its marker names
    one): a refusal (a security promise) and the words it is said in (vocabulary) are then
    two requirements. A success answers no envelope and no code: only the status is judged
    then."""
    allowed = _as_set(expected_status)
    code_set = (codes,) if isinstance(codes, str) else (tuple(codes) if codes else ())
    wanted = _wanted(allowed)
    if code_set:
        wanted += " with code " + " or ".join(code_set)
    declared = _requirements.current_code()
    worded = code_requirement or (declared[0] if len(declared) == 1 else None) or requirement
    _judge(requirement)
    found: list[tuple[Breach, ApiResponse]] = []
    if response.status not in allowed:
        kind = f"status {response.status} where {_wanted(allowed)}"
        found.append((breach(wanted, response, requirement=requirement, kind=kind), response))
        if response.status < 400:
            raise_breaches(found)  # a success is no error: nothing more to judge
            return {}  # inside a soft block: the breach is recorded
    if response.status in allowed:  # the words of the promised answer: judged in full
        _judge(worded)
    body = response.json() if response.is_json else None
    problems = envelope_problems(body, response.status)
    if problems:
        found.append(
            (
                breach(
                    wanted + " in the error envelope",
                    response,
                    requirement=worded,
                    detail=problems,
                    kind=f"error envelope: {problems}",
                ),
                response,
            )
        )
    elif (
        code_set
        and body["code"] not in code_set
        and not (
            # another error than promised, said with the documented code of that error (400
            # jetonomy_invalid_param where 403 was promised): its words are right, its status
            # is the breach
            response.status not in allowed
            and load_contract().error_codes.get(body["code"]) == response.status
        )
    ):
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
                    requirement=worded,
                    detail=f"code is {body['code']!r}",
                    kind=kind,
                ),
                response,
            )
        )
    if found:
        raise_breaches(found)
    return body if isinstance(body, dict) else {}


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
    _judge(requirement)
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
