"""Output paths (reports, baseline): checked at the start, written one by one at the end.

Issue 12, item 1: an unwritable output path must not lose a whole run.
"""

from __future__ import annotations

import json
import os

import pytest

CHECK = """
import os
import pytest

@pytest.mark.requirement("JT-PAGE-001")
def test_check(jetonomy_admin):
    {body}
    assert jetonomy_admin.get("/spaces").status == 200
"""


def _check(body: str = "pass") -> str:
    return CHECK.format(body=body)


def _errors(result: pytest.RunResult) -> list[str]:
    return [line for line in result.stderr.lines if line.startswith("ERROR:")]


def _no_traceback(result: pytest.RunResult) -> None:
    output = result.stdout.str() + result.stderr.str()
    assert "Traceback" not in output and "INTERNALERROR" not in output, output


def test_missing_parent_folders_are_created_at_the_start(pytester: pytest.Pytester) -> None:
    out = pytester.path / "reports" / "nightly"
    # the folder exists while the check runs: it was made at the start, not at the end
    pytester.makepyfile(_check(f"assert os.path.isdir({str(out)!r})"))
    result = pytester.runpytest(
        f"--conformance-report={out / 'r.json'}",
        f"--conformance-html={out / 'html' / 'r.html'}",
        f"--write-baseline={out / 'b' / 'known.toml'}",
    )
    assert result.ret == pytest.ExitCode.OK, result.stdout.str()
    result.assert_outcomes(passed=1)
    assert json.loads((out / "r.json").read_text())["format"] == "pytest-jetonomy-report/1"
    assert (out / "html" / "r.html").read_text().lower().startswith("<!doctype html>")
    assert (out / "b" / "known.toml").is_file()


@pytest.mark.parametrize(
    ("option", "name"),
    [
        ("--conformance-report", "r.json"),
        ("--conformance-html", "r.html"),
        ("--write-baseline", "known.toml"),
    ],
)
def test_parent_is_a_file_stops_the_run_at_once(
    pytester: pytest.Pytester, option: str, name: str
) -> None:
    pytester.makepyfile(_check("raise AssertionError('the run must not start')"))
    (pytester.path / "reports").write_text("a file, not a folder")
    target = pytester.path / "reports" / name
    result = pytester.runpytest(f"{option}={target}")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    errors = _errors(result)
    assert len(errors) == 1, result.stderr.str()
    assert errors[0].startswith(f"ERROR: jetonomy: {option} {target}: cannot create folder")
    assert "a file of that name exists" in errors[0]
    assert "passed" not in result.stdout.str() and "failed" not in result.stdout.str()
    _no_traceback(result)


def test_deeper_path_below_a_file_stops_the_run_at_once(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(_check())
    (pytester.path / "reports").write_text("a file, not a folder")
    target = pytester.path / "reports" / "sub" / "r.json"
    result = pytester.runpytest(f"--conformance-report={target}")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert len(_errors(result)) == 1, result.stderr.str()
    assert "cannot create folder" in _errors(result)[0]
    _no_traceback(result)


def test_path_that_is_a_directory_stops_the_run_at_once(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(_check())
    (pytester.path / "out").mkdir()
    result = pytester.runpytest(f"--conformance-html={pytester.path / 'out'}")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert _errors(result) == [
        f"ERROR: jetonomy: --conformance-html {pytester.path / 'out'}: is a directory, "
        "expected a file path"
    ]
    _no_traceback(result)


def test_two_outputs_naming_one_file_stop_the_run(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(_check())
    same = pytester.path / "report"
    result = pytester.runpytest(f"--conformance-report={same}", f"--conformance-html={same}")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    errors = _errors(result)
    assert len(errors) == 1 and "the same file as --conformance-report" in errors[0], errors
    _no_traceback(result)


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root may write anywhere"
)
def test_folder_without_write_permission_stops_the_run(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(_check())
    locked = pytester.path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        result = pytester.runpytest(f"--conformance-report={locked / 'r.json'}")
    finally:
        locked.chmod(0o700)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    errors = _errors(result)
    assert len(errors) == 1 and "is not writable" in errors[0], result.stderr.str()
    _no_traceback(result)


def test_a_write_failing_at_the_end_loses_nothing_else(pytester: pytest.Pytester) -> None:
    json_path = pytester.path / "r.json"
    html_path = pytester.path / "r.html"
    baseline_path = pytester.path / "known.toml"
    # fine at the start; while the run goes on, the HTML path becomes a folder
    pytester.makepyfile(_check(f"os.mkdir({str(html_path)!r})"))
    result = pytester.runpytest(
        f"--conformance-report={json_path}",
        f"--conformance-html={html_path}",
        f"--write-baseline={baseline_path}",
    )
    result.assert_outcomes(passed=1)
    # the verdict is printed, the other outputs are written
    result.stdout.fnmatch_lines(["*= Jetonomy conformance =*", "NOT CERTIFIED: *"])
    assert json.loads(json_path.read_text())["format"] == "pytest-jetonomy-report/1"
    assert baseline_path.is_file()
    result.stdout.fnmatch_lines(["baseline with 0 signature(s) of 0 cause(s) written to *"])
    # the failed one is named in one line, and the run does not pass
    failed = [line for line in result.stdout.lines if "could not be written" in line]
    assert failed == [
        f"jetonomy: --conformance-html {html_path} could not be written: Is a directory"
    ]
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    _no_traceback(result)


def test_folder_refusing_a_file_is_a_one_line_usage_error(tmp_path, monkeypatch) -> None:
    """The no-permission case as root sees it too (root may write anywhere): the write
    check of the folder is refused."""
    from pytest_jetonomy import outputs

    def refused(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(outputs.tempfile, "mkstemp", refused)
    with pytest.raises(pytest.UsageError) as caught:
        outputs.check_output_path("--conformance-report", str(tmp_path / "r.json"))
    assert str(caught.value) == (
        f"jetonomy: --conformance-report {tmp_path / 'r.json'}: folder {tmp_path} is not "
        "writable: Permission denied"
    )
