"""Link preview: the Open Graph values of a page.

Reference: Posts: GET /link-preview. The page is the suite's own (an embedded run serves one
whose values carry the run prefix), the one given with --link-preview-url, or else the
target's own root (the one page every target can fetch). The reference names no field of the
preview, so the check looks for values, not names: every Open Graph value of the page
(og:title, og:description, og:image: those the suite served, or those it reads on the page
itself) must be one of the answer's strings. The reference does not promise that the URL
previewed is echoed: that is not checked. The fields' names and types are the schema
checks' business.
"""

from __future__ import annotations

import html
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest

from pytest_jetonomy import expect
from pytest_jetonomy.observe import json_object
from pytest_jetonomy.ogpage import open_graph

from .examples import Examples

FIELDS = ("title", "description", "image")
ELLIPSES = ("…", "...")
MIN_PREFIX = 10
"""A shortened text keeps at least this many characters of the page's."""


def _strings(value: object) -> list[str]:
    """Every string in a JSON value, however deep and under whatever name."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        return [text for item in value for text in _strings(item)]
    return []


def _served_open_graph(examples: Examples, url: str) -> dict[str, str] | None:
    """The Open Graph values of the page this run served itself (None: not its page)."""
    settings = examples.run.settings
    if settings.embedded and url == settings.link_preview_url:
        return open_graph(settings.run_prefix, url)
    return None


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
    """GET /link-preview?url=<page>: each Open Graph value of the page (served by the suite,
    or read by it) among the preview's strings, whatever their names."""
    url = examples.resolve("@url.target")
    response = examples.client("member").get("/link-preview", params={"url": url})
    expect.status(response, 200, why=f"a link preview of {url}", subject=True)
    texts = _strings(json_object(response, f"a link preview of {url}"))
    served = _served_open_graph(examples, url)
    page = served or _page_open_graph(examples, url)
    if not page:
        return  # the page carries no Open Graph data: nothing more to compare
    found = {key: any(_carries(key, text, page[key], url) for text in texts) for key in page}
    if served is None and not any(found.values()):
        pytest.skip(
            f"the target previewed nothing of the page {url}, which carries Open Graph "
            f"data ({', '.join(sorted(page))}): it may not reach the URL the suite uses"
        )
    missing = [f"{key}: page {page[key]!r}" for key in FIELDS if key in page and not found[key]]
    expect.that(
        not missing,
        "the page's Open Graph " + ", ".join(k for k in FIELDS if k in page) + " in the preview",
        response,
        detail="; ".join(missing) + f"; the preview's strings: {texts!r}",
    )
