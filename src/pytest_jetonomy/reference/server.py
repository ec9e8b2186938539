"""ReferenceServer: the reference app on a threaded Werkzeug server in a daemon thread."""

from __future__ import annotations

import json
import logging
import socket
import threading
from types import TracebackType
from typing import Any

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from .app import ReferenceApp
from .config import ReferenceConfig
from .provision import provision_users

log = logging.getLogger("pytest_jetonomy.reference")


class QuietHandler(WSGIRequestHandler):
    """No access log lines; protocol-level errors answered in the JSON error envelope."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass

    def log_error(self, format: str, *args: Any) -> None:
        log.debug("http: " + format, *args)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        # e.g. 414 (request line > 64 KiB) or a malformed request line: invalid input -> 400
        status = 400 if code in (400, 413, 414, 431) else code
        body = json.dumps(
            {
                "code": "jetonomy_invalid_param" if status == 400 else "jetonomy_internal_error",
                "message": message or "Malformed request.",
                "data": {"status": status},
            }
        ).encode()
        self.close_connection = True
        try:
            self.send_response(status, message)
            self.send_header("Content-Type", "application/json; charset=UTF-8")
            self.send_header("Connection", "close")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
        except OSError:
            pass


class ReferenceServer:
    def __init__(
        self, config: ReferenceConfig | None = None, host: str = "127.0.0.1", port: int = 0
    ) -> None:
        self.config = config or ReferenceConfig()
        self.host = host
        self.port = port
        self.app: ReferenceApp | None = None
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> ReferenceServer:
        """Bind (port 0 = a free port) and serve in a daemon thread. Raises OSError."""
        if self._server is not None:
            return self
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((self.host, self.port))
            sock.listen(128)
            self.app = ReferenceApp(self.config)
            # make_server duplicates the descriptor; binding ourselves keeps bind errors
            # as plain OSError instead of werkzeug's print-and-exit
            self._server = make_server(
                self.host,
                self.port,
                self.app,
                threaded=True,
                request_handler=QuietHandler,
                fd=sock.fileno(),
            )
        finally:
            sock.close()
        self.port = int(self._server.server_address[1])
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.1},
            name=f"jetonomy-reference:{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if self.app is not None:
            self.app.release()  # requests held by the stops-answering fault
        if server is not None:
            server.shutdown()
            server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        if self.app is not None:
            self.app.db.close()
            self.app = None

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def provision(self, prefix: str = "jt_") -> dict[str, dict[str, str]]:
        if self.app is None:
            raise RuntimeError("start() the server before provisioning users")
        return provision_users(self.app.db, prefix)

    def __enter__(self) -> ReferenceServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        state: Any = "running" if self._server else "stopped"
        return f"<ReferenceServer {self.url} {state}>"
