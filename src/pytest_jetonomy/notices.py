"""Say what the run is waiting for: a line on pytest's terminal when the pacer waits out a
rate-limit window ("jetonomy: waiting 41 s for the anonymous rate-limit window").

The pacer tells its ``announce`` callback of every wait of ``pacing.ANNOUNCE_SECONDS`` or
more. In the process that owns the terminal (a run without xdist, or the xdist controller)
the line is written at once, on a line of its own, like pytest's live logging: the capture
of the running test is suspended for it and the progress dots go on below it. An xdist
worker has no terminal: it appends the wait to a notices file in the controller's basetemp
(named in ``workerinput``, like the ledger), and a thread of the controller follows that
file and writes each new wait (xdist has no channel for live messages from a worker). Waits
for the same window (several workers, several threads) are shown once. ``-q`` shows none.

That thread writes at once, not through the main thread: while every worker waits no report
arrives, so the main thread would show the wait only once it is over (and then not at all).
It writes between the reports instead: the main thread holds the terminal lock while pytest
writes a test's progress (the ``pytest_runtest_log*`` hooks), the thread holds it for each
notice, a whole line begun on a fresh line, so that the two never interleave.
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections.abc import Callable, Generator
from contextlib import nullcontext, suppress
from pathlib import Path
from typing import Any

import pytest

from .pacing import SAME_WINDOW_SECONDS
from .run import RUN_KEY

NOTICES_KEY = pytest.StashKey["Notices"]()
WORKERINPUT_KEY = "jetonomy_notices"
POLL_SECONDS = 0.5
"""How often the xdist controller looks for waits its workers announced."""


def wait_line(identity: str, seconds: float) -> str:
    return f"jetonomy: waiting {math.ceil(seconds)} s for the {identity} rate-limit window"


class Notices:
    """The run's notices on pytest's terminal, written by the process that owns it."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self._lock = threading.Lock()
        self._terminal = threading.RLock()
        """Held while pytest writes a test's progress (main thread) or a notice is written."""
        self._shown: dict[str, float] = {}
        """identity -> when the last wait shown for it ends (wall time)."""
        self._pending: list[tuple[str, float]] = []
        self._stop = threading.Event()
        self._follower: threading.Thread | None = None
        self.path: Path | None = None

    # -- what to show --

    def waiting(self, identity: str, seconds: float) -> None:
        """The pacer's ``announce`` in this process: a wait of ``seconds`` begins now."""
        self.show(identity, time.time() + seconds)

    def show(self, identity: str, until: float) -> None:
        """Show the wait for ``identity``'s window ending at ``until``, unless it was shown."""
        with self._lock:
            last = self._shown.get(identity)
            if last is not None and abs(until - last) < SAME_WINDOW_SECONDS:
                return  # the same window, announced by another thread or worker
            self._shown[identity] = until
            if threading.current_thread() not in (threading.main_thread(), self._follower):
                # a thread of a test: only the main thread may suspend the test's capture
                self._pending.append((identity, until))
                return
        self._write(identity, until)

    def flush_pending(self) -> None:
        """Show what other threads announced meanwhile (their waits not over yet)."""
        with self._lock:
            pending, self._pending = self._pending, []
        for identity, until in pending:
            self._write(identity, until)

    def _write(self, identity: str, until: float) -> None:
        seconds = until - time.time()
        if seconds <= 0 or self.config.option.verbose < 0:
            return  # over already, or -q
        reporter = self.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is None:
            return
        capman = self.config.pluginmanager.get_plugin("capturemanager")
        suspended = (
            capman.global_and_fixture_disabled()
            if capman is not None and threading.current_thread() is threading.main_thread()
            else nullcontext()
        )
        with self._terminal, suspended:
            # on a line of its own, like live logging: a new line if the progress dots (or a
            # test's name) are on the current one, and the output goes on below it; under the
            # terminal lock, pytest writes no progress meanwhile (see the module's docstring)
            writer = getattr(reporter, "_tw", None)
            begun = getattr(writer, "width_of_current_line", 1)
            line = ("\n" if begun else "") + wait_line(identity, seconds) + "\n"
            reporter.write(line, flush=True)

    # -- the waits of xdist workers --

    def follow(self, path: Path) -> None:
        """Follow the notices file of the workers (once, in the xdist controller)."""
        if self._follower is not None:
            return
        self.path = path
        with suppress(OSError):
            path.unlink()  # a file left by an earlier run with the same basetemp
        self._follower = threading.Thread(target=self._follow, name="jetonomy-notices", daemon=True)
        self._follower.start()

    def _follow(self) -> None:
        assert self.path is not None
        offset = 0
        while not self._stop.wait(POLL_SECONDS):
            try:
                with self.path.open("rb") as notices:
                    notices.seek(offset)
                    data = notices.read()
            except OSError:
                continue  # no worker waited yet
            complete = data[: data.rfind(b"\n") + 1]
            offset += len(complete)
            for line in complete.splitlines():
                try:
                    notice = json.loads(line)
                    self.show(str(notice["identity"]), float(notice["until"]))
                except (ValueError, KeyError, TypeError):
                    continue

    def stop(self) -> None:
        self._stop.set()
        if self._follower is not None:
            self._follower.join(timeout=2 * POLL_SECONDS)

    # -- hooks (registered as the plugin "jetonomy-notices" where the terminal is) --

    @pytest.hookimpl(optionalhook=True)
    def pytest_configure_node(self, node: Any) -> None:
        """The xdist controller: tell each worker where to announce its waits; follow them."""
        factory = getattr(self.config, "_tmp_path_factory", None)
        if factory is None:  # -p no:tmpdir
            return
        run = self.config.stash.get(RUN_KEY, None)
        prefix = run.settings.run_prefix if run is not None else "jetonomy"
        path = Path(factory.getbasetemp()) / f"{prefix}-notices.jsonl"
        self.follow(path)
        node.workerinput[WORKERINPUT_KEY] = str(path)

    # pytest writes a test's progress in these hooks (the xdist controller: the workers'
    # reports); the follower thread writes a notice only between them
    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_logstart(self) -> Generator[None, None, None]:
        with self._terminal:
            yield

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_logreport(self) -> Generator[None, None, None]:
        with self._terminal:
            self.flush_pending()  # what other threads announced, before this report
            yield

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_logfinish(self) -> Generator[None, None, None]:
        with self._terminal:
            yield

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        self.stop()


def file_announcer(path: Path) -> Callable[[str, float], None]:
    """An xdist worker's ``announce``: the wait, appended to the notices file (one short
    line per write, so that the workers' lines never mix)."""

    def announce(identity: str, seconds: float) -> None:
        line = json.dumps({"identity": identity, "until": time.time() + seconds}) + "\n"
        with suppress(OSError), path.open("a", encoding="utf-8") as notices:
            notices.write(line)

    return announce


def announcer(config: pytest.Config) -> Callable[[str, float], None] | None:
    """The ``announce`` of this process's pacer."""
    workerinput = getattr(config, "workerinput", None)
    if workerinput is not None:
        path = workerinput.get(WORKERINPUT_KEY)
        return file_announcer(Path(path)) if path else None
    notices = config.stash.get(NOTICES_KEY, None)
    return notices.waiting if notices is not None else None


def install_notices(config: pytest.Config) -> None:
    """In the process that owns the terminal: the run's notices, as the plugin
    "jetonomy-notices" (its hooks follow the xdist workers' waits)."""
    notices = Notices(config)
    config.stash[NOTICES_KEY] = notices
    config.pluginmanager.register(notices, "jetonomy-notices")
