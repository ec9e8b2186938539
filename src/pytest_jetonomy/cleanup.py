"""Removes what a run created on the target, found by the run prefix.

Function-scoped factories delete their own objects after each test; run-wide resources
(the seeded space, the conformance world) are removed here, once, by the controller (or
the single process) at session finish. Deleting a space deletes its posts and replies.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .client import JetonomyClient

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


def sweep(admin: JetonomyClient, prefix: str) -> SweepResult:
    """Delete every space and category whose name starts with ``prefix``."""
    result = SweepResult()
    for kind, path in (("space", "/spaces"), ("category", "/categories")):
        try:
            found = _walk(admin, path)
        except AssertionError as exc:
            result.problems.append(f"listing {path}: {str(exc).splitlines()[0]}")
            continue
        for item in found:
            if str(item.get("name", "")).startswith(prefix) and "id" in item:
                response = admin.delete(f"{path}/{item['id']}", area="cleanup")
                if response.status in (200, 202, 204, 404, 410):
                    result.deleted.append(f"{kind} {item['id']}")
                else:
                    result.problems.append(f"DELETE {path}/{item['id']} -> {response.status}")
    return result
