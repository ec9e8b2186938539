"""Helper requests adapted, openly, to what the server says it wants (adaptations.py).

The fitting itself is ``bodies.fit`` (shared with the undocumented bodies); these tests pin
what an adaptation does with a 400's ``data.params`` and with the route index, that only
helper requests are adapted, and that every adaptation is noted.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pytest_jetonomy import adaptations
from pytest_jetonomy.adaptations import FROM_ANSWER, FROM_INDEX, Adapter, adapt
from pytest_jetonomy.client import JetonomyClient
from pytest_jetonomy.contract import load_contract
from pytest_jetonomy.credentials import build_credentials
from pytest_jetonomy.reference.config import ReferenceConfig
from pytest_jetonomy.reference.server import ReferenceServer
from pytest_jetonomy.routeindex import RouteIndex

CONTRACT = load_contract()
SPACES_CREATE = CONTRACT.endpoint("spaces.create")
BODY = {
    "name": "jtc-00000000-1 A space",
    "description": "words",
    "type": "discussion",
    "visibility": "public",
    "join_policy": "open",
}
DESCRIBED = {
    "title": {"required": True, "type": "string", "description": "Title of the space"},
    "description": {"required": False, "type": "string"},
    "type": {"required": False, "type": "string"},
    "visibility": {"required": False, "type": "string", "enum": ["public", "private", "hidden"]},
    "join_policy": {"required": False, "type": "string", "enum": ["open", "approval", "invite"]},
    "icon": {"required": False, "type": ["string", "null"]},
}


def test_a_name_the_index_requires_takes_the_value_the_server_does_not_know() -> None:
    found = adapt(SPACES_CREATE, BODY, {"title": ""}, DESCRIBED, FROM_INDEX)
    assert found is not None
    assert found.apply(BODY) == {
        **{k: v for k, v in BODY.items() if k != "name"},
        "title": BODY["name"],
    }
    assert found.text == (
        "POST /spaces needed `title` (the suite sent `name`), which the reference does not name"
    )


def test_without_an_index_the_required_parameter_fits_a_missing_name() -> None:
    # WordPress's rest_missing_callback_param: data.params ["title"], no index to read
    found = adapt(SPACES_CREATE, BODY, {"title": ""}, None, FROM_ANSWER)
    assert found is not None and found.apply(BODY)["title"] == BODY["name"]
    assert "name" not in found.apply(BODY)


def test_an_invalid_value_is_respelled_or_an_optional_one_left_out() -> None:
    described = {**DESCRIBED, "visibility": {"type": "string", "enum": ["Public", "Private"]}}
    respelled = adapt(SPACES_CREATE, BODY, {"visibility": "not one of"}, described, FROM_ANSWER)
    assert respelled is not None and respelled.apply(BODY)["visibility"] == "Public"
    assert respelled.text == "POST /spaces took `visibility` as 'Public'"
    # rest_invalid_param on an example value: left out when the reference makes it optional
    dropped = adapt(SPACES_CREATE, BODY, {"type": "must be forum or qna"}, None, FROM_ANSWER)
    assert dropped is not None and "type" not in dropped.apply(BODY)
    assert dropped.text == "POST /spaces refused `type` (must be forum or qna), sent without it"
    # a required parameter refused as it is: nothing the suite can give instead
    assert adapt(SPACES_CREATE, BODY, {"name": "too long"}, None, FROM_ANSWER) is None
    # a wanted name no parameter of the body fits
    assert adapt(SPACES_CREATE, {"name": "x"}, {"title": "", "slug": ""}, None, FROM_ANSWER) is None


@pytest.fixture
def wants_title(tmp_path: Path) -> Iterator[tuple[ReferenceServer, dict]]:
    server = ReferenceServer(
        ReferenceConfig(
            db_path=str(tmp_path / "db.sqlite3"),
            rate_window_seconds=2.0,
            faults=frozenset({"spaces-create-wants-title"}),
        )
    )
    server.start()
    try:
        yield server, server.provision()
    finally:
        server.stop()


def _admin(server: ReferenceServer, tables: dict, index: RouteIndex) -> JetonomyClient:
    admin = build_credentials(tables, "test")["admin"]
    return JetonomyClient(server.url, admin, adapter=Adapter(lambda: index, CONTRACT))


def test_a_refused_helper_request_is_adapted_once_and_noted(wants_title) -> None:
    server, tables = wants_title
    # a target whose index describes nothing: the 400's data.params says what it wants
    admin = _admin(server, tables, RouteIndex([]))
    noted = adaptations.start()
    with adaptations.helper():
        created = admin.post("/spaces", json=dict(BODY))
        again = admin.post("/spaces", json={**BODY, "name": "jtc-00000000-2 Another"})
    assert created.status == 201 and again.status == 201
    sent = [(e.method, e.request_body, e.status) for e in admin.history]
    assert sent[0][1] == BODY and sent[0][2] == 400  # the documented body, refused
    assert "title" in sent[1][1] and "name" not in sent[1][1] and sent[1][2] == 201
    assert len(sent) == 3 and "title" in sent[2][1]  # learned: no second refusal
    records = adaptations.take(noted)
    assert [r["adaptation"] for r in records] == [
        "POST /spaces needed `title` (the suite sent `name`), which the reference does not name"
    ]
    assert records[0]["source"] == FROM_ANSWER
    assert records[0]["changes"] == [
        {"sent": "name", "needed": "title", "value": None, "why": None, "documented": False}
    ]


def test_the_index_adapts_before_sending(wants_title) -> None:
    server, tables = wants_title
    probe = JetonomyClient(server.url, build_credentials(tables, "test")["admin"])
    index = RouteIndex.parse(probe.get("").json())
    admin = _admin(server, tables, index)
    noted = adaptations.start()
    with adaptations.helper():
        assert admin.post("/spaces", json=dict(BODY)).status == 201
    assert len(admin.history) == 1  # sent adapted at once
    assert adaptations.take(noted)[0]["source"] == FROM_INDEX


def test_a_check_s_subject_is_never_adapted(wants_title) -> None:
    server, tables = wants_title
    admin = _admin(server, tables, RouteIndex([]))
    noted = adaptations.start()
    assert admin.post("/spaces", json=dict(BODY)).status == 400  # not a helper: as documented
    with adaptations.helper(), adaptations.subject():
        assert admin.post("/spaces", json=dict(BODY)).status == 400
    assert len(admin.history) == 2
    assert adaptations.take(noted) == []


def test_the_book_lists_each_adaptation_once() -> None:
    book = adaptations.AdaptationBook()
    record = {"route": "POST /spaces", "adaptation": "POST /spaces needed `title`", "source": "x"}
    book.add([record])
    book.add([dict(record)])  # another test (or worker) learned it too
    assert book.section() == [{**record, "checks": 2}]
    assert adaptations.lines(book.section()) == [
        "adapted: POST /spaces needed `title` (said by x; 2 test(s) needed it)"
    ]
