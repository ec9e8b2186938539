"""Masks secrets in anything the suite prints, stores or reports.

Authorization headers, cookies, nonces and passwords never appear in a failure message,
the terminal, the JSON or HTML report, or the JUnit XML.
"""

from __future__ import annotations

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
    text = re.sub(r"(?i)(basic|bearer)\s+[A-Za-z0-9+/=._-]+", r"\1 " + MASK, text)
    text = re.sub(r"(?i)(wordpress_[a-z_]*=)[^;\s\"']+", r"\1" + MASK, text)
    text = re.sub(
        r"(?i)(\"(?:password|application_password|pwd)\"\s*:\s*)\"[^\"]*\"", r'\1"***"', text
    )
    return text


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
