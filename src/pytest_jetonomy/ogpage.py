"""The suite's own page with Open Graph data, for the link-preview check of an embedded run.

A threaded ``http.server`` on 127.0.0.1 and a free port, in a daemon thread, serving one
HTML page whose ``og:title``, ``og:description`` and ``og:image`` carry the run prefix, so
that a preview can only hold them if the server under test fetched this very page. The
embedded reference server allows exactly this URL (its link preview refuses private
addresses otherwise).
"""

from __future__ import annotations

import html
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


def open_graph(run_prefix: str, url: str) -> dict[str, str]:
    """The Open Graph values of the page of run ``run_prefix`` served at ``url``."""
    return {
        "title": f"Link preview page of run {run_prefix}",
        "description": f"Open Graph description served by pytest-jetonomy for run {run_prefix}.",
        "image": f"{url.rstrip('/')}/{run_prefix}-preview.png",
    }


def _document(values: dict[str, str]) -> bytes:
    meta = "".join(
        f'<meta property="og:{key}" content="{html.escape(value)}">'
        for key, value in values.items()
    )
    title = html.escape(values["title"])
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title>{meta}</head>"
        f"<body><h1>{title}</h1></body></html>"
    ).encode()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    path = "/"
    document = b""


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        found = self.path.split("?", 1)[0] == self.server.path
        body = self.server.document if found else b"Not found"
        self.send_response(200 if found else 404)
        self.send_header("Content-Type", "text/html; charset=utf-8" if found else "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class OgPage:
    """The page of one run: ``start()``, ``url``, ``stop()``."""

    def __init__(self, run_prefix: str) -> None:
        self.run_prefix = run_prefix
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> OgPage:
        server = _Server(("127.0.0.1", 0), _Handler)
        server.path = f"/{self.run_prefix}/"
        self._server = server
        server.document = _document(open_graph(self.run_prefix, self.url))
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.1},
            name="jetonomy-og-page",
            daemon=True,
        )
        self._thread.start()
        return self

    @property
    def url(self) -> str:
        assert self._server is not None, "start() the page first"
        return f"http://127.0.0.1:{self._server.server_address[1]}{self._server.path}"

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
