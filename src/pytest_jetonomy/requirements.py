"""The ``requirement`` marker: ties a check to requirement IDs of the catalogue.

``@pytest.mark.requirement("JT-PAGE-001")`` on a test (or a ``pytest.param``) declares the
requirement(s) the test checks. At collection the IDs are validated against
``schemas/requirements.json`` and copied into ``item.user_properties`` (so they reach the
xdist controller and the JUnit XML). While a test runs, its requirements are the
"current" ones that :mod:`pytest_jetonomy.expect` names in failure messages.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import pytest

from .contract import Contract, Requirement

MARKER = "requirement"
MARKER_HELP = (
    "requirement(*ids): the catalogue requirement IDs (e.g. JT-AUTH-001) this check verifies; "
    "shown in failures and reports."
)

REQUIREMENTS_KEY = pytest.StashKey[tuple[Requirement, ...]]()

_current: contextvars.ContextVar[tuple[Requirement, ...]] = contextvars.ContextVar(
    "jetonomy_current_requirements", default=()
)


def marker_ids(item: pytest.Item) -> list[str]:
    ids: list[str] = []
    for mark in item.iter_markers(MARKER):
        for value in mark.args:
            if value not in ids:
                ids.append(str(value))
    return ids


def attach(items: Iterable[pytest.Item], contract: Contract) -> None:
    """Validate markers and record requirement properties on each item."""
    unknown: list[str] = []
    for item in items:
        ids = marker_ids(item)
        found = []
        for requirement_id in ids:
            requirement = contract.requirements.get(requirement_id)
            if requirement is None:
                unknown.append(f"{item.nodeid}: {requirement_id}")
                continue
            if not requirement.active:
                unknown.append(f"{item.nodeid}: {requirement_id} ({requirement.retired_because})")
                continue
            found.append(requirement)
        item.stash[REQUIREMENTS_KEY] = tuple(found)
        for requirement in found:
            item.user_properties.append(("requirement", requirement.id))
            item.user_properties.append(("requirement_level", requirement.level))
            item.user_properties.append(("requirement_area", requirement.area))
    if unknown:
        raise pytest.UsageError(
            "jetonomy: requirement IDs not in the catalogue (schemas/requirements.json) or retired: "
            + "; ".join(unknown[:10])
            + (f" (+{len(unknown) - 10} more)" if len(unknown) > 10 else "")
        )


def of_item(item: pytest.Item) -> tuple[Requirement, ...]:
    return item.stash.get(REQUIREMENTS_KEY, ())


def current() -> tuple[Requirement, ...]:
    return _current.get()


@contextmanager
def running(requirements: tuple[Requirement, ...]) -> Iterator[None]:
    token = _current.set(requirements)
    try:
        yield
    finally:
        _current.reset(token)
