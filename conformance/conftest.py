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

from .examples import Examples, Spares
from .world import WORLD_SECTIONS, World, build_world, discover_world

CHECK_FAILED = pytest.StashKey[bool]()
"""Set on a check whose call failed (read by fixtures at teardown)."""


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if report.when == "call" and report.failed:
        item.stash[CHECK_FAILED] = True
    return report


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory, jetonomy_run: JetonomyRun) -> dict[str, Any]:
    """Ids of the run-wide spaces, posts, reply, category and users (created once per run,
    piece by piece: what could not be created is found on the target, or blocks the checks
    that read it; found, never created, in a --read-only run)."""
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
    # content found instead of created is read, never written into (in every process)
    for name, entry in (world.get("found") or {}).items():
        section = WORLD_SECTIONS[name.partition(".")[0]]
        jetonomy_run.guard.protect(section, entry["id"], entry["by"])
    return World(world)


@pytest.fixture
def examples(
    jetonomy_run: JetonomyRun, world: dict[str, Any], jetonomy_faker: Faker
) -> Iterator[Examples]:
    """Resolves catalogue examples; fresh objects it creates are deleted after the test."""
    factory = Factory(jetonomy_run.settings.run_prefix, jetonomy_faker)
    yield Examples(jetonomy_run, world, factory)
    _cleanup(factory, "conformance examples")


@pytest.fixture(scope="session")
def spares(jetonomy_run: JetonomyRun, world: dict[str, Any]) -> Iterator[Spares]:
    """This process's expendable objects (``examples.Spares``), deleted when it ends."""
    faker = Faker()
    faker.seed_instance(f"{jetonomy_run.settings.run_prefix}:spares")
    spares = Spares(jetonomy_run, world, faker)
    yield spares
    factory = Factory(jetonomy_run.settings.run_prefix, faker)
    spares.close(factory)
    _cleanup(factory, "spare objects")


@pytest.fixture
def spare_examples(
    request: pytest.FixtureRequest,
    jetonomy_run: JetonomyRun,
    world: dict[str, Any],
    jetonomy_faker: Faker,
    spares: Spares,
) -> Iterator[Examples]:
    """Like ``examples``, for checks that expect the server not to act on the objects of an
    endpoint's example (a refusal, junk): those objects are the process's spares, reused from
    check to check while no request to them succeeds (``examples.Spares``)."""
    factory = Factory(jetonomy_run.settings.run_prefix, jetonomy_faker)
    examples = Examples(jetonomy_run, world, factory, spares)
    yield examples
    if request.node.stash.get(CHECK_FAILED, False):
        examples.spoil_spared()  # what the server did to them is unknown: never reused
    _cleanup(factory, "conformance examples")
