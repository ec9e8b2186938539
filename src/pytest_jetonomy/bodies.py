"""Request bodies the reference does not document, learned from the server's own description.

The reference names no field for some bodies (``POST /flags``, ``POST /moderation/ban``,
``POST``/``DELETE /subscriptions`` and ``/bookmarks``, ``PATCH /notifications/{id}``...). The
endpoint catalogue gives the suite's own reading of each (params marked
``"documented": false``), which says what the body must convey: a choice among words
("post"), an id, a text, a flag, an object, a date. The server describes the fields it
wants in its namespace index (:mod:`.routeindex`, WordPress's ``args``: name, type, enum,
required, description); :func:`learn` fits the suite's intent to them. Without a
description, the suite's own reading is sent as it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .contract import Endpoint
from .routeindex import RouteIndex

_WORD = re.compile(r"[a-z0-9]+")


def words(text: str) -> set[str]:
    """Lower-case words of a name or description (``object_id`` -> {object, id})."""
    found = set(_WORD.findall(text.lower().replace("_", " ")))
    return found | {w[:-1] for w in found if w.endswith("s") and len(w) > 3}


@dataclass(frozen=True)
class Slot:
    """One thing an undocumented body conveys, in the suite's reading."""

    name: str
    kind: str
    """choice (a word among a few), id, text, flag, object, when (a date-time), list."""
    value: Any
    required: bool


def kind_of(param: Any, raw: dict[str, Any]) -> str:
    if param.type == "string" and param.enum:
        return "choice"
    if param.type == "string" and raw.get("format") == "date-time":
        return "when"
    return {
        "integer": "id",
        "boolean": "flag",
        "object": "object",
        "array": "list",
    }.get(param.type, "text")


def undocumented(endpoint: Endpoint) -> list[str]:
    """Names of the endpoint's body parameters that are only the suite's reading."""
    return [
        p["name"]
        for p in endpoint.raw.get("params", [])
        if p.get("in") == "body" and p.get("documented") is False
    ]


def slots(endpoint: Endpoint, body: dict[str, Any]) -> list[Slot]:
    """The body (in the suite's reading) as slots, from the catalogue's parameters."""
    raw = {p["name"]: p for p in endpoint.raw.get("params", [])}
    out = []
    for name, value in body.items():
        param = endpoint.param(name)
        if param is None:
            out.append(Slot(name, "text" if isinstance(value, str) else "id", value, False))
            continue
        out.append(Slot(name, kind_of(param, raw[name]), value, param.required is True))
    return out


def _types(spec: dict[str, Any]) -> set[str]:
    declared = spec.get("type")
    if isinstance(declared, list):
        return {str(t) for t in declared}
    return {str(declared)} if declared else set()


def _flag_word(slot: Slot, enum: list[Any]) -> Any:
    """For a flag conveyed by a two-word enum (["read", "unread"]): the word for the value."""
    if len(enum) != 2:
        return None
    named = [v for v in enum if str(v).lower() in words(slot.name)]
    if len(named) != 1:
        return None
    other = next(v for v in enum if v is not named[0])
    return named[0] if slot.value else other


def fit(slot: Slot, name: str, spec: dict[str, Any]) -> tuple[int, Any] | None:
    """How well an argument described as ``name: spec`` takes ``slot`` (higher is better),
    and the value to send; None when it cannot take it."""
    types = _types(spec)
    enum = spec.get("enum") if isinstance(spec.get("enum"), list) else None
    untyped = not types and not enum
    score: int | None = None
    value = slot.value
    if slot.kind == "choice":
        if enum:
            spelled = [v for v in enum if str(v).lower() == str(slot.value).lower()]
            if spelled:
                score, value = 10, spelled[0]
        elif untyped or "string" in types:
            score = 1
    elif slot.kind == "id":
        if types & {"integer", "number"}:
            score = 5
        elif untyped:
            score = 1
    elif slot.kind == "flag":
        if "boolean" in types:
            score = 5
        elif enum and _flag_word(slot, enum) is not None:
            score, value = 8, _flag_word(slot, enum)
        elif untyped:
            score = 1
    elif slot.kind == "when":
        if spec.get("format") == "date-time":
            score = 5
        elif untyped or "string" in types:
            score = 1
    elif slot.kind in ("object", "list"):
        wanted = "object" if slot.kind == "object" else "array"
        if wanted in types:
            score = 5
        elif untyped:
            score = 1
    elif "string" in types and not enum and spec.get("format") != "date-time":
        score = 5
    elif untyped:
        score = 1
    if score is None:
        return None
    shared = words(slot.name) & (words(name) | words(str(spec.get("description", ""))))
    return score + 3 * len(shared), value


@dataclass(frozen=True)
class Learned:
    body: dict[str, Any]
    source: str
    """Where the field names come from: "the route index" or "the suite's reading"."""

    def describe(self, endpoint: Endpoint) -> str:
        return f"{endpoint.label}: {{{', '.join(self.body)}}} ({self.source})"


def learn(
    endpoint: Endpoint,
    body: dict[str, Any],
    index: RouteIndex | None,
    concrete_path: str,
) -> Learned:
    """The body to send for ``body`` (written in the suite's reading of an undocumented
    body), fitted to the arguments the server describes for that route; the suite's reading
    as it is when the server describes none (or they cannot take it)."""
    mine = Learned(dict(body), "the suite's reading")
    described = index.args(endpoint.method, concrete_path) if index is not None else None
    if not described or not undocumented(endpoint):
        return mine
    pairs = []
    for slot in slots(endpoint, body):
        for name, spec in described.items():
            fitted = fit(slot, name, spec)
            if fitted is not None:
                pairs.append((fitted[0], slot, name, fitted[1]))
    pairs.sort(key=lambda pair: -pair[0])
    sent: dict[str, Any] = {}
    used: set[str] = set()
    for _, slot, name, value in pairs:
        if slot.name in used or name in sent:
            continue
        used.add(slot.name)
        sent[name] = value
    unfilled = [
        name
        for name, spec in described.items()
        if spec.get("required") is True and name not in sent
    ]
    if unfilled:
        return mine
    if sent == body:
        return Learned(sent, "the route index, as the suite reads it")
    return Learned(sent, "the route index")
