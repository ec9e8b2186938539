"""The WSGI application: WordPress style REST dispatch for the jetonomy/v1 namespace."""

from __future__ import annotations

import html
import itertools
import json
import logging
import re
import threading
import time
from collections.abc import Iterable
from contextlib import suppress
from io import BytesIO
from typing import Any

from werkzeug.exceptions import HTTPException, MethodNotAllowed
from werkzeug.wrappers import Request, Response
from werkzeug.wsgi import get_input_stream

from . import dialect
from .auth import ANONYMOUS, Authenticator, Identity
from .config import ReferenceConfig
from .context import Ctx, Result
from .errors import (
    ApiError,
    body_too_large,
    forbidden,
    internal_error,
    invalid_json,
    invalid_param,
    no_route,
    not_logged_in,
    rate_limited,
)
from .faults.cleanup import with_delete_mode
from .ratelimit import Decision, RateLimiter, bucket_of
from .routes import all_routes
from .routes.moderation import active_ban
from .routes.spaces import title_instead_of_name
from .routing import NAMESPACE, PUBLIC, build_map, namespace_index
from .storage import Storage

log = logging.getLogger("pytest_jetonomy.reference")

JSON_TYPE = "application/json; charset=UTF-8"
NS_PREFIX = f"/{NAMESPACE}"
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
MAX_BODY_BYTES = 8 * 1024 * 1024
"""The largest request body read, whatever its transfer encoding; past it: 413."""
_READ_SIZE = 64 * 1024
_BRACKET_RE = re.compile(r"^([^\[\]]+)\[([^\[\]]*)\]$")
STOPS_ANSWERING_AFTER = 40
"""Requests the ``stops-answering`` robustness fault serves before it hangs."""
PHP_NOTICE = (
    b"<br />\n<b>Notice</b>:  Undefined index: id in <b>/var/www/html/wp-content/plugins/"
    b"jetonomy/includes/class-rest-controller.php</b> on line <b>42</b><br />\n"
)


class ReferenceApp:
    """A WSGI callable serving the reference API, wp-login.php and a small home page."""

    def __init__(self, config: ReferenceConfig, db: Storage | None = None) -> None:
        self.config = config
        self.db = db or Storage(config.db_path)
        self.auth = Authenticator(self.db, fault=config.fault)
        self.limiter = RateLimiter(config.rate_window_seconds, config.fault)
        self.routes = dialect.routes(all_routes()) if config.alt else all_routes()
        if config.fault("spaces-create-wants-title"):
            self.routes = [
                title_instead_of_name(s) if s.endpoint == "spaces.create" else s
                for s in self.routes
            ]
        if config.fault("space-delete-needs-mode"):
            self.routes = [
                with_delete_mode(s) if s.endpoint == "spaces.delete" else s for s in self.routes
            ]
        self.url_map = build_map(self.routes, loose_ids=config.fault("non-numeric-path-id-crashes"))
        unlisted = "posts.link_preview" if config.fault("link-preview-missing-from-index") else ""
        self.index = namespace_index([spec for spec in self.routes if spec.endpoint != unlisted])
        if config.alt:
            self.index = dialect.index(self.index)
        self._requests = itertools.count(1)  # every request (robustness faults)
        self._api_requests = itertools.count(1)  # REST requests (robustness faults)
        self._released = threading.Event()

    def release(self) -> None:
        """Let requests held by the ``stops-answering`` fault end (the server is stopping)."""
        self._released.set()

    # -- WSGI ---------------------------------------------------------------------------
    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        try:  # the body limit comes first: before authentication and any parsing
            environ = _buffered(environ)
        except ApiError as err:
            response = self.finish(Request(environ), self.error_result(err), {})
            return response(environ, start_response)
        request = Request(environ)
        if self.config.fault("stops-answering") and next(self._requests) > STOPS_ANSWERING_AFTER:
            self._released.wait()  # the connection is accepted, the answer never comes
            return _html("Service Unavailable", "", 503)(environ, start_response)
        try:
            response = self.handle(request)
        except Exception:  # noqa: BLE001 - never leak a traceback to the client
            log.exception("unexpected error outside the REST dispatcher")
            response = self.json_response(internal_error().body(), 500, {})
        return response(environ, start_response)

    def handle(self, request: Request) -> Response:
        path = request.path
        if path in ("/", "/index.php"):
            rest_route = request.args.get("rest_route")
            if rest_route is None:
                return self.home(request)
            return self.rest(request, rest_route)
        if path == "/wp-json" or path.startswith("/wp-json/"):
            return self.rest(request, path[len("/wp-json") :])
        if path == "/wp-login.php":
            return self.auth.login_page(request)
        if path == "/wp-admin/admin-ajax.php":
            return self.auth.rest_nonce(request)
        if path in ("/wp-admin", "/wp-admin/"):
            return _html("Dashboard", "<p>Jetonomy reference server.</p>")
        return _html("Not Found", "<p>Nothing here.</p>", 404)

    # -- REST ---------------------------------------------------------------------------
    def rest(self, request: Request, route: str) -> Response:
        if self.config.fault("server-error-one-in-ten") and next(self._api_requests) % 10 == 0:
            body = "<p>There has been a critical error on this website.</p>"
            return _html("WordPress › Error", body, 500)
        route = "/" + route.strip("/")
        if self.config.fault("namespace-without-version") and route.startswith("/jetonomy"):
            route = NS_PREFIX + route[len("/jetonomy") :]  # registered as "jetonomy", no "/v1"
        in_namespace = route == NS_PREFIX or route.startswith(NS_PREFIX + "/")
        identity: Identity = ANONYMOUS
        identity_error: ApiError | None = None
        try:
            identity = self.auth.identify(request)
        except ApiError as err:
            identity_error = err
        decision: Decision | None = None
        result: Result | None = None
        if in_namespace:
            if self.config.latency_ms > 0:
                time.sleep(self.config.latency_ms / 1000.0)
            decision = self.limiter.hit(*bucket_of(identity, request.remote_addr))
            if not decision.allowed:
                result = self.rate_limited_result(
                    request, route, identity, identity_error, decision
                )
        if result is None:
            try:
                if identity_error is not None:
                    raise identity_error
                result = self.dispatch(request, route, identity, in_namespace)
            except ApiError as err:
                result = self.error_result(err)
            except Exception:  # noqa: BLE001
                log.exception("unexpected error handling %s %s", request.method, route)
                result = self.error_result(internal_error())
        limit_headers = {} if decision is None else self.rate_limit_headers(decision, result.status)
        return self.finish(request, result, limit_headers)

    def rate_limited_result(
        self,
        request: Request,
        route: str,
        identity: Identity,
        identity_error: ApiError | None,
        decision: Decision,
    ) -> Result:
        """The answer to a request beyond the limit: 429, and nothing done."""
        err = rate_limited(decision.reset)
        if self.config.fault("rate-limited-wrong-code"):
            err.code = "rest_too_many_requests"
        if self.config.fault("rate-limited-request-still-applied") and identity_error is None:
            with suppress(Exception):  # the handler runs, its answer is thrown away
                self.dispatch(request, route, identity, True)
        return self.error_result(err)

    def dispatch(self, request: Request, route: str, identity: Identity, in_ns: bool) -> Result:
        method = request.method.upper()
        if method == "POST":
            override = request.headers.get("X-HTTP-Method-Override") or request.args.get("_method")
            if override and override.upper() in ("PUT", "PATCH", "DELETE"):
                method = override.upper()
        if not in_ns:
            if route == "/" and method in ("GET", "HEAD"):
                return Result(self.root_index(request))
            raise no_route()
        sub = route[len(NS_PREFIX) :] or "/"
        if sub == "/":
            if method not in ("GET", "HEAD"):
                raise no_route()
            if self.config.fault("namespace-index-without-namespace"):
                return Result({k: v for k, v in self.index.items() if k != "namespace"})
            return Result(self.index)
        adapter = self.url_map.bind("reference", "/")
        try:
            endpoint, values = adapter.match(sub, method=method)
        except MethodNotAllowed as err:
            if not self.config.fault("undocumented-method-served-as-get") or "GET" not in (
                err.valid_methods or ()
            ):
                raise no_route() from None
            endpoint, values = adapter.match(sub, method="GET")
        except HTTPException:
            raise no_route() from None
        spec = self.routes[int(endpoint)]
        if self.config.fault("mark-all-read-not-routed") and spec.endpoint.endswith("all_read"):
            raise no_route()
        if spec.auth != PUBLIC and identity.anonymous:
            if self.config.fault("anonymous-served-as-first-user"):
                # the login check falls back to "the current user" of an empty session
                first = self.db.one("SELECT * FROM users ORDER BY id LIMIT 1")
                if first is not None:
                    identity = Identity.from_row(first, "basic")
            elif not (
                self.config.fault("notifications-open-to-anonymous")
                and spec.endpoint == "notifications.list"
            ):
                raise not_logged_in()
        if method in WRITE_METHODS and self.config.fault("every-write-refused"):
            raise forbidden("Writes are disabled on this site.")
        if method in WRITE_METHODS and not identity.anonymous and not identity.is_admin:
            exempt = (  # the ban check forgotten on one endpoint
                self.config.fault("bans-not-enforced-on-replies")
                and spec.endpoint == "replies.create"
            )
            if not exempt and active_ban(self.db, identity.user_id) is not None:
                raise forbidden("You are banned from this community.")
        ctx = Ctx(
            db=self.db,
            config=self.config,
            identity=identity,
            request=request,
            spec=spec,
            params=self.params(request),
            base_url=request.host_url,
        )
        out = spec.handler(ctx, **values)
        result = out if isinstance(out, Result) else Result(out)
        result.route = spec
        return result

    # -- request parameters ---------------------------------------------------------------
    def params(self, request: Request) -> dict[str, Any]:
        """Query parameters, overridden by body parameters (JSON or form), like WordPress."""
        params: dict[str, Any] = {}
        dropped = (
            self.config.fault("rest-route-drops-query-params") and "rest_route" in request.args
        )
        for key in request.args.keys():
            if key != "rest_route" and not dropped:
                _put(params, key, request.args.getlist(key))
        mimetype = request.mimetype
        if mimetype == "application/json" or mimetype.endswith("+json"):
            data = request.get_data(cache=True)
            if data.strip():
                try:
                    parsed = json.loads(data.decode("utf-8"))
                except (ValueError, RecursionError, UnicodeDecodeError):
                    if not self.config.fault("malformed-json-body-ignored"):
                        raise invalid_json() from None
                    parsed = {}
                if not isinstance(parsed, dict):
                    raise invalid_json("The JSON body must be an object.")
                if not _clean(parsed):
                    raise invalid_json("The JSON body contains invalid Unicode.")
                params.update(parsed)
        elif mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            for key in request.form.keys():
                _put(params, key, request.form.getlist(key))
        return params

    # -- responses ------------------------------------------------------------------------
    def error_result(self, err: ApiError) -> Result:
        """The one place errors are rendered (fault variants hook in here)."""
        body = err.body()
        if self.config.fault("error-data-status-disagrees"):
            body["data"]["status"] = 400 if err.status != 400 else 404
        if self.config.fault("no-route-error-without-data") and err.code == "rest_no_route":
            del body["data"]
        if self.config.fault("empty-error-messages"):
            body["message"] = ""
        if self.config.fault("forbidden-code-replaced") and err.code == "jetonomy_forbidden":
            body["code"] = "rest_forbidden"  # WordPress core's code; the status kept
        if self.config.fault("anonymous-code-replaced") and err.code == "jetonomy_not_logged_in":
            body["code"] = "rest_not_logged_in"  # WordPress core's code; the status kept
        if self.config.fault("forbidden-sent-with-401") and err.code == "jetonomy_forbidden":
            body["data"]["status"] = 401
            return Result(body, 401, dict(err.headers))
        return Result(body, err.status, dict(err.headers))

    def rate_limit_headers(self, decision: Decision, status: int) -> dict[str, str]:
        """The one place rate-limit headers are produced (fault variants hook in here)."""
        headers = decision.headers()
        if self.config.fault("rate-headers-missing-on-errors") and status >= 400:
            return {}
        if self.config.fault("rate-headers-only-on-200") and 200 < status < 300:
            return {}
        if self.config.fault("rate-reset-as-timestamp"):
            headers["X-RateLimit-Reset"] = str(int(time.time()) + decision.reset)
        return headers

    def finish(self, request: Request, result: Result, extra: dict[str, str]) -> Response:
        if self.config.alt:
            result = dialect.render(request, result)
        body, status, headers = result.body, result.status, {**result.headers, **extra}
        fields = _fields_param(request)
        if fields and status < 400 and body is not None:
            if not self.config.fault("fields-param-ignored"):
                body = _pick_fields(body, fields)
        if "_envelope" in request.args and not self.config.fault("envelope-param-ignored"):
            body = {"body": body, "status": status, "headers": headers}
            status = 200
        response = self.json_response(body, status, headers)
        if self.config.fault("errors-served-as-html") and status >= 400:
            response.headers["Content-Type"] = "text/html; charset=UTF-8"
        if self.config.fault("success-served-as-html") and status < 400:
            response.headers["Content-Type"] = "text/html; charset=UTF-8"
        if self.config.fault("json-body-invalid") and status < 400 and response.data:
            response.set_data(PHP_NOTICE + response.get_data())  # a PHP notice before the JSON
        if self.config.fault("json-body-truncated") and response.data:
            response.set_data(response.get_data()[: len(response.get_data()) // 2])
        return response

    @staticmethod
    def json_response(body: Any, status: int, headers: dict[str, str]) -> Response:
        payload = b"" if body is None else json.dumps(body).encode("utf-8")
        response = Response(payload, status=status, headers=headers)
        response.headers["Content-Type"] = JSON_TYPE
        return response

    def root_index(self, request: Request) -> dict[str, Any]:
        return {
            "name": "Jetonomy Reference",
            "description": "Reference implementation of the Jetonomy REST API",
            "url": request.host_url.rstrip("/"),
            "namespaces": [NAMESPACE],
            "routes": self.index["routes"],
        }

    def home(self, request: Request) -> Response:
        base = html.escape(request.host_url.rstrip("/"))
        head = (
            "<meta property='og:title' content='Jetonomy Reference Server'>"
            "<meta property='og:description' content='A conformant implementation of the "
            "Jetonomy REST API (jetonomy/v1) on SQLite.'>"
            f"<meta property='og:image' content='{base}/jetonomy.png'>"
            f"<meta property='og:url' content='{base}/'>"
        )
        api = f"{base}/wp-json/jetonomy/v1"
        body = f"<p>The REST API lives at <a href='{api}'>{api}</a>.</p>"
        return _html("Jetonomy Reference Server", body, head=head)


# -- helpers ----------------------------------------------------------------------------------
def _html(title: str, body: str, status: int = 200, head: str = "") -> Response:
    doc = (
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title>{head}</head>"
        f"<body><h1>{html.escape(title)}</h1>{body}</body></html>"
    )
    return Response(doc, status=status, mimetype="text/html")


def _buffered(environ: dict[str, Any]) -> dict[str, Any]:
    """``environ`` with its body read into memory, at most ``MAX_BODY_BYTES`` of it.

    A declared Content-Length over the limit is refused unread; a body without one
    (``Transfer-Encoding: chunked``) is read a piece at a time and refused as soon as it
    passes the limit, so an endless or huge body never fills the memory. Raises the 413
    ``ApiError``. The copy has a plain, length-delimited body, so that nothing later (form
    parsing, JSON) reads from the network again. A body cut short or badly chunked is a
    400.
    """
    length = environ.get("CONTENT_LENGTH", "").strip()
    chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
    if not chunked and length.isdigit() and int(length) > MAX_BODY_BYTES:
        raise body_too_large(MAX_BODY_BYTES)
    # bounded by Content-Length, or the server-terminated (dechunked) stream; empty else
    stream = get_input_stream(environ)
    data = bytearray()
    try:
        while len(data) <= MAX_BODY_BYTES:
            piece = stream.read(min(_READ_SIZE, MAX_BODY_BYTES + 1 - len(data)))
            if not piece:
                break
            data += piece
    except (OSError, HTTPException):  # a bad chunk header, the client gone mid-body
        raise invalid_param("body", "is incomplete or malformed") from None
    if len(data) > MAX_BODY_BYTES:
        raise body_too_large(MAX_BODY_BYTES)
    out = {k: v for k, v in environ.items() if k not in ("HTTP_TRANSFER_ENCODING",)}
    out.pop("wsgi.input_terminated", None)
    out["wsgi.input"] = BytesIO(bytes(data))
    out["CONTENT_LENGTH"] = str(len(data))
    return out


def _put(params: dict[str, Any], key: str, values: list[str]) -> None:
    """PHP style keys: ``tags[]=a`` is a list, ``settings[k]=v`` an object."""
    if key.endswith("[]") and len(key) > 2:
        params[key[:-2]] = list(values)
        return
    match = _BRACKET_RE.match(key)
    if match:
        name, sub = match.groups()
        target = params.get(name)
        if not isinstance(target, dict):
            target = params[name] = {}
        target[sub] = values[-1]
        return
    params[key] = values[0] if len(values) == 1 else list(values)


def _clean(value: Any) -> bool:
    """False when a string (or key) cannot be encoded as UTF-8 (lone surrogates)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return False
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return True


def _fields_param(request: Request) -> list[str]:
    raw = request.args.getlist("_fields") + request.args.getlist("_fields[]")
    return [part.strip() for value in raw for part in value.split(",") if part.strip()]


def _pick(obj: Any, paths: list[str]) -> Any:
    if not isinstance(obj, dict):
        return obj
    wanted: dict[str, list[str]] = {}
    for path in paths:
        head, _, rest = path.partition(".")
        wanted.setdefault(head, []).append(rest)
    out: dict[str, Any] = {}
    for key, value in obj.items():
        if key not in wanted:
            continue
        rests = wanted[key]
        out[key] = value if "" in rests else _pick(value, rests)
    return out


def _pick_fields(body: Any, fields: list[str]) -> Any:
    if isinstance(body, list):  # a list answered as a bare array (the alt dialect)
        return [_pick(item, fields) for item in body]
    if isinstance(body, dict) and isinstance(body.get("data"), list) and "meta" in body:
        return {**body, "data": [_pick(item, fields) for item in body["data"]]}
    return _pick(body, fields)


def create_app(config: ReferenceConfig | None = None) -> ReferenceApp:
    return ReferenceApp(config or ReferenceConfig())
