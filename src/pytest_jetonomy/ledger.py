"""The ledger: what the run created, recorded when it was created, and what became of it.

Every successful creation the client sends is recorded in one place,
``JetonomyClient.request``, after the answer: a POST to a creating route of the endpoint
catalogue (a POST whose documented answers include 201: spaces, posts, replies, categories,
split, flags, bans, subscriptions, bookmarks, invites, joins), with the kind (the
catalogue's response schema), the id (the body's ``id`` or the ``Location`` header,
``factories.new_id``; a ban is kept under the banned user's id, the one its lifting takes),
the route, what it was created in (the path's id, or the id a flag, subscription or bookmark
body names) and the run-prefixed name the suite sent (the string of the request body holding
the run prefix). So nothing the run creates escapes it, the checks' own creations included.
The answers to the requests that undo a creation (``DELETE /spaces/{id}``..., resolving a
flag, lifting a ban) are recorded too, and so are the read-backs of the cleanup (``gone``,
``left``), the divergences it saw and the deletions it had to adapt.

One JSONL file per run prefix (``<run prefix>-ledger.jsonl``), in the directory the
pytest-xdist workers share (the controller's basetemp, the workers' ``shared.shared_dir``),
appended under a file lock: every process of the run writes it. The controller reads it at
session finish, also after Ctrl-C or SIGTERM, and deletes what it holds that is not gone yet
(``cleanup.finish``).

When the target does not delete a throwaway space (``cleanup.settle``), the ledger holds
the refusal too (a flag file next to it): every process then refuses to send further
creations of throwaway spaces (``check``, called by the client before sending) and the
checks that needed one are blocked with the reason. The run-wide content (the world, the
pagination lists, the seeded space: ``shared.shared_resource``) is created inside
:func:`run_wide` and is never refused.
"""

from __future__ import annotations

import contextvars
import json
import os
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from filelock import FileLock

from .contract import load_contract
from .failures import Blocked

if TYPE_CHECKING:  # pragma: no cover
    from .client import ApiResponse, JetonomyClient

COLLECTIONS = {"spaces": "space", "posts": "post", "replies": "reply", "categories": "category"}
"""The API's collections of objects addressed by id, and the kind of their objects."""

PATHS = {kind: f"/{collection}" for collection, kind in COLLECTIONS.items()}
"""Where an object of a kind is read and deleted: ``/spaces/{id}``..."""

UNDOING = {
    "spaces.delete": "space",
    "categories.delete": "category",
    "posts.delete": "post",
    "replies.delete": "reply",
    "moderation.unban": "ban",
    "moderation.resolve": "flag",
}
"""Catalogue endpoints that undo a creation, and the kind they undo (their answers are
recorded: a 404 of a deletion is as good as a read-back)."""

MOVING = "posts.move"
"""A post moved into another space is recorded there (what contains it changes)."""

REFERRED = ("post", "reply", "space")
"""Kinds a flag, subscription or bookmark body may name (``object_type``, ``kind``...)."""

_run_wide: contextvars.ContextVar[bool] = contextvars.ContextVar("jetonomy_run_wide", default=False)


@contextmanager
def run_wide() -> Iterator[None]:
    """Creations inside are run-wide content (``shared.shared_resource``), never refused as
    throwaway spaces."""
    token = _run_wide.set(True)
    try:
        yield
    finally:
        _run_wide.reset(token)


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _integers(value: Any) -> list[int]:
    if isinstance(value, bool):
        return []
    if isinstance(value, int):
        return [value]
    if isinstance(value, dict):
        return [n for item in value.values() for n in _integers(item)]
    if isinstance(value, list):
        return [n for item in value for n in _integers(item)]
    return []


def prefixed(value: Any, prefix: str, limit: int = 120) -> str | None:
    """The first string of ``value`` holding ``prefix`` (shortened), or None."""
    for text in _strings(value):
        if prefix in text:
            return text if len(text) <= limit else text[: limit - 1] + "…"
    return None


def _referred(body: Any, default: str | None) -> tuple[str, int] | None:
    """What a flag, subscription or bookmark body names: the kind a string value of it
    spells (else ``default``) and its one integer."""
    numbers = _integers(body)
    if not numbers:
        return None
    kinds = [s.lower() for s in _strings(body) if s.lower() in REFERRED]
    kind = kinds[0] if kinds else default
    return (kind, numbers[0]) if kind else None


@dataclass(frozen=True)
class Creating:
    """A creating route of the catalogue."""

    kind: str
    within: str | None
    """The kind of the object the path's id names (``/spaces/{space_id}/posts``: a space);
    ``"body"`` when the body names it; None for a top-level object."""


def _catalogue() -> tuple[dict[str, Creating], dict[str, str], dict[str, str]]:
    """Creating routes, undoing routes and the move route, by catalogue label."""
    creating: dict[str, Creating] = {}
    undoing: dict[str, str] = {}
    moving: dict[str, str] = {}
    for endpoint in load_contract().endpoints:
        if endpoint.method == "POST" and 201 in (endpoint.response.get("status") or []):
            schema = endpoint.response.get("schema")
            kind = "membership" if schema == "result" else str(schema)
            first = endpoint.path.strip("/").split("/")[0]
            if "{" in endpoint.path:  # created in the object the path names
                within: str | None = COLLECTIONS.get(first)
            else:  # top-level, or naming what it is about in its body
                within = None if kind in ("space", "category") else "body"
            creating[endpoint.label] = Creating(kind, within)
        if endpoint.id in UNDOING:
            undoing[endpoint.label] = UNDOING[endpoint.id]
        if endpoint.id == MOVING:
            moving[endpoint.label] = "post"
    return creating, undoing, moving


_ROUTES: tuple[dict[str, Creating], dict[str, str], dict[str, str]] | None = None


def routes() -> tuple[dict[str, Creating], dict[str, str], dict[str, str]]:
    global _ROUTES
    if _ROUTES is None:
        _ROUTES = _catalogue()
    return _ROUTES


def path_ids(client: JetonomyClient, url: str) -> list[int]:
    """The ids in a request's path (``/spaces/12/posts/7``: 12, 7)."""
    return [int(part) for part in client.api_path(url).split("/") if part.isdigit()]


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


# -- what the ledger holds, folded ---------------------------------------------------------------
@dataclass
class Entry:
    """One object the run created, and what became of it."""

    kind: str
    id: int | None
    route: str
    name: str | None = None
    within: tuple[str, int] | None = None
    """What it was created in (``("space", 12)``)."""
    by: str = ""
    body: Any = None
    state: str = "open"
    """``open`` (created), ``answered`` (an undo answered 2xx, not read back), ``gone``
    (read back 404/410, or its deletion answered 404/410 to the admin), ``left`` (still
    there after a deletion)."""
    answer: str = ""
    """What the target answered when it did not delete it (a leftover's evidence)."""

    serial: int = 0
    """Its place in the ledger (tells apart objects whose creation told no id)."""

    @property
    def key(self) -> tuple[str, Any]:
        return (self.kind, self.id if self.id is not None else f"#{self.serial}")

    def label(self) -> str:
        return f"{self.kind} {self.id}" if self.id is not None else self.kind

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "id": self.id,
            "name": self.name,
            "route": self.route,
            "within": list(self.within) if self.within else None,
            "answer": self.answer or None,
        }


@dataclass
class Book:
    """The ledger read back: the entries, and what the processes noted about the cleanup."""

    entries: dict[tuple[str, Any], Entry] = field(default_factory=dict)
    creations: Counter[str] = field(default_factory=Counter)
    """Creations by kind (a user banned twice: two bans)."""
    recycled: Counter[str] = field(default_factory=Counter)
    """Objects made again under the same id (a user banned, then banned again): the earlier
    ones, undone with the last (lifting a user's ban lifts it)."""
    divergences: dict[str, str] = field(default_factory=dict)
    """Normalised text -> the first example (a divergence is reported once)."""
    adaptations: dict[str, dict[str, Any]] = field(default_factory=dict)
    adapted: Counter[str] = field(default_factory=Counter)
    """How many deletions each adaptation served."""
    refused: int = 0
    """Creations of throwaway spaces refused before sending."""

    def get(self, kind: str, object_id: Any) -> Entry | None:
        return self.entries.get((kind, object_id))


def fold(records: list[dict[str, Any]]) -> Book:
    """The ledger's records, in the order they were written, as one :class:`Book`."""
    book = Book()
    for record in records:
        op = record.get("op")
        if op == "created":
            within = record.get("within")
            entry = Entry(
                kind=record["kind"],
                id=record.get("id"),
                route=record.get("route", ""),
                name=record.get("name"),
                within=(within[0], int(within[1])) if within else None,
                by=record.get("by", ""),
                body=record.get("body"),
                serial=sum(book.creations.values()),
            )
            if entry.key in book.entries:  # made again under its id: the earlier one is
                book.recycled[entry.kind] += 1  # undone with it (a user's ban, lifted once)
            book.entries[entry.key] = entry  # a ban of the same user again: open again
            book.creations[entry.kind] += 1
            continue
        entry = book.get(record.get("kind", ""), record.get("id"))
        if op == "divergence":
            book.divergences.setdefault(record["text"], record.get("example", ""))
        elif op == "adapted":
            book.adaptations.setdefault(record["adaptation"]["adaptation"], record["adaptation"])
            book.adapted[record["adaptation"]["adaptation"]] += 1
        elif op == "refused":
            book.refused += 1
        elif entry is None:
            continue
        elif op == "answered":
            status = int(record.get("status") or 0)
            if 200 <= status < 300:
                entry.state = "answered" if entry.state != "gone" else "gone"
            elif status in (404, 410) and (
                record.get("by") == "admin" or entry.kind in ("flag", "ban")
            ):
                entry.state = "gone"
        elif op == "gone":
            entry.state, entry.answer = "gone", ""
        elif op == "left":
            entry.state, entry.answer = "left", record.get("answer", "")
        elif op == "moved" and record.get("to"):
            entry.within = ("space", int(record["to"]))
    return book


# -- the file --------------------------------------------------------------------------------------
class Ledger:
    """The run's ledger file (see the module docstring); one object per process."""

    def __init__(self, path: Path, prefix: str) -> None:
        self.path = Path(path)
        self.prefix = prefix
        self.lock = FileLock(str(self.path) + ".lock")
        self.flag = self.path.with_name(f"{prefix}-no-throwaway-spaces.json")
        self._refusal: dict[str, str] | None = None
        self._thread_lock = threading.Lock()

    def __repr__(self) -> str:
        return f"<Ledger {self.path}>"

    # -- writing -------------------------------------------------------------------------------
    def append(self, *records: dict[str, Any]) -> None:
        lines = "".join(
            json.dumps({**r, "pid": os.getpid(), "at": _now()}, default=str) + "\n" for r in records
        )
        with self._thread_lock, self.lock, self.path.open("a", encoding="utf-8") as out:
            out.write(lines)

    def note(
        self,
        client: JetonomyClient,
        method: str,
        url: str,
        body: Any,
        response: ApiResponse,
    ) -> None:
        """Record what a write the client sent did (called by ``JetonomyClient.request`` for
        every write, after the answer): a creation, or the answer to an undo."""
        creating, undoing, moving = routes()
        label = client_route(method, url)
        status = response.status
        if label in creating and 200 <= status < 300:
            self.append(self._creation(client, creating[label], label, url, body, response))
        elif label in undoing:
            ids = path_ids(client, url)
            if ids:
                self.append(
                    {
                        "op": "answered",
                        "kind": undoing[label],
                        "id": ids[0],
                        "status": status,
                        "by": client.identity,
                    }
                )
        elif label in moving and 200 <= status < 300:
            ids = path_ids(client, url)
            target = _integers(body)
            if ids and target:
                self.append({"op": "moved", "kind": "post", "id": ids[0], "to": target[0]})

    def _creation(
        self,
        client: JetonomyClient,
        creating: Creating,
        label: str,
        url: str,
        body: Any,
        response: ApiResponse,
    ) -> dict[str, Any]:
        from .factories import new_id

        try:
            answer = response.json() if response.text.strip() else None
        except AssertionError:  # not JSON: the Location header may still tell the id
            answer = None
        object_id = new_id(response, answer)
        within: tuple[str, int] | None = None
        if creating.within == "body":
            default = {"flag": "post", "subscription": "post", "bookmark": "post"}.get(
                creating.kind
            )
            within = _referred(body, default)
            if creating.kind == "ban":  # kept under the banned user's id (its lifting's)
                numbers = _integers(body)
                object_id, within = (numbers[0] if numbers else None), None
        elif creating.within is not None:
            ids = path_ids(client, url)
            within = (creating.within, ids[0]) if ids else None
        return {
            "op": "created",
            "kind": creating.kind,
            "id": object_id,
            "route": label,
            "name": prefixed(body, self.prefix),
            "within": list(within) if within else None,
            "by": client.identity,
            "body": body if creating.kind in ("ban", "subscription", "bookmark", "flag") else None,
        }

    # -- reading ---------------------------------------------------------------------------------
    def records(self) -> list[dict[str, Any]]:
        if not self.path.exists():
            return []
        with self.lock:
            text = self.path.read_text(encoding="utf-8")
        out = []
        for line in text.splitlines():
            try:
                out.append(json.loads(line))
            except ValueError:  # a line cut short by a process killed while writing
                continue
        return out

    def book(self) -> Book:
        return fold(self.records())

    # -- throwaway spaces --------------------------------------------------------------------------
    def refuse_throwaway(self, space_id: Any, answer: str) -> None:
        """From now on, every process of the run refuses to create throwaway spaces: the
        target did not delete space ``space_id`` (``answer``: what it answered)."""
        refusal = {
            "reason": f"the target did not delete space {space_id} ({answer}): the run "
            "creates no more throwaway spaces",
            # no id: the checks it blocks group under one cause, whichever space it was
            "by": f"the target not deleting the run's throwaway spaces ({answer})",
        }
        with self.lock:
            if not self.flag.exists():  # whole or not at all: written aside, then renamed
                aside = self.flag.with_name(
                    f".{self.flag.name}.{os.getpid()}-{threading.get_ident()}.tmp"
                )
                try:
                    aside.write_text(json.dumps(refusal), encoding="utf-8")
                    os.replace(aside, self.flag)
                finally:
                    aside.unlink(missing_ok=True)

    def refusal(self) -> dict[str, str] | None:
        """Why the run creates no more throwaway spaces (``reason``, and ``by`` for the
        checks it blocks), or None."""
        if self._refusal is None and self.flag.exists():
            try:
                found = json.loads(self.flag.read_text(encoding="utf-8"))
                self._refusal = {"reason": str(found["reason"]), "by": str(found["by"])}
            except (OSError, ValueError, KeyError, TypeError):
                return None
        return self._refusal

    def check(self, method: str, url: str) -> None:
        """Refuse (:class:`Blocked`, before anything is sent) the creation of a throwaway
        space once the target did not delete one; run-wide content is never refused."""
        if method != "POST" or _run_wide.get() or client_route(method, url) != SPACE_CREATION:
            return
        refusal = self.refusal()
        if refusal is None:
            return
        self.append({"op": "refused"})
        raise Blocked(
            refusal["by"],
            "create a throwaway space (the run creates no more once the target did not "
            "delete one: what it cannot delete would stay on it)",
        )


SPACE_CREATION = "POST /spaces"


def client_route(method: str, url: str) -> str:
    """The catalogue route of a request (``POST /spaces/{space_id}/posts``)."""
    return load_contract().route_of(method, url)


PLURALS = {"reply": "replies", "category": "categories"}


def kinds_text(counts: Counter[str] | dict[str, int]) -> str:
    """``3 spaces, 12 posts, 1 category``, in a stable order."""
    order = [
        "space",
        "post",
        "reply",
        "category",
        "flag",
        "ban",
        "subscription",
        "bookmark",
        "invite",
        "membership",
    ]
    kinds = sorted(counts, key=lambda k: (order.index(k) if k in order else len(order), k))
    return ", ".join(
        f"{counts[k]} {k if counts[k] == 1 else PLURALS.get(k, k + 's')}"
        for k in kinds
        if counts[k]
    )
