"""Baselines by signature: what a baseline accepts, what it calls a new failure, what it
reports no longer needed, and the older requirement-level form (unit tests of ``Baseline``
and inner sessions with checks that fail on purpose)."""

from __future__ import annotations

import json
import sys

import pytest

from pytest_jetonomy import expect
from pytest_jetonomy.baseline import (
    LEGACY_WARNING,
    PLACEHOLDER,
    Baseline,
    BaselineError,
    load_baseline,
    merge_causes,
    toml_string,
    write_baseline,
)
from pytest_jetonomy.client import Exchange
from pytest_jetonomy.contract import load_contract
from pytest_jetonomy.failures import Breach, normalise

from .inner import failing_checks, run_inner, run_reported

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

CONTRACT = load_contract()
CODE = "code rest_not_logged_in where jetonomy_not_logged_in"
BYPASS = "status 200 where 401"


def _breach(requirement: str | None, subject: str, kind: str) -> Breach:
    return Breach(requirement=requirement, kind=kind, subject=subject, expected="x")


def _signature(requirement: str, subject: str, kind: str) -> str:
    return _breach(requirement, subject, kind).signature


def _load(tmp_path, text: str) -> Baseline:
    path = tmp_path / "baseline.toml"
    path.write_text(text, encoding="utf-8")
    return load_baseline(str(path), CONTRACT)


KNOWN = f"""
[[known]]
cause = "{CODE}"
reason = "our codes are WordPress core's; ticket 12"
signatures = [
  "JT-AUTH-027 | GET /bookmarks as anonymous | {CODE}",
  "JT-AUTH-027 | GET /notifications as anonymous | {CODE}",
]
"""


# -- unit: Baseline ---------------------------------------------------------------------------
def test_signatures_accept_exactly_what_they_list(tmp_path) -> None:
    baseline = _load(tmp_path, KNOWN)
    assert baseline.form == "signatures" and not baseline.warnings
    known = _breach("JT-AUTH-027", "GET /bookmarks as anonymous", CODE)
    bypass = _breach("JT-AUTH-026", "GET /bookmarks as anonymous", BYPASS)
    elsewhere = _breach("JT-AUTH-027", "GET /users/me as anonymous", CODE)
    assert baseline.accepted(known) == "our codes are WordPress core's; ticket 12"
    # the bypass on the same route is another signature: not accepted (the check carrying
    # both is then a new failure: tests/faults/test_gate.py)
    assert baseline.accepted(bypass) is None
    # the same kind on another route is another signature: a new failure
    assert baseline.accepted(elsewhere) is None
    assert baseline.listed("JT-AUTH-027") and not baseline.listed("JT-AUTH-026")
    assert baseline.reasons() == {"JT-AUTH-027": "our codes are WordPress core's; ticket 12"}


def test_stale_signatures_are_those_not_seen_while_their_requirement_ran(tmp_path) -> None:
    baseline = _load(tmp_path, KNOWN)
    seen = [_signature("JT-AUTH-027", "GET /bookmarks as anonymous", CODE)]
    stale = baseline.stale(seen, ran=["JT-AUTH-027"], passed=[])
    assert stale == [_signature("JT-AUTH-027", "GET /notifications as anonymous", CODE)]
    # a requirement no check reached (blocked, deselected) says nothing of its signatures
    assert baseline.stale([], ran=["JT-AUTH-026"], passed=[]) == []


def test_older_requirement_form_still_works_with_a_warning(tmp_path) -> None:
    baseline = _load(tmp_path, '[JT-PAGE-008]\nreason = "rounds down until 2.4"\n')
    assert baseline.form == "requirements"
    assert baseline.warnings == [LEGACY_WARNING]
    # every way of failing the listed requirement is accepted: the older form's weakness
    assert baseline.accepted(_breach("JT-PAGE-008", "GET /spaces as admin", "anything"))
    assert baseline.accepted(_breach("JT-PAGE-001", "GET /spaces as admin", "x")) is None
    # a failure naming no requirement: accepted when every requirement of the check is listed
    assert baseline.accepted(_breach(None, "(the check)", "x"), ["JT-PAGE-008"])
    assert (
        baseline.accepted(_breach(None, "(the check)", "x"), ["JT-PAGE-008", "JT-PAGE-001"]) is None
    )
    assert baseline.stale([], ran=["JT-PAGE-008"], passed=["JT-PAGE-008"]) == ["JT-PAGE-008"]


def test_a_split_requirement_of_the_older_form_accepts_its_successors(tmp_path) -> None:
    baseline = _load(tmp_path, '[JT-AUTH-001]\nreason = "codes differ"\n')
    assert set(baseline.requirements) == {"JT-AUTH-026", "JT-AUTH-027"}
    assert any(
        "[JT-AUTH-001] is superseded by JT-AUTH-026, JT-AUTH-027" in w for w in baseline.warnings
    )
    assert baseline.accepted(_breach("JT-AUTH-027", "GET /bookmarks as anonymous", CODE))


def test_a_split_requirement_of_the_older_form_is_needed_while_a_successor_fails(
    tmp_path,
) -> None:
    baseline = _load(tmp_path, '[JT-AUTH-001]\nreason = "codes differ"\n')
    ran = ["JT-AUTH-026", "JT-AUTH-027"]
    # the refusal holds and its code is still wrong: the table is still needed
    assert baseline.stale([], ran=ran, passed=["JT-AUTH-026"]) == []
    # both requirements replacing it pass: the table (as written) is no longer needed
    assert baseline.stale([], ran=ran, passed=ran) == ["JT-AUTH-001"]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("[JT-NOPE-001]\nreason = 'x'\n", "names no requirement of the catalogue"),
        ("[JT-PAGE-008]\n", "needs a non-empty 'reason'"),
        ("known = 3\n", "'known' must be an array of tables"),
        ("[[known]]\nsignatures = ['JT-PAGE-008 | a | b']\n", "needs a non-empty 'reason'"),
        ("[[known]]\nreason = 'r'\n", "needs 'signatures', a non-empty list"),
        ("[[known]]\nreason = 'r'\nsignatures = ['JT-PAGE-008']\n", "is not a signature"),
        ("[[known]]\nreason = 'r'\nsignatures = ['JT-NOPE-1 | a | b']\n", "names no requirement"),
        ("[[known\n", "not valid TOML"),
    ],
)
def test_unusable_baselines_say_why(tmp_path, text: str, problem: str) -> None:
    with pytest.raises(BaselineError, match=problem.replace("(", r"\(").replace("[", r"\[")):
        _load(tmp_path, text)


def test_write_then_load_round_trips_signatures_and_keeps_known_reasons(tmp_path) -> None:
    odd = 'JT-PAGE-008 | GET /spaces as admin | said "x" \\ \x01 ok'
    causes = merge_causes(
        [
            {
                "cause": CODE,
                "requirements": ["JT-AUTH-027"],
                "signatures": [
                    _signature("JT-AUTH-027", "GET /bookmarks as anonymous", CODE),
                    _signature("JT-AUTH-027", "GET /notifications as anonymous", CODE),
                ],
            }
        ],
        [{"cause": "odd", "requirements": ["JT-PAGE-008"], "signatures": [odd]}],
    )
    previous = _load(tmp_path, KNOWN)
    path = tmp_path / "written.toml"
    assert write_baseline(str(path), causes, "https://example.org", previous) == 3
    again = load_baseline(str(path), CONTRACT)
    assert set(again.signatures) == set(previous.signatures) | {odd}
    # a cause all of whose signatures were known keeps its reason; a new one gets the placeholder
    assert again.signatures[odd] == PLACEHOLDER
    assert again.reason_of("JT-AUTH-027") == "our codes are WordPress core's; ticket 12"
    text = path.read_text()
    assert f'cause = "{CODE}"' in text and "# requirements: JT-AUTH-027" in text


def test_toml_strings_hold_any_text() -> None:
    for text in ['a "quoted" \\ path', "tab\tnew\nline\x7f", "ünïcode 日本"]:
        assert tomllib.loads(f"x = {toml_string(text)}")["x"] == text


# -- inner sessions ---------------------------------------------------------------------------
def test_write_baseline_then_gate_by_signature(pytester: pytest.Pytester, tmp_path) -> None:
    written = tmp_path / "baseline.toml"
    result = run_inner(pytester, f"--write-baseline={written}", checks=failing_checks())
    result.stdout.fnmatch_lines(["baseline with 2 signature(s) of 2 cause(s) written to *"])
    text = written.read_text()
    assert text.count("[[known]]") == 2 and PLACEHOLDER in text
    assert '"JT-PAGE-008 | GET /spaces as admin | status 200 where 418",' in text
    assert (
        '"JT-ERR-003 | GET /posts/{id} as admin | code jetonomy_not_found where jetonomy_gone",'
        in text
    )
    # the same failures: accepted (and nothing stale)
    report = tmp_path / "gated.json"
    result = run_inner(
        pytester,
        f"--baseline={written}",
        f"--conformance-report={report}",
        "-n",
        "2",
        checks=failing_checks(),
    )
    assert result.ret == pytest.ExitCode.OK, result.stdout.str()[-3000:]
    document = json.loads(report.read_text())
    assert document["baseline"]["form"] == "signatures"
    assert document["baseline"]["new_failures"] == [] and document["baseline"]["stale"] == []
    statuses = {r["id"]: r["status"] for r in document["requirements"]}
    assert statuses["JT-PAGE-008"] == statuses["JT-ERR-003"] == "baselined"
    # the same requirement failing another way is a new failure, named as such
    report = tmp_path / "new.json"
    result = run_inner(
        pytester,
        f"--baseline={written}",
        f"--conformance-report={report}",
        checks=failing_checks(419),
    )
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(
        [
            "new failure of JT-PAGE-008: status 200 where 419 on GET /spaces as admin "
            "(the baseline lists other failures of it: a new way of failing)",
            "baseline entry no longer needed: JT-PAGE-008 | GET /spaces as admin | status 200 "
            "where 418 (not seen while JT-PAGE-008 ran)",
            "NOT CONFORMANT: 1 MUST requirement(s) failed (1 cause(s): JT-PAGE-008); 1 known "
            "failure(s) accepted by the baseline; 1 new failure(s) not in the baseline",
        ]
    )
    document = json.loads(report.read_text())
    (new,) = document["baseline"]["new_failures"]
    assert new["signature"] == "JT-PAGE-008 | GET /spaces as admin | status 200 where 419"
    assert new["listed"] is True and new["checks"] == ["test_checks.py::test_status"]
    assert document["verdict"]["new_failures"] == [new["signature"]]
    (evidence,) = next(r for r in document["requirements"] if r["id"] == "JT-PAGE-008")["tests"][0][
        "evidence"
    ]
    assert evidence["baseline"] is None
    # a stale entry fails the run under --strict-baseline
    result = run_inner(
        pytester, f"--baseline={written}", "--strict-baseline", checks=failing_checks(200)
    )
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["baseline entry no longer needed: JT-PAGE-008 | *"])


def test_older_baseline_warns_that_it_can_hide_new_failures(
    pytester: pytest.Pytester, tmp_path
) -> None:
    baseline = tmp_path / "old.toml"
    baseline.write_text('[JT-PAGE-008]\nreason = "known"\n[JT-ERR-003]\nreason = "known"\n')
    # whatever JT-PAGE-008's failure is (the known one was another status), it is accepted
    result, document, page = run_reported(
        pytester, tmp_path, "old", f"--baseline={baseline}", checks=failing_checks(419)
    )
    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines([f"baseline warning: {LEGACY_WARNING}"])
    assert document["baseline"]["form"] == "requirements"
    assert document["baseline"]["warnings"] == [LEGACY_WARNING]
    assert document["baseline"]["new_failures"] == []
    statuses = {r["id"]: r["status"] for r in document["requirements"]}
    assert statuses["JT-PAGE-008"] == statuses["JT-ERR-003"] == "baselined"
    assert "<h2>Baseline</h2>" in page and "by requirement ID (the older form)" in page
    assert "it also accepts a new, graver way of failing a listed requirement" in page


SOFT = """
import pytest
from pytest_jetonomy import expect

@pytest.mark.requirement("JT-AUTH-026", code="JT-AUTH-027")
def test_refusal_and_its_code(jetonomy_admin):
    response = jetonomy_admin.get("/posts/987654321")
    with expect.soft():
        expect.error(response, 404, "jetonomy_gone")

@pytest.mark.requirement("JT-PAGE-001", "JT-PAGE-008")
def test_two_things(jetonomy_admin):
    response = jetonomy_admin.get("/spaces")
    with expect.soft():
        expect.status(response, 418, requirement="JT-PAGE-001")
        expect.that(False, "a second promise", response, requirement="JT-PAGE-008")
        expect.that(True, "a third promise", response)

@pytest.mark.requirement("JT-PAGE-004", "JT-PAGE-005")
def test_stops_at_the_first(jetonomy_admin):
    response = jetonomy_admin.get("/spaces")
    expect.status(response, 418, requirement="JT-PAGE-004")
    expect.that(False, "never reached", response, requirement="JT-PAGE-005")
"""


def test_soft_assertions_report_every_breach(pytester: pytest.Pytester, tmp_path) -> None:
    report = tmp_path / "soft.json"
    run_inner(pytester, f"--conformance-report={report}", checks=SOFT)
    document = json.loads(report.read_text())
    by_id = {r["id"]: r for r in document["requirements"]}
    # a wrong code fails the code requirement only: the refusal was judged and kept
    assert by_id["JT-AUTH-027"]["status"] == "failed"
    assert by_id["JT-AUTH-026"]["status"] == "passed"
    (evidence,) = by_id["JT-AUTH-027"]["tests"][0]["evidence"]
    assert evidence["signature"] == (
        "JT-AUTH-027 | GET /posts/{id} as admin | code jetonomy_not_found where jetonomy_gone"
    )
    # two breaches of one check, each with its own signature and requirement
    evidence = by_id["JT-PAGE-001"]["tests"][0]["evidence"]
    assert [e["signature"] for e in evidence] == [
        "JT-PAGE-001 | GET /spaces as admin | status 200 where 418",
        "JT-PAGE-008 | GET /spaces as admin | a second promise",
    ]
    assert by_id["JT-PAGE-001"]["status"] == by_id["JT-PAGE-008"]["status"] == "failed"
    # without soft: the first breach stops the check, the other requirement is blocked
    assert by_id["JT-PAGE-004"]["status"] == "failed"
    assert by_id["JT-PAGE-005"]["status"] == "blocked"


# -- signatures -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("first", "second"),
    [
        # run prefixes in any spelling (settings keys use underscores), and the counters after
        (
            "holds the value under the settings key 'jtc_7149d633_493_b' (sent last)",
            "holds the value under the settings key 'jtc_992296c9_342_b' (sent last)",
        ),
        ("space jtc-1a2b3c4d-12 listed", "space jtc-99aa88bb-3 listed"),
        ("the word jtc1a2b3c4dq0123456789ab found", "the word jtc99aa88bbqabcdef012345 found"),
        # ids, counts, durations, timestamps, tokens
        ("no bookmark of post 1234 (after 1.37 s)", "no bookmark of post 98 (after 12.5 s)"),
        ("created at 2026-11-30T15:23:28+00:00", "created at 2026-12-01 08:00:01.123Z"),
        ("token e3b0c442-98fc-1c14-9afb-f4c8996fb924", "token 0f1e2d3c4b5a69788796a5b4c3d2e1f0"),
    ],
)
def test_signatures_hold_nothing_that_changes_from_run_to_run(first: str, second: str) -> None:
    one = _breach("JT-PAGE-008", "GET /spaces/{id} as admin", first)
    two = _breach("JT-PAGE-008", "GET /spaces/{id} as admin", second)
    assert normalise(first) == normalise(second)
    assert (
        Breach(**{**one.__dict__, "kind": normalise(first)}).signature
        == Breach(**{**two.__dict__, "kind": normalise(second)}).signature
    )


def test_signatures_keep_what_says_what_broke() -> None:
    assert normalise("status 200 where 401 or 403") == "status 200 where 401 or 403"
    assert normalise("blocked by JT-BEHAV-012 (vote -1, then 1)") == (
        "blocked by JT-BEHAV-012 (vote -1, then 1)"
    )
    assert normalise("HTTP 404 answering 400 or 401 or 403 or 404 or 405") == (
        "HTTP 404 answering 400 or 401 or 403 or 404 or 405"
    )


def test_subjects_outside_the_catalogue_are_normalised_too() -> None:
    def subject(path: str) -> str:
        url = f"http://127.0.0.1:8080/wp-json/jetonomy/v1{path}"
        return expect.subject_of(Exchange("admin", "GET", url, {}, None))

    assert subject("/no-such-route/jtc-1a2b3c4d-7") == "GET /no-such-route/{run} as admin"
    assert subject("/no-such-route/jtc-99aa88bb-12") == "GET /no-such-route/{run} as admin"
    assert subject("/x/e3b0c44298fc1c149afbf4c8996fb924") == "GET /x/{token} as admin"
    assert subject("/spaces/12/posts") == "GET /spaces/{space_id}/posts as admin"
