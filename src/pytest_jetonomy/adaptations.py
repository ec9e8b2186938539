"""Setup and helper requests adapted, openly, to what the server says it wants.

A check whose subject is a documented request sends it as the reference documents it, and
fails there if the server refuses it. The suite's own setup (the run-wide world, the
pagination lists, fresh objects, a factory's content) is not the subject of any check: when
the server refuses such a helper request with a 400 that says what it wants instead
(``data.params``: a list of the names it misses, as WordPress's
``rest_missing_callback_param``, or ``{name: why}`` for invalid ones, as
``rest_invalid_param`` and ``jetonomy_invalid_param``), or when its route index
(:mod:`.routeindex`) describes required arguments the body lacks, the request is adapted
once and sent again: the suite's values moved to the names the server demands (fitted by
kind, enumeration and words, with :func:`.bodies.fit`), a value respelled to the server's
enumeration, an optional parameter it refuses left out.

Every adaptation is noted (like the spellings of :mod:`.spellings`: a context variable per
test phase, carried on the test report as ``report.jetonomy_adaptations``) and listed in
the terminal summary, the JSON report (``adaptations``) and the HTML report, e.g.
``adapted: POST /spaces needed `title` (the suite sent `name`), which the reference does
not name``. What one process learned for a route is applied to the next helper request of
that route at once (no second refusal).

Only helper requests are adapted: those sent inside :func:`helper` (the plugin wraps every
test's setup in it; ``examples.fresh``, ``new_post``, ``new_reply`` and the factories use it
in a check's body). The client (:class:`.client.JetonomyClient`) asks :func:`helping` and
hands a helper write with a JSON object body to the run's :class:`Adapter`.
"""

from __future__ import annotations

import contextvars
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .bodies import Slot, _types, fit, slots, words
from .contract import Contract, Endpoint, load_contract
from .routeindex import RouteIndex

if TYPE_CHECKING:  # pragma: no cover
    from .client import ApiResponse, JetonomyClient

FROM_ANSWER = "the 400 answer's data.params"
FROM_INDEX = "the route index"

_helping: contextvars.ContextVar[bool] = contextvars.ContextVar("jetonomy_helping", default=False)
_notes: contextvars.ContextVar[list[dict[str, Any]] | None] = contextvars.ContextVar(
    "jetonomy_adaptations", default=None
)


# -- helper context ------------------------------------------------------------------------------
@contextmanager
def helper() -> Iterator[None]:
    """Requests sent inside are the suite's own setup (never a check's subject): a write the
    server refuses for its body may be adapted (see the module docstring)."""
    token = _helping.set(True)
    try:
        yield
    finally:
        _helping.reset(token)


@contextmanager
def subject() -> Iterator[None]:
    """Requests sent inside are a check's subject, even within a helper: never adapted."""
    token = _helping.set(False)
    try:
        yield
    finally:
        _helping.reset(token)


def helping() -> bool:
    return _helping.get()


# -- notes, per test phase -----------------------------------------------------------------------
def start() -> contextvars.Token[list[dict[str, Any]] | None]:
    return _notes.set([])


def take(token: contextvars.Token[list[dict[str, Any]] | None]) -> list[dict[str, Any]]:
    collected = _notes.get() or []
    _notes.reset(token)
    return collected


def note(adaptation: Adaptation) -> None:
    notes = _notes.get()
    record = adaptation.to_dict()
    if notes is not None and record not in notes:
        notes.append(record)


# -- what an adaptation is -----------------------------------------------------------------------
@dataclass(frozen=True)
class Change:
    """One parameter of a helper body, as the server wanted it."""

    sent: str
    """The suite's name of the parameter."""
    needed: str | None
    """The server's name for it (None: left out)."""
    value: Any = None
    """A value respelled to the server's enumeration (``respelled``)."""
    respelled: bool = False
    why: str = ""
    """The server's reason, for a parameter left out."""
    documented: bool = True
    """Whether the reference names ``needed`` for this route."""

    def text(self) -> str:
        if self.needed is None:
            return (
                f"refused `{self.sent}`"
                + (f" ({self.why})" if self.why else "")
                + ", sent without it"
            )
        if self.respelled and self.sent == self.needed:
            return f"took `{self.needed}` as {self.value!r}"
        text = f"needed `{self.needed}` (the suite sent `{self.sent}`"
        text += f", as {self.value!r})" if self.respelled else ")"
        if not self.documented:
            text += ", which the reference does not name"
        return text

    def to_dict(self) -> dict[str, Any]:
        return {
            "sent": self.sent,
            "needed": self.needed,
            "value": self.value if self.respelled else None,
            "why": self.why or None,
            "documented": self.documented,
        }


@dataclass(frozen=True)
class Adaptation:
    """How the helper bodies of one route are adapted."""

    route: str
    """``POST /spaces`` (the catalogue route)."""
    changes: tuple[Change, ...]
    source: str
    """Where the server said it: :data:`FROM_ANSWER` or :data:`FROM_INDEX`."""

    def apply(self, body: dict[str, Any]) -> dict[str, Any]:
        out = dict(body)
        for change in self.changes:
            if change.sent not in out:
                continue
            value = out.pop(change.sent)
            if change.needed is not None:
                out[change.needed] = change.value if change.respelled else value
        return out

    @property
    def text(self) -> str:
        return f"{self.route} " + "; ".join(c.text() for c in self.changes)

    def to_dict(self) -> dict[str, Any]:
        return {
            "route": self.route,
            "adaptation": self.text,
            "source": self.source,
            "changes": [c.to_dict() for c in self.changes],
        }


def demanded(response: ApiResponse) -> dict[str, str] | None:
    """What a 400 answer says the server wants: ``{name: why}`` from ``data.params`` (a list
    of missing names, or an object name -> why); None when it says nothing usable."""
    if response.status != 400 or not response.is_json:
        return None
    body = response.json()
    data = body.get("data") if isinstance(body, dict) else None
    params = data.get("params") if isinstance(data, dict) else None
    if isinstance(params, list):
        names = {str(p): "" for p in params if isinstance(p, (str, int)) and str(p)}
    elif isinstance(params, dict):
        names = {str(k): v if isinstance(v, str) else "" for k, v in params.items()}
    else:
        return None
    return names or None


def endpoint_of(contract: Contract, method: str, url: str) -> Endpoint | None:
    """The catalogue endpoint a request goes to (None outside the catalogue)."""
    label = contract.route_of(method, url)
    return next((e for e in contract.endpoints if e.label == label), None)


def adapt(
    endpoint: Endpoint,
    body: dict[str, Any],
    wanted: dict[str, str],
    described: dict[str, dict[str, Any]] | None,
    source: str,
) -> Adaptation | None:
    """The adaptation of ``body`` (the suite's body for ``endpoint``) to what the server
    wants (``wanted``: name -> why), knowing what its index describes (``described``, None
    when it describes nothing); None when the suite cannot give the server what it wants.

    A wanted name the body lacks takes the value of a parameter of the body the server does
    not know (every one of them when its index describes nothing), the one that fits the
    described argument best by kind, enumeration and words (:func:`.bodies.fit`; a parameter
    the reference makes required counts more, since the server requires the name it wants).
    A wanted name the body has (an invalid value) is respelled to the server's enumeration
    when the value is one of its words, or left out when the reference makes it optional.
    """
    described = described or {}
    known = set(described)
    spare = [
        s
        for s in slots(endpoint, body)
        if s.name not in wanted and (not known or s.name not in known)
    ]
    changes: list[Change] = []
    used: set[str] = set()
    for name, why in wanted.items():
        spec = described.get(name, {})
        if name in body:
            change = _respell(endpoint, body, name, spec, why)
            if change is None:
                return None
            changes.append(change)
            continue
        best = _best_slot([s for s in spare if s.name not in used], name, spec)
        if best is None:
            return None
        used.add(best.name)
        value = fit(best, name, spec)
        respelled = value is not None and value[1] != best.value
        changes.append(
            Change(
                best.name,
                name,
                value[1] if respelled and value else None,
                respelled,
                documented=endpoint.param(name) is not None,
            )
        )
    return Adaptation(endpoint.label, tuple(changes), source) if changes else None


def _best_slot(spare: list[Slot], name: str, spec: dict[str, Any]) -> Slot | None:
    """The spare parameter that fits ``name`` best; None when none fits, or two fit equally."""
    scored = []
    for slot in spare:
        fitted = fit(slot, name, spec)
        if fitted is not None:
            scored.append((fitted[0] + (2 if slot.required else 0), slot))
    scored.sort(key=lambda pair: -pair[0])
    if not scored or (len(scored) > 1 and scored[0][0] == scored[1][0]):
        return None
    return scored[0][1]


def _respell(
    endpoint: Endpoint, body: dict[str, Any], name: str, spec: dict[str, Any], why: str
) -> Change | None:
    enum = spec.get("enum") if isinstance(spec.get("enum"), list) else None
    if enum:
        spelled = [v for v in enum if str(v).lower() == str(body[name]).lower()]
        if spelled and spelled[0] != body[name]:
            return Change(name, name, spelled[0], True)
    param = endpoint.param(name)
    if param is not None and param.required is not True:
        return Change(name, None, why=why)
    return None


# -- the adapter -----------------------------------------------------------------------------------
@dataclass
class Adapter:
    """Adapts the helper writes of one process (one per run: ``JetonomyRun.adapter``)."""

    route_index: Callable[[], RouteIndex]
    contract: Contract = field(default_factory=load_contract)
    learned: dict[str, Adaptation] = field(default_factory=dict)
    """Route -> the adaptation that made a helper request of it succeed (this process)."""
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def send(
        self,
        client: JetonomyClient,
        method: str,
        path: str,
        body: dict[str, Any],
        **kwargs: Any,
    ) -> ApiResponse:
        """Send a helper write, adapted when the server says how (see :func:`adapt`)."""
        url = client.url_for(path)
        endpoint = endpoint_of(self.contract, method, url)
        if endpoint is None:
            return client.request(method, path, json_body=body, adapt=False, **kwargs)
        with self._lock:
            known = self.learned.get(endpoint.label)
        described = self._described(method, path)
        missing = {
            name: "required by the route index"
            for name, spec in (described or {}).items()
            if spec.get("required") is True and name not in body
        }
        if known is None and missing:
            known = adapt(endpoint, body, missing, described, FROM_INDEX)
        sent = known.apply(body) if known is not None else body
        response = client.request(method, path, json_body=sent, adapt=False, **kwargs)
        if 200 <= response.status < 300:
            if known is not None:
                self._learn(known)
            return response
        wanted = demanded(response)
        if wanted is None:
            return response
        better = adapt(endpoint, body, {**missing, **wanted}, described, FROM_ANSWER)
        if better is None or better.apply(body) == sent:
            return response
        retry = client.request(method, path, json_body=better.apply(body), adapt=False, **kwargs)
        if 200 <= retry.status < 300:
            self._learn(better)
            return retry
        return response

    def _described(self, method: str, path: str) -> dict[str, dict[str, Any]] | None:
        try:
            return self.route_index().args(method, path)
        except AssertionError:  # an index the target does not answer usably
            return None

    def _learn(self, adaptation: Adaptation) -> None:
        with self._lock:
            self.learned[adaptation.route] = adaptation
        note(adaptation)


# -- deletions the server describes ------------------------------------------------------------------
DELETING_WORDS = frozenset(
    {"delete", "deletion", "permanent", "permanently", "purge", "hard", "destroy", "erase", "force"}
)
"""Words of an argument (a boolean's name, an enumeration's value) that mean deleting."""


def deletions(described: dict[str, dict[str, Any]] | None) -> list[dict[str, Any]]:
    """The deletions a route index describes for a DELETE route (its ``args``), best first:
    an enumerated argument (``mode``) set to a value that means deleting (``delete``,
    ``permanent``, ``purge``, ``hard``, ``destroy``...), or a boolean whose name means it
    (``force``, WordPress core's convention for bypassing the trash) set true. Values that
    only hide an object (``archive``, ``trash``) are never chosen."""
    found: list[dict[str, Any]] = []
    for name, spec in (described or {}).items():
        enum = spec.get("enum") if isinstance(spec.get("enum"), list) else None
        if enum:
            found += [{name: value} for value in enum if words(str(value)) & DELETING_WORDS]
        elif "boolean" in _types(spec) and words(name) & DELETING_WORDS:
            found.append({name: True})
    return found


def deletion_adaptation(route: str, params: dict[str, Any], placement: str) -> dict[str, Any]:
    """The record (as :meth:`Adaptation.to_dict`) of a deletion the documented request did
    not make, made with the arguments the route index describes (``placement``: ``query``
    or ``body``)."""
    shown = ", ".join(
        f"`{name}={str(value).lower() if isinstance(value, bool) else value}`"
        for name, value in params.items()
    )
    return {
        "route": route,
        "adaptation": f"{route} did not delete as documented; deleted with {shown} "
        f"(in the {placement}), which the route index describes and the reference does not "
        "name",
        "source": FROM_INDEX,
        "changes": [
            {"sent": None, "needed": name, "value": value, "why": None, "documented": False}
            for name, value in params.items()
        ],
    }


# -- gathered on the controller ---------------------------------------------------------------------
class AdaptationBook:
    """Every adaptation of the run, once each (whichever processes and tests learned it)."""

    def __init__(self) -> None:
        self.seen: dict[str, dict[str, Any]] = {}
        self.checks: Counter[str] = Counter()

    def add(self, notes: list[dict[str, Any]] | None) -> None:
        for record in notes or ():
            key = record["adaptation"]
            self.seen.setdefault(key, record)
            self.checks[key] += 1

    def section(self) -> list[dict[str, Any]]:
        """One entry per adaptation: the route, the text, where the server said it, the
        changes, and how many test phases needed it."""
        return [{**record, "checks": self.checks[key]} for key, record in sorted(self.seen.items())]


def lines(section: list[dict[str, Any]]) -> list[str]:
    """The terminal summary's lines: one per adaptation."""
    return [
        f"adapted: {entry['adaptation']} (said by {entry['source']}; "
        f"{entry['checks']} test(s) needed it)"
        for entry in section
    ]
