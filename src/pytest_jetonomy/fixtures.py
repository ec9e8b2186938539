"""Fixtures for checks and for users' own tests against a Jetonomy server.

| fixture | scope | what |
|---|---|---|
| ``jetonomy_target`` | session | the target's root URL |
| ``jetonomy_contract`` | session | the contract data (:class:`~pytest_jetonomy.contract.Contract`) |
| ``jetonomy_anonymous`` | session | a client with no credentials |
| ``jetonomy_client`` | session | ``jetonomy_client("member")``: the client of a role (skips if the role has no credentials) |
| ``jetonomy_admin`` | session | the admin client |
| ``jetonomy_run_prefix`` | session | the run prefix every created name carries |
| ``jetonomy_faker`` | function | a Faker seeded per test |
| ``jetonomy_space_factory`` | function | creates spaces (as admin), deleted after the test |
| ``jetonomy_post_factory`` | function | creates posts (as admin or a given client), deleted after the test |
| ``jetonomy_reply_factory`` | function | creates replies, deleted after the test |
| ``jetonomy_seeded_space`` | session | a public space with 45 posts (three pages at the default limit), created once per run |
"""

from __future__ import annotations

import hashlib
import warnings
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from faker import Faker
from filelock import FileLock

from .client import JetonomyClient
from .contract import Contract
from .factories import (
    PostFactory,
    ReplyFactory,
    SpaceFactory,
    created,
    post_payload,
    space_payload,
)
from .run import RUN_KEY, JetonomyRun
from .shared import shared_dir, shared_resource

SEEDED_POSTS = 45
"""Posts in the seeded space: three pages at the documented default limit of 20."""


class JetonomyCleanupWarning(UserWarning):
    """Something the suite created could not be deleted."""


EXCLUSIVE_MARKER = "jetonomy_exhausts_rate_limit"


@pytest.fixture(autouse=True)
def _jetonomy_exclusive(request: pytest.FixtureRequest) -> Iterator[None]:
    """Checks marked ``jetonomy_exhausts_rate_limit`` (they empty a bucket, or ban the
    new_member user) never overlap, whichever xdist workers they land on: they hold a
    run-wide file lock. (``xdist_group`` would need ``--dist loadgroup``.)"""
    if request.node.get_closest_marker(EXCLUSIVE_MARKER) is None:
        yield
        return
    run: JetonomyRun = request.getfixturevalue("jetonomy_run")
    factory: pytest.TempPathFactory = request.getfixturevalue("tmp_path_factory")
    with FileLock(str(shared_dir(factory) / f"{run.settings.run_prefix}-exclusive.lock")):
        yield


@pytest.fixture(scope="session")
def jetonomy_run(request: pytest.FixtureRequest) -> JetonomyRun:
    return request.config.stash[RUN_KEY]


@pytest.fixture(scope="session", autouse=True)
def _jetonomy_shared_pacing(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Let every process of the run see the embargoes of bucket-emptying checks."""
    from .run import RUN_KEY as key

    run = request.config.stash.get(key, None)
    if run is not None:
        run.pacer.shared_dir = shared_dir(tmp_path_factory)
        run.pacer.run_prefix = run.settings.run_prefix


@pytest.fixture(scope="session")
def jetonomy_target(jetonomy_run: JetonomyRun) -> str:
    return jetonomy_run.target_url


@pytest.fixture(scope="session")
def jetonomy_contract(jetonomy_run: JetonomyRun) -> Contract:
    return jetonomy_run.contract


@pytest.fixture(scope="session")
def jetonomy_run_prefix(jetonomy_run: JetonomyRun) -> str:
    return jetonomy_run.settings.run_prefix


@pytest.fixture(scope="session")
def jetonomy_anonymous(jetonomy_run: JetonomyRun) -> JetonomyClient:
    return jetonomy_run.client("anonymous")


@pytest.fixture(scope="session")
def jetonomy_client(jetonomy_run: JetonomyRun) -> Callable[[str], JetonomyClient]:
    """``jetonomy_client(role)``: the client acting as ``role`` (a test user by trust level)."""
    return jetonomy_run.client


@pytest.fixture(scope="session")
def jetonomy_admin(jetonomy_run: JetonomyRun) -> JetonomyClient:
    return jetonomy_run.client("admin")


@pytest.fixture
def jetonomy_faker(request: pytest.FixtureRequest, jetonomy_run_prefix: str) -> Faker:
    faker = Faker()
    seed = hashlib.sha256(f"{jetonomy_run_prefix}:{request.node.nodeid}".encode()).hexdigest()
    faker.seed_instance(int(seed[:12], 16))
    return faker


def _cleanup(factory: Any, name: str) -> None:
    for problem in factory.cleanup():
        warnings.warn(JetonomyCleanupWarning(f"{name}: {problem}"), stacklevel=1)


@pytest.fixture
def jetonomy_space_factory(
    jetonomy_admin: JetonomyClient, jetonomy_run_prefix: str, jetonomy_faker: Faker
) -> Iterator[SpaceFactory]:
    factory = SpaceFactory(jetonomy_admin, jetonomy_run_prefix, jetonomy_faker)
    yield factory
    _cleanup(factory, "jetonomy_space_factory")


@pytest.fixture
def jetonomy_post_factory(
    jetonomy_admin: JetonomyClient, jetonomy_run_prefix: str, jetonomy_faker: Faker
) -> Iterator[PostFactory]:
    factory = PostFactory(jetonomy_admin, jetonomy_run_prefix, jetonomy_faker)
    yield factory
    _cleanup(factory, "jetonomy_post_factory")


@pytest.fixture
def jetonomy_reply_factory(
    jetonomy_admin: JetonomyClient, jetonomy_run_prefix: str, jetonomy_faker: Faker
) -> Iterator[ReplyFactory]:
    factory = ReplyFactory(jetonomy_admin, jetonomy_run_prefix, jetonomy_faker)
    yield factory
    _cleanup(factory, "jetonomy_reply_factory")


def _create_seeded_space(admin: JetonomyClient, prefix: str) -> dict[str, Any]:
    faker = Faker()
    faker.seed_instance(0)
    space = created(
        admin.post("/spaces", json=space_payload(f"{prefix}-seeded", faker)), "the seeded space"
    )
    post_ids = []
    for _ in range(SEEDED_POSTS):
        post = created(
            admin.post(f"/spaces/{space['id']}/posts", json=post_payload(prefix, faker)),
            f"post {len(post_ids) + 1} of {SEEDED_POSTS} in the seeded space",
        )
        post_ids.append(post["id"])
    return {"space": space, "post_ids": post_ids}


@pytest.fixture(scope="session")
def jetonomy_seeded_space(
    tmp_path_factory: pytest.TempPathFactory,
    jetonomy_admin: JetonomyClient,
    jetonomy_run_prefix: str,
) -> dict[str, Any]:
    """``{"space": {...}, "post_ids": [...]}``: a public space with 45 posts, shared by the run."""
    return shared_resource(
        tmp_path_factory,
        jetonomy_run_prefix,
        "seeded-space",
        lambda: _create_seeded_space(jetonomy_admin, jetonomy_run_prefix),
    )
