"""pytest-jetonomy's pytest hooks (the ``pytest11`` entry point).

Hooks only; each concept lives in its own module (options, credentials, client, contract,
requirements, fixtures, embedded server).
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest

from . import adaptations, expect, spellings
from . import requirements as _requirements
from .baseline import Baseline, BaselineError, load_baseline, merge_causes, write_baseline
from .cleanup import CleanupReport, finish, sweep_stale
from .client import SILENCE, STATS, TransportError, UnusableAnswer, probe
from .contract import load_contract
from .credentials import CredentialsError, load_credentials
from .failures import Blocked, CheckFailed
from .gate import CompareError, check_baseline, compare_with, load_report
from .ledger import Ledger
from .masking import mask_text
from .notices import announcer, install_notices
from .options import Settings, add_options, resolve_settings
from .outputs import check_output_paths, write_output
from .pacing import Pacer
from .preflight import Preflight, preflight
from .report import RunInfo, build_document, now, summary_lines, write_json
from .results import NOT_CERTIFIED, ResultBook, divergences, verdict
from .run import RUN_KEY, JetonomyRun
from .shared import controller_file
from .suite import point_at_suite

# The fixtures module is a plugin of its own, so that every fixture in it is registered,
# the autouse ones included (a star import would skip their underscored names).
pytest_plugins = ("pytest_jetonomy.fixtures",)

SETTINGS_KEY = pytest.StashKey[Settings]()
EMBEDDED_KEY = pytest.StashKey[Any]()
SPELLINGS_KEY = pytest.StashKey[dict]()
ADAPTED_KEY = pytest.StashKey[dict]()
ADAPTATIONS_KEY = pytest.StashKey[adaptations.AdaptationBook]()
BOOK_KEY = pytest.StashKey[ResultBook]()
BASELINE_KEY = pytest.StashKey[Baseline]()
COMPARE_KEY = pytest.StashKey[dict]()
STARTED_KEY = pytest.StashKey[Any]()
OUTCOME_KEY = pytest.StashKey[dict]()
PREFLIGHT_KEY = pytest.StashKey[Preflight]()

ENV_KEEP_DATA = "JETONOMY_KEEP_DATA"
"""Set to keep what the run created on the target (for debugging a failure)."""

RATELIMIT_GROUP_HELP = (
    "jetonomy_exhausts_rate_limit: the check empties a rate-limit bucket (or bans the "
    "new_member user) on purpose; such checks never run at the same time, also under "
    "pytest-xdist (a run-wide file lock)."
)


def pytest_addoption(parser: pytest.Parser) -> None:
    add_options(parser)


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config: pytest.Config) -> None:
    # the suite from any directory, with an editable or a wheel install (suite.py)
    point_at_suite(config)


def _is_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


def _terminate(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


SIGNAL_KEY = pytest.StashKey[Any]()


def pytest_configure(config: pytest.Config) -> None:
    # pytest runs teardown and sessionfinish on Ctrl-C but not on SIGTERM (what CI
    # systems send on cancel): treat SIGTERM as Ctrl-C so the run still cleans up.
    if threading.current_thread() is threading.main_thread():
        config.stash[SIGNAL_KEY] = signal.signal(signal.SIGTERM, _terminate)
    config.addinivalue_line("markers", _requirements.MARKER_HELP)
    config.addinivalue_line("markers", RATELIMIT_GROUP_HELP)
    config.stash[SETTINGS_KEY] = resolve_settings(config)
    config.stash[BOOK_KEY] = ResultBook()
    config.stash[ADAPTATIONS_KEY] = adaptations.AdaptationBook()
    config.stash[STARTED_KEY] = now()
    baseline_path = config.getoption("baseline")
    if baseline_path:
        try:
            config.stash[BASELINE_KEY] = load_baseline(baseline_path, load_contract())
        except BaselineError as exc:
            raise pytest.UsageError(f"jetonomy: baseline: {exc}") from None
    compare_path = config.getoption("compare_report")
    if compare_path and not _is_worker(config):
        try:
            config.stash[COMPARE_KEY] = load_report(compare_path)
        except CompareError as exc:
            raise pytest.UsageError(f"jetonomy: --compare-report: {exc}") from None
    if not _is_worker(config) and not config.getoption("help", False):
        # an output path that cannot be written stops the run now, not after it ran
        check_output_paths(config)
    if not _is_worker(config):
        config.pluginmanager.register(ReportCollector(config), "jetonomy-report")
        install_notices(config)  # long rate-limit waits, shown on the terminal
    if config.pluginmanager.hasplugin("xdist"):
        config.pluginmanager.register(XdistHooks(), "jetonomy-xdist")


class XdistHooks:
    """Registered only when pytest-xdist is present (pytest-randomly's pattern)."""

    @pytest.hookimpl
    def pytest_configure_node(self, node: Any) -> None:
        # Workers re-parse the command line but would lose ini/env-derived and computed
        # values (pytest-base-url #34); hand them the controller's resolved settings.
        node.workerinput["jetonomy"] = node.config.stash[SETTINGS_KEY].to_json()
        marker = _used_marker(node.config)
        if marker is not None:
            node.workerinput["jetonomy_used_marker"] = str(marker)
        node.workerinput["jetonomy_ledger"] = str(_ledger_path(node.config))

    @pytest.hookimpl
    def pytest_testnodedown(self, node: Any, error: Any) -> None:
        # request counts of the worker, for the controller's summary and report
        output = getattr(node, "workeroutput", {}) or {}
        for key, value in output.get("jetonomy_stats", {}).items():
            STATS.counts[key] += value
        if output.get("jetonomy_used"):
            node.config.stash.setdefault(OUTCOME_KEY, {})["used"] = True


def _used_marker(config: pytest.Config) -> Path | None:
    """Where workers note that they talked to the target (see ``JetonomyRun.used_marker``):
    a controller interrupted by SIGTERM gets no report back from its workers."""
    return controller_file(config, f"{config.stash[SETTINGS_KEY].run_prefix}-used")


def _ledger_path(config: pytest.Config) -> Path:
    """The run's ledger (``ledger.py``): in the controller's basetemp, the directory its
    xdist workers share (``shared.shared_dir``); a worker is told where it is (every
    worker: ``XdistHooks.pytest_configure_node``)."""
    workerinput = getattr(config, "workerinput", None)
    if workerinput is not None and "jetonomy_ledger" in workerinput:
        return Path(workerinput["jetonomy_ledger"])
    name = f"{config.stash[SETTINGS_KEY].run_prefix}-ledger.jsonl"
    path = controller_file(config, name)
    if path is None:  # -p no:tmpdir
        import tempfile

        return Path(tempfile.gettempdir()) / name
    return path


def _workers(config: pytest.Config) -> int:
    workerinput = getattr(config, "workerinput", None)
    if workerinput is not None:
        return int(workerinput.get("workercount", 1))
    numprocesses = getattr(config.option, "numprocesses", None)
    return int(numprocesses or 1) if str(numprocesses).isdigit() else 2 if numprocesses else 1


def _pacer(config: pytest.Config) -> Pacer:
    """This process's pacer. ``--max-rps`` caps the whole run: under xdist each of the N
    workers gets 1/N of it."""
    workers = _workers(config)
    max_rps = config.getoption("max_rps")
    return Pacer(
        reserve=workers + 1,
        max_rps=max_rps / workers if max_rps else None,
        announce=announcer(config),  # long waits shown on the terminal (notices.py)
    )


@pytest.hookimpl(tryfirst=True)
def pytest_sessionstart(session: pytest.Session) -> None:
    config = session.config
    settings = config.stash[SETTINGS_KEY]
    SILENCE.reset()  # a new session asks every target afresh
    if not _is_worker(config):
        if settings.target_url is None:
            from .embedded import start_embedded
            from .reference.config import DEFAULT_DIALECT, DIALECTS

            dialect = settings.reference_dialect or DEFAULT_DIALECT
            if dialect not in DIALECTS:
                raise pytest.UsageError(
                    f"jetonomy: --reference-dialect {dialect!r}: choose one of "
                    + ", ".join(DIALECTS)
                )
            try:
                embedded = start_embedded(
                    settings.run_prefix,
                    settings.reference_window,
                    settings.reference_latency_ms,
                    settings.reference_faults,
                    dialect,
                )
            except ValueError as exc:
                raise pytest.UsageError(f"jetonomy: --reference-fault: {exc}") from None
            config.stash[EMBEDDED_KEY] = embedded
            settings = settings.with_embedded(
                embedded.url, embedded.credentials, embedded.og_page.url
            )
        else:
            problem = probe(settings.target_url, settings.request_timeout)
            if problem is not None:
                raise pytest.UsageError(
                    f"jetonomy: cannot reach the target {mask_text(settings.target_url)} "
                    f"(from {settings.target_source}): {problem}"
                )
        config.stash[SETTINGS_KEY] = settings
    try:
        credentials = load_credentials(
            settings.credentials_path, embedded=settings.embedded_credentials
        )
    except CredentialsError as exc:
        raise pytest.UsageError(f"jetonomy: credentials: {exc}") from None
    run = JetonomyRun(
        settings=settings,
        credentials=credentials,
        pacer=_pacer(config),
        ledger=Ledger(_ledger_path(config), settings.run_prefix),
    )
    if _is_worker(config) and "jetonomy_used_marker" in config.workerinput:  # type: ignore[attr-defined]
        run.used_marker = Path(config.workerinput["jetonomy_used_marker"])  # type: ignore[attr-defined]
    config.stash[RUN_KEY] = run
    if not _is_worker(config) and not config.getoption("list_requirements"):
        checked = preflight(run)
        problem = checked.problem(run)
        if problem is not None:
            raise pytest.UsageError(f"jetonomy: {problem}")
        config.stash[PREFLIGHT_KEY] = checked
    older = config.getoption("sweep_older_than")
    if (
        not _is_worker(config)
        and not settings.embedded
        and not settings.read_only
        and run.has_role("admin")
        and older > 0
    ):
        try:
            stale = sweep_stale(
                run.client("admin"), settings.run_prefix, older, index=run.route_index()
            )
        except AssertionError as exc:
            stale = None
            config.stash.setdefault(OUTCOME_KEY, {})["stale"] = f"stale sweep failed: {exc}"
        if stale and (stale.deleted or stale.problems):
            config.stash.setdefault(OUTCOME_KEY, {})["stale"] = (
                f"swept {len(stale.deleted)} space(s) left by earlier runs"
                + (
                    f"; {len(stale.problems)} could not be deleted: "
                    + "; ".join(stale.problems[:3])
                    if stale.problems
                    else ""
                )
            )


def pytest_report_header(config: pytest.Config) -> list[str]:
    run = config.stash.get(RUN_KEY, None)
    if run is None:
        return []
    settings = run.settings
    if settings.embedded:
        target = f"target: embedded reference server at {mask_text(settings.target_url)}"
        target += f" (rate-limit window {settings.reference_window:g} s"
        if settings.reference_latency_ms:
            target += f", latency {settings.reference_latency_ms} ms"
        if settings.reference_dialect:
            target += f", dialect {settings.reference_dialect}"
        if settings.reference_faults:
            target += f", FAULTS: {', '.join(settings.reference_faults)}"
        target += ")"
    else:
        target = f"target: {mask_text(settings.target_url)} (from {settings.target_source})"
    roles = ", ".join(run.credentials) or "none"
    mode = []
    if settings.read_only:
        named = ", ".join(f"{k}={v}" for k, v in settings.existing.items())
        mode.append(
            "mode: READ-ONLY: no write is sent; checks that need one are skipped"
            + (f"; existing objects named: {named}" if named else "")
        )
    elif settings.existing:
        named = ", ".join(f"{k}={v}" for k, v in settings.existing.items())
        mode.append(
            f"existing objects used instead of created (the run may write into them): {named}"
        )
    checked = config.stash.get(PREFLIGHT_KEY, None)
    verified = f"; {checked.summary()}" if checked is not None else ""
    return mode + [
        target,
        f"credentials: {run.credentials.source} (roles: {roles}{verified})",
        f"contract: Jetonomy REST API {run.contract.version}, run prefix {settings.run_prefix}",
    ]


def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    _requirements.attach(items, load_contract())
    wanted = set(config.getoption("requirement") or ())
    if wanted:
        contract = load_contract()
        unknown = sorted(wanted - set(contract.requirements))
        if unknown:
            raise pytest.UsageError(f"jetonomy: --requirement: unknown ID(s) {', '.join(unknown)}")
        retired = sorted(rid for rid in wanted if not contract.requirements[rid].active)
        if retired:
            raise pytest.UsageError(
                "jetonomy: --requirement: retired ID(s): "
                + "; ".join(
                    f"{rid} is {contract.requirements[rid].retired_because}" for rid in retired
                )
            )
        keep = [i for i in items if wanted & {r.id for r in _requirements.of_item(i)}]
        kept = {id(i) for i in keep}
        dropped = [i for i in items if id(i) not in kept]
        if dropped:
            config.hook.pytest_deselected(items=dropped)
        items[:] = keep


def pytest_runtestloop(session: pytest.Session) -> bool | None:
    if not session.config.getoption("list_requirements"):
        return None
    _print_requirements(session)
    return True


def _print_requirements(session: pytest.Session) -> None:
    contract = load_contract()
    active = contract.active_requirements
    covering: dict[str, list[str]] = {rid: [] for rid in active}
    for item in session.items:
        for requirement in _requirements.of_item(item):
            covering[requirement.id].append(item.nodeid)
    writer = session.config.get_terminal_writer()
    writer.line(
        f"Jetonomy REST API {contract.version}: {len(covering)} requirements "
        f"({len(contract.requirements) - len(active)} retired IDs listed last)"
    )
    for rid, requirement in active.items():
        tests = covering[rid]
        writer.line(
            f"{rid:<16} {requirement.level:<6} {requirement.basis:<10} {requirement.area:<12} "
            f"{len(tests):>3} tests  {requirement.title}"
        )
        if session.config.getoption("verbose") > 0:
            for nodeid in tests:
                writer.line(f"{'':<16} {nodeid}")
    for rid, requirement in contract.requirements.items():
        if not requirement.active:
            writer.line(f"{rid:<16} retired: {requirement.retired_because}")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, Any, None]:
    with _requirements.running(_requirements.of_item(item), item):
        noted = spellings.start()
        adapted = adaptations.start()
        outcome = yield
        item.stash.setdefault(ADAPTED_KEY, {})["call"] = adaptations.take(adapted)
        item.stash.setdefault(SPELLINGS_KEY, {})["call"] = spellings.take(noted)
        _typed(outcome)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Generator[None, Any, None]:
    # a test's setup (its fixtures, the run-wide content) is the suite's own: its writes are
    # helper requests, adapted when the server says what it wants instead (adaptations.py)
    with _requirements.running(_requirements.of_item(item), item), adaptations.helper():
        noted = spellings.start()
        adapted = adaptations.start()
        outcome = yield
        item.stash.setdefault(ADAPTED_KEY, {})["setup"] = adaptations.take(adapted)
        item.stash.setdefault(SPELLINGS_KEY, {})["setup"] = spellings.take(noted)
        # a failed setup blocks a conformance check (a precondition of its verdict); any
        # other test (a project's own, a self-test) fails or errors as pytest has it
        _typed(outcome, setup=bool(_requirements.of_item(item)))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item) -> Generator[None, Any, None]:
    with adaptations.helper():
        adapted = adaptations.start()
        yield
        item.stash.setdefault(ADAPTED_KEY, {})["teardown"] = adaptations.take(adapted)


def _typed(outcome: Any, *, setup: bool = False) -> None:
    """Every failure of a check as a typed breach (``CheckFailed``), never a traceback through
    the client: an answer the suite cannot use (none, not JSON) is a breach of its own kind.
    What fails while a check is set up (a fixture, the run-wide content) is a precondition:
    the check is blocked by it."""
    excinfo = outcome.excinfo
    if excinfo is None or isinstance(excinfo[1], Blocked):
        return
    error = excinfo[1]
    if setup and isinstance(error, (AssertionError, pytest.fail.Exception)):
        outcome.force_exception(expect.blocking(error, "setting up the check"))
        return
    if isinstance(error, UnusableAnswer):
        reason = str(error).strip().splitlines()[0]
        found = expect.breach(
            "an answer the suite can read", error.exchange, detail=reason, kind=error.kind
        )
        message = f"the target's answer is unusable: {error}"
        if isinstance(error, TransportError):
            message = f"the target did not answer: {error}"
        outcome.force_exception(CheckFailed(message, [found]))


def _breaches(item: pytest.Item, report: pytest.TestReport, error: BaseException | None) -> list:
    """The typed breaches of a failed phase (one generic breach for an unexpected error)."""
    if isinstance(error, CheckFailed):
        return list(error.breaches)
    text = (report.longreprtext or "").strip().splitlines()
    first = text[-1] if text else type(error).__name__
    with _requirements.running(_requirements.of_item(item), item):
        return [
            expect.breach(
                "the check to run to its end",
                None,
                detail=first[:300],
                kind=f"{type(error).__name__ if error else 'error'} in the check",
            )
        ]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, Any, None]:
    outcome = yield
    report = outcome.get_result()
    noted = item.stash.get(SPELLINGS_KEY, {}).get(report.when)
    if noted:
        report.jetonomy_spellings = noted  # what the phase learned of the server's spellings
    adapted = item.stash.get(ADAPTED_KEY, {}).get(report.when)
    if adapted:
        report.jetonomy_adaptations = adapted  # helper requests the phase had to adapt
    requirements = _requirements.of_item(item)
    if not requirements:
        return
    error = call.excinfo.value if call.excinfo is not None else None
    if isinstance(error, Blocked):
        report.jetonomy_blocked = error.to_dict()
        return
    if not report.failed:
        return
    breaches = _breaches(item, report, error)
    found = [b.to_dict() for b in breaches]
    if isinstance(error, CheckFailed) and error.judged:
        report.jetonomy_judged = list(error.judged)  # judged in full: verified, not blocked
    baseline = item.config.stash.get(BASELINE_KEY, None)
    ids = [r.id for r in requirements]
    reason = None
    if baseline:
        # each breach says whether the baseline accepts it (by signature, or by requirement
        # in the older form); the check is a known failure when it accepts every one
        for data, breach in zip(found, breaches, strict=True):
            data["baseline"] = baseline.accepted(breach, ids)
        reasons = [data["baseline"] for data in found]
        if reasons and all(r is not None for r in reasons):
            reason = "; ".join(dict.fromkeys(reasons))
    report.jetonomy_breaches = found
    if reason:
        report.jetonomy_baselined = reason
        report.outcome = "skipped"
        report.wasxfail = f"known failure (baseline) {reason}"


class ReportCollector:
    """On the controller (or single process): every test report goes into the result book."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self.config.stash[BOOK_KEY].add(report)
        self.config.stash[ADAPTATIONS_KEY].add(getattr(report, "jetonomy_adaptations", None))
        if report.failed and not any(name == "requirement" for name, _ in report.user_properties):
            self.config.stash.setdefault(OUTCOME_KEY, {})["other_failures"] = True


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    try:
        cleanup = _sweep(session)
    except Exception as exc:  # noqa: BLE001 - the session's end is never an INTERNALERROR
        cleanup = _sweep_failed(session.config, exc)
    if cleanup:
        session.config.stash.setdefault(OUTCOME_KEY, {})["cleanup"] = cleanup
    _finish_report(session)
    if cleanup is not None and cleanup.unclean and session.exitstatus == pytest.ExitCode.OK:
        # a target left unclean (or whose cleanup could not be verified) is not a pass
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
    config = session.config
    if _is_worker(config) and hasattr(config, "workeroutput"):
        config.workeroutput["jetonomy_stats"] = dict(STATS.counts)
        run = config.stash.get(RUN_KEY, None)
        config.workeroutput["jetonomy_used"] = bool(run and run.used)


def _finish_report(session: pytest.Session) -> None:
    config = session.config
    book = config.stash.get(BOOK_KEY, None)
    run = config.stash.get(RUN_KEY, None)
    if _is_worker(config) or book is None or run is None or not book.tests:
        return
    contract = load_contract()
    baseline = config.stash.get(BASELINE_KEY, None)
    results = book.requirement_results(contract, baseline.reasons() if baseline else None)
    gated = check_baseline(book, results, baseline) if baseline else None
    stale = gated.stale if gated else []
    settings = run.settings
    the_verdict = verdict(
        results,
        stale,
        read_only=settings.read_only,
        interrupted=session.exitstatus == pytest.ExitCode.INTERRUPTED,
        new_failures=gated.signatures if gated else None,
    )
    info = RunInfo(
        target=mask_text(settings.target_url or ""),
        target_source=settings.target_source,
        embedded=settings.embedded,
        started_at=config.stash[STARTED_KEY],
        finished_at=now(),
        run_prefix=settings.run_prefix,
        workers=_workers(config),
        selection=" ".join(config.invocation_params.args) or "(whole suite)",
        read_only=settings.read_only,
        roles_verified=list(getattr(config.stash.get(PREFLIGHT_KEY, None), "verified", [])),
    )
    adapted = config.stash[ADAPTATIONS_KEY].section()
    document = build_document(
        info, contract, results, the_verdict, book.spellings.section(), adapted
    )
    state = config.stash.setdefault(OUTCOME_KEY, {})
    state["lines"] = summary_lines(info, contract, results, the_verdict, adapted)
    if gated:
        document["baseline"] = gated.to_dict()
        for line in gated.lines():
            state["lines"].insert(-1, line)
    earlier = config.stash.get(COMPARE_KEY, None)
    if earlier is not None:
        document["diff"], diff_lines = compare_with(earlier, document)
        state["lines"][-1:-1] = diff_lines
        state["new_in_diff"] = bool(document["diff"]["signatures"]["new"])
    cleaned = state.get("cleanup")
    if cleaned is not None:  # before the verdict; an unclean target's line after it
        state["lines"][-1:-1] = cleaned.lines()
        state["lines"] += [cleaned.alarm()] if cleaned.alarm() else []
        document["cleanup"] = cleaned.to_dict()
    # each output on its own: one that cannot be written is named in one line, and the
    # verdict, the other outputs and a non-zero exit status remain (outputs.py)
    unwritten: list[str] = []
    if config.getoption("conformance_report"):
        path = config.getoption("conformance_report")
        _, problem = write_output("--conformance-report", path, lambda: write_json(path, document))
        unwritten += [problem] if problem else []
    if config.getoption("conformance_html"):
        from .html_report import write_html

        path = config.getoption("conformance_html")
        endpoints = [e.label for e in contract.endpoints]
        _, problem = write_output(
            "--conformance-html", path, lambda: write_html(path, document, endpoints)
        )
        unwritten += [problem] if problem else []
    if config.getoption("write_baseline"):
        causes = merge_causes(divergences(results), divergences(results, known=True))
        path = config.getoption("write_baseline")
        count, problem = write_output(
            "--write-baseline",
            path,
            lambda: write_baseline(path, causes, info.target, baseline),
        )
        if problem:
            unwritten.append(problem)
        else:
            state["lines"].append(
                f"baseline with {count} signature(s) of {len(causes)} cause(s) written to {path}"
            )
    state["lines"] += unwritten
    state["unwritten"] = bool(unwritten)
    # exit status: 0 when conformant after the baseline, 1 otherwise; a read-only run (which
    # never certifies) exits 0 when none of the checks it could run failed
    if session.exitstatus not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
        return
    unverified_must = [
        rid
        for rid in the_verdict.must_unverified
        if next(r for r in results if r.id == rid).status in ("skipped", "blocked")
    ]
    failing = bool(
        the_verdict.must_failed
        or (the_verdict.label == NOT_CERTIFIED and unverified_must and not settings.read_only)
        or state.get("other_failures")
        or (stale and config.getoption("strict_baseline"))
        or state.get("new_in_diff")
        or state.get("unwritten")
    )
    session.exitstatus = pytest.ExitCode.TESTS_FAILED if failing else pytest.ExitCode.OK


def _sweep_failed(config: pytest.Config, exc: Exception) -> CleanupReport:
    """The cleanup, stopped by an error it did not expect: not verified, in one line."""
    prefix = config.stash[SETTINGS_KEY].run_prefix
    first = (str(exc).strip().splitlines() or [""])[0]
    what = type(exc).__name__ + (f": {first}" if first else "")
    return CleanupReport(
        prefix,
        status="unverified",
        unverified=f"the cleanup stopped: {what}",
        may_be_left=f"not known (what this run created carries {prefix})",
    )


def _marked_used(config: pytest.Config) -> bool:
    marker = _used_marker(config)
    return marker is not None and marker.exists()


def _sweep(session: pytest.Session) -> CleanupReport | None:
    """Delete what this run's ledger holds, read it back, and check nothing is left
    (``cleanup.finish``); what it did, for the summary and the reports."""
    config = session.config
    run = config.stash.get(RUN_KEY, None)
    if run is None or _is_worker(config) or not run.has_role("admin"):
        return None
    if not (
        run.used
        or config.stash.get(OUTCOME_KEY, {}).get("used")
        or (getattr(config.option, "numprocesses", None) and _marked_used(config))
        or (run.ledger is not None and run.ledger.path.exists())
    ):
        return None  # the session never talked to the target: nothing to clean
    prefix = run.settings.run_prefix
    if run.settings.read_only:
        return CleanupReport.only(prefix, "none", "none needed (read-only run: no write was sent)")
    if run.ledger is None:
        return CleanupReport.only(
            prefix,
            "skipped",
            f"skipped (this run kept no ledger of what it created); its data carries {prefix}",
        )
    if os.environ.get(ENV_KEEP_DATA):
        return CleanupReport.only(
            prefix,
            "skipped",
            f"skipped ({ENV_KEEP_DATA} is set); this run's data carries {prefix} "
            f"(what it created: {run.ledger.path})",
        )
    report = finish(run, run.ledger, stale=config.stash.get(OUTCOME_KEY, {}).get("stale"))
    for record in report.adaptations:  # listed with the run's other adaptations
        listed = {k: v for k, v in record.items() if k != "uses"}
        config.stash[ADAPTATIONS_KEY].add([listed] * max(1, record["uses"]))
    return report


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    state = config.stash.get(OUTCOME_KEY, {})
    lines = state.get("lines") or (state["cleanup"].all_lines() if state.get("cleanup") else None)
    if lines:
        terminalreporter.write_sep("=", "Jetonomy conformance")
        for line in lines:
            terminalreporter.write_line(line)
        return
    if STATS.counts.get("unintended_429"):
        terminalreporter.write_line(
            f"jetonomy: {STATS.counts['unintended_429']} request(s) met a 429 outside the "
            "rate-limit checks and were retried after the reset"
        )


def pytest_unconfigure(config: pytest.Config) -> None:
    previous = config.stash.get(SIGNAL_KEY, None)
    if previous is not None and threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, previous)
    embedded = config.stash.get(EMBEDDED_KEY, None)
    if embedded is not None:
        embedded.stop()
