"""``python -m pytest_jetonomy.reference serve`` in a subprocess."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import requests

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

SRC = str(Path(__file__).resolve().parents[2] / "src")


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = SRC + os.pathsep + env.get("PYTHONPATH", "")
    return env


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(tmp_path: Path, *options: str) -> tuple[subprocess.Popen, int, Path]:
    """``jetonomy-reference serve`` on a free port, writing its credentials beside
    ``tmp_path``; the caller stops it with SIGTERM."""
    creds_file = tmp_path / "creds.toml"
    port = _free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pytest_jetonomy.reference",
            "serve",
            "--port",
            str(port),
            "--credentials-out",
            str(creds_file),
            *options,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(),
    )
    return proc, port, creds_file


def test_cli_serve_writes_credentials_and_answers(tmp_path):
    proc, port, creds_file = _serve(
        tmp_path, "--db", str(tmp_path / "db.sqlite3"), "--rate-window", "5"
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.startswith(
            f"jetonomy-reference: serving http://127.0.0.1:{port} (rate window 5s"
        )
        creds = tomllib.loads(creds_file.read_text())
        assert set(creds) == {"admin", "moderator", "leader", "regular", "member", "new_member"}
        admin = creds["admin"]
        assert len(admin["application_password"].replace(" ", "")) == 24
        r = requests.get(
            f"http://127.0.0.1:{port}/wp-json/jetonomy/v1/users/me",
            auth=(admin["username"], admin["application_password"]),
            timeout=5,
        )
        assert r.status_code == 200 and r.json()["username"] == admin["username"]
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=10)
    assert proc.returncode == 0, err
    assert "Traceback" not in err


def test_cli_port_in_use_is_a_clean_error():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        proc = subprocess.run(
            [sys.executable, "-m", "pytest_jetonomy.reference", "serve", "--port", str(port)],
            capture_output=True,
            text=True,
            env=_env(),
            timeout=20,
        )
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr and "jetonomy-reference: error:" in proc.stderr


@pytest.mark.parametrize("flag", ["--credentials-out", "--db"])
def test_cli_unwritable_file_is_a_clean_error(flag):
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest_jetonomy.reference",
            "serve",
            "--port",
            "0",
            flag,
            "/nonexistent-dir/x/file",
        ],
        capture_output=True,
        text=True,
        env=_env(),
        timeout=20,
    )
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr and "jetonomy-reference: error:" in proc.stderr


def test_cli_serves_the_alt_dialect_with_a_link_preview_allow_list(tmp_path):
    proc, port, creds_file = _serve(
        tmp_path,
        "--dialect",
        "alt",
        "--link-preview-allow",
        "http://127.0.0.1:9/allowed",
        "--link-preview-allow",
        "http://127.0.0.1:8/also",
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.startswith(f"jetonomy-reference: serving http://127.0.0.1:{port} ")
        assert ", dialect alt" in line
        api = f"http://127.0.0.1:{port}/wp-json/jetonomy/v1"
        spaces = requests.get(f"{api}/spaces", timeout=5)
        assert spaces.status_code == 200 and spaces.json() == []  # a bare array
        member = tomllib.loads(creds_file.read_text())["member"]
        auth = (member["username"], member["application_password"])
        for allowed in ("http://127.0.0.1:9/allowed", "http://127.0.0.1:8/also"):
            preview = requests.get(
                f"{api}/link-preview", params={"url": allowed}, auth=auth, timeout=10
            )
            assert preview.status_code == 200 and preview.json()["Url"] == allowed
        refused = requests.get(
            f"{api}/link-preview", params={"url": "http://127.0.0.1:9/other"}, auth=auth, timeout=5
        )
        assert refused.status_code == 400
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=10)
    assert proc.returncode == 0, err


def test_cli_unknown_dialect_is_a_clean_error():
    proc = subprocess.run(
        [sys.executable, "-m", "pytest_jetonomy.reference", "serve", "--dialect", "nope"],
        capture_output=True,
        text=True,
        env=_env(),
        timeout=20,
    )
    assert proc.returncode == 2
    assert "invalid choice: 'nope'" in proc.stderr and "Traceback" not in proc.stderr
