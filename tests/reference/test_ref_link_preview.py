"""GET /link-preview fetches safely: hosts that resolve to addresses that are not public are
refused before anything is fetched (as WordPress's wp_safe_remote_get does), redirects are
checked hop by hop, and the allow-list (and the server's own address) override it."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from pytest_jetonomy.reference import ReferenceConfig, ReferenceServer
from pytest_jetonomy.reference.errors import ApiError
from pytest_jetonomy.reference.linkpreview import FetchPolicy

from .ref_helpers import Api, assert_error

PAGE = (
    b"<html><head><meta property='og:title' content='Allowed page'>"
    b"<meta property='og:description' content='Fetched from the allow-list'>"
    b"<meta property='og:image' content='/picture.png'></head></html>"
)


class Pages(ThreadingHTTPServer):
    """A local site: ``/page`` (Open Graph data), ``/to-page`` (redirects to it),
    ``/to-elsewhere`` (redirects to another local port); counts the requests."""

    daemon_threads = True
    elsewhere = ""
    hits = 0


class _Handler(BaseHTTPRequestHandler):
    server: Pages

    def do_GET(self) -> None:  # noqa: N802
        self.server.hits += 1
        if self.path == "/page":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(PAGE)))
            self.end_headers()
            self.wfile.write(PAGE)
            return
        location = {"/to-page": "/page", "/to-elsewhere": self.server.elsewhere}.get(self.path)
        self.send_response(302 if location else 404)
        if location:
            self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def pages() -> Iterator[Pages]:
    site = Pages(("127.0.0.1", 0), _Handler)
    site.elsewhere = "http://127.0.0.1:9/secret"
    thread = threading.Thread(target=site.serve_forever, kwargs={"poll_interval": 0.1})
    thread.daemon = True
    thread.start()
    try:
        yield site
    finally:
        site.shutdown()
        site.server_close()
        thread.join(timeout=5)


def root(pages: Pages) -> str:
    return f"http://127.0.0.1:{pages.server_address[1]}"


@pytest.fixture(scope="module")
def previewer(pages: Pages) -> Iterator[Api]:
    """A member of a server whose allow-list holds ``/page`` and ``/to-`` URLs of ``pages``,
    and the dead ``http://127.0.0.1:9/dead``."""
    allow = (f"{root(pages)}/page", f"{root(pages)}/to-", "http://127.0.0.1:9/dead")
    with ReferenceServer(ReferenceConfig(link_preview_allow=allow)) as server:
        creds = server.provision()["member"]
        yield Api(server.url, (creds["username"], creds["application_password"]))


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/",
        "http://127.1.2.3/",
        "http://10.0.0.1/",
        "http://172.16.0.1/",
        "http://192.168.1.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://0.0.0.0:9/",
        "http://224.0.0.1/",
        "http://[::1]:9/",
        "http://[fe80::1]/",
        "http://[fc00::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://2130706433/",  # 127.0.0.1 written as one number
        "http://localhost:9/",  # a name resolving to 127.0.0.1
    ],
)
def test_addresses_that_are_not_public_are_refused(previewer, url):
    body = assert_error(
        previewer.get("/link-preview", params={"url": url}), 400, "jetonomy_invalid_param"
    )
    assert "is not allowed" in body["data"]["params"]["url"]


def test_a_refused_url_is_never_fetched(previewer, pages):
    before = pages.hits
    response = previewer.get("/link-preview", params={"url": f"{root(pages)}/other"})
    assert_error(response, 400, "jetonomy_invalid_param")
    assert pages.hits == before


def test_the_allow_list_overrides_the_refusal(previewer, pages):
    url = f"{root(pages)}/page"
    preview = previewer.get("/link-preview", params={"url": url}).json()
    assert preview == {
        "url": url,
        "title": "Allowed page",
        "description": "Fetched from the allow-list",
        "image": f"{root(pages)}/picture.png",
    }
    dead = previewer.get("/link-preview", params={"url": "http://127.0.0.1:9/dead"})
    assert dead.status_code == 200 and dead.json()["title"] is None  # allowed, nothing there


def test_redirects_are_checked_hop_by_hop(previewer, pages):
    followed = previewer.get("/link-preview", params={"url": f"{root(pages)}/to-page"})
    assert followed.status_code == 200 and followed.json()["title"] == "Allowed page"
    assert followed.json()["url"] == f"{root(pages)}/to-page"
    refused = previewer.get("/link-preview", params={"url": f"{root(pages)}/to-elsewhere"})
    body = assert_error(refused, 400, "jetonomy_invalid_param")
    assert "127.0.0.1" in body["data"]["params"]["url"]


def test_the_server_itself_may_be_previewed(server, member):
    preview = member.get("/link-preview", params={"url": server.url + "/"})
    assert preview.status_code == 200 and preview.json()["title"] == "Jetonomy Reference Server"
    other_port = server.url.rsplit(":", 1)[0] + ":9/"
    assert_error(member.get("/link-preview", params={"url": other_port}), 400)


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/", "http://"])
def test_only_http_urls_pass_the_policy(url):
    with pytest.raises(ApiError) as refused:
        FetchPolicy(allow=("file:", "ftp:", "http:")).check(url)
    assert refused.value.data["params"] == {"url": "must be an http or https URL"}
