"""Deletes what a run created, reads it back, and says what really happened.

What the run created is in its ledger (:mod:`.ledger`: recorded by the client when each
creation was answered). Three moments:

- **after each test** (:func:`settle`, from ``Factory.cleanup``): a throwaway space or
  category the test's undo deleted is read back (GET). Gone (404/410) is recorded; still
  readable, a 2xx that did not delete, or a refusal is a divergence (recorded once), and the
  deletion the server itself describes in its route index is tried (:func:`delete_verified`).
  After the first space the target will not delete, the run creates no more throwaway spaces
  (``Ledger.refuse_throwaway``).
- **at session finish**, on the controller (:func:`finish`, also after Ctrl-C or SIGTERM):
  what the ledger holds and is not gone yet is deleted and read back (spaces, categories;
  posts and replies the run created in spaces it did not create, or in spaces that stayed);
  flags are resolved and bans lifted; what went with a deleted space (its posts, replies,
  invites, members) is counted as such; what the API cannot delete is said to be kept by
  design. Then the leftover check walks every page of ``/spaces`` and ``/categories``
  (``lists.walk``) for the run prefix in any string value of an item's own (:func:`carries`,
  never one assumed field name; an object named with ``--existing`` is never deleted): the
  summary says "nothing ... is left" only when it read every page and found nothing; a list
  it could not read to its end (a 503, more than ``SWEEP_PAGES`` pages...) makes it say
  "cleanup could not be verified" and name what may be left (the ledger's objects not read
  back gone). A :class:`CleanupReport` holds the outcome: the summary lines, the line after
  the verdict when the target is left unclean or the cleanup could not be verified (and the
  run's exit status then is not 0), and the JSON report's ``cleanup``.
- **before the run** (:func:`sweep_stale`): spaces of earlier runs (:func:`is_stale`:
  another run prefix in a string value, and every timestamp the server echoes for the space
  older than ``--sweep-older-than``).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

import pytest

from . import adaptations
from .client import STATS, ApiResponse, JetonomyClient
from .failures import Blocked
from .ledger import (
    COLLECTIONS,
    PATHS,
    Book,
    Entry,
    Ledger,
    client_route,
    kinds_text,
    path_ids,
    routes,
)
from .lists import walk
from .observe import is_timestamp
from .routeindex import RouteIndex

if TYPE_CHECKING:  # pragma: no cover
    from .run import JetonomyRun

RUN_PREFIX = re.compile(r"jtc-[0-9a-f]{8}")
"""What any run of this suite puts in the names of what it creates."""

SWEEP_PAGES = 100
"""A cleanup walk reads further than a check's walk (``lists.MAX_PAGES``): what the suite
left behind may sit deep in a long list of the target. A list longer than this cannot be
verified clean."""

AREA = "cleanup"
"""The request-count area of the cleanup's requests (``summary.requests``)."""

GONE = (404, 410)

EXISTING_KINDS = {**COLLECTIONS, "category": "category"}
"""The kind of an object named with ``--existing`` (``spaces.public=12``: a space; the one
category is named ``category``)."""

SETTLED = ("space", "category")
"""Kinds read back after each test's undo deleted them (nothing else removes them)."""

CONTAINERS = {
    "post": ("space",),
    "reply": ("post", "space"),
    "flag": ("post", "reply", "space"),
    "subscription": ("post", "space"),
    "bookmark": ("post", "space"),
    "invite": ("space",),
    "membership": ("space",),
}
"""What an object goes with when it is deleted (a space's posts, a post's replies...)."""

KEPT_BY_DESIGN = (
    "tags (the suite only uses a fixed pool of 24 slugs, reused by every run)",
    "notifications delivered to the test users",
)
"""What any run leaves because the API offers no way to delete it."""

SHOWN = 20
"""Leftovers listed one per line in the terminal summary (all are in the JSON report)."""

MAY_BE_LEFT_SHOWN = 10
"""Objects named in the summary's "may be left" (all are in the JSON report)."""


class UnreadableList(AssertionError):
    """A list cleanup must read did not answer as a list (the target cannot be verified clean)."""


@dataclass
class SweepResult:
    deleted: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


@dataclass
class Listing:
    """One list walked for the leftover check."""

    items: list[dict]
    pages: int
    complete: bool
    why: str = ""
    """Why it is not complete."""


def _walk(admin: JetonomyClient, path: str) -> Listing:
    """Every item of a list (the one list walker, ``lists.walk``); UnreadableList when a page
    does not answer as a list."""
    try:
        walked = walk(admin, path, max_pages=SWEEP_PAGES, area=AREA)
    except Blocked as exc:  # a page that is no list answer: what it answered
        raise UnreadableList(exc.by) from None
    except (AssertionError, pytest.fail.Exception, pytest.skip.Exception) as exc:
        raise UnreadableList(str(exc).splitlines()[0] if str(exc) else path) from None
    items = [item for item in walked.items if isinstance(item, dict)]
    why = ""
    if not walked.complete:
        why = f"GET {path} has more than {SWEEP_PAGES} pages; the rest was not read"
    elif walked.repeated:  # a page that only repeats what was read: the list ignores offset
        why = f"GET {path} answers its first page again for offset={len(items)}"
    return Listing(items, len(walked.pages), not why, why)


def own_values(item: Any, top: bool = True) -> Iterator[Any]:
    """Every scalar of a listed object, nested ones included (``title.rendered``), but not
    those of another object embedded in it (a nested object with its own ``id``: an author,
    a last post), which may carry a run prefix the listed object itself does not."""
    if isinstance(item, dict):
        if not top and any(str(key).lower() == "id" for key in item):
            return
        for value in item.values():
            yield from own_values(value, top=False)
    elif isinstance(item, list):
        for value in item:
            yield from own_values(value, top=False)
    else:
        yield item


def carries(item: dict, prefix: str) -> str | None:
    """The first string of ``item`` holding ``prefix`` (whatever field the server keeps the
    name under: :func:`own_values`), or None."""
    for value in own_values(item):
        if isinstance(value, str) and prefix in value:
            return value
    return None


# -- one deletion, read back -----------------------------------------------------------------------
@dataclass
class Deletion:
    """What a deletion did, read back."""

    kind: str
    id: Any
    gone: bool
    documented: str = ""
    """What the documented ``DELETE`` did when it did not delete (``DELETE answered 200,
    still readable``)."""
    answer: str = ""
    """Everything tried, when it is not gone (a leftover's evidence)."""
    divergence: str | None = None
    """The documented deletion not deleting, normalised (reported once)."""
    adaptation: dict[str, Any] | None = None
    """The deletion the route index describes, when it deleted."""

    @property
    def label(self) -> str:
        return f"{self.kind} {self.id}"


_learned: dict[str, tuple[dict[str, Any], str]] = {}
"""Route -> the described deletion (arguments, where they went) that deleted, in this
process: tried first next time."""


def _code(response: ApiResponse) -> str:
    body = response.json() if response.is_json else None
    code = body.get("code") if isinstance(body, dict) else None
    return f" {code}" if isinstance(code, str) else ""


def _read_back(client: JetonomyClient, path: str, response: ApiResponse) -> str | None:
    """None when the object a DELETE answered for is gone; else what shows it is not."""
    if response.status in GONE:
        return None
    if not 200 <= response.status < 300:
        return f"DELETE answered {response.status}{_code(response)}"
    read = client.get(path, area=AREA)
    if read.status in GONE:
        return None
    if read.status == 200:
        return f"DELETE answered {response.status}, still readable"
    return f"DELETE answered {response.status}, then GET answered {read.status}{_code(read)}"


def _shown(params: dict[str, Any]) -> str:
    return ", ".join(
        f"{k}={str(v).lower() if isinstance(v, bool) else v}" for k, v in params.items()
    )


def delete_verified(
    client: JetonomyClient,
    kind: str,
    object_id: Any,
    *,
    first: ApiResponse | None = None,
    index: RouteIndex | None = None,
) -> Deletion:
    """Delete ``kind`` ``object_id`` (``first``: the documented DELETE already sent) and read
    it back. When the documented DELETE does not delete (a 2xx and still readable, or a
    refusal), the deletion the server describes in its route index (``adaptations.deletions``:
    ``force=true``, ``mode=delete``...) is tried, as query parameters first, then as a body."""
    path = f"{PATHS[kind]}/{object_id}"
    response = first if first is not None else client.delete(path, area=AREA)
    documented = _read_back(client, path, response)
    if documented is None:
        return Deletion(kind, object_id, True)
    route = client_route("DELETE", client.url_for(path))
    status = response.status
    if not 200 <= status < 300:
        divergence = f"{route} answered {status}{_code(response)} and did not delete"
    elif documented.endswith("still readable"):
        divergence = f"{route} answered {status} and did not delete (the {kind} was still readable)"
    else:
        divergence = f"{route} answered {status} and the {kind} was not gone ({documented})"
    candidates: list[tuple[dict[str, Any], str]] = []
    if route in _learned:
        candidates.append(_learned[route])
    described = None
    if index is not None:
        try:
            described = index.args("DELETE", path)
        except AssertionError:
            described = None
    for params in adaptations.deletions(described):
        for placement in ("query", "body"):
            if (params, placement) not in candidates:
                candidates.append((params, placement))
    tried = []
    for params, placement in candidates[:6]:
        if placement == "query":
            again = client.delete(path, params=params, area=AREA)
        else:
            again = client.request("DELETE", path, json_body=params, adapt=False, area=AREA)
        after = _read_back(client, path, again)
        if after is None:
            _learned[route] = (params, placement)
            return Deletion(
                kind,
                object_id,
                True,
                documented,
                divergence=divergence,
                adaptation=adaptations.deletion_adaptation(route, params, placement),
            )
        tried.append(f"{_shown(params)} in the {placement}: {after}")
    answer = documented + (
        "; the deletion the route index describes did not delete either (" + "; ".join(tried) + ")"
        if tried
        else "; the route index describes no other deletion"
    )
    return Deletion(kind, object_id, False, documented, answer, divergence)


_reported: set[str] = set()
"""Divergences this process has written to the ledger (each once)."""


def record(ledger: Ledger, deletion: Deletion) -> None:
    """Write what a deletion did to the run's ledger."""
    records: list[dict[str, Any]] = [
        {"op": "gone", "kind": deletion.kind, "id": deletion.id}
        if deletion.gone
        else {"op": "left", "kind": deletion.kind, "id": deletion.id, "answer": deletion.answer}
    ]
    if deletion.divergence and deletion.divergence not in _reported:
        _reported.add(deletion.divergence)
        records.append({"op": "divergence", "text": deletion.divergence, "example": deletion.label})
    if deletion.adaptation:
        records.append({"op": "adapted", "adaptation": deletion.adaptation})
    ledger.append(*records)


@contextmanager
def _counted() -> Iterator[None]:
    """A ledger write that fails (the temporary directory failing...) is counted
    (``ledger_error``: the cleanup is then not verified), never raised into a teardown."""
    try:
        yield
    except (OSError, ValueError):
        STATS.add("ledger_error")


def _route_index(client: JetonomyClient) -> RouteIndex | None:
    """The run's route index, through the client's adapter (None without one)."""
    if client.adapter is None:
        return None
    try:
        return client.adapter.route_index()
    except AssertionError:  # an index the target does not answer usably
        return None


def settle(response: Any) -> tuple[bool, str | None]:
    """After a test's undo deleted a throwaway space or category (``response``: the answer
    to its documented DELETE), read it back and record what happened (:func:`delete_verified`).
    Whether the answer was such a deletion, and the problem when the object is still there
    (the run then refuses further throwaway spaces, in every process)."""
    client = getattr(response, "client", None)
    if (
        not isinstance(response, ApiResponse)
        or client is None
        or client.ledger is None
        or response.exchange.method != "DELETE"
    ):
        return False, None
    url = response.exchange.url
    kind = routes()[1].get(client_route("DELETE", url))  # the undo route, and what it deletes
    ids = path_ids(client, url)
    if kind not in SETTLED or not ids:
        return False, None
    object_id = ids[0]
    deletion = delete_verified(client, kind, object_id, first=response, index=_route_index(client))
    with _counted():
        record(client.ledger, deletion)
    if deletion.gone:
        return True, None
    if kind == "space":
        with _counted():
            client.ledger.refuse_throwaway(object_id, deletion.documented)
    return True, f"{deletion.label} is still on the target: {deletion.answer}"


# -- the run's cleanup, at session finish ----------------------------------------------------------
@dataclass
class CleanupReport:
    """What the cleanup did and found: the summary lines, the line after the verdict, and
    the JSON report's ``cleanup`` (docs/report-format.md)."""

    prefix: str
    status: str = "clean"
    """``clean`` (every page read, nothing of the run left), ``left`` (leftovers listed),
    ``unverified`` (a list could not be read to its end), ``none`` (a read-only run),
    ``skipped`` (``JETONOMY_KEEP_DATA``)."""
    note: str = ""
    """The one line of a ``none`` or ``skipped`` cleanup."""
    created: Counter[str] = field(default_factory=Counter)
    deleted: Counter[str] = field(default_factory=Counter)
    with_container: Counter[str] = field(default_factory=Counter)
    undone: Counter[str] = field(default_factory=Counter)
    kept: Counter[str] = field(default_factory=Counter)
    left_within: Counter[str] = field(default_factory=Counter)
    """Objects in a space of the run that is left on the target (they stay with it)."""
    leftovers: list[dict[str, Any]] = field(default_factory=list)
    divergences: list[dict[str, str]] = field(default_factory=list)
    adaptations: list[dict[str, Any]] = field(default_factory=list)
    lists: dict[str, dict[str, Any]] = field(default_factory=dict)
    found: list[dict[str, Any]] = field(default_factory=list)
    """Objects carrying the prefix that the listings showed and the ledger did not hold."""
    unverified: str | None = None
    may_be_left: str | None = None
    may_be_left_objects: list[dict[str, Any]] = field(default_factory=list)
    """When the cleanup could not be verified: every object the ledger holds that was not
    read back gone (kind, id, name, ``state``: ``open``, ``answered``, ``left``)."""
    refusal: str | None = None
    refused: int = 0
    stale: str | None = None
    requests: int = 0
    ledger: str = ""

    @property
    def verified_clean(self) -> bool:
        return self.status in ("clean", "none")

    @property
    def unclean(self) -> bool:
        """Whether the run must not exit 0 for it: something of the run is left, or the
        cleanup could not be verified."""
        return self.status in ("left", "unverified")

    # -- building ---------------------------------------------------------------------------------
    def leftover(self, kind: str, object_id: Any, name: str | None, answer: str) -> None:
        self.leftovers.append({"kind": kind, "id": object_id, "name": name, "answer": answer})

    def diverged(self, text: str, example: str) -> None:
        if all(d["divergence"] != text for d in self.divergences):
            self.divergences.append({"divergence": text, "example": example})

    def adapted(self, record: dict[str, Any], uses: int = 1) -> None:
        for entry in self.adaptations:
            if entry["adaptation"] == record["adaptation"]:
                entry["uses"] += uses
                return
        self.adaptations.append({**record, "uses": uses})

    # -- telling ----------------------------------------------------------------------------------
    def lines(self) -> list[str]:
        """The summary lines (before the verdict)."""
        if self.note:
            return [f"cleanup: {self.note}"]
        out = []
        if self.stale:
            out.append(f"cleanup: before the run, {self.stale}")
        if self.created:
            out.append(f"cleanup: the run created {kinds_text(self.created)}")
        done = []
        if self.deleted:
            done.append(f"deleted and read back gone: {kinds_text(self.deleted)}")
        if self.with_container:
            done.append(f"gone with their space or post: {kinds_text(self.with_container)}")
        if self.undone:
            done.append(f"undone (flags resolved, bans lifted...): {kinds_text(self.undone)}")
        if done:
            out.append("cleanup: " + "; ".join(done))
        kept = list(KEPT_BY_DESIGN)
        if self.kept:
            kept.insert(0, f"{kinds_text(self.kept)} in objects named with --existing")
        if self.created:
            out.append("cleanup: kept by design (the API deletes none of them): " + ", ".join(kept))
        for entry in self.divergences:
            out.append(
                f"cleanup: divergence: {entry['divergence']} (first seen: {entry['example']})"
            )
        if self.refusal:
            out.append(
                f"cleanup: {self.refusal} ({self.refused} creation(s) refused before sending; "
                "the checks that needed them are blocked)"
            )
        if self.found:
            out.append(
                f"cleanup: the listings showed {len(self.found)} object(s) carrying "
                f"{self.prefix} that the ledger did not hold: "
                + "; ".join(f"{f['kind']} {f['id']}" for f in self.found[:5])
            )
        for entry in self.leftovers[:SHOWN]:
            name = f" {entry['name']!r}" if entry.get("name") else ""
            out.append(f"cleanup: LEFT {entry['kind']} {entry['id']}{name}: {entry['answer']}")
        if len(self.leftovers) > SHOWN:
            out.append(f"cleanup: (+{len(self.leftovers) - SHOWN} more left, in the JSON report)")
        if self.left_within:
            out.append(
                f"cleanup: in the spaces left on the target stay {kinds_text(self.left_within)}"
            )
        read = " and ".join(
            f"{path} ({info['pages']} page(s))" for path, info in self.lists.items()
        )
        if self.unverified:
            out.append(
                f"cleanup could not be verified: {self.unverified}; may be left: {self.may_be_left}"
            )
        elif self.leftovers:
            out.append(
                f"cleanup: read every page of {read}: {len(self.leftovers)} object(s) of this "
                "run are still on the target (listed above)"
            )
        else:
            out.append(
                f"cleanup: read every page of {read}: nothing carrying {self.prefix} is left"
            )
        return out

    def alarm(self) -> str | None:
        """The line after the verdict when the target is left unclean (or not verified)."""
        if self.leftovers:
            unverified = (
                f", and the cleanup could not be verified ({self.unverified})"
                if self.unverified
                else ""
            )
            return (
                f"TARGET LEFT UNCLEAN: {len(self.leftovers)} object(s) of this run are still "
                f"there (listed above){unverified}; the exit status is not 0"
            )
        if self.status == "unverified":
            return f"CLEANUP NOT VERIFIED: {self.unverified}; the exit status is not 0"
        return None

    def all_lines(self) -> list[str]:
        alarm = self.alarm()
        return self.lines() + ([alarm] if alarm else [])

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "verified_clean": self.verified_clean,
            "created": dict(self.created),
            "deleted": dict(self.deleted),
            "gone_with_container": dict(self.with_container),
            "undone": dict(self.undone),
            "kept_by_design": {
                "objects": dict(self.kept),
                "always": list(KEPT_BY_DESIGN),
            },
            "leftovers": self.leftovers,
            "left_within": dict(self.left_within),
            "divergences": self.divergences,
            "adaptations": self.adaptations,
            "verified": {"lists": self.lists, "found_unrecorded": self.found},
            "unverified": self.unverified,
            "may_be_left": self.may_be_left,
            "may_be_left_objects": self.may_be_left_objects,
            "throwaway_spaces": (
                {"refused": self.refused, "reason": self.refusal} if self.refusal else None
            ),
            "stale_sweep": self.stale,
            "requests": self.requests,
            "ledger": self.ledger,
            "summary": self.lines(),
            "alarm": self.alarm(),
        }

    @classmethod
    def only(cls, prefix: str, status: str, note: str) -> CleanupReport:
        """A cleanup that did not run (read-only run, or ``JETONOMY_KEEP_DATA``)."""
        return cls(prefix, status=status, note=note)


def _ancestors(book: Book, entry: Entry) -> Iterator[Entry]:
    """The objects of the run ``entry`` is in, innermost first (a reply's post, then that
    post's space), as far as the ledger holds them (ten at most)."""
    within = entry.within
    for _ in range(10):
        parent = book.get(*within) if within is not None else None
        if parent is None:
            return
        yield parent
        within = parent.within


def _within_left(book: Book, entry: Entry) -> bool:
    """Whether ``entry`` is in a space of the run that is still on the target."""
    return any(p.kind == "space" and p.state == "left" for p in _ancestors(book, entry))


def _gone_with(book: Book, entry: Entry) -> bool:
    """Whether ``entry`` went with a deleted object it was in (a post with its space, a
    reply with its post...)."""
    containers = CONTAINERS.get(entry.kind, ())
    return any(p.kind in containers and p.state == "gone" for p in _ancestors(book, entry))


class _Finisher:
    """One session finish (:func:`finish`)."""

    def __init__(self, run: JetonomyRun, ledger: Ledger, report: CleanupReport) -> None:
        self.run = run
        self.ledger = ledger
        self.report = report
        self.admin = run.client("admin")
        self.moderator = run.client("moderator") if run.has_role("moderator") else self.admin
        self.index = _route_index(self.admin)
        self.book = Book()
        self.unread: str | None = None
        """Why the ledger could not be read (then only the listings tell what is left)."""

    def read(self) -> None:
        """The ledger read back, and what it tells the report; when it cannot be read, the
        cleanup cannot be verified (and only the listings are looked through)."""
        try:
            book = self.book = self.ledger.book()
        except (OSError, ValueError) as exc:  # e.g. the temporary directory failing
            reason = getattr(exc, "strerror", None) or exc
            self.unread = f"the run's ledger {self.ledger.path} could not be read ({reason})"
            self.report.unverified = self.report.unverified or self.unread
            return
        report = self.report
        report.created = book.creations
        refusal = self.ledger.refusal()
        report.refusal = refusal["reason"] if refusal else None
        report.refused = book.refused
        for text, example in book.divergences.items():
            report.diverged(text, example)
        for text, record in book.adaptations.items():
            report.adapted(record, book.adapted[text])
        report.undone.update(book.recycled)  # e.g. bans of one user, lifted before the next

    def delete(self, kind: str, object_id: Any, name: str | None) -> Deletion:
        deletion = delete_verified(self.admin, kind, object_id, index=self.index)
        if deletion.divergence:
            self.report.diverged(deletion.divergence, deletion.label)
        if deletion.adaptation:
            self.report.adapted(deletion.adaptation)
        if deletion.gone:
            self.report.deleted[kind] += 1
        else:
            self.report.leftover(kind, object_id, name, deletion.answer)
        return deletion

    def objects(self) -> None:
        """Spaces and categories, then posts, then replies: each deleted and read back,
        unless it is gone already or went with its space (or post)."""
        for kind in ("space", "category", "post", "reply"):
            for entry in [e for e in self.book.entries.values() if e.kind == kind]:
                if entry.id is None:
                    continue  # its creation told no id: the listings are looked through
                if entry.state == "gone":
                    self.report.deleted[kind] += 1
                elif _gone_with(self.book, entry):
                    self.report.with_container[kind] += 1
                else:
                    deletion = self.delete(kind, entry.id, entry.name)
                    entry.state = "gone" if deletion.gone else "left"
                    entry.answer = deletion.answer

    def undo(self, entry: Entry, method: str, path: str, body: Any = None) -> None:
        client = self.moderator if entry.kind in ("flag", "ban") else self.admin
        response = client.request(method, path, json_body=body, adapt=False, area=AREA)
        if 200 <= response.status < 300 or response.status in GONE:
            entry.state = "gone"
            self.report.undone[entry.kind] += 1
        else:
            what = f"{method} {path} answered {response.status}{_code(response)}"
            entry.state, entry.answer = "left", what
            self.report.leftover(entry.kind, entry.id, entry.name, what)

    def the_rest(self) -> None:
        """Flags, bans, subscriptions, bookmarks, invites, memberships."""
        for entry in self.book.entries.values():
            if entry.kind in PATHS:
                continue
            if entry.kind in ("flag", "ban") and entry.state in ("answered", "gone"):
                entry.state = "gone"  # resolved or lifted during the run (a 2xx, or a 404)
                self.report.undone[entry.kind] += 1
            elif _gone_with(self.book, entry):
                self.report.with_container[entry.kind] += 1
            elif entry.kind == "flag" and entry.id is not None:
                self.undo(entry, "POST", f"/moderation/flags/{entry.id}/resolve")
            elif entry.kind == "ban" and entry.id is not None:
                self.undo(entry, "DELETE", f"/moderation/ban/{entry.id}")
            elif entry.kind in ("subscription", "bookmark") and isinstance(entry.body, dict):
                # removed with the body that made it (the documented DELETE of that route)
                self.undo(entry, "DELETE", entry.route.split(" ", 1)[1], entry.body)
            elif _within_left(self.book, entry):  # stays with the space left on the target
                entry.state = "left"
                self.report.left_within[entry.kind] += 1
            else:  # invites and joins of objects the run did not create: kept by design
                entry.state = "kept"
                self.report.kept[entry.kind] += 1

    def listings(self) -> None:
        """The leftover check: every page of /spaces and /categories (and of the objects
        named with --existing that the run wrote into), the prefix in any string value."""
        lists = [("space", "/spaces"), ("category", "/categories")]
        for name, object_id in self.run.settings.existing.items():
            section = name.partition(".")[0]
            path = {"spaces": "/spaces/{}/posts", "posts": "/posts/{}/replies"}.get(section)
            if path is None:
                continue
            if self.admin.get(path.format(object_id), area=AREA).status in GONE:
                continue  # no such object on the target: nothing was added into it
            lists.append(("post" if section == "spaces" else "reply", path.format(object_id)))
        given = {
            (EXISTING_KINDS.get(name.partition(".")[0]), object_id)
            for name, object_id in self.run.settings.existing.items()
        }
        for kind, path in lists:
            try:
                listing = _walk(self.admin, path)
            except UnreadableList as exc:
                self.report.unverified = self.report.unverified or f"could not read {path}: {exc}"
                continue
            self.report.lists[path] = {
                "pages": listing.pages,
                "complete": listing.complete,
                "items": len(listing.items),
            }
            if not listing.complete:
                self.report.unverified = self.report.unverified or listing.why
            for item in listing.items:
                name = carries(item, self.report.prefix)
                if name is None or not isinstance(item.get("id"), int):
                    continue
                if (kind, item["id"]) in given:
                    continue  # named with --existing: the user's, never deleted
                entry = self.book.get(kind, item["id"])
                if entry is not None and entry.state == "left":
                    continue  # listed above already
                if entry is not None and entry.state == "gone":
                    self.report.leftover(
                        kind,
                        item["id"],
                        name,
                        f"still listed by GET {path} after it was read back gone",
                    )
                    continue
                self.report.found.append({"kind": kind, "id": item["id"], "name": name})
                self.delete(kind, item["id"], name)

    def may_be_left(self) -> list[dict[str, Any]]:
        """What the ledger holds that was not read back gone, did not go with its space (or
        post) and is not kept by design: what may still be on the target."""
        return [
            {"kind": e.kind, "id": e.id, "name": e.name, "state": e.state}
            for e in self.book.entries.values()
            if e.state not in ("gone", "kept")
            and not (e.kind in ("flag", "ban") and e.state == "answered")
            and not _gone_with(self.book, e)
        ]


def may_be_left_text(objects: list[dict[str, Any]]) -> str:
    """The summary's "may be left: ..." (the first objects by kind, id and name)."""
    if not objects:
        return (
            "nothing the ledger holds (every object it recorded was read back gone or "
            "went with its space); an object whose creation answer was lost cannot be known"
        )
    named = []
    for entry in objects[:MAY_BE_LEFT_SHOWN]:
        label = entry["kind"] + (f" {entry['id']}" if entry["id"] is not None else " (no id)")
        named.append(label + (f" {entry['name']!r}" if entry.get("name") else ""))
    more = len(objects) - MAY_BE_LEFT_SHOWN
    return (
        f"{kinds_text(Counter(e['kind'] for e in objects))} the ledger holds that were not "
        "read back gone: "
        + ", ".join(named)
        + (f" (+{more} more, in the JSON report)" if more > 0 else "")
    )


def finish(run: JetonomyRun, ledger: Ledger, stale: str | None = None) -> CleanupReport:
    """Delete what the run's ledger holds and is not gone yet, read it back, and look
    through every page of the lists for what carries the run prefix (module docstring)."""
    report = CleanupReport(run.settings.run_prefix, stale=stale, ledger=str(ledger.path))
    before = STATS.counts.get("requests", 0)
    finisher = _Finisher(run, ledger, report)
    try:
        finisher.read()
        finisher.objects()
        finisher.the_rest()
        finisher.listings()
    except (AssertionError, pytest.skip.Exception) as exc:  # e.g. the target stopped answering
        report.unverified = report.unverified or f"the cleanup stopped: {str(exc).splitlines()[0]}"
    unrecorded = STATS.counts.get("ledger_error", 0)
    if unrecorded and not report.unverified:
        report.unverified = f"{unrecorded} write(s) could not be recorded in the run's ledger"
    if report.unverified:
        report.may_be_left_objects = finisher.may_be_left()
        report.may_be_left = may_be_left_text(report.may_be_left_objects)
        if finisher.unread:
            report.may_be_left = (
                f"not known without the ledger (what this run created carries {report.prefix})"
            )
    report.status = "left" if report.leftovers else "unverified" if report.unverified else "clean"
    report.requests = STATS.counts.get("requests", 0) - before
    return report


# -- earlier runs ----------------------------------------------------------------------------------
def _older_than(item: dict, cutoff: datetime) -> bool:
    """Whether every timestamp of the item (the server's own, under any name: created,
    modified, last activity...) is before ``cutoff``; False when it shows none. The newest
    counts: an item active since the cutoff may belong to a run going on now."""
    moments = []
    for value in own_values(item):
        if not is_timestamp(value):
            continue
        try:
            moment = datetime.fromisoformat(value.strip().replace(" ", "T").replace("Z", "+00:00"))
        except ValueError:
            continue
        moments.append(moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc))
    return bool(moments) and max(moments) < cutoff


def is_stale(item: dict, current_prefix: str, cutoff: datetime) -> bool:
    """Whether a listed space was left by an earlier run: another run's prefix in a string
    value of its own (:func:`own_values`, never one assumed field name) and every timestamp
    it shows older than ``cutoff``."""
    named = [v for v in own_values(item) if isinstance(v, str) and RUN_PREFIX.search(v)]
    return bool(named) and not any(current_prefix in v for v in named) and _older_than(item, cutoff)


def sweep_stale(
    admin: JetonomyClient,
    current_prefix: str,
    older_than_minutes: float,
    index: RouteIndex | None = None,
) -> SweepResult:
    """Delete spaces left by earlier runs (:func:`is_stale`), each read back.

    The age limit keeps a sweep from deleting the spaces of a run going on concurrently
    against the same server.
    """
    cutoff = datetime.now(timezone.utc) - timedelta(minutes=older_than_minutes)
    return sweep(
        admin,
        lambda item: is_stale(item, current_prefix, cutoff),
        kinds=(("space", "/spaces"),),
        index=index,
    )


def sweep(
    admin: JetonomyClient,
    match: Callable[[dict], bool],
    kinds: tuple[tuple[str, str], ...] = (("space", "/spaces"), ("category", "/categories")),
    index: RouteIndex | None = None,
) -> SweepResult:
    """Delete every listed space and category that ``match`` selects, each read back."""
    result = SweepResult()
    for kind, path in kinds:
        try:
            found = _walk(admin, path).items
        except UnreadableList as exc:
            result.problems.append(f"could not read {path}: {exc}")
            continue
        for item in found:
            if match(item) and "id" in item:
                deletion = delete_verified(admin, kind, item["id"], index=index)
                if deletion.gone:
                    result.deleted.append(deletion.label)
                else:
                    result.problems.append(f"{deletion.label}: {deletion.answer}")
    return result
