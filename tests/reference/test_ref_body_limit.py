"""The 8 MiB request-body limit holds for every transfer encoding (issue 12, item 8).

A body without Content-Length (``Transfer-Encoding: chunked``) must be cut off while it is
read: 413 in the error envelope once the limit is passed, before authentication and
without waiting for (or holding) the rest of the body.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator

import requests

from pytest_jetonomy.reference.app import MAX_BODY_BYTES

from .ref_helpers import NS, unique

CHUNK = 64 * 1024


def _raw_chunked(
    server, path: str, total: int, headers: dict[str, str], method: str = "POST"
) -> tuple[int, dict]:
    """Send ``total`` bytes as chunks and never the final chunk (an endless-looking body);
    return the status and JSON body of the answer, which must come within the timeout."""
    head = [
        f"{method} {path} HTTP/1.1",
        f"Host: 127.0.0.1:{server.port}",
        "Transfer-Encoding: chunked",
        *(f"{name}: {value}" for name, value in headers.items()),
        "",
        "",
    ]
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall("\r\n".join(head).encode())
        sent = 0
        while sent < total:
            size = min(CHUNK, total - sent)
            sock.sendall(b"%x\r\n" % size + b"x" * size + b"\r\n")
            sent += size
        # no b"0\r\n\r\n": a server reading to the end of the body would wait forever
        raw = b""
        while b"\r\n\r\n" not in raw:
            data = sock.recv(65536)  # socket.timeout here: the server never answered
            assert data, raw
            raw += data
        head_bytes, _, rest = raw.partition(b"\r\n\r\n")
        lines = head_bytes.decode("latin1").split("\r\n")
        status = int(lines[0].split()[1])
        fields = {k.strip().lower(): v.strip() for k, _, v in (x.partition(":") for x in lines[1:])}
        length = int(fields.get("content-length", "0"))
        while len(rest) < length:
            data = sock.recv(65536)
            if not data:
                break
            rest += data
    return status, {"headers": fields, "body": json.loads(rest[:length]) if length else None}


def test_chunked_body_over_the_limit_is_413_before_auth(server):
    """Anonymous GET /spaces with a chunked body just over the limit: 413, answered
    without the end of the body ever being sent."""
    status, answer = _raw_chunked(
        server,
        NS + "/spaces",
        MAX_BODY_BYTES + CHUNK,
        {"Content-Type": "application/json"},
        method="GET",
    )
    assert status == 413, answer
    assert answer["headers"]["content-type"] == "application/json; charset=UTF-8"
    body = answer["body"]
    assert set(body) >= {"code", "message", "data"} and body["data"]["status"] == 413, body


def test_chunked_body_over_the_limit_any_content_type(server):
    """The limit does not depend on the body being parsed: form or no content type too."""
    for headers in ({}, {"Content-Type": "application/x-www-form-urlencoded"}):
        status, answer = _raw_chunked(server, NS + "/spaces", MAX_BODY_BYTES + 1, headers)
        assert status == 413, (headers, answer)
        assert answer["body"]["data"]["status"] == 413


def test_chunked_body_with_bad_credentials_is_413_not_401(server):
    """The body limit is enforced before authentication."""
    status, answer = _raw_chunked(
        server,
        NS + "/users/me",
        MAX_BODY_BYTES + CHUNK,
        {"Authorization": "Basic bm9ib2R5Ondyb25n", "Content-Type": "application/json"},
    )
    assert status == 413, answer


def test_content_length_over_the_limit_is_413(server):
    """A declared Content-Length over the limit is refused without reading the body."""
    response = requests.post(
        server.url + NS + "/spaces",
        data=b"x" * (MAX_BODY_BYTES + 1),
        headers={"Content-Type": "application/json"},
        timeout=30,
    )
    assert response.status_code == 413, response.text
    assert response.json()["data"]["status"] == 413


def test_chunked_body_under_the_limit_still_works(server, creds, space):
    """A normal POST sent chunked (a generator body) is created as usual."""
    title = unique("chunked")
    payload = json.dumps(
        {"title": title, "content": "<p>" + "y" * 60_000 + "</p>", "padding": "z" * 1_000_000}
    ).encode()

    def pieces() -> Iterator[bytes]:
        for start in range(0, len(payload), 10_000):
            yield payload[start : start + 10_000]

    response = requests.post(
        f"{server.url}{NS}/spaces/{space['id']}/posts",
        data=pieces(),
        headers={"Content-Type": "application/json"},
        auth=(creds["member"]["username"], creds["member"]["application_password"]),
        timeout=30,
    )
    assert response.status_code == 201, response.text
    assert response.json()["title"] == title
