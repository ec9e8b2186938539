"""Open Graph metadata of a URL (fetched with urllib, 3 s timeout)."""

from __future__ import annotations

import urllib.request
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin

TIMEOUT_SECONDS = 3.0
MAX_BYTES = 1024 * 1024


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


def fetch(url: str) -> dict[str, Any]:
    """Preview of ``url``; every field but ``url`` is None when the fetch fails."""
    empty: dict[str, Any] = {"url": url, "title": None, "description": None, "image": None}
    request = urllib.request.Request(url, headers={"User-Agent": "jetonomy-reference/1"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            ctype = response.headers.get("Content-Type", "")
            if "html" not in ctype and "xml" not in ctype and ctype:
                return empty
            charset = response.headers.get_content_charset() or "utf-8"
            raw = response.read(MAX_BYTES)
    except Exception:  # noqa: BLE001 - any network problem means "no preview"
        return empty
    try:
        text = raw.decode(charset, errors="replace")
    except LookupError:
        text = raw.decode("utf-8", errors="replace")
    return parse(url, text)
