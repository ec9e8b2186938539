"""Identities and authentication: application passwords, cookie sessions, nonces."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import html
import secrets
import string
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

from werkzeug.wrappers import Request, Response

from .errors import invalid_nonce, not_logged_in
from .storage import Row, Storage

COOKIE_NAME = "wordpress_logged_in_jetonomy"
SESSION_SECONDS = 2 * 24 * 3600
NONCE_ACTION = "wp_rest"

#: WordPress role -> capabilities the reference knows about.
CAPABILITIES: dict[str, frozenset[str]] = {
    "administrator": frozenset(
        {"jetonomy_moderate", "jetonomy_manage", "manage_options", "unfiltered_html"}
    ),
    "moderator": frozenset({"jetonomy_moderate"}),
    "subscriber": frozenset(),
}

#: provisioning role name -> (WordPress role, trust level)
ROLE_TABLE: dict[str, tuple[str, str]] = {
    "admin": ("administrator", "admin"),
    "moderator": ("moderator", "moderator"),
    "leader": ("subscriber", "leader"),
    "regular": ("subscriber", "regular"),
    "member": ("subscriber", "member"),
    "new_member": ("subscriber", "new_member"),
}


@dataclass(frozen=True)
class Identity:
    """Who is calling: a user or anonymous."""

    user_id: int = 0
    username: str = ""
    role: str = "anonymous"
    trust_level: str = "anonymous"
    via: str = "none"  # "basic", "cookie" or "none"

    @property
    def anonymous(self) -> bool:
        return self.user_id == 0

    @property
    def capabilities(self) -> frozenset[str]:
        return CAPABILITIES.get(self.role, frozenset())

    def can(self, capability: str) -> bool:
        return capability in self.capabilities

    @property
    def is_admin(self) -> bool:
        return self.role == "administrator"

    @property
    def can_moderate(self) -> bool:
        return self.can("jetonomy_moderate")

    @classmethod
    def from_row(cls, row: Row, via: str) -> Identity:
        return cls(int(row["id"]), row["username"], row["role"], row["trust_level"], via)


ANONYMOUS = Identity()


# -- secrets ---------------------------------------------------------------------------
def hash_app_password(password: str) -> str:
    return hashlib.sha256("".join(password.split()).encode("utf-8")).hexdigest()


def new_app_password() -> str:
    """24 characters, shown in groups of four like WordPress."""
    alphabet = string.ascii_letters + string.digits
    raw = "".join(secrets.choice(alphabet) for _ in range(24))
    return " ".join(raw[i : i + 4] for i in range(0, 24, 4))


def hash_password(password: str) -> str:
    salt = secrets.token_hex(8)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt.encode(), 10000)
    return f"pbkdf2${salt}${digest.hex()}"


def check_password(stored: str, password: str) -> bool:
    try:
        _, salt, digest = stored.split("$", 2)
        candidate = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt.encode(), 10000)
    except (ValueError, UnicodeError):
        return False
    return hmac.compare_digest(candidate.hex(), digest)


class Authenticator:
    """Resolves the caller of a request; serves wp-login.php and the nonce endpoint."""

    def __init__(
        self,
        db: Storage,
        secret: bytes | None = None,
        fault: Callable[[str], bool] | None = None,
    ) -> None:
        self.db = db
        self.secret = secret or secrets.token_bytes(32)
        self.fault = fault or (lambda name: False)
        # live sessions, like WordPress's session_tokens user meta: token -> (user, expiry);
        # a cookie authenticates only while its token is here (logout removes it)
        self._sessions: dict[str, tuple[int, int]] = {}
        self._sessions_lock = threading.Lock()

    # -- users -----------------------------------------------------------------------
    def find_user(self, login: str) -> Row | None:
        return self.db.one(
            "SELECT * FROM users WHERE username = ? COLLATE NOCASE OR email = ? COLLATE NOCASE",
            (login, login),
        )

    def check_app_password(self, user_id: int, password: str) -> bool:
        wanted = hash_app_password(password)
        rows = self.db.all("SELECT hash FROM app_passwords WHERE user_id = ?", (user_id,))
        return any(hmac.compare_digest(wanted, row["hash"]) for row in rows)

    def check_login(self, login: str, password: str) -> Row | None:
        """The user whose account password this is. Application passwords are refused, as
        WordPress refuses them on wp-login.php: they are for the API only."""
        user = self.find_user(login)
        if user is None or not password:
            return None
        if check_password(user["password_hash"], password):
            return user
        return None

    # -- sessions and nonces ---------------------------------------------------------------
    def _mac(self, message: str, length: int = 32) -> str:
        return hmac.new(self.secret, message.encode(), hashlib.sha256).hexdigest()[:length]

    def make_cookie(self, user_id: int) -> str:
        """A new session of the user, and the cookie that carries it."""
        now = int(time.time())
        expires = now + SESSION_SECONDS
        token = secrets.token_hex(16)
        with self._sessions_lock:
            self._sessions = {t: s for t, s in self._sessions.items() if s[1] >= now}
            self._sessions[token] = (user_id, expires)
        payload = f"{user_id}.{expires}.{token}"
        return f"{payload}.{self._mac(payload)}"

    def read_cookie(self, value: str) -> tuple[int, str] | None:
        """(user id, session token) of a valid, unexpired cookie of a live session."""
        parts = value.split(".")
        if len(parts) != 4:
            return None
        uid, expires, token, mac = parts
        if not hmac.compare_digest(self._mac(f"{uid}.{expires}.{token}"), mac):
            return None
        if not uid.isdigit() or not expires.isdigit() or int(expires) < time.time():
            return None
        with self._sessions_lock:
            live = self._sessions.get(token)
        if live is None or live[0] != int(uid):
            return None  # logged out (or issued by an earlier run of the server)
        return int(uid), token

    def end_session(self, value: str) -> None:
        """Log the cookie's session out: the cookie (and its nonces) no longer authenticate."""
        session = self.read_cookie(value)
        if session is not None:
            with self._sessions_lock:
                self._sessions.pop(session[1], None)

    def nonce(self, user_id: int, token: str) -> str:
        return self._mac(f"{user_id}|{token}|{NONCE_ACTION}", 10)

    # -- request identity -----------------------------------------------------------------
    def identify(self, request: Request) -> Identity:
        """The caller, or raise 401 (bad credentials) / 403 (bad cookie nonce)."""
        header = request.headers.get("Authorization", "")
        if header.partition(" ")[0].lower() == "basic":
            if self.fault("basic-auth-header-dropped"):
                return ANONYMOUS
            return self._basic(header)  # other schemes are not ours: ignored, like WordPress
        cookie = request.cookies.get(COOKIE_NAME)
        if not cookie:
            return ANONYMOUS
        session = self.read_cookie(cookie)
        if session is None:
            return ANONYMOUS
        user = self.db.one("SELECT * FROM users WHERE id = ?", (session[0],))
        if user is None:
            return ANONYMOUS
        nonce = request.headers.get("X-WP-Nonce") or request.args.get("_wpnonce")
        if self.fault("nonce-header-ignored"):
            nonce = request.args.get("_wpnonce")
        if self.fault("wpnonce-query-param-ignored"):
            nonce = request.headers.get("X-WP-Nonce")
        if not nonce:
            if self.fault("cookie-without-nonce-authenticates"):
                return Identity.from_row(user, "cookie")
            return ANONYMOUS  # a cookie without a nonce counts as logged out, like WordPress
        if not hmac.compare_digest(nonce, self.nonce(session[0], session[1])):
            if not self.fault("invalid-nonce-accepted"):
                raise invalid_nonce()
        return Identity.from_row(user, "cookie")

    def _basic(self, header: str) -> Identity:
        encoded = header.partition(" ")[2]
        try:
            decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeError, ValueError):
            raise not_logged_in("Malformed Basic credentials.") from None
        login, sep, password = decoded.partition(":")
        if not sep:
            raise not_logged_in("Malformed Basic credentials.")
        user = self.find_user(login)
        if user is None or not (
            self.fault("app-password-not-checked")  # any password taken for a known user
            or self.check_app_password(int(user["id"]), password)
        ):
            if self.fault("bad-credentials-served-as-anonymous"):
                return ANONYMOUS
            raise not_logged_in("Invalid application password.")
        if self.fault("basic-auth-as-first-user"):  # the identity query's WHERE lost
            user = self.db.one("SELECT * FROM users ORDER BY id LIMIT 1") or user
        return Identity.from_row(user, "basic")

    # -- HTML endpoints -----------------------------------------------------------------
    def login_page(self, request: Request) -> Response:
        """``/wp-login.php``: GET shows a form, POST logs in and sets the session cookie;
        ``?action=logout`` (GET or POST) ends the session and clears the cookie."""
        if request.args.get("action") == "logout":
            cookie = request.cookies.get(COOKIE_NAME)
            if cookie:
                self.end_session(cookie)
            response = Response(
                "", status=302, headers={"Location": "/wp-login.php?loggedout=true"}
            )
            response.delete_cookie(COOKIE_NAME, path="/", httponly=True, samesite="Lax")
            return response
        if request.method == "POST":
            login = request.form.get("log", "")
            password = request.form.get("pwd", "")
            user = self.check_login(login, password) if login else None
            if user is not None:
                target = request.form.get("redirect_to") or request.args.get("redirect_to") or ""
                if not target.startswith("/") or target.startswith("//"):
                    target = "/wp-admin/"
                response = Response("", status=302, headers={"Location": target})
                response.set_cookie(
                    COOKIE_NAME,
                    self.make_cookie(int(user["id"])),
                    max_age=SESSION_SECONDS,
                    path="/",
                    httponly=True,
                    samesite="Lax",
                )
                return response
            return _page(
                "Log In",
                "<p id='login_error'>Error: unknown user or wrong password.</p>" + _LOGIN_FORM,
            )
        if request.args.get("action") == "register":
            target = html.escape(request.args.get("redirect_to", ""))
            return _page(
                "Registration",
                f"<p>Registration is closed on the reference server.</p>"
                f"<p>After registering you would continue to {target}.</p>",
            )
        return _page("Log In", _LOGIN_FORM)

    def rest_nonce(self, request: Request) -> Response:
        """``/wp-admin/admin-ajax.php?action=rest-nonce``."""
        cookie = request.cookies.get(COOKIE_NAME)
        session = self.read_cookie(cookie) if cookie else None
        if request.values.get("action") != "rest-nonce" or session is None:
            return Response("0", status=400, mimetype="text/plain")
        return Response(self.nonce(*session), status=200, mimetype="text/plain")


_LOGIN_FORM = (
    "<form method='post' action='/wp-login.php'>"
    "<label>Username <input name='log'></label> "
    "<label>Password <input name='pwd' type='password'></label> "
    "<button type='submit'>Log In</button></form>"
)


def _page(title: str, body: str, status: int = 200) -> Response:
    doc = (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(title)}"
        f"</title></head><body><h1>{html.escape(title)}</h1>{body}</body></html>"
    )
    return Response(doc, status=status, mimetype="text/html")


def register_url(redirect_to: str) -> str:
    return "/wp-login.php?action=register&redirect_to=" + quote(redirect_to, safe="")
