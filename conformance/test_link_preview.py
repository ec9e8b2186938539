"""Link preview: the Open Graph fields of a page.

Reference: Posts: GET /link-preview. The URL is the target's own root (the one page every
target can fetch); what Open Graph data it carries is the target's business, so the fields
are checked for presence and type (string or null), and the URL for being echoed.
"""

from __future__ import annotations

import pytest

from pytest_jetonomy import expect

from .community import body_of
from .examples import Examples


def _same_url(a: object, b: str) -> bool:
    return isinstance(a, str) and a.rstrip("/").lower() == b.rstrip("/").lower()


@pytest.mark.requirement("JT-BEHAV-073")
def test_link_preview_fields(examples: Examples) -> None:
    """GET /link-preview?url=<target root>: url echoed; title, description, image string or null."""
    url = examples.resolve("@url.target")
    response = examples.client("member").get("/link-preview", params={"url": url})
    body = body_of(response, [200], "a link preview of the target's root")
    expect.that(_same_url(body.get("url"), url), f"url {url!r} echoed", response)
    for key in ("title", "description", "image"):
        expect.that(key in body, f"a '{key}' key", response)
        value = body[key]
        expect.that(
            value is None or isinstance(value, str),
            f"'{key}' a string or null",
            response,
            detail=f"{key} is {value!r}",
        )
