"""Certification report: verdict, JSON, HTML, JUnit properties and baseline gating.

The inner sessions use checks marked with real requirement IDs that pass or fail on
purpose, so the reporting logic is exercised without depending on a target's behaviour.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

CHECKS = """
import pytest
from pytest_jetonomy import expect

@pytest.mark.requirement("JT-PAGE-001")
def test_must_passes(jetonomy_admin):
    assert jetonomy_admin.get("/spaces").status == 200

@pytest.mark.requirement("JT-PAGE-008")
def test_must_fails(jetonomy_admin):
    response = jetonomy_admin.get("/spaces")
    expect.status(response, 418)

@pytest.mark.requirement("JT-CONV-003")
def test_should_fails(jetonomy_admin):
    expect.that(False, "a SHOULD promise", jetonomy_admin.get("/tags"))

@pytest.mark.requirement("JT-RATE-004")
def test_must_skipped():
    pytest.skip("no credentials for role 'new_member' in creds.toml")
"""


def _run(pytester: pytest.Pytester, *args: str, checks: str = CHECKS) -> pytest.RunResult:
    pytester.makepyfile(test_checks=checks)
    return pytester.runpytest(*args)


def test_summary_and_exit_code_not_conformant(pytester: pytest.Pytester) -> None:
    result = _run(pytester)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(
        [
            "*= Jetonomy conformance =*",
            "target: http://127.0.0.1:* (embedded reference server)",
            "suite: pytest-jetonomy *; contract: Jetonomy REST API *",
            "area *passed*failed*blocked*skipped*",
            "pagination *1 *1 *0 *0 *0 *15",
            "divergences by cause (2), most MUST requirements first:",
            "  1. status 200 where 418 [1 MUST; 1 requirement(s): JT-PAGE-008; 1 check(s)]",
            "  2. a SHOULD promise [SHOULD only; 1 requirement(s): JT-CONV-003; 1 check(s)]",
            "NOT CONFORMANT: 1 MUST requirement(s) failed (1 cause(s): JT-PAGE-008)",
        ]
    )


def test_should_failures_only_are_conformant_with_warnings(pytester: pytest.Pytester) -> None:
    checks = CHECKS.replace("expect.status(response, 418)", "expect.status(response, 200)")
    checks = checks.replace('pytest.skip("no credentials', 'return None  # ("no credentials')
    result = _run(pytester, "-k", "not nothing", checks=checks)
    result.stdout.fnmatch_lines(
        ["NOT CERTIFIED: * MUST requirement(s) not verified (* not run in this selection)"]
    )
    assert result.ret == pytest.ExitCode.OK  # deselected requirements do not fail the run


def test_skipped_must_is_not_certified_and_says_why(pytester: pytest.Pytester) -> None:
    checks = CHECKS.replace("expect.status(response, 418)", "expect.status(response, 200)")
    result = _run(pytester, checks=checks)
    result.stdout.fnmatch_lines(
        [
            "NOT CERTIFIED: * MUST requirement(s) not verified (skipped: no credentials for role 'new_member' in creds.toml*"
        ]
    )
    assert result.ret == pytest.ExitCode.TESTS_FAILED


def test_json_report(pytester: pytest.Pytester, tmp_path) -> None:
    path = tmp_path / "report.json"
    _run(pytester, f"--conformance-report={path}")
    document = json.loads(path.read_text())
    assert document["format"] == "pytest-jetonomy-report/1"
    assert document["target"]["embedded_reference_server"] is True
    assert document["verdict"]["label"] == "NOT CONFORMANT"
    assert document["verdict"]["must_failed"] == ["JT-PAGE-008"]
    assert document["verdict"]["should_failed"] == ["JT-CONV-003"]
    by_id = {r["id"]: r for r in document["requirements"]}
    assert by_id["JT-PAGE-001"]["status"] == "passed"
    assert by_id["JT-RATE-004"]["status"] == "skipped"
    assert by_id["JT-RATE-004"]["skip_reasons"] == [
        "no credentials for role 'new_member' in creds.toml"
    ]
    failed = by_id["JT-PAGE-008"]
    assert failed["level"] == "MUST" and failed["area"] == "pagination"
    (test,) = failed["tests"]
    (evidence,) = test["evidence"]
    assert evidence["expected"] == "HTTP 418"
    assert evidence["exchange"]["status"] == 200
    assert evidence["exchange"]["request_headers"]["Authorization"] == "***"
    assert document["started_at"] <= document["finished_at"]


def test_report_is_identical_under_xdist(pytester: pytest.Pytester, tmp_path) -> None:
    serial, parallel = tmp_path / "serial.json", tmp_path / "parallel.json"
    _run(pytester, f"--conformance-report={serial}")
    _run(pytester, "-n", "2", f"--conformance-report={parallel}")

    def essence(path):
        document = json.loads(path.read_text())
        return document["verdict"], [
            (r["id"], r["status"], [(t["nodeid"], t["outcome"]) for t in r["tests"]])
            for r in document["requirements"]
        ]

    assert essence(serial) == essence(parallel)


def test_html_report_is_self_contained(pytester: pytest.Pytester, tmp_path) -> None:
    path = tmp_path / "report.html"
    _run(pytester, f"--conformance-html={path}")
    page = path.read_text()
    assert page.startswith("<!doctype html>")
    assert "NOT CONFORMANT" in page and "JT-PAGE-008" in page
    assert "<script" not in page and "http://" not in page.split("<main>")[0].split("</style>")[0]


def test_junit_xml_carries_requirement_properties_under_xdist(
    pytester: pytest.Pytester, tmp_path
) -> None:
    path = tmp_path / "junit.xml"
    _run(pytester, "-n", "2", f"--junitxml={path}")
    tree = ET.parse(path)
    properties = {
        case.get("name"): {(p.get("name"), p.get("value")) for p in case.iter("property")}
        for case in tree.iter("testcase")
    }
    assert ("requirement", "JT-PAGE-008") in properties["test_must_fails"]
    assert ("requirement_level", "MUST") in properties["test_must_fails"]
    assert ("requirement_level", "SHOULD") in properties["test_should_fails"]


def test_baseline_accepts_listed_failures(pytester: pytest.Pytester) -> None:
    baseline = pytester.path / "baseline.toml"
    baseline.write_text('[JT-PAGE-008]\nreason = "rounds down until 2.4"\n')
    checks = CHECKS.replace('pytest.skip("no credentials', 'return None  # ("no credentials')
    checks = checks.replace(
        'expect.that(False, "a SHOULD promise"', 'expect.that(True, "a SHOULD promise"'
    )
    result = _run(pytester, f"--baseline={baseline}", "-rx", checks=checks)
    assert result.ret == pytest.ExitCode.OK, result.stdout.str()
    result.stdout.fnmatch_lines(["*known failure (baseline) JT-PAGE-008: rounds down until 2.4*"])
    result.stdout.fnmatch_lines(["NOT CERTIFIED: *; 1 known failure(s) accepted by the baseline"])


def test_stale_baseline_entry_is_reported_and_fails_when_strict(pytester: pytest.Pytester) -> None:
    baseline = pytester.path / "baseline.toml"
    baseline.write_text('[JT-PAGE-001]\nreason = "was broken"\n[JT-PAGE-008]\nreason = "known"\n')
    checks = CHECKS.replace('pytest.skip("no credentials', 'return None  # ("no credentials')
    result = _run(pytester, f"--baseline={baseline}", checks=checks)
    result.stdout.fnmatch_lines(["baseline entry no longer needed: JT-PAGE-001 now passes"])
    assert result.ret == pytest.ExitCode.OK
    result = _run(pytester, f"--baseline={baseline}", "--strict-baseline", "-n", "2", checks=checks)
    assert result.ret == pytest.ExitCode.TESTS_FAILED


def test_baseline_naming_unknown_requirement_is_an_error(pytester: pytest.Pytester) -> None:
    baseline = pytester.path / "baseline.toml"
    baseline.write_text('[JT-NOPE-001]\nreason = "x"\n')
    result = _run(pytester, f"--baseline={baseline}")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["ERROR: jetonomy: baseline: *baseline.toml: [[]JT-NOPE-001] names no requirement*"]
    )


def test_write_baseline_then_gate_with_it(pytester: pytest.Pytester) -> None:
    written = pytester.path / "written.toml"
    _run(pytester, f"--write-baseline={written}")
    text = written.read_text()
    assert "[[known]]" in text and "TODO" in text
    assert '"JT-PAGE-008 | GET /spaces as admin | status 200 where 418",' in text
    assert '"JT-CONV-003 | GET /tags as admin | a SHOULD promise",' in text
    checks = CHECKS.replace('pytest.skip("no credentials', 'return None  # ("no credentials')
    result = _run(pytester, f"--baseline={written}", "-n", "2", checks=checks)
    assert result.ret == pytest.ExitCode.OK


def test_interrupted_run_says_so_instead_of_selection() -> None:
    from pytest_jetonomy.results import RequirementResult, verdict

    results = [
        RequirementResult("JT-A-001", "MUST", "auth", "t", "s", "passed", []),
        RequirementResult("JT-A-002", "MUST", "auth", "t", "s", "not-run", []),
    ]
    assert "1 not run in this selection" in verdict(results).line
    line = verdict(results, interrupted=True).line
    assert line.startswith("NOT CERTIFIED: 1 MUST requirement(s) not verified")
    assert "1 not run: the run was interrupted" in line


MULTI = """
import pytest
from pytest_jetonomy import expect

@pytest.mark.requirement("JT-RATE-019", "JT-RATE-016")
def test_stops_at_the_should(jetonomy_admin):
    expect.that(False, "own bucket", jetonomy_admin.get("/spaces"), requirement="JT-RATE-016")
    expect.that(False, "never reached", requirement="JT-RATE-019")

@pytest.mark.requirement("JT-PAGE-001", "JT-PAGE-008")
def test_unnamed_failure(jetonomy_admin):
    assert False, "a failure that names no requirement"
"""


@pytest.mark.parametrize("workers", [0, 2])
def test_a_failure_counts_against_the_requirement_it_names(
    pytester: pytest.Pytester, tmp_path, workers: int
) -> None:
    """A check covering several requirements that fails on one (a SHOULD) fails that one
    only: the others were not reached (blocked by it: not verified), not failed. A failure
    naming no requirement still counts against all of the test's requirements."""
    path = tmp_path / "report.json"
    _run(pytester, f"--conformance-report={path}", "-n", str(workers), checks=MULTI)
    document = json.loads(path.read_text())
    by_id = {r["id"]: r for r in document["requirements"]}
    assert by_id["JT-RATE-016"]["status"] == "failed"
    assert by_id["JT-RATE-019"]["status"] == "blocked"
    assert by_id["JT-RATE-019"]["blocked_by"] == ["JT-RATE-016"]
    assert by_id["JT-PAGE-001"]["status"] == by_id["JT-PAGE-008"]["status"] == "failed"
    assert document["verdict"]["should_failed"] == ["JT-RATE-016"]
    assert document["verdict"]["must_failed"] == ["JT-PAGE-001", "JT-PAGE-008"]


def test_baseline_of_the_named_requirement_is_enough(pytester: pytest.Pytester) -> None:
    baseline = pytester.path / "baseline.toml"
    baseline.write_text('[JT-RATE-016]\nreason = "shared bucket until 3.0"\n')
    checks = MULTI.split('@pytest.mark.requirement("JT-PAGE-001"')[0]
    result = _run(pytester, f"--baseline={baseline}", checks=checks)
    result.stdout.fnmatch_lines(["*1 known failure(s) accepted by the baseline"])


CAUSES = """
import pytest
from pytest_jetonomy import expect

UNKNOWN = "/posts/987654321"

@pytest.mark.requirement("JT-PAGE-001")
def test_passes(jetonomy_admin):
    expect.status(jetonomy_admin.get("/spaces"), 200, subject=True)

@pytest.mark.requirement("JT-ERR-003")
def test_code_of_a_post(jetonomy_admin):
    expect.error(jetonomy_admin.get(UNKNOWN), 404, "jetonomy_gone")

@pytest.mark.requirement("JT-ERR-003")
def test_code_of_another_post(jetonomy_admin):
    expect.error(jetonomy_admin.get("/posts/987654322"), 404, "jetonomy_gone")

@pytest.mark.requirement("JT-PAGE-008")
def test_code_of_a_user(jetonomy_admin):
    expect.error(jetonomy_admin.get("/users/987654321"), 404, "jetonomy_gone")

@pytest.mark.requirement("JT-CONV-003")
def test_should_fails(jetonomy_admin):
    expect.that(False, "a SHOULD promise", jetonomy_admin.get("/tags"))

@pytest.mark.requirement("JT-PAGE-004")
def test_blocked_by_a_setup_request(jetonomy_admin):
    expect.status(jetonomy_admin.get(UNKNOWN), 200, why="the post to start from")
    expect.that(False, "never reached")

@pytest.mark.requirement("JT-PAGE-005")
def test_blocked_inside_a_precondition(jetonomy_admin):
    with expect.precondition("read the post to start from"):
        expect.status(jetonomy_admin.get(UNKNOWN), 200, subject=True)
    expect.that(False, "never reached")
"""
"""One cause seen by three checks of two MUST requirements (a wrong code), a SHOULD-only
cause, and two requirements blocked by one failed setup request (never failed)."""

CODE_CAUSE = "code jetonomy_not_found where jetonomy_gone"
BLOCKER = "GET /posts/{id} answering 404"


@pytest.mark.parametrize("workers", [0, 2])
def test_json_report_lists_divergences_and_blocked(
    pytester: pytest.Pytester, tmp_path, workers: int
) -> None:
    path = tmp_path / "report.json"
    _run(pytester, f"--conformance-report={path}", "-n", str(workers), checks=CAUSES)
    document = json.loads(path.read_text())
    first, second = document["divergences"]
    assert first["cause"] == CODE_CAUSE
    assert first["requirements"] == ["JT-ERR-003", "JT-PAGE-008"]
    assert first["must"] == 2 and first["checks"] == 3
    evidence = first["evidence"]
    assert evidence["cause"] == CODE_CAUSE and evidence["requirement"] in first["requirements"]
    assert evidence["expected"] == "404 with code jetonomy_gone"
    assert evidence["exchange"]["method"] == "GET" and evidence["exchange"]["status"] == 404
    assert evidence["exchange"]["request_headers"]["Authorization"] == "***"
    assert '"jetonomy_not_found"' in evidence["exchange"]["response_excerpt"]
    assert second["cause"] == "a SHOULD promise"
    assert second["requirements"] == ["JT-CONV-003"]
    assert second["must"] == 0 and second["checks"] == 1
    assert document["blocked"] == [{"by": BLOCKER, "requirements": ["JT-PAGE-004", "JT-PAGE-005"]}]
    by_id = {r["id"]: r for r in document["requirements"]}
    for rid in ("JT-PAGE-004", "JT-PAGE-005"):
        assert by_id[rid]["status"] == "blocked"
        assert by_id[rid]["blocked_by"] == [BLOCKER]
        (test,) = by_id[rid]["tests"]
        assert test["outcome"] == "blocked" and test["blocked"]["by"] == BLOCKER
        assert test["evidence"] == []
    steps = {by_id[rid]["tests"][0]["blocked"]["step"] for rid in ("JT-PAGE-004", "JT-PAGE-005")}
    assert steps == {"the post to start from", "read the post to start from"}
    verdict = document["verdict"]
    assert verdict["must_failed"] == ["JT-PAGE-008", "JT-ERR-003"]  # catalogue order
    assert verdict["causes"] == 1
    assert verdict["blocked"] == {BLOCKER: ["JT-PAGE-004", "JT-PAGE-005"]}
    assert verdict["line"] == (
        "NOT CONFORMANT: 2 MUST requirement(s) failed (1 cause(s): JT-PAGE-008, JT-ERR-003); "
        "2 requirement(s) blocked by 1 failed precondition(s)"
    )
    assert document["known_divergences"] == []


def test_terminal_summary_lists_divergences_and_blocked(pytester: pytest.Pytester) -> None:
    result = _run(pytester, checks=CAUSES)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(
        [
            "area *passed*failed*blocked*skipped*",
            "pagination *1 *1 *2 *0 *0 *13",
            "divergences by cause (2), most MUST requirements first:",
            f"  1. {CODE_CAUSE} [2 MUST; 2 requirement(s): JT-ERR-003, JT-PAGE-008; 3 check(s)]",
            "  2. a SHOULD promise [SHOULD only; 1 requirement(s): JT-CONV-003; 1 check(s)]",
            f"blocked by {BLOCKER}: 2 requirement(s) not verified (JT-PAGE-004, JT-PAGE-005)",
            "NOT CONFORMANT: 2 MUST requirement(s) failed (1 cause(s): JT-PAGE-008, JT-ERR-003); "
            "2 requirement(s) blocked by 1 failed precondition(s)",
        ]
    )
    # a blocked check is no failure: pytest shows it as a skip saying what blocked it
    assert "FAILED test_checks.py::test_blocked" not in result.stdout.str()
    result.assert_outcomes(passed=1, failed=4, skipped=2)


def test_html_report_shows_divergences_and_blocked(pytester: pytest.Pytester, tmp_path) -> None:
    path = tmp_path / "report.html"
    _run(pytester, f"--conformance-html={path}", checks=CAUSES)
    page = path.read_text()
    divergences = page[page.index("<h2>Divergences by cause</h2>") : page.index("<h2>Blocked</h2>")]
    rows = divergences.split("<tr>")[2:]
    assert len(rows) == 2
    assert f"<b>{CODE_CAUSE}</b>" in rows[0]
    assert "<td>2</td><td>JT-ERR-003, JT-PAGE-008</td><td>3</td>" in rows[0]
    assert "sent:     GET http://127.0.0.1:" in rows[0] and "got:      404" in rows[0]
    assert "<b>a SHOULD promise</b>" in rows[1]
    assert "<td>0</td><td>JT-CONV-003</td><td>1</td>" in rows[1]
    blocked = page[page.index("<h2>Blocked</h2>") : page.index("<h2>Failures</h2>")]
    assert (
        "<li><b>GET /posts/{id} answering 404</b>: 2 requirement(s) not verified "
        "(JT-PAGE-004, JT-PAGE-005)</li>"
    ) in blocked
    assert "<script" not in page


def test_html_report_without_divergences_or_blocked(pytester: pytest.Pytester, tmp_path) -> None:
    path = tmp_path / "report.html"
    checks = CAUSES.split('@pytest.mark.requirement("JT-ERR-003")')[0]
    _run(pytester, f"--conformance-html={path}", checks=checks)
    page = path.read_text()
    assert "<h2>Divergences by cause</h2>" in page and "<p>No divergence.</p>" in page
    assert "<h2>Blocked</h2>" not in page


PASSWORD_OUTSIDE_A_URL = """
from urllib.parse import urlsplit
from pytest_jetonomy.masking import mask_text

@pytest.mark.requirement("JT-PAGE-001")
def test_must_passes_masking_the_password_outside_a_url(jetonomy_target):
    # a server echoing the password, say: masked in this process too (an xdist worker)
    password = urlsplit(jetonomy_target).password
    assert mask_text("echoed " + password) == "echoed ***"
"""


@pytest.mark.parametrize("workers", [0, 2], ids=["one-process", "xdist"])
def test_a_password_in_the_target_url_is_masked_everywhere(
    pytester: pytest.Pytester, reference_server, tmp_path, workers
) -> None:
    """Issue 12: ``https://ci:secret@staging...`` printed its password in the header, the JSON
    and the HTML. The user stays, the password goes, in every output; also from the
    processes of pytest-xdist, which build their settings from the controller's."""
    password = "gate-s3cret-pw"
    target = reference_server.url.replace("http://", f"http://ci:{password}@")
    report, page = tmp_path / "r.json", tmp_path / "r.html"
    result = _run(
        pytester,
        f"--target-url={target}",
        f"--credentials={reference_server.credentials_file}",
        f"--conformance-report={report}",
        f"--conformance-html={page}",
        "-k",
        "must_passes",
        "-v",
        *(["-n", str(workers)] if workers else []),
        checks=CHECKS + PASSWORD_OUTSIDE_A_URL,
    )
    result.assert_outcomes(passed=2)  # the process that ran the checks knows the password
    output = result.stdout.str() + result.stderr.str()
    assert "target: http://ci:***@127.0.0.1:" in output
    for text in (output, report.read_text(), page.read_text()):
        assert password not in text
    assert json.loads(report.read_text())["target"]["url"].startswith("http://ci:***@")
