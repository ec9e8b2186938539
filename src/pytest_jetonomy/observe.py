"""Observing facts by behaviour, not by field name.

The reference promises facts without naming fields ("including vote counts, reply count,
tags, and author info"). A check therefore finds a fact by what the suite controls: a value
it sent or learned (an id, a unique word, a login), or what an action changed (read, act,
read again). These helpers work on any JSON value:

- :func:`leaves` flattens a value into ``{path: scalar}``; :func:`show` prints a path;
- :func:`where`, :func:`holds`, :func:`holds_text` find a value anywhere;
- :func:`changes` lists what differs between two reads; :class:`Observation` reads an
  object twice first, so that what moves on its own (a view counter, an activity
  timestamp) is never taken for an effect of the action.

- :class:`Reader` (:func:`object_reader`, :func:`item_reader`) reads one object again and
  again for an observation, keeping the last answer (the exchange a failure shows);
- :func:`appeared`, :func:`vanished` tell what a list gained and lost around an action;
- :class:`TopLevelId` and :class:`HeldUser` tell list entries apart (by their ``id``, or by
  the user id they hold, found by value: :func:`user_path`); :func:`positional` finds the
  integers that count the entries' positions (a rank).

Only the key ``id`` is read by name: the reference itself addresses every object by id.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from . import expect

if TYPE_CHECKING:
    from .client import ApiResponse

Path = tuple[Any, ...]
"""Keys and list indexes from the root of a JSON value to one of its parts."""

_TIMESTAMP = re.compile(
    r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|z|[+-]\d{2}:?\d{2})?)?$"
)


def leaves(value: Any, path: Path = ()) -> dict[Path, Any]:
    """Every scalar of ``value`` by its path; an empty object or array is a leaf itself."""
    out: dict[Path, Any] = {}
    if isinstance(value, dict) and value:
        for key, item in value.items():
            out.update(leaves(item, (*path, key)))
    elif isinstance(value, list) and value:
        for index, item in enumerate(value):
            out.update(leaves(item, (*path, index)))
    else:
        out[path] = value
    return out


def show(path: Path) -> str:
    """``("author", "id")`` -> ``author.id``; ``("tags", 0)`` -> ``tags[0]``; a generic
    ``("tags", "[]", "slug")`` -> ``tags[].slug``."""
    text = ""
    for part in path:
        if isinstance(part, int) or part == "[]":
            text += "[]" if part == "[]" else f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text or "(the body itself)"


def generic(path: Path) -> Path:
    """The path with list indexes replaced by ``[]`` (the same field in every item)."""
    return tuple("[]" if isinstance(part, int) else part for part in path)


def is_integer(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def matches(leaf: Any, wanted: Any) -> bool:
    """Whether a leaf holds ``wanted``: an integer also as a numeric string (a type problem
    that the type checks report, not a reason to miss the object), a string exactly."""
    if is_integer(wanted):
        if is_integer(leaf):
            return leaf == wanted
        if isinstance(leaf, float):
            return leaf == wanted
        return isinstance(leaf, str) and leaf.strip().lstrip("+") == str(wanted)
    if isinstance(wanted, bool):
        return leaf is wanted
    return leaf == wanted


def where(value: Any, wanted: Any) -> list[Path]:
    """The paths at which ``value`` holds ``wanted``."""
    return [path for path, leaf in leaves(value).items() if matches(leaf, wanted)]


def holds(value: Any, wanted: Any) -> bool:
    return bool(where(value, wanted))


def holds_text(value: Any, text: str) -> bool:
    """Whether some string of ``value`` contains ``text`` (case-insensitive)."""
    needle = text.casefold()
    return any(
        isinstance(leaf, str) and needle in leaf.casefold() for leaf in leaves(value).values()
    )


def by_id(items: Iterable[Any], wanted: Any) -> Any:
    """The first item whose top-level ``id`` is ``wanted`` (None if none)."""
    for item in items:
        if isinstance(item, dict) and "id" in item and matches(item["id"], wanted):
            return item
    return None


def holding(items: Iterable[Any], wanted: Any) -> Any:
    """The first item holding ``wanted`` anywhere (None if none)."""
    for item in items:
        if holds(item, wanted):
            return item
    return None


def identity(item: Any) -> Hashable:
    """What tells one list item from another: its top-level ``id`` when it has one, else
    the item itself (canonical JSON)."""
    if isinstance(item, dict) and is_integer(item.get("id")):
        return ("id", item["id"])
    return json.dumps(item, sort_keys=True, default=str)


def is_timestamp(value: Any) -> bool:
    return isinstance(value, str) and bool(_TIMESTAMP.match(value.strip()))


@dataclass(frozen=True)
class Change:
    path: Path
    old: Any
    new: Any

    @property
    def step(self) -> int | None:
        """``new - old`` when both are JSON integers (a count that moved), else None."""
        if is_integer(self.old) and is_integer(self.new):
            return self.new - self.old
        return None

    def __str__(self) -> str:
        return f"{show(self.path)}: {self.old!r} -> {self.new!r}"


_ABSENT = object()


def changes(before: Any, after: Any, ignore: Iterable[Path] = ()) -> list[Change]:
    """What differs between two values, leaf by leaf (appeared and vanished leaves too).

    ``ignore`` are paths that move on their own; a change from one timestamp to another is
    activity, not an effect, and is left out too.
    """
    skipped = set(ignore)
    old, new = leaves(before), leaves(after)
    out = []
    for path in sorted(set(old) | set(new), key=show):
        a, b = old.get(path, _ABSENT), new.get(path, _ABSENT)
        if a == b and type(a) is type(b):
            continue
        if path in skipped or (is_timestamp(a) and is_timestamp(b)):
            continue
        out.append(Change(path, None if a is _ABSENT else a, None if b is _ABSENT else b))
    return out


@dataclass
class Observation:
    """An object read twice before anything is done to it: :meth:`diff` then reports only
    what a later read shows changed beyond what moved on its own between the two reads."""

    before: Any
    drift: set[Path] = field(default_factory=set)

    @classmethod
    def take(cls, read: Callable[[], Any]) -> Observation:
        first = read()
        second = read()
        return cls(second, {c.path for c in changes(first, second)})

    def diff(self, after: Any) -> list[Change]:
        return changes(self.before, after, self.drift)

    def same(self, after: Any) -> bool:
        return not self.diff(after)


def counts(changed: Iterable[Change]) -> list[Change]:
    """The changes of JSON integers (counts that moved)."""
    return [c for c in changed if c.step is not None]


def describe(changed: Iterable[Change], limit: int = 6) -> str:
    items = [str(c) for c in changed]
    more = f" (+{len(items) - limit} more)" if len(items) > limit else ""
    return "; ".join(items[:limit]) + more if items else "nothing changed"


def integer_moves(changed: Iterable[Change]) -> tuple[list[Change], list[Change]]:
    """(the changes of JSON integers, the changes of numbers that are no JSON integers:
    ``"3"`` or ``3.0``, a count with the wrong type)."""
    changed = list(changed)
    ints = [c for c in changed if c.step is not None]
    untyped = [
        c
        for c in changed
        if c.step is None
        and number(c.old) is not None
        and number(c.new) is not None
        and number(c.old) != number(c.new)
        and not (is_integer(c.old) and is_integer(c.new))
    ]
    return ints, untyped


_NUMERIC_TEXT = re.compile(r"\s*[+-]?\d+(\.\d+)?\s*")


def number(value: Any) -> float | None:
    """A number, also one sent as a string (``"3"``, ``"3.0"``) or a float (``3.0``); None
    for anything else (a boolean is no number)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str) and _NUMERIC_TEXT.fullmatch(value):
        return float(value)
    return None


# -- values found by key and value, at any depth ---------------------------------------------
def under_key(body: Any, key: str, value: Any) -> list[Path]:
    """The paths at which ``body`` holds ``value`` under the key ``key`` (a settings entry the
    suite sent: both its key and its value are the suite's own)."""
    return [path for path in where(body, value) if path and path[-1] == key]


def located(value: Any, wanted: Any, path: Path = ()) -> list[tuple[Path, dict[str, Any]]]:
    """Every object of ``value`` (at any depth) whose ``id`` is ``wanted``, with its path: a
    threaded list may show a child reply inside its parent's entry."""
    found: list[tuple[Path, dict[str, Any]]] = []
    if isinstance(value, dict):
        if "id" in value and matches(value["id"], wanted):
            found.append((path, value))
        for key, item in value.items():
            found += located(item, wanted, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += located(item, wanted, (*path, index))
    return found


def value_at(entry: Any, path: Path) -> Any:
    """The first value of ``entry`` at the (generic) ``path``; None when it has none."""
    wanted = generic(path)
    return next((v for p, v in leaves(entry).items() if generic(p) == wanted), None)


# -- reading an object again and again -------------------------------------------------------
def json_object(response: ApiResponse, what: str) -> dict[str, Any]:
    """The JSON object of an answer (the check fails, showing the exchange, if it is none)."""
    body = expect.json_body(response)
    expect.that(isinstance(body, dict), f"{what} as a JSON object", response)
    return body


def read_object(client: Any, path: str, what: str) -> tuple[dict[str, Any], ApiResponse]:
    """``GET path`` as ``client``: 200 and a JSON object (or the check fails), with the answer."""
    response = client.get(path)
    expect.status(response, 200, why=f"read {what}")
    return json_object(response, what), response


class Reader:
    """One read of an object, callable with no argument (for :meth:`Observation.take`);
    ``last`` is the answer of the latest read: the exchange a failure shows."""

    def __init__(self, read_once: Callable[[], tuple[Any, ApiResponse]]) -> None:
        self._read_once = read_once
        self.last: ApiResponse | None = None

    def __call__(self) -> Any:
        body, self.last = self._read_once()
        return body


def object_reader(client: Any, path: str, what: str) -> Reader:
    """Reads ``GET path`` as ``client`` (200, a JSON object)."""
    return Reader(lambda: read_object(client, path, what))


def item_reader(client: Any, list_path: str, item_id: Any, what: str) -> Reader:
    """Reads the item of ``id`` ``item_id`` of the list at ``list_path`` (walked page by page
    at the documented default size until it is found); the check fails when it is not listed."""
    from .lists import find  # lists reads values with this module

    def once() -> tuple[Any, ApiResponse]:
        item, response = find(client, list_path, item_id)
        if item is None:
            expect.fail(f"{what} listed in GET {list_path} (an item with id {item_id})", response)
        return item, response

    return Reader(once)


# -- what a list gained and lost -------------------------------------------------------------
def appeared(before: Iterable[Any], after: Iterable[Any]) -> list[Any]:
    """The items of ``after`` that ``before`` did not have (by :func:`identity`: the
    top-level id, else the whole item: an entry that changed is a new entry)."""
    known: set[Hashable] = {identity(item) for item in before}
    return [item for item in after if identity(item) not in known]


def vanished(before: Iterable[Any], after: Iterable[Any]) -> list[Any]:
    """The items of ``before`` that ``after`` no longer has."""
    return appeared(after, before)


# -- telling list entries apart by value -----------------------------------------------------
def columns(entries: list[Any]) -> dict[Path, list[int]]:
    """The integer values of the entries by (generic) path, for the paths at which every
    entry holds an integer."""
    found: dict[Path, list[int]] = {}
    for index, entry in enumerate(entries):
        for path, value in leaves(entry).items():
            key = generic(path)
            if is_integer(value) and len(found.setdefault(key, [])) == index:
                found[key].append(value)
    return {path: values for path, values in found.items() if len(values) == len(entries)}


def counts_positions(values: list[int], first: int) -> bool:
    """Whether ``values`` (of entries at the positions ``first``, ``first + 1``...) count the
    positions like a rank: never falling, each step 0 (a tie), 1, or up to the position
    itself (the rank after a tie), at least one step up, and never above the position."""
    if len(values) < 2 or not 0 <= values[0] <= first:
        return False
    rose = False
    for index in range(1, len(values)):
        previous, value, position = values[index - 1], values[index], first + index
        if value > position or value not in (previous, previous + 1, position):
            return False
        rose = rose or value > previous
    return rose


def positional(entries: list[Any], first: int = 1) -> set[Path]:
    """The (generic) paths whose values count the entries' positions (a rank, from any base);
    ``first`` is the position of the first entry (1 for the top of a list)."""
    return {path for path, values in columns(entries).items() if counts_positions(values, first)}


def user_path(entries: list[Any], known: Iterable[int]) -> Path | None:
    """The (generic) path at which list entries (members, leaderboard entries...) hold their
    user's id, found by value: the path holding the most distinct ids of the users the suite
    knows (``known``). A path counting the entries' positions (a rank may equal a user id)
    only when no other path holds any; ties go to a path with an integer in every entry,
    distinct from entry to entry, then to one whose last key ends in ``id``, then to the
    shorter. A path holding one value in every entry of a list of several (the space the
    members belong to) names no user. None when no entry holds a known id."""
    users = set(known)
    values: dict[Path, list[int]] = {}
    for entry in entries:
        for path, value in leaves(entry).items():
            if path and is_integer(value):
                values.setdefault(generic(path), []).append(value)
    ranks = positional(entries)
    best: tuple[Any, ...] | None = None
    found: Path | None = None
    for path, held in values.items():
        hits = len(users & set(held))
        if not hits or (len(entries) > 1 and len(set(held)) == 1):
            continue  # no known user, or one value in every entry (the list's own space...)
        once_each = len(held) == len(entries) and len(set(held)) == len(held)
        named = str(path[-1]).casefold().endswith("id")
        score = (path not in ranks, hits, once_each, named, -len(path))
        if best is None or score > best:
            best, found = score, path
    return found


class TopLevelId:
    """Tells list items apart by their top-level ``id`` (the one field the reference names;
    a numeric string counts as the integer: its type is the schema checks' business); the
    item itself (canonical JSON) when it has none."""

    def learn(self, items: list[Any]) -> Path | None:
        """Nothing to learn (the same interface as :class:`HeldUser`)."""
        return None

    def __call__(self, item: Any) -> Hashable:
        if isinstance(item, dict) and "id" in item:
            value = item["id"]
            if is_integer(value):
                return int(value)
            if isinstance(value, str) and value.strip().isdigit():
                return int(value)
        return identity(item)


@dataclass
class HeldUser:
    """Tells list entries apart by the user id they hold (a member, a leaderboard entry):
    the reference names no field of such an entry, so where the user id is is learned once,
    by value, on a page of the list (:func:`user_path`). Entries without it are told apart by
    their whole content."""

    known: frozenset[int]
    path: Path | None = None
    learned: bool = False

    def learn(self, items: list[Any]) -> Path | None:
        """Learn (once) where the entries hold their user; the path, or None."""
        if not self.learned:
            self.learned = True
            self.path = user_path(items, self.known)
        return self.path

    def __call__(self, item: Any) -> Hashable:
        if self.path is not None:
            value = value_at(item, self.path)
            if is_integer(value):
                return ("user", value)
        return identity(item)

    def of(self, user_id: int) -> Hashable:
        """The key of the entry of ``user_id``."""
        return ("user", user_id)

    def entry(self, items: Iterable[Any], user_id: int) -> Any:
        """The first entry holding ``user_id`` at the learned path (None if none)."""
        if self.path is None:
            return None
        for item in items:
            if any(generic(p) == self.path and v == user_id for p, v in leaves(item).items()):
                return item
        return None
