"""Long rate-limit waits are said on the terminal (issue 12, item 6): "jetonomy: waiting N s
for the <identity> rate-limit window", on a line of its own, once per wait, also under
pytest-xdist; ``-q`` stays quiet."""

from __future__ import annotations

import re
import threading
import time
from types import SimpleNamespace

import pytest

from pytest_jetonomy.notices import Notices
from pytest_jetonomy.pacing import Pacer

from .test_client import FakeClock

WAIT_LINE = re.compile(r"^jetonomy: waiting (\d+) s for the anonymous rate-limit window$", re.M)

SPENDING = """
import pytest

@pytest.mark.parametrize("n", range(4))
def test_spend(jetonomy_anonymous, n):
    # 48 anonymous requests: more than one window allows (30), so the pacer waits it out
    for _ in range(12):
        assert jetonomy_anonymous.get("/spaces").status == 200
"""
WINDOW = "6"
"""The embedded server's window (s): the burst takes well under a second, so the pacer's
wait stays above the 2 s shown even on a loaded machine."""


def test_the_pacer_announces_each_long_wait_once() -> None:
    clock = FakeClock()
    told: list[tuple[str, float]] = []
    pacer = Pacer(
        reserve=2, sleep=clock.sleep, clock=clock, announce=lambda *wait: told.append(wait)
    )
    pacer.after("member", {"X-RateLimit-Remaining": "2", "X-RateLimit-Reset": "1"})
    pacer.before("member")  # 1.25 s: too short to be worth a line
    assert told == [] and clock.slept == [pytest.approx(1.25)]
    pacer.after("member", {"X-RateLimit-Remaining": "2", "X-RateLimit-Reset": "40"})
    pacer.before("member")
    pacer.before("member")  # the window has reset: no second wait, no second line
    assert told == [("member", pytest.approx(40.25))]


def test_a_failing_announce_never_stops_a_request() -> None:
    clock = FakeClock()

    def broken(identity: str, seconds: float) -> None:
        raise OSError("no terminal")

    pacer = Pacer(reserve=2, sleep=clock.sleep, clock=clock, announce=broken)
    pacer.after("member", {"X-RateLimit-Remaining": "2", "X-RateLimit-Reset": "9"})
    pacer.before("member")
    assert clock.slept == [pytest.approx(9.25)]
    assert pacer.stats["announce_errors"] == 1


def test_the_follower_writes_between_the_reports_only() -> None:
    """Review: the thread following the xdist workers' waits wrote while the main thread
    wrote a report's progress, so their output could interleave. It writes at once (while
    every worker waits no report comes to flush a queue), but only between the reports, a
    whole line begun on a fresh line."""
    written: list[str] = []
    writer = SimpleNamespace(width_of_current_line=3)  # "..." on the current line
    reporter = SimpleNamespace(_tw=writer, write=lambda text, flush=False: written.append(text))
    plugins = {"terminalreporter": reporter}
    config = SimpleNamespace(
        option=SimpleNamespace(verbose=0), pluginmanager=SimpleNamespace(get_plugin=plugins.get)
    )
    notices = Notices(config)  # type: ignore[arg-type]
    report = notices.pytest_runtest_logreport()  # the main thread writes a report's progress
    next(report)
    until = time.time() + 30
    follower = threading.Thread(target=notices.show, args=("anonymous", until))
    notices._follower = follower
    follower.start()
    follower.join(0.3)
    assert follower.is_alive() and written == []  # it waits for the report's progress
    with pytest.raises(StopIteration):
        next(report)
    follower.join(2)
    # a whole line, begun on a fresh one
    assert len(written) == 1 and WAIT_LINE.fullmatch(written[0].strip("\n")), written
    assert written[0].startswith("\n") and written[0].endswith("window\n")


@pytest.mark.parametrize("workers", [0, 2], ids=["one-process", "xdist"])
def test_a_long_wait_is_shown_on_a_line_of_its_own(pytester: pytest.Pytester, workers) -> None:
    pytester.makepyfile(test_spending=SPENDING)
    args = ["-p", "no:randomly", f"--reference-window={WINDOW}"]
    result = pytester.runpytest(*args, *(["-n", str(workers)] if workers else []))
    result.assert_outcomes(passed=4)
    shown = WAIT_LINE.findall(result.stdout.str())
    # one wait for one window, however many workers waited for it
    assert len(shown) == 1, result.stdout.str()
    assert 2 <= int(shown[0]) <= int(WINDOW) + 1
    # the progress goes on below it
    after = result.stdout.str().split(WAIT_LINE.search(result.stdout.str()).group(0))[1]
    assert re.match(r"\n\.+ +\[100%\]", after), result.stdout.str()


@pytest.mark.parametrize("workers", [0, 2], ids=["one-process", "xdist"])
def test_quiet_runs_stay_quiet(pytester: pytest.Pytester, workers) -> None:
    # each request's time, from every process: quiet because -q, not because nobody waited
    durations = pytester.path / "durations.txt"
    timed = SPENDING.replace(
        '        assert jetonomy_anonymous.get("/spaces").status == 200\n',
        "        started = time.monotonic()\n"
        '        assert jetonomy_anonymous.get("/spaces").status == 200\n'
        f"        with open({str(durations)!r}, 'a') as out:\n"
        "            out.write(f'{time.monotonic() - started}\\n')\n",
    )
    assert timed != SPENDING
    pytester.makepyfile(test_spending="import time\n" + timed)
    args = ["-p", "no:randomly", "-q", f"--reference-window={WINDOW}"]
    result = pytester.runpytest(*args, *(["-n", str(workers)] if workers else []))
    result.assert_outcomes(passed=4)
    assert "rate-limit window" not in result.stdout.str()
    waits = [float(line) for line in durations.read_text().split()]
    assert len(waits) == 48
    assert max(waits) >= 2, "the pacer never waited 2 s: this run proves nothing about -q"
