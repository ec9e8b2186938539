"""The embedded default target: the reference server, in-process, for one session, with
the suite's own Open Graph page (``ogpage.py``) that its link preview may fetch."""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from .ogpage import OgPage
from .reference.config import DEFAULT_DIALECT, ReferenceConfig
from .reference.faults import check_names
from .reference.server import ReferenceServer


@dataclass
class EmbeddedServer:
    server: ReferenceServer
    credentials: dict[str, dict[str, str]]
    directory: Path
    og_page: OgPage

    @property
    def url(self) -> str:
        return self.server.url

    def stop(self) -> None:
        self.server.stop()
        self.og_page.stop()
        shutil.rmtree(self.directory, ignore_errors=True)


def start_embedded(
    run_prefix: str,
    rate_window: float,
    latency_ms: int = 0,
    faults: tuple[str, ...] = (),
    dialect: str = DEFAULT_DIALECT,
) -> EmbeddedServer:
    """Start the reference server on 127.0.0.1 and a free port, with one user per role, and
    the run's Open Graph page: the one private URL its link preview may fetch. Raises
    ValueError for an unknown fault or dialect."""
    config = ReferenceConfig(
        rate_window_seconds=rate_window,
        latency_ms=latency_ms,
        faults=check_names(faults),
        dialect=dialect,
    )
    directory = Path(tempfile.mkdtemp(prefix="jetonomy-embedded-"))
    og_page = OgPage(run_prefix).start()
    config = replace(
        config,
        db_path=str(directory / "jetonomy.sqlite3"),
        link_preview_allow=(og_page.url,),
    )
    embedded = EmbeddedServer(
        server=ReferenceServer(config, host="127.0.0.1", port=0),
        credentials={},
        directory=directory,
        og_page=og_page,
    )
    try:
        embedded.server.start()
        embedded.credentials = embedded.server.provision()
    except BaseException:
        embedded.stop()
        raise
    return embedded
