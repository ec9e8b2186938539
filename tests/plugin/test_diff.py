"""The release diff: ``compare`` of two reports, ``jetonomy-report diff`` and
``pytest --compare-report``."""

from __future__ import annotations

import json
from typing import Any

import pytest

from pytest_jetonomy.diff import FORMAT, compare, lines, main

from .inner import failing_checks, run_reported


def _breach(rid: str, subject: str, kind: str) -> dict[str, Any]:
    return {
        "requirement": rid,
        "subject": subject,
        "kind": kind,
        "signature": f"{rid} | {subject} | {kind}",
        "expected": "x",
        "exchange": None,
    }


def _report(label: str, statuses: dict[str, str], failures: list[dict[str, Any]]) -> dict:
    requirements = []
    for rid, status in statuses.items():
        mine = [b for b in failures if b["requirement"] == rid]
        outcome = {"failed": "failed", "baselined": "baselined"}.get(status, status)
        tests = [
            {"nodeid": f"t.py::test[{b['subject']}]", "outcome": outcome, "evidence": [b]}
            for b in mine
        ]
        if not tests and status in ("passed", "blocked", "skipped"):
            tests = [{"nodeid": f"t.py::test_{rid}", "outcome": status, "evidence": []}]
        requirements.append({"id": rid, "status": status, "tests": tests})
    return {
        "format": "pytest-jetonomy-report/1",
        "suite": {"version": "0.1.0"},
        "contract": {"version": "2026.11"},
        "target": {"url": f"https://{label}.example.org"},
        "finished_at": "2026-11-22T11:00:00+00:00",
        "verdict": {"label": "NOT CONFORMANT", "line": f"{label} line"},
        "requirements": requirements,
    }


CODE = "code rest_not_logged_in where jetonomy_not_logged_in"
OLD = _report(
    "old",
    {
        "JT-AUTH-026": "passed",
        "JT-AUTH-027": "failed",
        "JT-PAGE-008": "failed",
        "JT-PAGE-001": "passed",
    },
    [
        _breach("JT-AUTH-027", "GET /bookmarks as anonymous", CODE),
        _breach("JT-AUTH-027", "GET /users/me as anonymous", CODE),
        _breach("JT-PAGE-008", "GET /spaces as admin", "status 200 where 418"),
    ],
)
NEW = _report(
    "new",
    {
        "JT-AUTH-026": "failed",
        "JT-AUTH-027": "failed",
        "JT-PAGE-008": "passed",
        "JT-PAGE-001": "not-run",
    },
    [
        _breach("JT-AUTH-026", "GET /bookmarks as anonymous", "status 200 where 401"),
        _breach("JT-AUTH-027", "GET /users/me as anonymous", CODE),
    ],
)


def test_compare_by_signature_and_by_requirement() -> None:
    diff = compare(OLD, NEW)
    assert diff["format"] == FORMAT
    assert diff["old"]["verdict"] == diff["new"]["verdict"] == "NOT CONFORMANT"
    assert diff["old"]["target"] == "https://old.example.org"
    signatures = diff["signatures"]
    assert [b["signature"] for b in signatures["new"]] == [
        "JT-AUTH-026 | GET /bookmarks as anonymous | status 200 where 401"
    ]
    assert signatures["new"][0]["check"] == "t.py::test[GET /bookmarks as anonymous]"
    assert [b["signature"] for b in signatures["fixed"]] == [
        f"JT-AUTH-027 | GET /bookmarks as anonymous | {CODE}",
        "JT-PAGE-008 | GET /spaces as admin | status 200 where 418",
    ]
    assert signatures["unchanged"] == [f"JT-AUTH-027 | GET /users/me as anonymous | {CODE}"]
    requirements = diff["requirements"]
    assert requirements["new_failures"] == ["JT-AUTH-026"]
    assert requirements["fixed"] == ["JT-PAGE-008"]
    assert requirements["still_failing"] == ["JT-AUTH-027"]
    assert requirements["no_longer_verified"] == ["JT-PAGE-001"]
    text = "\n".join(lines(diff))
    assert "failures by signature: 1 new, 2 fixed, 1 unchanged" in text
    assert "  NEW   JT-AUTH-026: status 200 where 401 on GET /bookmarks as anonymous" in text
    assert (
        "requirements: 1 newly failing (JT-AUTH-026), 1 fixed (JT-PAGE-008), 1 still failing"
        in text
    )


def test_a_failure_not_reached_in_the_new_run_is_not_fixed() -> None:
    new = _report("new", {"JT-AUTH-027": "blocked"}, [])
    diff = compare(OLD, new)
    gone = {b["signature"] for b in diff["signatures"]["not_verified"]}
    assert f"JT-AUTH-027 | GET /bookmarks as anonymous | {CODE}" in gone
    assert not any(b["requirement"] == "JT-AUTH-027" for b in diff["signatures"]["fixed"])


def test_a_split_requirement_is_matched_under_its_successors() -> None:
    old = _report(
        "old", {"JT-AUTH-001": "failed"}, [_breach("JT-AUTH-001", "GET /x as anonymous", CODE)]
    )
    new = _report(
        "new", {"JT-AUTH-027": "failed"}, [_breach("JT-AUTH-027", "GET /x as anonymous", CODE)]
    )
    diff = compare(old, new)
    assert diff["signatures"]["new"] == [] and diff["signatures"]["fixed"] == []
    assert diff["signatures"]["renamed"] == {
        f"JT-AUTH-001 | GET /x as anonymous | {CODE}": [
            f"JT-AUTH-027 | GET /x as anonymous | {CODE}"
        ]
    }


def test_cli_prints_writes_and_exits_1_on_a_new_failure(tmp_path, capsys) -> None:
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    old.write_text(json.dumps(OLD))
    new.write_text(json.dumps(NEW))
    out_json = tmp_path / "diff.json"
    assert main(["diff", str(old), str(new), f"--json={out_json}"]) == 1
    printed = capsys.readouterr().out
    assert "NEW   JT-AUTH-026: status 200 where 401 on GET /bookmarks as anonymous" in printed
    assert json.loads(out_json.read_text())["format"] == FORMAT
    # nothing new: exit 0
    assert main(["diff", str(new), str(new)]) == 0
    # not a report: exit 2, saying why
    bad = tmp_path / "bad.json"
    bad.write_text("{}")
    assert main(["diff", str(bad), str(new)]) == 2
    assert "not a pytest-jetonomy JSON report" in capsys.readouterr().err


def test_compare_report_at_the_end_of_a_run(pytester: pytest.Pytester, tmp_path) -> None:
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    # before: JT-ERR-003 fails (a wrong code); after: the same, and JT-PAGE-008 fails too
    run_reported(pytester, tmp_path, "old", checks=failing_checks(200))
    result, document, page = run_reported(
        pytester, tmp_path, "new", f"--compare-report={old}", checks=failing_checks(418)
    )
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(
        [
            "release diff against the earlier report: NEW FAILURES",
            "  before: NOT CONFORMANT (http://127.0.0.1:*)",
            "  after:  NOT CONFORMANT (http://127.0.0.1:*)",
            "  failures by signature: 1 new, 0 fixed, 1 unchanged",
            "    NEW   JT-PAGE-008: status 200 where 418 on GET /spaces as admin",
            "  requirements: 1 newly failing (JT-PAGE-008), 0 fixed, 1 still failing",
            "    JT-PAGE-008 (MUST): passed -> failed",
        ]
    )
    diff = document["diff"]
    assert diff["format"] == FORMAT
    assert diff["requirements"]["new_failures"] == ["JT-PAGE-008"]
    assert diff["requirements"]["still_failing"] == ["JT-ERR-003"]
    assert diff["signatures"]["unchanged"] == [
        "JT-ERR-003 | GET /posts/{id} as admin | code jetonomy_not_found where jetonomy_gone"
    ]
    assert diff["requirements"]["statuses"] == {
        "JT-ERR-003": {"level": "MUST", "old": "failed", "new": "failed"},
        "JT-PAGE-008": {"level": "MUST", "old": "passed", "new": "failed"},
    }
    assert diff["new"]["line"] == document["verdict"]["line"]
    assert diff["old"]["verdict"] == json.loads(old.read_text())["verdict"]["label"]
    assert "<h2>Release diff</h2>" in page
    assert "<td>JT-PAGE-008</td><td>MUST</td><td>passed</td><td>failed</td>" in page
    # the same diff from the command line, with the new report as HTML
    diff_page = tmp_path / "diff.html"
    assert main(["diff", str(old), str(new), f"--html={diff_page}"]) == 1
    assert "<h2>Release diff</h2>" in diff_page.read_text()
    assert main(["diff", str(new), str(new)]) == 0
    # an earlier report that cannot be read stops the run at once
    missing = pytester.runpytest(f"--compare-report={tmp_path / 'none.json'}")
    assert missing.ret == pytest.ExitCode.USAGE_ERROR
    missing.stderr.fnmatch_lines(["ERROR: jetonomy: --compare-report: *cannot read the report*"])


@pytest.mark.parametrize("option", ["--json", "--html"])
def test_cli_an_output_that_cannot_be_written_is_one_line(tmp_path, capsys, option) -> None:
    """Review: an unwritable --json/--html ended in a FileNotFoundError traceback. It is one
    line and exit 2, like a report that cannot be read."""
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    old.write_text(json.dumps(OLD))
    new.write_text(json.dumps(NEW))
    (tmp_path / "a-file").write_text("")
    out = tmp_path / "a-file" / "diff.out"  # its folder cannot be made: a file stands there
    assert main(["diff", str(old), str(new), f"{option}={out}"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"jetonomy-report: error: {option} {out}: "), err
    assert len(err.strip().splitlines()) == 1, err
    assert not out.exists()


def test_a_password_in_a_stored_target_url_is_masked_in_the_diff(
    pytester: pytest.Pytester, tmp_path, capsys
) -> None:
    """Review: a report of an older version stored its target URL with the password; the
    diff copied it into its text, its JSON and its HTML."""
    _, document, _ = run_reported(pytester, tmp_path, "run", checks=failing_checks(200))
    capsys.readouterr()
    document["target"]["url"] = "http://ci:pw-secret-1@host"
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    old.write_text(json.dumps(document))
    new.write_text(json.dumps(document))
    out_json, out_html = tmp_path / "diff.json", tmp_path / "diff.html"
    assert main(["diff", str(old), str(new), f"--json={out_json}", f"--html={out_html}"]) == 0
    printed = capsys.readouterr()
    assert "before: NOT CONFORMANT (http://ci:***@host, " in printed.out
    diff = json.loads(out_json.read_text())
    assert diff["old"]["target"] == diff["new"]["target"] == "http://ci:***@host"
    for text in (printed.out, printed.err, out_json.read_text(), out_html.read_text()):
        assert "pw-secret-1" not in text
