"""Helpers shared by the reference server tests."""

from __future__ import annotations

import time
import uuid
from typing import Any

import requests

NS = "/wp-json/jetonomy/v1"


class Api:
    """A tiny client: paths are relative to the namespace; 429s are waited out."""

    def __init__(self, base_url: str, auth: tuple[str, str] | None = None) -> None:
        self.base_url = base_url
        self.session = requests.Session()
        self.session.auth = auth
        self.user_id: int | None = None

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        url = path if path.startswith("http") else f"{self.base_url}{NS}{path}"
        kwargs.setdefault("timeout", 10)
        kwargs.setdefault("allow_redirects", False)
        for _ in range(20):
            response = self.session.request(method, url, **kwargs)
            if response.status_code != 429:
                return response
            time.sleep(float(response.headers.get("Retry-After", "1")))
        return response

    def get(self, path: str, **kw: Any) -> requests.Response:
        return self.request("GET", path, **kw)

    def post(self, path: str, **kw: Any) -> requests.Response:
        return self.request("POST", path, **kw)

    def patch(self, path: str, **kw: Any) -> requests.Response:
        return self.request("PATCH", path, **kw)

    def delete(self, path: str, **kw: Any) -> requests.Response:
        return self.request("DELETE", path, **kw)


def unique(prefix: str = "t") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def assert_error(response: requests.Response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, (response.status_code, response.text)
    assert response.headers["Content-Type"] == "application/json; charset=UTF-8"
    body = response.json()
    assert set(body) >= {"code", "message", "data"}, body
    assert body["data"]["status"] == status
    if code is not None:
        assert body["code"] == code, body
    return body
