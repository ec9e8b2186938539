"""A known failure never hides a new one: release gating with baselines by signature and the
release diff, on the reference server with two fault variants at once.

- ``anonymous-code-replaced`` (every 401 says rest_not_logged_in): a baseline written from
  that run accepts it (exit 0); the same server that also serves anonymous callers as the
  first user (``anonymous-served-as-first-user``, an authentication bypass) fails the gate
  (exit 1), and the summary names each new signature; ``jetonomy-report diff`` of the two
  reports lists the bypass as new.
- ``forbidden-code-replaced`` with ``moderation-queue-open-to-members`` (two causes):
  ``--write-baseline`` then ``--baseline`` round-trips, every signature accepted, none stale.

Each run is a selection (``--requirement``): the checks the faults touch, nothing more.
"""

from __future__ import annotations

import json

import pytest

from pytest_jetonomy.baseline import load_baseline
from pytest_jetonomy.contract import load_contract
from pytest_jetonomy.diff import main as report_main

from .harness import run_selection

CODE = "anonymous-code-replaced"
BYPASS = "anonymous-served-as-first-user"
CODE_KIND = "code rest_not_logged_in where jetonomy_not_logged_in"
BOOKMARKS_BYPASS = "JT-AUTH-026 | GET /bookmarks as anonymous | status 200 where 401"


def _signatures(document: dict, *, outcomes=("failed", "baselined")) -> set[str]:
    return {
        evidence["signature"]
        for requirement in document["requirements"]
        for test in requirement["tests"]
        if test["outcome"] in outcomes
        for evidence in test["evidence"]
    }


def test_a_baseline_of_a_wrong_code_does_not_hide_a_bypass(
    pytester: pytest.Pytester, files_by_requirement: dict[str, set[str]], tmp_path
) -> None:
    baseline = tmp_path / "baseline.toml"
    selection = ["JT-AUTH-026"]  # the anonymous refusals; their checks judge JT-AUTH-027 too

    # 1. the wrong code: JT-AUTH-027 fails, the refusal holds; the baseline lists the code
    first, known = run_selection(
        pytester,
        [CODE],
        selection,
        files_by_requirement,
        f"--write-baseline={baseline}",
        report_name="code.json",
    )
    assert first.ret == pytest.ExitCode.TESTS_FAILED
    statuses = {r["id"]: r["status"] for r in known["requirements"]}
    assert statuses["JT-AUTH-027"] == "failed" and statuses["JT-AUTH-026"] == "passed"
    written = load_baseline(str(baseline), load_contract())
    assert written.signatures, baseline.read_text()
    assert {sig.split(" | ")[2] for sig in written.signatures} == {CODE_KIND}
    assert set(written.signatures) == _signatures(known)

    # 2. the same server, gated by that baseline: accepted
    again, gated = run_selection(
        pytester,
        [CODE],
        selection,
        files_by_requirement,
        f"--baseline={baseline}",
        report_name="gated.json",
    )
    assert again.ret == pytest.ExitCode.OK, again.stdout.str()[-3000:]
    assert gated["baseline"]["new_failures"] == [] and gated["baseline"]["stale"] == []
    assert {r["id"]: r["status"] for r in gated["requirements"]}["JT-AUTH-027"] == "baselined"

    # 3. the same wrong code, and anonymous callers let through: the gate fails, naming each
    # new signature; the known code failures do not hide it
    bypassed, document = run_selection(
        pytester,
        [CODE, BYPASS],
        selection,
        files_by_requirement,
        f"--baseline={baseline}",
        f"--compare-report={pytester.path / 'code.json'}",
        report_name="bypass.json",
    )
    assert bypassed.ret == pytest.ExitCode.TESTS_FAILED
    new = document["baseline"]["new_failures"]
    assert new and {entry["requirement"] for entry in new} == {"JT-AUTH-026"}
    assert BOOKMARKS_BYPASS in {entry["signature"] for entry in new}
    assert document["verdict"]["must_failed"] == ["JT-AUTH-026"]
    assert document["verdict"]["new_failures"] == [entry["signature"] for entry in new]
    bypassed.stdout.fnmatch_lines(
        [
            "new failure of JT-AUTH-026: status 200 where 401 on GET /* as anonymous",
            "NOT CONFORMANT: 1 MUST requirement(s) failed (* cause(s): JT-AUTH-026)*; "
            f"{len(new)} new failure(s) not in the baseline",
        ]
    )

    # the same run compared with the first one's report (--compare-report): the bypass is
    # new; the wrong codes, not verified on endpoints that now serve anonymous callers, are
    # never taken for fixed
    bypassed.stdout.fnmatch_lines(
        [
            "release diff against the earlier report: NEW FAILURES",
            "    NEW   JT-AUTH-026: status 200 where 401 on GET /* as anonymous",
            "    JT-AUTH-026 (MUST): passed -> failed",
        ]
    )
    compared = document["diff"]
    assert BOOKMARKS_BYPASS in {breach["signature"] for breach in compared["signatures"]["new"]}
    assert compared["signatures"]["fixed"] == []
    assert compared["requirements"]["statuses"]["JT-AUTH-026"] == {
        "level": "MUST",
        "old": "passed",
        "new": "failed",
    }

    # 4. the release diff of the two reports lists the bypass as new (exit 1)
    diff_path = tmp_path / "diff.json"
    code = report_main(
        [
            "diff",
            str(pytester.path / "code.json"),
            str(pytester.path / "bypass.json"),
            f"--json={diff_path}",
        ]
    )
    assert code == 1
    diff = json.loads(diff_path.read_text())
    added = {breach["signature"] for breach in diff["signatures"]["new"]}
    assert BOOKMARKS_BYPASS in added
    assert {sig.split(" | ")[0] for sig in added} == {"JT-AUTH-026"}
    assert diff["requirements"]["new_failures"] == ["JT-AUTH-026"]
    assert diff["new"]["verdict"] == "NOT CONFORMANT"


def test_write_baseline_and_baseline_round_trip_on_several_causes(
    pytester: pytest.Pytester, files_by_requirement: dict[str, set[str]], tmp_path
) -> None:
    faults = ["forbidden-code-replaced", "moderation-queue-open-to-members"]
    selection = ["JT-AUTH-028"]  # the moderator-only refusals (and their code, JT-AUTH-033)
    baseline = tmp_path / "baseline.toml"
    first, written = run_selection(
        pytester,
        faults,
        selection,
        files_by_requirement,
        f"--write-baseline={baseline}",
        report_name="first.json",
    )
    assert first.ret == pytest.ExitCode.TESTS_FAILED
    causes = {entry["cause"] for entry in written["divergences"]}
    assert {"code rest_forbidden where jetonomy_forbidden", "status 200 where 403"} <= causes
    text = baseline.read_text()
    assert text.count("[[known]]") == len(written["divergences"]) >= 2
    listed = set(load_baseline(str(baseline), load_contract()).signatures)
    assert listed == {sig for entry in written["divergences"] for sig in entry["signatures"]}

    again, gated = run_selection(
        pytester,
        faults,
        selection,
        files_by_requirement,
        f"--baseline={baseline}",
        report_name="gated.json",
    )
    assert again.ret == pytest.ExitCode.OK, again.stdout.str()[-3000:]
    assert gated["divergences"] == []
    assert gated["baseline"]["new_failures"] == [] and gated["baseline"]["stale"] == []
    assert {sig for e in gated["known_divergences"] for sig in e["signatures"]} == listed
    assert _signatures(gated, outcomes=("baselined",)) == listed
