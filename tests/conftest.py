"""Shared fixtures of the project's own tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pytest_jetonomy.credentials import write_credentials_toml
from pytest_jetonomy.reference.config import ReferenceConfig
from pytest_jetonomy.reference.server import ReferenceServer

pytest_plugins = ["pytester"]


class RunningServer:
    def __init__(self, server: ReferenceServer, credentials: dict, credentials_file: Path) -> None:
        self.server = server
        self.credentials = credentials
        self.credentials_file = credentials_file

    @property
    def url(self) -> str:
        return self.server.url


@pytest.fixture(scope="session")
def reference_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """A reference server on 127.0.0.1 and a free port, with a credentials file."""
    directory = tmp_path_factory.mktemp("reference")
    server = ReferenceServer(
        ReferenceConfig(db_path=str(directory / "db.sqlite3"), rate_window_seconds=2.0)
    )
    server.start()
    credentials = server.provision()
    credentials_file = directory / "credentials.toml"
    write_credentials_toml(credentials_file, credentials)
    try:
        yield RunningServer(server, credentials, credentials_file)
    finally:
        server.stop()
