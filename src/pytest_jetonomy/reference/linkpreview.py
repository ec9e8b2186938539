"""Open Graph metadata of a URL (fetched with urllib, 3 s timeout), fetched safely.

Like WordPress's ``wp_safe_remote_get``, a URL whose host resolves to an address that is
not public (loopback, private, link-local, unspecified, multicast, reserved) is refused
before anything is fetched, and so is a redirect to one; redirects are followed one hop
at a time. The server's own address (WordPress allows its own host) and the URLs of the
allow-list (``ReferenceConfig.link_preview_allow``, by prefix) may be fetched all the same.
"""

from __future__ import annotations

import ipaddress
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

from .errors import invalid_param

TIMEOUT_SECONDS = 3.0
MAX_BYTES = 1024 * 1024
MAX_REDIRECTS = 5
REDIRECTS = (301, 302, 303, 307, 308)


@dataclass(frozen=True)
class FetchPolicy:
    """Which URLs may be fetched although their host is not public."""

    allow: tuple[str, ...] = ()
    """URLs, or URL prefixes, that may be fetched whatever their host."""
    own: tuple[str, int] | None = None
    """The server's own (host, port)."""

    @classmethod
    def of_server(cls, allow: tuple[str, ...], environ: dict[str, Any]) -> FetchPolicy:
        """The policy of a server answering the WSGI request ``environ``."""
        port = str(environ.get("SERVER_PORT", ""))
        own = (str(environ.get("SERVER_NAME", "")), int(port)) if port.isdigit() else None
        return cls(allow, own)

    def check(self, url: str) -> None:
        """Raise 400 ``jetonomy_invalid_param`` if ``url`` may not be fetched."""
        try:
            parts = urlsplit(url)
            host = parts.hostname or ""
            port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
        except ValueError:
            raise invalid_param("url", "must be an http or https URL") from None
        if parts.scheme.lower() not in ("http", "https") or not host:
            raise invalid_param("url", "must be an http or https URL")
        if any(url.startswith(prefix) for prefix in self.allow):
            return
        if self.own is not None and (host.lower(), port) == (self.own[0].lower(), self.own[1]):
            return
        for address in _addresses(host, port):
            if not _public(address):
                raise invalid_param(
                    "url", f"is not allowed: {host} resolves to {address}, not a public address"
                )


def _addresses(host: str, port: int) -> list[str]:
    """The addresses ``host`` resolves to (none when it does not resolve: the fetch fails)."""
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return []
    return [str(info[4][0]).split("%", 1)[0] for info in infos]


def _public(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    mapped = getattr(ip, "ipv4_mapped", None)
    if mapped is not None:
        ip = mapped
    return not (
        ip.is_loopback
        or ip.is_private
        or ip.is_link_local
        or ip.is_unspecified
        or ip.is_multicast
        or ip.is_reserved
    )


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Redirects come back as HTTPError 3xx: each hop is checked before it is followed."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


class _MetaParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.title: str | None = None
        self._in_title = False
        self._title_parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "meta":
            values = {k.lower(): v or "" for k, v in attrs}
            name = (values.get("property") or values.get("name") or "").lower()
            if name and "content" in values and name not in self.meta:
                self.meta[name] = values["content"].strip()
        elif tag == "title" and self.title is None:
            self._in_title = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "title" and self._in_title:
            self._in_title = False
            self.title = " ".join("".join(self._title_parts).split())

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self._title_parts.append(data)


def parse(url: str, document: str) -> dict[str, Any]:
    parser = _MetaParser()
    try:
        parser.feed(document)
        parser.close()
    except Exception:  # noqa: BLE001 - malformed HTML yields what was parsed so far
        pass
    meta = parser.meta
    image = meta.get("og:image") or meta.get("twitter:image") or None
    return {
        "url": url,
        "title": meta.get("og:title") or meta.get("twitter:title") or parser.title or None,
        "description": meta.get("og:description") or meta.get("description") or None,
        "image": urljoin(url, image) if image else None,
    }


def fetch(url: str, policy: FetchPolicy) -> dict[str, Any]:
    """Preview of ``url``; every field but ``url`` is None when the fetch fails. Raises 400
    when ``url``, or a redirect it leads to, may not be fetched (``policy``)."""
    empty: dict[str, Any] = {"url": url, "title": None, "description": None, "image": None}
    current = url
    for _ in range(MAX_REDIRECTS + 1):
        policy.check(current)
        request = urllib.request.Request(current, headers={"User-Agent": "jetonomy-reference/1"})
        try:
            with _OPENER.open(request, timeout=TIMEOUT_SECONDS) as response:
                ctype = response.headers.get("Content-Type", "")
                if "html" not in ctype and "xml" not in ctype and ctype:
                    return empty
                charset = response.headers.get_content_charset() or "utf-8"
                raw = response.read(MAX_BYTES)
        except urllib.error.HTTPError as err:
            location = err.headers.get("Location") if err.code in REDIRECTS else None
            err.close()
            if not location:
                return empty
            current = urljoin(current, location)
            continue
        except Exception:  # noqa: BLE001 - any network problem means "no preview"
            return empty
        try:
            text = raw.decode(charset, errors="replace")
        except LookupError:
            text = raw.decode("utf-8", errors="replace")
        return {**parse(current, text), "url": url}
    return empty  # too many redirects
