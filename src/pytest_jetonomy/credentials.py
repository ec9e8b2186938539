"""The identities the suite uses on a target: one per role of the reference's trust table.

A credentials file is TOML with one table per role::

    [member]
    username = "jane"
    application_password = "abcd EFGH ijkl MNOP qrst UVWX"
    password = "..."   # optional: account password, only for cookie + nonce checks

Environment variables override or add single values:
``JETONOMY_<ROLE>_USERNAME``, ``JETONOMY_<ROLE>_APPLICATION_PASSWORD`` and
``JETONOMY_<ROLE>_PASSWORD`` (ROLE upper-case, e.g. ``JETONOMY_NEW_MEMBER_USERNAME``).
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from .baseline import toml_string

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

ROLES: tuple[str, ...] = ("admin", "moderator", "leader", "regular", "member", "new_member")
"""Roles that need credentials, most privileged first; ``anonymous`` needs none."""

ANONYMOUS = "anonymous"
KEYS_REQUIRED = ("username", "application_password")
KEYS_OPTIONAL = ("password",)


class CredentialsError(Exception):
    """A credentials file that cannot be used; the message names file, line and problem."""


@dataclass(frozen=True)
class Credential:
    role: str
    username: str
    application_password: str
    password: str | None = None

    def __repr__(self) -> str:  # never show a secret, even in a traceback
        return f"Credential(role={self.role!r}, username={self.username!r}, password=***)"


class Credentials(Mapping[str, Credential]):
    """Role -> Credential, remembering where the values came from."""

    def __init__(self, by_role: dict[str, Credential], source: str) -> None:
        self._by_role = by_role
        self.source = source

    def __getitem__(self, role: str) -> Credential:
        return self._by_role[role]

    def __iter__(self) -> Iterator[str]:
        return iter(self._by_role)

    def __len__(self) -> int:
        return len(self._by_role)

    def missing_reason(self, role: str) -> str:
        return (
            f"no credentials for role '{role}' in {self.source}: add a [{role}] table with "
            "username and application_password (or set "
            f"JETONOMY_{role.upper()}_USERNAME and JETONOMY_{role.upper()}_APPLICATION_PASSWORD)"
        )

    def secrets(self) -> list[str]:
        """Every secret value, so that output can be masked."""
        values: list[str] = []
        for cred in self._by_role.values():
            values.append(cred.application_password)
            values.append(cred.application_password.replace(" ", ""))
            if cred.password:
                values.append(cred.password)
        return [v for v in values if v]


def _line_of(text: str, pattern: str) -> int | None:
    regex = re.compile(pattern)
    for number, line in enumerate(text.splitlines(), start=1):
        if regex.search(line):
            return number
    return None


def _table_line(text: str, table: str) -> int | None:
    return _line_of(text, rf"^\s*\[\s*\"?{re.escape(table)}\"?\s*\]")


def parse_credentials_text(text: str, source: str) -> dict[str, dict[str, str]]:
    """Parse and validate a credentials TOML document; raise CredentialsError on any problem."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CredentialsError(f"{source}: not valid TOML: {exc}") from None
    tables: dict[str, dict[str, str]] = {}
    for role, table in document.items():
        line = _table_line(text, role) or _line_of(text, rf"^\s*{re.escape(role)}\s*=")
        where = f"{source}, line {line}" if line else source
        if role not in ROLES:
            raise CredentialsError(
                f"{where}: unknown role [{role}]; expected one of: {', '.join(ROLES)}"
            )
        if not isinstance(table, dict):
            raise CredentialsError(f"{where}: '{role}' must be a table: [{role}]")
        for key in KEYS_REQUIRED:
            if key not in table:
                raise CredentialsError(f"{where}: table [{role}] has no '{key}'")
        for key, value in table.items():
            key_line = _key_line(text, role, key)
            key_where = f"{source}, line {key_line}" if key_line else where
            if key not in KEYS_REQUIRED + KEYS_OPTIONAL:
                raise CredentialsError(
                    f"{key_where}: unknown key '{key}' in [{role}]; expected "
                    f"{', '.join(KEYS_REQUIRED + KEYS_OPTIONAL)}"
                )
            if not isinstance(value, str) or not value.strip():
                raise CredentialsError(
                    f"{key_where}: '{key}' in [{role}] must be a non-empty string"
                )
        tables[role] = {k: str(v) for k, v in table.items()}
    return tables


def _key_line(text: str, table: str, key: str) -> int | None:
    start = _table_line(text, table)
    if start is None:
        return None
    lines = text.splitlines()
    for number in range(start + 1, len(lines) + 1):
        line = lines[number - 1]
        if re.match(r"^\s*\[", line):
            return None
        if re.match(rf"^\s*\"?{re.escape(key)}\"?\s*=", line):
            return number
    return None


def load_credentials_file(path: str) -> dict[str, dict[str, str]]:
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CredentialsError(f"{path}: credentials file not found") from None
    except IsADirectoryError:
        raise CredentialsError(f"{path}: is a directory, expected a TOML file") from None
    except PermissionError:
        raise CredentialsError(f"{path}: not readable (permission denied)") from None
    except UnicodeDecodeError as exc:
        raise CredentialsError(f"{path}: not UTF-8 text ({exc.reason})") from None
    return parse_credentials_text(text, path)


def apply_env_overrides(
    tables: dict[str, dict[str, str]], environ: Mapping[str, str]
) -> tuple[dict[str, dict[str, str]], bool]:
    """Merge JETONOMY_<ROLE>_<KEY> variables into the tables. Returns (tables, any_used)."""
    merged = {role: dict(values) for role, values in tables.items()}
    used = False
    for role in ROLES:
        for key in KEYS_REQUIRED + KEYS_OPTIONAL:
            value = environ.get(f"JETONOMY_{role.upper()}_{key.upper()}")
            if value:
                merged.setdefault(role, {})[key] = value
                used = True
    for role, values in merged.items():
        missing = [k for k in KEYS_REQUIRED if not values.get(k)]
        if missing:
            raise CredentialsError(
                f"environment: role '{role}' has {', '.join(k for k in values)} but no "
                f"{' and no '.join(missing)} (set JETONOMY_{role.upper()}_{missing[0].upper()})"
            )
    return merged, used


def build_credentials(tables: dict[str, dict[str, str]], source: str) -> Credentials:
    by_role = {
        role: Credential(
            role=role,
            username=values["username"],
            application_password=values["application_password"],
            password=values.get("password"),
        )
        for role, values in tables.items()
    }
    return Credentials(by_role, source)


def load_credentials(
    path: str | None,
    *,
    embedded: Mapping[str, Mapping[str, str]] | None = None,
    environ: Mapping[str, str] | None = None,
) -> Credentials:
    """Credentials from a file (or the embedded server's), with env overrides applied."""
    environ = os.environ if environ is None else environ
    if path is not None:
        tables, source = load_credentials_file(path), path
    elif embedded:
        tables = {role: dict(values) for role, values in embedded.items()}
        source = "the embedded reference server"
    else:
        tables, source = {}, "no credentials file (use --credentials FILE)"
    tables, used = apply_env_overrides(tables, environ)
    if used:
        source = f"{source} + JETONOMY_* environment"
    return build_credentials(tables, source)


def write_credentials_toml(
    path: str | os.PathLike[str], tables: Mapping[str, Mapping[str, str]]
) -> None:
    """Write a credentials file that ``--credentials`` accepts (atomically, mode 0600)."""
    lines = ["# Jetonomy credentials: one table per role (secrets inside).", ""]
    for role in [r for r in ROLES if r in tables] + [r for r in tables if r not in ROLES]:
        lines.append(f"[{role}]")
        for key in KEYS_REQUIRED + KEYS_OPTIONAL:
            if tables[role].get(key):
                lines.append(f"{key} = {toml_string(tables[role][key])}")
        lines.append("")
    target = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=".credentials-", dir=str(target.parent))
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write("\n".join(lines))
        os.chmod(tmp, 0o600)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
