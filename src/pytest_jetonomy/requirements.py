"""The ``requirement`` marker: ties a check to requirement IDs of the catalogue.

``@pytest.mark.requirement("JT-PAGE-001")`` on a test (or a ``pytest.param``) declares the
requirement(s) the test checks. ``code=`` names the requirement the words of its error
answers are judged against (``@pytest.mark.requirement("JT-AUTH-026", code="JT-AUTH-027")``:
the refusal is JT-AUTH-026's, its envelope and code JT-AUTH-027's); ``expect.error`` reports
those breaches against it, and an assertion that names no requirement is the others'. At
collection the IDs are validated against
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
    "requirement(*ids, code=None): the catalogue requirement IDs (e.g. JT-AUTH-026) this check "
    "verifies, shown in failures and reports; code: the requirement its error answers' "
    "envelope and code are judged against (e.g. JT-AUTH-027)."
)

REQUIREMENTS_KEY = pytest.StashKey[tuple[Requirement, ...]]()
CODE_KEY = pytest.StashKey[tuple[str, ...]]()

_current: contextvars.ContextVar[tuple[Requirement, ...]] = contextvars.ContextVar(
    "jetonomy_current_requirements", default=()
)
_code: contextvars.ContextVar[tuple[str, ...]] = contextvars.ContextVar(
    "jetonomy_current_code_requirements", default=()
)


def code_ids(item: pytest.Item) -> list[str]:
    """The requirements the words of the check's error answers are judged against
    (``code=`` of its markers)."""
    ids: list[str] = []
    for mark in item.iter_markers(MARKER):
        value = mark.kwargs.get("code")
        for rid in (value,) if isinstance(value, str) else tuple(value or ()):
            if rid not in ids:
                ids.append(str(rid))
    return ids


def marker_ids(item: pytest.Item) -> list[str]:
    ids: list[str] = []
    for mark in item.iter_markers(MARKER):
        for value in mark.args:
            if value not in ids:
                ids.append(str(value))
    for value in code_ids(item):
        if value not in ids:
            ids.append(value)
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
        item.stash[CODE_KEY] = tuple(code_ids(item))
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


def current_code() -> tuple[str, ...]:
    """The running check's ``code=`` requirements."""
    return _code.get()


def own() -> str | None:
    """The requirement an assertion naming none is about: the running check's only one, its
    ``code=`` requirements aside (None: it has several, the failure counts against all)."""
    code = _code.get()
    ids = [r.id for r in _current.get() if r.id not in code]
    return ids[0] if len(ids) == 1 else None


@contextmanager
def running(
    requirements: tuple[Requirement, ...], item: pytest.Item | None = None
) -> Iterator[None]:
    """The check's requirements (and, given its ``item``, its ``code=`` ones) while it runs."""
    token = _current.set(requirements)
    code = _code.set(item.stash.get(CODE_KEY, ()) if item is not None else ())
    try:
        yield
    finally:
        _code.reset(code)
        _current.reset(token)
