"""Removes what a run created on the target, found by the run prefix.

Function-scoped factories delete their own objects after each test; run-wide resources
(the seeded space, the conformance world) are removed here, once, by the controller (or
the single process) at session finish. Deleting a space deletes its posts and replies.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

import pytest

from .client import JetonomyClient
from .lists import walk
from .observe import is_timestamp, leaves

RUN_PREFIX = re.compile(r"jtc-[0-9a-f]{8}")
"""What any run of this suite puts in the names of what it creates."""

SWEEP_PAGES = 50
"""A cleanup sweep reads further than a check's walk (``lists.MAX_PAGES``): what the suite
left behind may sit deep in a long list of the target."""


class UnreadableList(AssertionError):
    """A list cleanup must read did not answer as a list (the target cannot be verified clean)."""


@dataclass
class SweepResult:
    deleted: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _walk(admin: JetonomyClient, path: str) -> list[dict]:
    """Every item of a list (the one list walker, ``lists.walk``); UnreadableList when a page
    does not answer as a list."""
    try:
        walked = walk(admin, path, max_pages=SWEEP_PAGES, area="cleanup")
    except (AssertionError, pytest.fail.Exception, pytest.skip.Exception) as exc:
        # a page that is no list answer (a failure, or a precondition that blocks)
        raise UnreadableList(str(exc).splitlines()[0] if str(exc) else path) from None
    return [item for item in walked.items if isinstance(item, dict)]


def carries(item: dict, prefix: str) -> str | None:
    """The first string of ``item`` holding ``prefix`` (whatever field the server keeps the
    name under), or None."""
    for value in leaves(item).values():
        if isinstance(value, str) and prefix in value:
            return value
    return None


def leftovers(admin: JetonomyClient, prefix: str) -> list[str]:
    """What still carries ``prefix`` on the target (spaces and categories)."""
    found = []
    for kind, path in (("space", "/spaces"), ("category", "/categories")):
        for item in _walk(admin, path):
            name = carries(item, prefix)
            if name is not None:
                found.append(f"{kind} {item.get('id')} {name!r}")
    return found


def _created_before(item: dict, cutoff: datetime) -> bool:
    """Whether the item's earliest timestamp (the server's own, under any name) is before
    ``cutoff``; False when it shows none."""
    moments = []
    for value in leaves(item).values():
        if not is_timestamp(value):
            continue
        try:
            moment = datetime.fromisoformat(value.strip().replace(" ", "T").replace("Z", "+00:00"))
        except ValueError:
            continue
        moments.append(moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc))
    return bool(moments) and min(moments) < cutoff


def sweep_stale(
    admin: JetonomyClient, current_prefix: str, older_than_minutes: float
) -> SweepResult:
    """Delete spaces left by earlier runs (another run prefix, created long enough ago).

    The age limit keeps a sweep from deleting the spaces of a run going on concurrently
    against the same server.
    """
    cutoff = datetime.now(timezone.utc) - timedelta(minutes=older_than_minutes)

    def stale(item: dict) -> bool:
        named = [v for v in leaves(item).values() if isinstance(v, str) and RUN_PREFIX.search(v)]
        return (
            bool(named)
            and not any(current_prefix in v for v in named)
            and _created_before(item, cutoff)
        )

    return sweep(admin, stale, kinds=(("space", "/spaces"),))


def sweep_run(admin: JetonomyClient, prefix: str) -> SweepResult:
    """Delete every space and category of this run (a string of theirs holds its prefix)."""
    return sweep(admin, lambda item: carries(item, prefix) is not None)


EXISTING_CHILDREN = {
    "spaces": ("/spaces/{id}/posts", "/posts", "post"),
    "posts": ("/posts/{id}/replies", "/replies", "reply"),
}
"""What a run adds into an object named with ``--existing``: the list it is in, where it is
deleted."""


def sweep_existing(admin: JetonomyClient, prefix: str, existing: dict[str, int]) -> SweepResult:
    """Delete what this run added into the objects named with ``--existing`` in a run that
    writes (posts in a named space, replies under a named post: a string of theirs holds the
    prefix); deleting the run's own spaces does not reach them."""
    result = SweepResult()
    for name, object_id in existing.items():
        children = EXISTING_CHILDREN.get(name.partition(".")[0])
        if children is None:
            continue
        listed, collection, kind = children
        if admin.get(listed.format(id=object_id), area="cleanup").status == 404:
            continue  # no such object on the target: nothing was added into it
        try:
            found = _walk(admin, listed.format(id=object_id))
        except UnreadableList as exc:
            result.problems.append(f"could not read {listed.format(id=object_id)}: {exc}")
            continue
        for item in found:
            if carries(item, prefix) is not None and "id" in item:
                response = admin.delete(f"{collection}/{item['id']}", area="cleanup")
                if response.status in (200, 202, 204, 404, 410):
                    result.deleted.append(f"{kind} {item['id']}")
                else:
                    result.problems.append(f"DELETE {collection}/{item['id']} -> {response.status}")
    return result


def sweep(
    admin: JetonomyClient,
    match: Callable[[dict], bool],
    kinds: tuple[tuple[str, str], ...] = (("space", "/spaces"), ("category", "/categories")),
) -> SweepResult:
    """Delete every listed space and category that ``match`` selects."""
    result = SweepResult()
    for kind, path in kinds:
        try:
            found = _walk(admin, path)
        except UnreadableList as exc:
            result.problems.append(f"could not read {path}: {exc}")
            continue
        for item in found:
            if match(item) and "id" in item:
                response = admin.delete(f"{path}/{item['id']}", area="cleanup")
                if response.status in (200, 202, 204, 404, 410):
                    result.deleted.append(f"{kind} {item['id']}")
                else:
                    result.problems.append(f"DELETE {path}/{item['id']} -> {response.status}")
    return result
