"""Pre-flight: wrong credentials for one role are a one-line usage error, before any check;
a target that refuses every role is the target's failure, reported by the checks."""

from __future__ import annotations

import pytest

from pytest_jetonomy.credentials import write_credentials_toml

CHECK = """
import pytest

@pytest.mark.requirement("JT-AUTH-003")
def test_nothing():
    pass
"""


def _run(pytester: pytest.Pytester, server, credentials: dict) -> pytest.RunResult:
    path = pytester.path / "creds.toml"
    write_credentials_toml(path, credentials)
    pytester.makepyfile(test_check=CHECK)
    return pytester.runpytest("--target-url", server.url, f"--credentials={path}")


def test_one_refused_role_is_a_usage_error(pytester: pytest.Pytester, reference_server) -> None:
    credentials = {role: dict(values) for role, values in reference_server.credentials.items()}
    credentials["member"]["application_password"] = "xxxx XXXX xxxx XXXX xxxx XXXX"
    result = _run(pytester, reference_server, credentials)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            "ERROR: jetonomy: the credentials of role 'member' (username *, from *creds.toml) "
            "were refused: GET /users/me answered 401 *, while * were accepted"
        ]
    )
    assert "xxxx" not in result.stderr.str() + result.stdout.str()
    assert "Traceback" not in result.stderr.str()


def test_two_roles_as_one_user_is_a_usage_error(
    pytester: pytest.Pytester, reference_server
) -> None:
    credentials = dict(reference_server.credentials)
    credentials["regular"] = credentials["member"]
    result = _run(pytester, reference_server, credentials)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["ERROR: jetonomy: the credentials of roles 'regular', 'member' * are one user (id *)*"]
    )


def test_every_role_refused_is_the_targets_failure(
    pytester: pytest.Pytester, reference_server
) -> None:
    """Every role refused alike: no usage error (it may be the target that drops the
    Authorization header); the header says so and the checks report it."""
    credentials = {
        role: {**values, "application_password": "yyyy YYYY yyyy YYYY yyyy YYYY"}
        for role, values in reference_server.credentials.items()
    }
    result = _run(pytester, reference_server, credentials)
    assert result.ret != pytest.ExitCode.USAGE_ERROR
    result.stdout.fnmatch_lines(["credentials: * every role was refused by GET /users/me*"])


def test_verified_roles_are_in_the_header_and_report(
    pytester: pytest.Pytester, reference_server
) -> None:
    report = pytester.path / "report.json"
    path = pytester.path / "creds.toml"
    write_credentials_toml(path, reference_server.credentials)
    pytester.makepyfile(test_check=CHECK)
    result = pytester.runpytest(
        "--target-url",
        reference_server.url,
        f"--credentials={path}",
        f"--conformance-report={report}",
    )
    result.stdout.fnmatch_lines(["credentials: * (roles: *; verified: admin, *)"])
    import json

    verified = json.loads(report.read_text())["target"]["roles_verified"]
    assert set(verified) == set(reference_server.credentials)
