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

from .client import JetonomyClient

RUN_PREFIX = re.compile(r"^jtc-[0-9a-f]{8}")
"""Names created by any run of this suite start with its run prefix."""

MAX_PAGES = 50


@dataclass
class SweepResult:
    deleted: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _walk(admin: JetonomyClient, path: str) -> list[dict]:
    items: list[dict] = []
    offset = 0
    for _ in range(MAX_PAGES):
        response = admin.get(path, params={"limit": 100, "offset": offset}, area="cleanup")
        if response.status != 200:
            break
        page = response.items
        items.extend(i for i in page if isinstance(i, dict))
        if len(page) < 100:
            break
        offset += len(page)
    return items


def leftovers(admin: JetonomyClient, prefix: str) -> list[str]:
    """What still carries ``prefix`` on the target (spaces and categories)."""
    found = []
    for kind, path in (("space", "/spaces"), ("category", "/categories")):
        for item in _walk(admin, path):
            if str(item.get("name", "")).startswith(prefix):
                found.append(f"{kind} {item.get('id')} {item.get('name')!r}")
    return found


def _created_before(item: dict, cutoff: datetime) -> bool:
    try:
        created = datetime.fromisoformat(str(item.get("created_at", "")).replace("Z", "+00:00"))
    except ValueError:
        return False
    if created.tzinfo is None:
        created = created.replace(tzinfo=timezone.utc)
    return created < cutoff


def sweep_stale(
    admin: JetonomyClient, current_prefix: str, older_than_minutes: float
) -> SweepResult:
    """Delete spaces left by earlier runs (another run prefix, created long enough ago).

    The age limit keeps a sweep from deleting the spaces of a run going on concurrently
    against the same server.
    """
    cutoff = datetime.now(timezone.utc) - timedelta(minutes=older_than_minutes)

    def stale(item: dict) -> bool:
        name = str(item.get("name", ""))
        return (
            bool(RUN_PREFIX.match(name))
            and not name.startswith(current_prefix)
            and _created_before(item, cutoff)
        )

    return sweep(admin, stale, kinds=(("space", "/spaces"),))


def sweep_run(admin: JetonomyClient, prefix: str) -> SweepResult:
    """Delete every space and category of this run (their names start with its prefix)."""
    return sweep(admin, lambda item: str(item.get("name", "")).startswith(prefix))


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
        except AssertionError as exc:
            result.problems.append(f"listing {path}: {str(exc).splitlines()[0]}")
            continue
        for item in found:
            if match(item) and "id" in item:
                response = admin.delete(f"{path}/{item['id']}", area="cleanup")
                if response.status in (200, 202, 204, 404, 410):
                    result.deleted.append(f"{kind} {item['id']}")
                else:
                    result.problems.append(f"DELETE {path}/{item['id']} -> {response.status}")
    return result
