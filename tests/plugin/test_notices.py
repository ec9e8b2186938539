"""Long rate-limit waits are said on the terminal (issue 12, item 6): "jetonomy: waiting N s
for the <identity> rate-limit window", on a line of its own, once per wait, also under
pytest-xdist; ``-q`` stays quiet."""

from __future__ import annotations

import re

import pytest

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
    pytester.makepyfile(test_spending=SPENDING)
    args = ["-p", "no:randomly", "-q", f"--reference-window={WINDOW}"]
    result = pytester.runpytest(*args, *(["-n", str(workers)] if workers else []))
    result.assert_outcomes(passed=4)
    assert "rate-limit window" not in result.stdout.str()
