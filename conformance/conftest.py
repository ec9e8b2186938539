"""Fixtures of the conformance suite (the plugin's fixtures are available too)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from faker import Faker

from pytest_jetonomy.factories import Factory
from pytest_jetonomy.fixtures import _cleanup
from pytest_jetonomy.run import JetonomyRun
from pytest_jetonomy.shared import shared_resource

from .examples import Examples
from .world import FoundWorld, build_world, discover_world


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory, jetonomy_run: JetonomyRun) -> dict[str, Any]:
    """Ids of the run-wide spaces, posts, reply, category and users (created once per run;
    found on the target, never created, in a --read-only run)."""
    for role in ("admin", "member", "regular"):
        if not jetonomy_run.has_role(role):
            pytest.skip(
                "the conformance world needs the admin, member and regular roles: "
                + jetonomy_run.credentials.missing_reason(role)
            )
    read_only = jetonomy_run.settings.read_only
    world = shared_resource(
        tmp_path_factory,
        jetonomy_run.settings.run_prefix,
        "conformance-world",
        lambda: (discover_world if read_only else build_world)(jetonomy_run),
    )
    return FoundWorld(world) if read_only else world


@pytest.fixture
def examples(
    jetonomy_run: JetonomyRun, world: dict[str, Any], jetonomy_faker: Faker
) -> Iterator[Examples]:
    """Resolves catalogue examples; fresh objects it creates are deleted after the test."""
    factory = Factory(jetonomy_run.settings.run_prefix, jetonomy_faker)
    yield Examples(jetonomy_run, world, factory)
    _cleanup(factory, "conformance examples")
