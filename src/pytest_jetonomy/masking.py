"""Masks secrets in anything the suite prints, stores or reports.

Authorization headers, cookies, nonces and passwords never appear in a failure message,
the terminal, the JSON or HTML report, or the JUnit XML: nor does the password of a URL
(``https://ci:secret@staging...``). Values are masked, never words: "HTTP Basic auth" stays
as it is, "Basic <a base64 login:password>" does not.
"""

from __future__ import annotations

import base64
import binascii
import re
import threading
from collections.abc import Iterable, Mapping
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

MASK = "***"

SECRET_HEADERS = frozenset(
    {"authorization", "cookie", "set-cookie", "x-wp-nonce", "proxy-authorization"}
)
SECRET_PARAMS = frozenset(
    {"_wpnonce", "pwd", "password", "application_password", "invite_token", "token"}
)

_known_secrets: set[str] = set()
_lock = threading.Lock()


def register_secrets(values: Iterable[str]) -> None:
    """Remember secret values (application passwords, nonces...) so they are masked anywhere."""
    with _lock:
        for value in values:
            if value and len(value) >= 6:
                _known_secrets.add(value)


def mask_text(text: str) -> str:
    """Replace every registered secret, and Basic/cookie material, in free text."""
    if not text:
        return text
    with _lock:
        secrets = sorted(_known_secrets, key=len, reverse=True)
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, MASK)
    text = _BASIC.sub(_mask_basic, text)
    text = _BEARER.sub(_mask_bearer, text)
    text = _USERINFO.sub(r"\1" + MASK + "@", text)
    text = re.sub(r"(?i)(wordpress_[a-z_]*=)[^;\s\"']+", r"\1" + MASK, text)
    text = re.sub(
        r"(?i)(\"(?:password|application_password|pwd)\"\s*:\s*)\"[^\"]*\"", r'\1"***"', text
    )
    return text


_BASIC = re.compile(r"(?i)\b(basic)(\s+)([A-Za-z0-9+/]+=*)")
_BEARER = re.compile(r"(?i)\b(bearer)(\s+)([A-Za-z0-9+/=._~-]+)")
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://[^/\s:@]*:)[^/\s]+@")
"""A URL's ``user:password@``: the password goes, the user stays. The password runs to the
last ``@`` before the host's path (``ci:p@ss@host``, as ``urlsplit`` reads it), never past a
``/`` or a space: a later URL or mail address stays out of it."""


def _mask_basic(match: re.Match[str]) -> str:
    """``Basic <token>`` when the token is Basic credentials (base64 of ``login:password``)."""
    token = match.group(3)
    try:
        decoded = base64.b64decode(token + "=" * (-len(token) % 4), validate=True)
    except (binascii.Error, ValueError):
        return match.group(0)
    if b":" not in decoded:
        return match.group(0)
    return f"{match.group(1)}{match.group(2)}{MASK}"


def _mask_bearer(match: re.Match[str]) -> str:
    """``Bearer <token>`` when the token looks like one (long, with a digit), not a word."""
    token = match.group(3)
    if len(token) < 12 or not any(c.isdigit() for c in token):
        return match.group(0)
    return f"{match.group(1)}{match.group(2)}{MASK}"


def mask_headers(headers: Mapping[str, str]) -> dict[str, str]:
    return {
        name: (MASK if name.lower() in SECRET_HEADERS else mask_text(str(value)))
        for name, value in headers.items()
    }


def mask_url(url: str) -> str:
    parts = urlsplit(url)
    if not parts.query:
        return mask_text(url)
    query = [
        (key, MASK if key.lower() in SECRET_PARAMS else value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
    ]
    masked = urlunsplit(parts._replace(query=urlencode(query, safe="*{}/,:")))
    return mask_text(masked)


def mask_body(body: object) -> object:
    """Mask secret fields in a JSON-like body (returns a copy)."""
    if isinstance(body, Mapping):
        return {
            key: (MASK if str(key).lower() in SECRET_PARAMS else mask_body(value))
            for key, value in body.items()
        }
    if isinstance(body, list):
        return [mask_body(item) for item in body]
    if isinstance(body, str):
        return mask_text(body)
    return body
