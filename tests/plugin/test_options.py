"""Options, their sources and precedence, and clear errors for bad input."""

from __future__ import annotations

import fnmatch

import pytest

SHOW_TARGET = """
def test_show(jetonomy_target, jetonomy_run):
    print("TARGET=" + jetonomy_target + " SOURCE=" + jetonomy_run.settings.target_source)
"""


def test_help_lists_the_option_group(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--help")
    result.stdout.fnmatch_lines(
        [
            "*Jetonomy REST API conformance (pytest-jetonomy)*",
            "*--target-url=URL*",
            "*--credentials=FILE*",
            "*--request-timeout=SECONDS*",
            "*target_url (string)*",
        ]
    )


@pytest.mark.parametrize("url", ["not a url", "ftp://example.org", "http://", "http://host:99999"])
def test_malformed_url_is_a_one_line_usage_error(pytester: pytest.Pytester, url: str) -> None:
    pytester.makepyfile(SHOW_TARGET)
    result = pytester.runpytest("--target-url", url)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    errors = [line for line in result.stderr.lines if line.startswith("ERROR:")]
    assert len(errors) == 1, result.stderr.str()
    assert "jetonomy: target URL" in errors[0] and "--target-url" in errors[0]
    assert "Traceback" not in result.stdout.str() + result.stderr.str()


def test_unreachable_target_fails_once_at_start(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(SHOW_TARGET)
    result = pytester.runpytest("--target-url", "http://127.0.0.1:1", "--request-timeout", "2")
    assert result.ret != 0
    output = result.stdout.str() + result.stderr.str()
    assert output.count("cannot reach the target http://127.0.0.1:1") == 1, output
    assert "connection refused" in output
    assert "Traceback" not in output
    assert "passed" not in output and "failed" not in output


def test_cli_beats_env_beats_ini(pytester: pytest.Pytester, reference_server, monkeypatch) -> None:
    pytester.makepyfile(SHOW_TARGET)
    pytester.makeini("[pytest]\ntarget_url = http://127.0.0.1:1\n")
    monkeypatch.setenv("JETONOMY_TARGET_URL", reference_server.url)
    # env beats ini (the ini URL is unreachable: the run passes only if env won)
    result = pytester.runpytest("-s", "--credentials", str(reference_server.credentials_file))
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(
        [f"target: {reference_server.url} (from env JETONOMY_TARGET_URL)", "*SOURCE=env*"]
    )
    # CLI beats env
    monkeypatch.setenv("JETONOMY_TARGET_URL", "http://127.0.0.1:1")
    result = pytester.runpytest(
        "-s",
        "--target-url",
        reference_server.url,
        "--credentials",
        str(reference_server.credentials_file),
    )
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines([f"target: {reference_server.url} (from --target-url)"])


def test_ini_target_reaches_xdist_workers(pytester: pytest.Pytester, reference_server) -> None:
    """pytest-base-url #34: an ini-only value must not be lost on workers."""
    pytester.makepyfile(
        f"""
        import pytest

        @pytest.mark.parametrize("n", range(4))
        def test_target(jetonomy_target, jetonomy_admin, n):
            assert jetonomy_target == {reference_server.url!r}
            assert jetonomy_admin.get("/users/me").status == 200
        """
    )
    pytester.makeini(
        f"[pytest]\ntarget_url = {reference_server.url}\n"
        f"jetonomy_credentials = {reference_server.credentials_file}\n"
    )
    result = pytester.runpytest("-n", "2")
    result.assert_outcomes(passed=4)
    result.stdout.fnmatch_lines(
        [f"target: {reference_server.url} (from ini target_url in tox.ini)"]
    )


def test_embedded_server_is_the_default(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        def test_me(jetonomy_target, jetonomy_admin):
            assert jetonomy_target.startswith("http://127.0.0.1:")
            assert jetonomy_admin.get("/users/me").json()["id"] > 0
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["target: embedded reference server at http://127.0.0.1:*"])


@pytest.mark.parametrize("value", ["soon", "0", "-3"])
def test_bad_timeout_is_a_usage_error(pytester: pytest.Pytester, value: str) -> None:
    pytester.makepyfile(SHOW_TARGET)
    result = pytester.runpytest(f"--request-timeout={value}")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [f"ERROR: jetonomy: request timeout '{value}' (from --request-timeout)*"]
    )


def test_timeout_applies_to_requests(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        def test_timeout(jetonomy_anonymous):
            assert jetonomy_anonymous.timeout == 3.5
        """
    )
    result = pytester.runpytest("--request-timeout", "3.5")
    result.assert_outcomes(passed=1)


def test_reference_dialect_reaches_the_embedded_server_and_the_workers(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.parametrize("n", range(2))
        def test_alt(jetonomy_admin, jetonomy_run, n):
            settings = jetonomy_run.settings
            assert settings.reference_dialect == "alt"
            spaces = jetonomy_admin.get("/spaces")
            assert spaces.status == 200 and isinstance(spaces.json(), list)  # a bare array
            page = settings.link_preview_url
            assert page.startswith("http://127.0.0.1:") and settings.run_prefix in page
            preview = jetonomy_admin.get("/link-preview", params={"url": page})
            assert preview.status == 200, preview.text
            assert settings.run_prefix in preview.json()["Title"]
        """
    )
    result = pytester.runpytest("-n", "2", "--reference-dialect", "alt")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(
        ["target: embedded reference server at http://127.0.0.1:* (*, dialect alt)"]
    )


def test_unknown_reference_dialect_is_a_one_line_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(SHOW_TARGET)
    result = pytester.runpytest("--reference-dialect", "nope")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    errors = [line for line in result.stderr.lines if line.startswith("ERROR:")]
    assert errors == ["ERROR: jetonomy: --reference-dialect 'nope': choose one of default, alt"]


def test_link_preview_url_is_carried_for_a_target(pytester: pytest.Pytester, reference_server):
    pytester.makepyfile(
        """
        def test_url(jetonomy_run):
            assert jetonomy_run.settings.link_preview_url == "https://example.org/og-page"
        """
    )
    common = (
        "--target-url",
        reference_server.url,
        "--credentials",
        str(reference_server.credentials_file),
    )
    result = pytester.runpytest(*common, "--link-preview-url", "https://example.org/og-page")
    result.assert_outcomes(passed=1)
    bad = pytester.runpytest(*common, "--link-preview-url", "example.org")
    assert bad.ret == pytest.ExitCode.USAGE_ERROR
    bad.stderr.fnmatch_lines(["ERROR: jetonomy: --link-preview-url 'example.org' is not an http*"])


def _one_usage_error(result: pytest.RunResult) -> str:
    assert result.ret == pytest.ExitCode.USAGE_ERROR, result.stdout.str()
    errors = [line for line in result.stderr.lines if line.startswith("ERROR:")]
    assert len(errors) == 1, result.stderr.str()
    output = result.stdout.str() + result.stderr.str()
    assert "Traceback" not in output and "INTERNALERROR" not in output, output
    return errors[0]


@pytest.mark.parametrize("value", ["inf", "1e10", "nan", "-inf", "3601"])
def test_timeout_beyond_its_bounds_is_a_one_line_usage_error(
    pytester: pytest.Pytester, value: str
) -> None:
    pytester.makepyfile(SHOW_TARGET)
    error = _one_usage_error(pytester.runpytest(f"--request-timeout={value}"))
    assert error == (
        f"ERROR: jetonomy: request timeout '{value}' (from --request-timeout) must be a number "
        "greater than 0 and at most 3600 s"
    )


def test_timeout_from_env_beyond_its_bounds_is_a_one_line_usage_error(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makepyfile(SHOW_TARGET)
    monkeypatch.setenv("JETONOMY_REQUEST_TIMEOUT", "1e10")
    error = _one_usage_error(pytester.runpytest())
    assert error.startswith(
        "ERROR: jetonomy: request timeout '1e10' (from env JETONOMY_REQUEST_TIMEOUT) must be"
    )


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--max-rps", "0", "--max-rps 0 must be a number greater than 0; leave it out for no cap"),
        ("--max-rps", "-5", "--max-rps -5 must be a number greater than 0; leave it out*"),
        ("--max-rps", "inf", "--max-rps inf must be a number greater than 0; leave it out*"),
        ("--max-rps", "nan", "--max-rps nan must be a number greater than 0; leave it out*"),
        ("--reference-window", "0", "--reference-window 0 must be a number greater than 0 and*"),
        ("--reference-window", "inf", "--reference-window inf must be a number greater than 0*"),
        ("--reference-window", "nan", "--reference-window nan must be*"),
        ("--reference-window", "1e10", "--reference-window 1e+10 must be*at most 3600 s"),
        ("--reference-latency-ms", "-1", "--reference-latency-ms -1 must be a number 0 or more*"),
        ("--reference-latency-ms", "60001", "--reference-latency-ms 60001 *at most 60000 ms"),
        (
            "--sweep-older-than",
            "-5",
            "--sweep-older-than -5 must be a number 0 or more and at most 525600 minutes "
            "(one year); 0 disables the sweep",
        ),
        ("--sweep-older-than", "inf", "--sweep-older-than inf must be a number 0 or more*"),
        ("--sweep-older-than", "1e13", "--sweep-older-than 1e+13 must be a number 0 or more*"),
    ],
)
def test_numeric_option_beyond_its_bounds_is_a_one_line_usage_error(
    pytester: pytest.Pytester, option: str, value: str, message: str
) -> None:
    pytester.makepyfile(SHOW_TARGET)
    error = _one_usage_error(pytester.runpytest(f"{option}={value}"))
    assert fnmatch.fnmatchcase(error, f"ERROR: jetonomy: {message}"), error


def test_numeric_options_at_their_bounds_are_accepted(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        def test_bounds(jetonomy_run, pytestconfig):
            assert jetonomy_run.settings.request_timeout == 3600
            assert jetonomy_run.pacer.max_rps == 0.5
            assert pytestconfig.getoption("sweep_older_than") == 0
        """
    )
    result = pytester.runpytest("--request-timeout=3600", "--max-rps=0.5", "--sweep-older-than=0")
    result.assert_outcomes(passed=1)


def test_help_states_the_bounds_of_numeric_options(pytester: pytest.Pytester) -> None:
    text = " ".join(pytester.runpytest("--help").stdout.str().split())
    assert "greater than 0, at most 3600 (default: 10)" in text  # --request-timeout
    assert "a number greater than 0 (default: no cap; 0 or less is an error" in text  # max-rps
    assert "0 to 525600, one year (default: 120; 0 disables)" in text  # --sweep-older-than


def test_credentials_help_names_the_optional_password(pytester: pytest.Pytester) -> None:
    """Issue 12, item 7: the keys and variables credentials.py reads, all of them."""
    from pytest_jetonomy.credentials import KEYS_OPTIONAL, KEYS_REQUIRED

    text = " ".join(pytester.runpytest("--help").stdout.str().split())
    assert "optionally 'password' (the account password, used for the cookie login" in text
    for key in KEYS_REQUIRED + KEYS_OPTIONAL:
        assert f"'{key}'" in text
        assert f"JETONOMY_<ROLE>_{key.upper()}" in text
