"""Link preview: the Open Graph fields of a page.

Reference: Posts: GET /link-preview. The URL is the target's own root (the one page every
target can fetch). The fields are checked for presence and type (string or null) and the URL
for being echoed; then the suite reads the same page itself, and every Open Graph field the
page carries (og:title, og:description, og:image) must be in the preview.
"""

from __future__ import annotations

import html
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest

from pytest_jetonomy import expect

from .community import body_of
from .examples import Examples

FIELDS = ("title", "description", "image")
ELLIPSES = ("…", "...")
MIN_PREFIX = 10
"""A shortened text keeps at least this many characters of the page's."""


def _same_url(a: object, b: str) -> bool:
    return isinstance(a, str) and a.rstrip("/").lower() == b.rstrip("/").lower()


class _OpenGraph(HTMLParser):
    """The first og:title, og:description and og:image of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "meta":
            return
        values = {k.lower(): v or "" for k, v in attrs}
        name = (values.get("property") or values.get("name") or "").lower()
        if name.startswith("og:") and name[3:] in FIELDS and values.get("content", "").strip():
            self.found.setdefault(name[3:], values["content"].strip())


def _page_open_graph(examples: Examples, url: str) -> dict[str, str]:
    """The Open Graph fields of the page at ``url`` as the suite reads it ({} if unreadable)."""
    page = examples.client("admin").get(url)
    if page.status != 200 or "html" not in page.content_type.lower():
        return {}
    parser = _OpenGraph()
    try:
        parser.feed(page.text)
        parser.close()
    except Exception:  # noqa: BLE001 - malformed HTML: what was parsed so far
        pass
    return parser.found


def _plain(text: str) -> str:
    return " ".join(html.unescape(text).split())


def _carries(field: str, previewed: object, page_value: str, url: str) -> bool:
    """The preview's value is the page's: entities decoded and whitespace collapsed; a text
    may be shortened (with or without an ellipsis); an image URL may be made absolute or
    served through a proxy or cache that keeps its file name."""
    if not isinstance(previewed, str) or not previewed.strip():
        return False
    if field == "image":
        image = urljoin(url, page_value)
        name = urlsplit(image).path.rstrip("/").rsplit("/", 1)[-1]
        return previewed.strip() in (page_value, image) or bool(name and name in previewed)
    got, want = _plain(previewed), _plain(page_value)
    for ellipsis in ELLIPSES:
        if got.endswith(ellipsis) and got != want:
            got = got[: -len(ellipsis)].rstrip()
    return got == want or (len(got) >= min(len(want), MIN_PREFIX) and want.startswith(got))


@pytest.mark.requirement("JT-BEHAV-073")
def test_link_preview_fields(examples: Examples) -> None:
    """GET /link-preview?url=<target root>: url echoed; title, description, image string or
    null; each Open Graph field of the page (read by the suite too) in the preview."""
    url = examples.resolve("@url.target")
    response = examples.client("member").get("/link-preview", params={"url": url})
    body = body_of(response, [200], "a link preview of the target's root")
    expect.that(_same_url(body.get("url"), url), f"url {url!r} echoed", response)
    for key in FIELDS:
        expect.that(key in body, f"a '{key}' key", response)
        value = body[key]
        expect.that(
            value is None or isinstance(value, str),
            f"'{key}' a string or null",
            response,
            detail=f"{key} is {value!r}",
        )
    page = _page_open_graph(examples, url)
    if not page:
        return  # the page carries no Open Graph data: nothing more to compare
    if all(body[key] is None for key in FIELDS):
        pytest.skip(
            f"the target previewed nothing of its own root {url}, which carries Open Graph "
            f"data ({', '.join(sorted(page))}): it may not reach the URL the suite uses"
        )
    missing = [
        f"{key}: page {page[key]!r}, preview {body[key]!r}"
        for key in FIELDS
        if key in page and not _carries(key, body[key], page[key], url)
    ]
    expect.that(
        not missing,
        "the page's Open Graph " + ", ".join(k for k in FIELDS if k in page) + " in the preview",
        response,
        detail="; ".join(missing),
    )
