"""pytest-jetonomy's pytest hooks (the ``pytest11`` entry point).

Hooks only; each concept lives in its own module (options, credentials, client, contract,
requirements, fixtures, embedded server).
"""

from __future__ import annotations

import os
from collections.abc import Generator
from typing import Any

import pytest

from . import expect
from . import requirements as _requirements
from .cleanup import sweep
from .client import STATS, TransportError, probe
from .contract import load_contract
from .credentials import CredentialsError, load_credentials
from .fixtures import *  # noqa: F403 - fixtures are registered from this module
from .options import Settings, add_options, resolve_settings
from .pacing import Pacer
from .run import RUN_KEY, JetonomyRun

SETTINGS_KEY = pytest.StashKey[Settings]()
EMBEDDED_KEY = pytest.StashKey[Any]()
EVIDENCE_KEY = pytest.StashKey[list]()

RATELIMIT_GROUP_MARKER = "jetonomy_exhausts_rate_limit"
RATELIMIT_GROUP_HELP = (
    "jetonomy_exhausts_rate_limit: the check empties a rate-limit bucket on purpose; under "
    "pytest-xdist all such checks run on one worker (xdist_group) so no other check meets "
    "their 429s."
)


def pytest_addoption(parser: pytest.Parser) -> None:
    add_options(parser)


def _is_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", _requirements.MARKER_HELP)
    config.addinivalue_line("markers", RATELIMIT_GROUP_HELP)
    config.stash[SETTINGS_KEY] = resolve_settings(config)
    if config.pluginmanager.hasplugin("xdist"):
        config.pluginmanager.register(XdistHooks(), "jetonomy-xdist")


class XdistHooks:
    """Registered only when pytest-xdist is present (pytest-randomly's pattern)."""

    @pytest.hookimpl
    def pytest_configure_node(self, node: Any) -> None:
        # Workers re-parse the command line but would lose ini/env-derived and computed
        # values (pytest-base-url #34); hand them the controller's resolved settings.
        node.workerinput["jetonomy"] = node.config.stash[SETTINGS_KEY].to_json()


def _workers(config: pytest.Config) -> int:
    workerinput = getattr(config, "workerinput", None)
    if workerinput is not None:
        return int(workerinput.get("workercount", 1))
    numprocesses = getattr(config.option, "numprocesses", None)
    return int(numprocesses or 1) if str(numprocesses).isdigit() else 2 if numprocesses else 1


@pytest.hookimpl(tryfirst=True)
def pytest_sessionstart(session: pytest.Session) -> None:
    config = session.config
    settings = config.stash[SETTINGS_KEY]
    if not _is_worker(config):
        if settings.target_url is None:
            from .embedded import start_embedded

            embedded = start_embedded(settings.reference_window, settings.reference_latency_ms)
            config.stash[EMBEDDED_KEY] = embedded
            settings = settings.with_embedded(embedded.url, embedded.credentials)
        else:
            problem = probe(settings.target_url, settings.request_timeout)
            if problem is not None:
                raise pytest.UsageError(
                    f"jetonomy: cannot reach the target {settings.target_url} "
                    f"(from {settings.target_source}): {problem}"
                )
        config.stash[SETTINGS_KEY] = settings
    try:
        credentials = load_credentials(
            settings.credentials_path, embedded=settings.embedded_credentials
        )
    except CredentialsError as exc:
        raise pytest.UsageError(f"jetonomy: credentials: {exc}") from None
    config.stash[RUN_KEY] = JetonomyRun(
        settings=settings,
        credentials=credentials,
        pacer=Pacer(reserve=_workers(config) + 1),
    )


def pytest_report_header(config: pytest.Config) -> list[str]:
    run = config.stash.get(RUN_KEY, None)
    if run is None:
        return []
    settings = run.settings
    if settings.embedded:
        target = f"target: embedded reference server at {settings.target_url}"
        target += f" (rate-limit window {settings.reference_window:g} s"
        if settings.reference_latency_ms:
            target += f", latency {settings.reference_latency_ms} ms"
        target += ")"
    else:
        target = f"target: {settings.target_url} (from {settings.target_source})"
    roles = ", ".join(run.credentials) or "none"
    return [
        target,
        f"credentials: {run.credentials.source} (roles: {roles})",
        f"contract: Jetonomy REST API {run.contract.version}, run prefix {settings.run_prefix}",
    ]


def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    _requirements.attach(items, load_contract())
    for item in items:
        if item.get_closest_marker(RATELIMIT_GROUP_MARKER) is not None:
            item.add_marker(pytest.mark.xdist_group("jetonomy-rate-limits"))


def pytest_runtestloop(session: pytest.Session) -> bool | None:
    if not session.config.getoption("list_requirements"):
        return None
    _print_requirements(session)
    return True


def _print_requirements(session: pytest.Session) -> None:
    contract = load_contract()
    covering: dict[str, list[str]] = {rid: [] for rid in contract.requirements}
    for item in session.items:
        for requirement in _requirements.of_item(item):
            covering[requirement.id].append(item.nodeid)
    writer = session.config.get_terminal_writer()
    writer.line(f"Jetonomy REST API {contract.version}: {len(covering)} requirements")
    for rid, requirement in contract.requirements.items():
        tests = covering[rid]
        writer.line(
            f"{rid:<16} {requirement.level:<6} {requirement.area:<12} {len(tests):>3} tests  "
            f"{requirement.title}"
        )
        if session.config.getoption("verbose") > 0:
            for nodeid in tests:
                writer.line(f"{'':<16} {nodeid}")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, Any, None]:
    with _requirements.running(_requirements.of_item(item)):
        token = expect.start_evidence()
        outcome = yield
        item.stash[EVIDENCE_KEY] = expect.take_evidence(token)
    excinfo = outcome.excinfo
    if excinfo is not None and issubclass(excinfo[0], TransportError):
        # a target that does not answer: one clear line, not a requests traceback
        try:
            pytest.fail(f"the target did not answer: {excinfo[1]}", pytrace=False)
        except pytest.fail.Exception as failure:
            outcome.force_exception(failure)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Generator[None, Any, None]:
    with _requirements.running(_requirements.of_item(item)):
        yield


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    config = session.config
    run = config.stash.get(RUN_KEY, None)
    if run is None or _is_worker(config) or not run.has_role("admin"):
        return
    if os.environ.get("JETONOMY_KEEP_DATA"):
        return
    try:
        result = sweep(run.client("admin"), run.settings.run_prefix)
    except (AssertionError, pytest.skip.Exception) as exc:
        session.config.get_terminal_writer().line(f"jetonomy: cleanup failed: {exc}")
        return
    if result.problems:
        session.config.get_terminal_writer().line(
            "jetonomy: cleanup left things behind: " + "; ".join(result.problems[:5])
        )


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    if STATS.counts.get("unintended_429"):
        terminalreporter.write_line(
            f"jetonomy: {STATS.counts['unintended_429']} request(s) met a 429 outside the "
            "rate-limit checks and were retried after the reset"
        )


def pytest_unconfigure(config: pytest.Config) -> None:
    embedded = config.stash.get(EMBEDDED_KEY, None)
    if embedded is not None:
        embedded.stop()
