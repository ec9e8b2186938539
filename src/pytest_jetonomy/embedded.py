"""The embedded default target: the reference server, in-process, for one session."""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .reference.config import ReferenceConfig
from .reference.faults import check_names
from .reference.server import ReferenceServer


@dataclass
class EmbeddedServer:
    server: ReferenceServer
    credentials: dict[str, dict[str, str]]
    directory: Path

    @property
    def url(self) -> str:
        return self.server.url

    def stop(self) -> None:
        self.server.stop()
        shutil.rmtree(self.directory, ignore_errors=True)


def start_embedded(
    rate_window: float, latency_ms: int = 0, faults: tuple[str, ...] = ()
) -> EmbeddedServer:
    """Start the reference server on 127.0.0.1 and a free port, with one user per role."""
    directory = Path(tempfile.mkdtemp(prefix="jetonomy-embedded-"))
    config = ReferenceConfig(
        db_path=str(directory / "jetonomy.sqlite3"),
        rate_window_seconds=rate_window,
        latency_ms=latency_ms,
        faults=check_names(faults),
    )
    server = ReferenceServer(config, host="127.0.0.1", port=0)
    server.start()
    try:
        credentials = server.provision()
    except BaseException:
        server.stop()
        raise
    return EmbeddedServer(server=server, credentials=credentials, directory=directory)
