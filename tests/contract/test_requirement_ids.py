"""Requirement IDs are permanent: none removed, duplicated, or changed in meaning.

``requirements.lock`` records, for every ID ever published, its level, area and a digest of
its title. A new requirement is added to the lock with
``python -m tests.contract.test_requirement_ids`` (run from the repository root); the lock
is never edited to remove or alter an entry.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).parents[2]
LOCK = Path(__file__).with_name("requirements.lock")


def _catalogue() -> list[dict]:
    with (ROOT / "schemas" / "requirements.json").open(encoding="utf-8") as handle:
        return json.load(handle)["requirements"]


def _digest(requirement: dict) -> str:
    meaning = f"{requirement['level']}|{requirement['area']}|{requirement['title']}"
    return hashlib.sha256(meaning.encode()).hexdigest()[:16]


def _lock() -> dict[str, str]:
    entries = {}
    for line in LOCK.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            requirement_id, digest = line.split()
            entries[requirement_id] = digest
    return entries


def test_ids_are_unique() -> None:
    ids = [r["id"] for r in _catalogue()]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    assert not duplicates, f"duplicated requirement IDs: {duplicates}"


def test_no_published_id_is_removed() -> None:
    current = {r["id"] for r in _catalogue()}
    removed = sorted(set(_lock()) - current)
    assert not removed, f"requirement IDs removed from the catalogue (IDs are permanent): {removed}"


def test_no_published_id_changes_meaning() -> None:
    lock = _lock()
    changed = [r["id"] for r in _catalogue() if r["id"] in lock and lock[r["id"]] != _digest(r)]
    assert not changed, (
        f"requirements whose level, area or title changed: {changed}; a changed promise gets "
        "a new ID (the old one stays, with 'superseded_by' naming the IDs it was split into, "
        "in schemas/requirements.json)"
    )


def test_every_requirement_is_in_the_lock() -> None:
    missing = [r["id"] for r in _catalogue() if r["id"] not in _lock()]
    assert not missing, (
        f"new requirements not yet in {LOCK.name}: {missing}; add them with "
        "`python -m tests.contract.test_requirement_ids`"
    )


def add_new_requirements() -> list[str]:
    lock = _lock() if LOCK.exists() else {}
    added = [r for r in _catalogue() if r["id"] not in lock]
    with LOCK.open("a", encoding="utf-8") as handle:
        if not lock:
            handle.write("# requirement-id  digest(level|area|title): append-only\n")
        for requirement in added:
            handle.write(f"{requirement['id']} {_digest(requirement)}\n")
    return [r["id"] for r in added]


if __name__ == "__main__":
    new = add_new_requirements()
    print(f"added {len(new)} requirement(s) to {LOCK}: {', '.join(new) or 'none'}")
    sys.exit(0)
