"""Credentials files: parsing, clear errors with file and line, env overrides, missing roles."""

from __future__ import annotations

import pytest

from pytest_jetonomy.credentials import (
    CredentialsError,
    load_credentials,
    parse_credentials_text,
    write_credentials_toml,
)

GOOD = """\
[admin]
username = "jt_admin"
application_password = "abcd EFGH ijkl MNOP qrst UVWX"

[member]
username = "jt_member"
application_password = "zzzz yyyy xxxx wwww vvvv uuuu"
password = "account-secret"
"""


def test_parses_one_table_per_role(tmp_path) -> None:
    path = tmp_path / "c.toml"
    path.write_text(GOOD)
    creds = load_credentials(str(path), environ={})
    assert sorted(creds) == ["admin", "member"]
    assert creds["member"].password == "account-secret"
    assert "abcd" not in repr(creds["admin"])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '[admin]\nusername = "a"\napplication_password = \n',
            "c.toml: not valid TOML: * (at line 3, column *)",
        ),
        (
            '[admin]\nusername = "a"\napplication_password = "p"\n[owner]\nusername = "b"\n',
            "c.toml, line 4: unknown role [owner]; expected one of: admin, *",
        ),
        (
            '[member]\nusername = "a"\n',
            "c.toml, line 1: table [member] has no 'application_password'",
        ),
        (
            '[member]\nusername = "a"\napplication_password = 12\n',
            "c.toml, line 3: 'application_password' in [member] must be a non-empty string",
        ),
        (
            '[member]\nusername = "a"\napplication_password = "x"\ntoken = "t"\n',
            "c.toml, line 4: unknown key 'token' in [member]*",
        ),
    ],
)
def test_errors_name_file_line_and_problem(text: str, message: str) -> None:
    with pytest.raises(CredentialsError) as info:
        parse_credentials_text(text, "c.toml")
    from fnmatch import fnmatchcase

    assert fnmatchcase(str(info.value), message.replace("[", "[[]")), str(info.value)


def test_unreadable_file(tmp_path) -> None:
    with pytest.raises(CredentialsError, match="credentials file not found"):
        load_credentials(str(tmp_path / "missing.toml"), environ={})


def test_env_overrides_and_adds_roles(tmp_path) -> None:
    path = tmp_path / "c.toml"
    path.write_text(GOOD)
    creds = load_credentials(
        str(path),
        environ={
            "JETONOMY_ADMIN_USERNAME": "other_admin",
            "JETONOMY_LEADER_USERNAME": "lead",
            "JETONOMY_LEADER_APPLICATION_PASSWORD": "pw pw pw",
        },
    )
    assert creds["admin"].username == "other_admin"
    assert creds["leader"].username == "lead"
    assert "environment" in creds.source


def test_env_half_a_role_is_an_error() -> None:
    with pytest.raises(CredentialsError, match="JETONOMY_LEADER_APPLICATION_PASSWORD"):
        load_credentials(None, environ={"JETONOMY_LEADER_USERNAME": "lead"})


def test_write_then_read_round_trips(tmp_path) -> None:
    tables = {"admin": {"username": 'we"ird', "application_password": "a b c", "password": "p\\q"}}
    write_credentials_toml(tmp_path / "w.toml", tables)
    assert parse_credentials_text((tmp_path / "w.toml").read_text(), "w.toml") == tables


def test_write_then_read_round_trips_any_text(tmp_path) -> None:
    """Review: the credentials' own TOML string escaped a non-printable character beyond
    U+FFFF as ``\\u`` and 5 hex digits, which TOML reads as another value."""
    tables = {"admin": {"username": "tab\tdel\x7f tag\U000e0001", "application_password": "é 日"}}
    write_credentials_toml(tmp_path / "w.toml", tables)
    assert parse_credentials_text((tmp_path / "w.toml").read_text(), "w.toml") == tables


def test_bad_file_stops_the_run_with_one_line(pytester: pytest.Pytester, reference_server) -> None:
    pytester.makepyfile("def test_x(jetonomy_admin): pass")
    bad = pytester.path / "bad.toml"
    bad.write_text('[admin]\nusername = "a"\n')
    result = pytester.runpytest("--target-url", reference_server.url, "--credentials", str(bad))
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            "ERROR: jetonomy: credentials: *bad.toml, line 1: table [[]admin] has no 'application_password'"
        ]
    )


def test_missing_role_skips_with_role_and_file(pytester: pytest.Pytester, reference_server) -> None:
    partial = pytester.path / "partial.toml"
    write_credentials_toml(partial, {"admin": reference_server.credentials["admin"]})
    pytester.makepyfile(
        """
        def test_needs_member(jetonomy_client):
            jetonomy_client("member")

        def test_admin_works(jetonomy_admin):
            assert jetonomy_admin.get("/users/me").status == 200
        """
    )
    result = pytester.runpytest(
        "--target-url", reference_server.url, "--credentials", str(partial), "-rs"
    )
    result.assert_outcomes(passed=1, skipped=1)
    result.stdout.fnmatch_lines(["*no credentials for role 'member' in *partial.toml*"])
