"""The one HTTP client: base URL, identity, timeouts, JSON, pacing and masked records.

Every request the suite sends goes through :class:`JetonomyClient`. It knows the API root
(``<target>/wp-json/jetonomy/v1``), authenticates as one identity (an Application Password
over HTTP Basic, a cookie session with a ``wp_rest`` nonce, or nobody), applies the request
timeout, paces itself from the ``X-RateLimit-*`` headers, and keeps a masked record of each
exchange for failure messages and reports.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest
import requests
from requests.auth import HTTPBasicAuth

from . import adaptations
from .credentials import ANONYMOUS, Credential
from .failures import Blocked
from .masking import mask_body, mask_headers, mask_text, mask_url, register_secrets
from .pacing import Pacer

if TYPE_CHECKING:  # pragma: no cover
    from .ledger import Ledger

EXCERPT = 600
"""Characters of a body kept in a failure message."""

IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS"})
"""Methods retried on a connection error; writes that may have applied never are."""

RETRY_BACKOFF = (0.5, 1.0)
"""Waits before the retries of an idempotent request whose connection failed (refused, reset,
closed early). A timed-out request is retried once, at once: it has already waited."""

USER_AGENT = "pytest-jetonomy"

SILENCE_THRESHOLD = 3
"""Timeouts in a row after which a target counts as having stopped answering."""

SILENCE_PAUSE = 30.0
"""Seconds a target that stopped answering is not asked (requests fail at once); then one
request tries again, and an answer ends the silence."""


class UnusableAnswer(AssertionError):
    """No answer, or one the suite cannot read: the message is one clear line (then the
    exchange); ``kind`` is the breach it makes, ``exchange`` the request and what came back."""

    kind = "unusable answer"

    def __init__(self, message: str, exchange: Exchange | None = None) -> None:
        super().__init__(message)
        self.exchange = exchange

    @property
    def blocker(self) -> str:
        """What a check blocked by this answer names (see ``expect.precondition``): the route
        and what was wrong with its answer."""
        if self.exchange is None:
            return self.kind
        from .contract import load_contract

        route = load_contract().route_of(self.exchange.method, self.exchange.url)
        return f"{route}: {self.kind}"


class TransportError(UnusableAnswer):
    """The target did not answer (connection refused, timeout...)."""

    kind = "no answer"
    blocker = "the target not answering"  # type: ignore[assignment]


class NotJSONError(UnusableAnswer):
    """A body that the contract promises to be JSON (or a list) is not."""

    kind = "body not JSON"


class WriteRefused(pytest.skip.Exception):  # type: ignore[name-defined,misc]
    """A read-only client was asked to send a write; the check that asked is skipped.

    Raised before anything is sent, so a ``--read-only`` run cannot change the target
    whatever a check does. A skip (not an error): the check needs a write to verify its
    requirement, and the user chose not to allow writes.
    """

    def __init__(self, method: str, url: str, identity: str) -> None:
        super().__init__(
            f"read-only run: needs a write ({method} {url} as {identity}), "
            "which --read-only never sends"
        )


_OWNED_PATH = re.compile(r"^/(spaces|posts|replies|categories)/(\d+)(?:/|$)")
_KIND = {"spaces": "space", "posts": "post", "replies": "reply", "categories": "category"}


class WriteGuard:
    """Content the run found on the target instead of creating it (its own creation failed):
    the run reads it, never writes into it. One per run, shared by its clients.

    ``protect("spaces", 12, by)`` records space 12 as found, ``by`` naming the failed
    creation that made the run look for it (``POST /spaces answering 403``); a write whose
    path targets it (``/spaces/12...``) is then refused before it is sent, the check blocked
    by that cause (:class:`Blocked`). Objects named with ``--existing`` are the user's
    consent: they are never protected.
    """

    def __init__(self) -> None:
        self.found: dict[str, dict[int, str]] = {}
        self.lock = threading.Lock()

    def protect(self, kind: str, object_id: int, by: str) -> None:
        with self.lock:
            self.found.setdefault(kind, {})[int(object_id)] = by

    def check(self, method: str, path: str) -> None:
        """Raise :class:`Blocked` when ``path`` (relative to the API root) writes into found
        content."""
        match = _OWNED_PATH.match(path)
        if match is None:
            return
        kind, object_id = match.group(1), int(match.group(2))
        with self.lock:
            by = self.found.get(kind, {}).get(object_id)
        if by is None:
            return
        STATS.add("guarded_write")
        raise Blocked(
            by,
            "the run writes only into content it created or was given with --existing: "
            f"{method} {path} would write into {_KIND[kind]} {object_id}, found on the target",
        )


def excerpt(text: str, limit: int = EXCERPT) -> str:
    text = mask_text(text)
    return text if len(text) <= limit else text[:limit] + f"... ({len(text)} characters)"


@dataclass
class Exchange:
    """A masked record of one request and its response."""

    identity: str
    method: str
    url: str
    request_headers: dict[str, str]
    request_body: Any
    status: int | None = None
    response_headers: dict[str, str] = field(default_factory=dict)
    response_text: str = ""
    elapsed_ms: float = 0.0
    error: str | None = None

    def request_line(self) -> str:
        line = f"{self.method} {self.url} as {self.identity}"
        if self.request_body not in (None, "", {}):
            body = self.request_body
            text = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)
            line += f" body={excerpt(text, 300)}"
        return line

    def response_line(self) -> str:
        if self.error:
            return f"no response: {self.error}"
        content_type = self.response_headers.get("Content-Type", "?")
        return f"{self.status} ({content_type}) {excerpt(self.response_text)}"

    def describe(self) -> str:
        return f"  sent: {self.request_line()}\n  got:  {self.response_line()}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "identity": self.identity,
            "method": self.method,
            "url": self.url,
            "request_headers": self.request_headers,
            "request_body": self.request_body,
            "status": self.status,
            "response_headers": self.response_headers,
            "response_excerpt": excerpt(self.response_text),
            "elapsed_ms": round(self.elapsed_ms, 1),
            "error": self.error,
        }


class ApiResponse:
    """A response from the target, with JSON and list helpers that fail clearly."""

    def __init__(self, raw: requests.Response, exchange: Exchange) -> None:
        self.raw = raw
        self.exchange = exchange
        self.status: int = raw.status_code
        self.headers = raw.headers
        self.text: str = raw.text
        self.client: JetonomyClient | None = None
        """The client that sent the request (set by :meth:`JetonomyClient.request`)."""

    def __repr__(self) -> str:
        return f"<ApiResponse {self.exchange.method} {self.exchange.url} -> {self.status}>"

    @property
    def content_type(self) -> str:
        return self.headers.get("Content-Type", "")

    @property
    def is_json(self) -> bool:
        try:
            self.raw.json()
        except ValueError:
            return False
        return True

    def json(self) -> Any:
        try:
            return self.raw.json()
        except ValueError as exc:
            problem = str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__
            raise NotJSONError(
                f"the body is not valid JSON ({problem}; {len(self.raw.content)} bytes)\n"
                + self.exchange.describe(),
                self.exchange,
            ) from None

    @property
    def body(self) -> Any:
        return self.json()

    @property
    def items(self) -> list[Any]:
        """The items of a list body, in any shape a careful server may give it (a bare array,
        or an object holding one array of items: see :mod:`pytest_jetonomy.lists`)."""
        from .lists import ListShapeError, items_of

        body = self.json()
        try:
            return items_of(body)
        except ListShapeError as exc:
            raise NotJSONError(f"{exc}\n" + self.exchange.describe(), self.exchange) from None

    def header_int(self, name: str) -> int | None:
        value = self.headers.get(name)
        try:
            return int(value) if value is not None else None
        except ValueError:
            return None


@dataclass
class RequestStats:
    """Counts of requests sent by this process, by area and outcome (for reports)."""

    counts: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, key: str) -> None:
        with self.lock:
            self.counts[key] += 1


STATS = RequestStats()


class Silence:
    """Targets that stopped answering, process-wide: after SILENCE_THRESHOLD timeouts in a
    row, requests to that target fail at once for SILENCE_PAUSE seconds instead of each
    waiting out --request-timeout (a dead target fails a run quickly, it does not hang it)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.timeouts: dict[str, int] = {}
        self.last: dict[str, str] = {}
        self.until: dict[str, float] = {}

    def reason(self, target: str) -> str | None:
        """Why a request to ``target`` is not sent now, or None."""
        with self.lock:
            count = self.timeouts.get(target, 0)
            if count < SILENCE_THRESHOLD or time.monotonic() >= self.until.get(target, 0.0):
                return None
            return (
                f"not sent: the target stopped answering ({count} requests in a row got no "
                f"answer; last: {self.last[target]})"
            )

    def timed_out(self, target: str, error: str) -> None:
        with self.lock:
            self.timeouts[target] = self.timeouts.get(target, 0) + 1
            self.last[target] = error
            if self.timeouts[target] >= SILENCE_THRESHOLD:
                self.until[target] = time.monotonic() + SILENCE_PAUSE

    def answered(self, target: str) -> None:
        with self.lock:
            self.timeouts.pop(target, None)
            self.until.pop(target, None)

    def reset(self) -> None:
        with self.lock:
            self.timeouts.clear()
            self.last.clear()
            self.until.clear()


SILENCE = Silence()


class JetonomyClient:
    """A client of the Jetonomy API acting as one identity.

    ``client.get("/spaces", params={"limit": 5})`` sends
    ``GET <target>/wp-json/jetonomy/v1/spaces?limit=5``. Paths starting with ``http`` are sent
    as they are; ``raw_path=True`` sends a path relative to the target root instead of the API
    root (``/wp-login.php``).
    """

    def __init__(
        self,
        target_url: str,
        credential: Credential | None = None,
        *,
        base_path: str = "/wp-json/jetonomy/v1",
        timeout: float = 10.0,
        pacer: Pacer | None = None,
        session: requests.Session | None = None,
        identity: str | None = None,
        read_only: bool = False,
        adapter: adaptations.Adapter | None = None,
        guard: WriteGuard | None = None,
        ledger: Ledger | None = None,
    ) -> None:
        self.target_url = target_url.rstrip("/")
        self.read_only = read_only
        self.adapter = adapter
        """Adapts helper writes the server refuses for their body (``adaptations.py``)."""
        self.guard = guard
        """Refuses writes into content the run found on the target (:class:`WriteGuard`)."""
        self.ledger = ledger
        """Records what the run's writes created and undid (``ledger.py``); refuses throwaway
        spaces once the target did not delete one."""
        self.base_path = base_path
        self.credential = credential
        self.identity = identity or (credential.role if credential else ANONYMOUS)
        self.timeout = timeout
        self.pacer = pacer if pacer is not None else Pacer()
        self.session = session or requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT
        self.session.headers["Accept"] = "application/json"
        self.nonce: str | None = None
        self.history: deque[Exchange] = deque(maxlen=50)
        if credential is not None:
            register_secrets(
                [credential.application_password, credential.application_password.replace(" ", "")]
                + ([credential.password] if credential.password else [])
            )

    def __repr__(self) -> str:
        return f"<JetonomyClient {self.identity} @ {self.target_url}>"

    @property
    def api_root(self) -> str:
        return self.target_url + self.base_path

    def url_for(self, path: str, *, raw_path: bool = False) -> str:
        if path.startswith(("http://", "https://")):
            return path
        if raw_path:
            return self.target_url + (path if path.startswith("/") else "/" + path)
        if path and not path.startswith("/"):
            path = "/" + path
        return self.api_root + path

    def api_path(self, url: str) -> str:
        """``url`` relative to the API root (``/spaces/12/posts``), query left out."""
        path = urlsplit(url).path
        root = urlsplit(self.api_root).path
        return (path[len(root) :] or "/") if path.startswith(root) else path

    def _auth(self) -> HTTPBasicAuth | None:
        if self.credential is None or self.nonce is not None:
            return None
        return HTTPBasicAuth(self.credential.username, self.credential.application_password)

    def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | list[tuple[str, Any]] | None = None,
        json_body: Any = None,
        data: Any = None,
        headers: dict[str, str] | None = None,
        raw_path: bool = False,
        pace: bool = True,
        allow_redirects: bool = False,
        auth: Any = "default",
        area: str | None = None,
        login: bool = False,
        adapt: bool | None = None,
    ) -> ApiResponse:
        """Send one request and return the response; never raises for an HTTP status.

        ``pace=False`` sends without waiting and returns a 429 as it is (rate-limit checks).
        Otherwise a 429 is waited out and the request sent again: it was refused, not applied.
        A read-only client raises :class:`WriteRefused` instead of sending a write (``login``
        marks the one non-GET it allows: logging in changes no content). A write into
        content the run found on the target instead of creating it raises
        :class:`Blocked` (:class:`WriteGuard`). A helper write (``adaptations.helper()``,
        ``adapt=None``) with a JSON object body goes through the run's adapter, which adapts
        it when the server says what it wants instead (``adapt=False``: sent as it is).
        """
        method = method.upper()
        url = self.url_for(path, raw_path=raw_path)
        write = method not in IDEMPOTENT and not login
        if self.read_only and write:
            STATS.add("refused_write")
            raise WriteRefused(method, mask_url(url), self.identity)
        if write and self.guard is not None and not raw_path:
            self.guard.check(method, self.api_path(url))
        if write and self.ledger is not None and not raw_path:
            self.ledger.check(method, url)
        if (
            write
            and adapt is not False
            and self.adapter is not None
            and not raw_path
            and isinstance(json_body, dict)
            and json_body
            and (adapt or adaptations.helping())
        ):
            return self.adapter.send(
                self,
                method,
                path,
                json_body,
                params=params,
                data=data,
                headers=headers,
                pace=pace,
                allow_redirects=allow_redirects,
                auth=auth,
                area=area,
            )
        send_headers = dict(headers or {})
        if self.nonce is not None and "X-WP-Nonce" not in send_headers:
            send_headers["X-WP-Nonce"] = self.nonce
        request_auth = self._auth() if auth == "default" else auth
        attempts_429 = 0
        backoff = list(RETRY_BACKOFF) if method in IDEMPOTENT else []
        timeout_retries = 1 if method in IDEMPOTENT else 0
        while True:
            if pace:
                self.pacer.before(self.identity)
            exchange = self._record(
                method, url, params, json_body, data, send_headers, request_auth
            )
            silent = SILENCE.reason(self.target_url)
            if silent is not None:
                exchange.error = silent
                STATS.add("transport_error")
                raise TransportError(
                    f"{method} {exchange.url} as {self.identity}: {silent}", exchange
                )
            try:
                raw = self.session.request(
                    method,
                    url,
                    params=params,
                    json=json_body,
                    data=data,
                    headers=send_headers,
                    auth=request_auth,
                    timeout=self.timeout,
                    allow_redirects=allow_redirects,
                )
            except requests.RequestException as exc:
                exchange.error = _describe_transport_error(exc, self.timeout)
                STATS.add("transport_error")
                if isinstance(exc, requests.Timeout):
                    SILENCE.timed_out(self.target_url, exchange.error)
                    if timeout_retries > 0:
                        timeout_retries -= 1
                        continue
                elif backoff:
                    STATS.add("connection_retry")
                    self.pacer.sleep(backoff.pop(0))  # type: ignore[operator]
                    continue
                raise TransportError(
                    f"{method} {exchange.url} as {self.identity}: {exchange.error}", exchange
                ) from None
            SILENCE.answered(self.target_url)
            self._complete(exchange, raw)
            STATS.add(f"area:{area or _current_area()}")
            STATS.add("requests")
            self.pacer.after(self.identity, raw.headers)
            if raw.status_code == 429 and pace and attempts_429 < 2:
                attempts_429 += 1
                STATS.add("unintended_429")
                STATS.add(f"unintended_429:{self.identity}")
                self.pacer.wait_for_window(self.identity, self.pacer.retry_delay(raw.headers))
                continue
            response = ApiResponse(raw, exchange)
            response.client = self
            if write and self.ledger is not None and not raw_path:
                sent = json_body if json_body is not None else data
                try:  # what the run created (or undid), recorded when it happened
                    self.ledger.note(self, method, url, sent, response)
                except (OSError, ValueError):  # e.g. the temporary directory failing
                    STATS.add("ledger_error")  # counted: the cleanup is then not verified
            return response

    def _record(self, method, url, params, json_body, data, headers, request_auth) -> Exchange:  # noqa: ANN001
        shown_headers = dict(headers)
        if request_auth is not None:
            shown_headers["Authorization"] = "Basic ***"
        full_url = url
        if params:
            prepared = requests.Request("GET", url, params=params).prepare()
            full_url = prepared.url or url
        body = json_body if json_body is not None else data
        exchange = Exchange(
            identity=self.identity,
            method=method,
            url=mask_url(full_url),
            request_headers=mask_headers(shown_headers),
            request_body=mask_body(body) if not isinstance(body, bytes) else f"<{len(body)} bytes>",
        )
        self.history.append(exchange)
        return exchange

    @staticmethod
    def _complete(exchange: Exchange, raw: requests.Response) -> None:
        exchange.status = raw.status_code
        exchange.response_headers = mask_headers(dict(raw.headers))
        exchange.response_text = raw.text
        exchange.elapsed_ms = raw.elapsed.total_seconds() * 1000

    def get(self, path: str, **kwargs: Any) -> ApiResponse:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, json: Any = None, **kwargs: Any) -> ApiResponse:  # noqa: A002
        return self.request("POST", path, json_body=json, **kwargs)

    def patch(self, path: str, json: Any = None, **kwargs: Any) -> ApiResponse:  # noqa: A002
        return self.request("PATCH", path, json_body=json, **kwargs)

    def delete(self, path: str, json: Any = None, **kwargs: Any) -> ApiResponse:  # noqa: A002
        return self.request("DELETE", path, json_body=json, **kwargs)

    def clone(self, **overrides: Any) -> JetonomyClient:
        """A new client for the same target and identity, with its own cookie jar."""
        options: dict[str, Any] = {
            "base_path": self.base_path,
            "timeout": self.timeout,
            "pacer": self.pacer,
            "identity": self.identity,
            "read_only": self.read_only,
            "adapter": self.adapter,
            "guard": self.guard,
            "ledger": self.ledger,
        }
        options.update(overrides)
        credential = options.pop("credential", self.credential)
        return JetonomyClient(self.target_url, credential, **options)

    def cookie_login(self) -> str:
        """Log in through ``/wp-login.php`` and fetch a ``wp_rest`` nonce, as a browser would.

        Uses the credential's account ``password`` (falling back to the application
        password). Afterwards the client sends the session cookie and ``X-WP-Nonce`` instead
        of Basic auth. Returns the nonce.
        """
        if self.credential is None:
            raise ValueError("an anonymous client cannot log in")
        secret = self.credential.password or self.credential.application_password
        login = self.request(
            "POST",
            "/wp-login.php",
            raw_path=True,
            data={"log": self.credential.username, "pwd": secret, "rememberme": "forever"},
            auth=None,
            area="auth",
            login=True,
        )
        if login.status not in (200, 302, 303) or not self.session.cookies:
            raise TransportError(
                "cookie login failed: no session cookie\n" + login.exchange.describe(),
                login.exchange,
            )
        nonce_response = self.request(
            "GET",
            "/wp-admin/admin-ajax.php",
            raw_path=True,
            params={"action": "rest-nonce"},
            auth=None,
            area="auth",
        )
        nonce = nonce_response.text.strip()
        if nonce_response.status != 200 or not nonce or nonce == "0":
            raise TransportError(
                "could not obtain a wp_rest nonce\n" + nonce_response.exchange.describe(),
                nonce_response.exchange,
            )
        register_secrets([nonce])
        for cookie in self.session.cookies:
            if cookie.value:
                register_secrets([cookie.value])
        self.nonce = nonce
        return nonce


def _current_area() -> str:
    """The requirement area of the running check (for request counts), or 'setup'."""
    from .requirements import current

    running = current()
    return running[0].area if running else "setup"


def _describe_transport_error(exc: requests.RequestException, timeout: float) -> str:
    if isinstance(exc, requests.Timeout):
        return f"no answer within {timeout:g} s (--request-timeout)"
    if isinstance(exc, requests.ConnectionError):
        text = str(exc)
        if "Connection refused" in text or "Errno 111" in text:
            return "connection refused"
        if "Name or service not known" in text or "getaddrinfo" in text:
            return "host name does not resolve"
        if "RemoteDisconnected" in text or "Connection aborted" in text:
            return "the server closed the connection without answering"
        return f"connection failed ({type(exc).__name__})"
    return f"{type(exc).__name__}: {mask_text(str(exc))[:200]}"


def probe(target_url: str, timeout: float) -> str | None:
    """Return None if the target answers HTTP at all, else a one-line reason."""
    parts = urlsplit(target_url)
    if not parts.hostname:
        return "no host in URL"
    try:
        requests.get(
            target_url.rstrip("/") + "/wp-json/",
            timeout=timeout,
            allow_redirects=False,
            headers={"User-Agent": USER_AGENT},
        )
    except requests.RequestException as exc:
        return _describe_transport_error(exc, timeout)
    return None
