"""Fixtures for the reference server's own tests: one live server per session in each
dialect."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from pytest_jetonomy.reference import ReferenceConfig, ReferenceServer

from .ref_helpers import Api, unique


@pytest.fixture(scope="session")
def server() -> Iterator[ReferenceServer]:
    with ReferenceServer(ReferenceConfig(rate_window_seconds=1.0)) as srv:
        yield srv


@pytest.fixture(scope="session")
def creds(server: ReferenceServer) -> dict[str, dict[str, str]]:
    return server.provision()


def role_clients(server: ReferenceServer, creds: dict[str, dict[str, str]]) -> dict[str, Api]:
    """A client per role (and ``anonymous``), each knowing its user id."""
    out = {"anonymous": Api(server.url)}
    for role, values in creds.items():
        api = Api(server.url, (values["username"], values["application_password"]))
        me = api.get("/users/me")
        assert me.status_code == 200, me.text
        api.user_id = me.json()["id"]
        out[role] = api
    return out


@pytest.fixture(scope="session")
def clients(server: ReferenceServer, creds: dict[str, dict[str, str]]) -> dict[str, Api]:
    return role_clients(server, creds)


@pytest.fixture(scope="session")
def alt_server() -> Iterator[ReferenceServer]:
    """A server speaking the alt dialect (``reference/dialect.py``)."""
    with ReferenceServer(ReferenceConfig(rate_window_seconds=1.0, dialect="alt")) as srv:
        yield srv


@pytest.fixture(scope="session")
def alt(alt_server: ReferenceServer) -> dict[str, Api]:
    """The alt dialect server's clients per role (and ``anonymous``)."""
    return role_clients(alt_server, alt_server.provision())


@pytest.fixture
def admin(clients: dict[str, Api]) -> Api:
    return clients["admin"]


@pytest.fixture
def moderator(clients: dict[str, Api]) -> Api:
    return clients["moderator"]


@pytest.fixture
def member(clients: dict[str, Api]) -> Api:
    return clients["member"]


@pytest.fixture
def regular(clients: dict[str, Api]) -> Api:
    return clients["regular"]


@pytest.fixture
def anon(clients: dict[str, Api]) -> Api:
    return clients["anonymous"]


@pytest.fixture
def make_space(admin: Api) -> Any:
    def make(**fields: Any) -> dict[str, Any]:
        body = {"name": unique("space"), **fields}
        response = admin.post("/spaces", json=body)
        assert response.status_code == 201, response.text
        return response.json()

    return make


@pytest.fixture
def space(make_space: Any) -> dict[str, Any]:
    return make_space()


@pytest.fixture
def qa_space(make_space: Any) -> dict[str, Any]:
    return make_space(type="qa")


@pytest.fixture
def make_post(member: Api) -> Any:
    def make(space_id: int, api: Api | None = None, **fields: Any) -> dict[str, Any]:
        body = {"title": unique("post"), "content": "<p>body</p>", **fields}
        response = (api or member).post(f"/spaces/{space_id}/posts", json=body)
        assert response.status_code == 201, response.text
        return response.json()

    return make


@pytest.fixture
def post(space: dict[str, Any], make_post: Any) -> dict[str, Any]:
    return make_post(space["id"])
