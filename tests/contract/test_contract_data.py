"""The contract data in ``schemas/`` is complete and self-consistent (no server needed)."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

SCHEMAS = Path(__file__).parents[2] / "schemas"

RESOURCES = (
    "error",
    "namespace-index",
    "post",
    "reply",
    "space",
    "user",
    "member",
    "category",
    "tag",
    "notification",
    "unread-count",
    "subscription",
    "bookmark",
    "leaderboard-entry",
    "search-result",
    "moderation-item",
    "flag",
    "ban",
    "invite",
    "update",
    "link-preview",
    "result",
)
ALLOWED_REFS = frozenset(
    {
        "@space.public",
        "@space.qa",
        "@space.private",
        "@space.fresh",
        "@post.public",
        "@post.fresh",
        "@post.fresh_qa",
        "@post.other",
        "@reply.fresh",
        "@reply.fresh_qa",
        "@user.member",
        "@user.regular",
        "@user.new_member",
        "@user.member_login",
        "@member.fresh",
        "@invite.fresh",
        "@notification.member",
        "@category.public",
        "@category.fresh",
        "@flag.fresh",
        "@ban.fresh",
        "@text.title",
        "@text.html",
        "@text.word",
        "@text.name",
        "@now.iso",
        "@url.target",
    }
)
AUTH_CLASSES = {
    "public",
    "required",
    "author_or_moderator",
    "post_author",
    "moderator",
    "space_admin",
    "admin",
}
ROLES = ["anonymous", "new_member", "member", "regular", "leader", "moderator", "admin"]
AREAS = {
    "EP": "endpoints",
    "AUTH": "auth",
    "VIS": "visibility",
    "PARAM": "params",
    "SCHEMA": "schemas",
    "PAGE": "pagination",
    "ERR": "errors",
    "RATE": "rate-limits",
    "BEHAV": "behaviours",
    "CONV": "conventions",
}
REQ_ID = re.compile(r"^JT-(EP|AUTH|VIS|PARAM|SCHEMA|PAGE|ERR|RATE|BEHAV|CONV)-\d{3}$")
JSON_TYPES = {"integer": int, "string": str, "boolean": bool, "object": dict, "array": list}


def _load(name: str) -> Any:
    return json.loads((SCHEMAS / name).read_text(encoding="utf-8"))


CONTRACT = _load("contract.json")
ENDPOINTS: list[dict[str, Any]] = _load("endpoints.json")["endpoints"]
REQUIREMENTS: list[dict[str, Any]] = _load("requirements.json")["requirements"]
SCHEMA_FILES = {
    p.stem: json.loads(p.read_text(encoding="utf-8"))
    for p in sorted((SCHEMAS / "resources").glob("*.json"))
}
REGISTRY = Registry().with_resources(
    (s["$id"], Resource.from_contents(s)) for s in SCHEMA_FILES.values()
)


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return found + [r for v in node.values() for r in _refs(v)]
    if isinstance(node, list):
        return [r for v in node for r in _refs(v)]
    return []


def _at_values(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [r for v in node.values() for r in _at_values(v)]
    if isinstance(node, list):
        return [r for v in node for r in _at_values(v)]
    return [node] if isinstance(node, str) and node.startswith("@") else []


# -- contract.json ---------------------------------------------------------------------------
def test_contract_facts() -> None:
    assert CONTRACT["version"] == "2026.11"
    assert CONTRACT["namespace"] == "jetonomy/v1"
    assert CONTRACT["base_path"] == "/wp-json/jetonomy/v1"
    page = CONTRACT["pagination"]
    assert (page["default_limit"], page["max_limit"]) == (20, 100)
    assert (page["total_header"], page["total_pages_header"]) == ("X-JT-Total", "X-JT-TotalPages")
    params = (page["offset_param"], page["limit_param"], page["cursor_param"])
    assert params == ("offset", "limit", "after")
    assert "list_shape" not in CONTRACT  # the reference states no list shape (lists.py reads any)
    rate = CONTRACT["rate_limits"]
    assert rate["window_seconds"] == 60
    assert set(rate["headers"]) == {"limit", "remaining", "reset"}
    assert rate["per_trust_level"] == {
        "anonymous": 30,
        "new_member": 60,
        "member": 120,
        "regular": 180,
        "leader": 300,
        "moderator": 300,
        "admin": None,
    }
    assert CONTRACT["error_codes"] == {
        "jetonomy_invalid_param": 400,
        "jetonomy_not_logged_in": 401,
        "jetonomy_forbidden": 403,
        "jetonomy_not_found": 404,
        "jetonomy_rate_limited": 429,
    }
    assert CONTRACT["roles"] == ROLES


# -- resource schemas ------------------------------------------------------------------------
def test_every_resource_has_a_schema() -> None:
    assert set(RESOURCES) <= set(SCHEMA_FILES)


@pytest.mark.parametrize("name", sorted(SCHEMA_FILES))
def test_schema_is_valid_draft_2020_12(name: str) -> None:
    schema = SCHEMA_FILES[name]
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == f"urn:jetonomy:{name}"
    assert schema.get("additionalProperties", True) is not False


@pytest.mark.parametrize("name", sorted(SCHEMA_FILES))
def test_schema_refs_resolve(name: str) -> None:
    resolver = REGISTRY.resolver(base_uri=SCHEMA_FILES[name]["$id"])
    for ref in _refs(SCHEMA_FILES[name]):
        resolver.lookup(ref)


@pytest.mark.parametrize("name", sorted(set(SCHEMA_FILES) - {"error", "namespace-index"}))
def test_resource_schema_requires_only_what_the_reference_states(name: str) -> None:
    """The reference names no response field but the id objects are addressed by: a resource
    schema requires nothing else, and the facts it promises without a name point to the
    requirement that observes them."""
    schema = SCHEMA_FILES[name]
    assert set(schema.get("required", [])) <= {"id"}, name
    if "properties" in schema:
        assert set(schema["properties"]) <= {"id"}, name
        assert schema["properties"]["id"]["type"] == "integer"
    active = {
        r["id"] for r in REQUIREMENTS if not r.get("superseded_by") and not r.get("withdrawn")
    }
    for promise in schema.get("x-promised", []):
        named = re.findall(r"JT-[A-Z]+-\d{3}", promise)
        assert named and set(named) <= active, (name, promise)


def test_a_post_needs_only_an_integer_id() -> None:
    validator = Draft202012Validator(SCHEMA_FILES["post"], registry=REGISTRY)
    assert not list(validator.iter_errors({"id": 1}))
    assert not list(validator.iter_errors({"id": 1, "Title": "any name", "votes": {"up": 1}}))
    for bad in ({"id": "1"}, {"id": True}, {"title": "no id"}, [], "post"):
        assert list(validator.iter_errors(bad)), bad


# -- endpoints.json --------------------------------------------------------------------------
def test_sixty_six_unique_endpoints() -> None:
    assert len(ENDPOINTS) == 66
    ids = Counter(e["id"] for e in ENDPOINTS)
    assert not [i for i, n in ids.items() if n > 1]
    routes = Counter((e["method"], e["path"]) for e in ENDPOINTS)
    assert not [r for r, n in routes.items() if n > 1]
    assert len({e["group"] for e in ENDPOINTS}) == 15


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e["id"])
def test_endpoint_entry(endpoint: dict[str, Any]) -> None:
    group, _, action = endpoint["id"].partition(".")
    assert group == endpoint["group"] and action
    assert endpoint["method"] in {"GET", "POST", "PATCH", "DELETE"}
    assert endpoint["path"].startswith("/")
    assert endpoint["auth"] in AUTH_CLASSES
    assert endpoint["summary"]
    assert endpoint["section"].endswith(f"{endpoint['method']} {endpoint['path']}")
    response = endpoint["response"]
    assert response["schema"] in SCHEMA_FILES
    assert isinstance(response["list"], bool)
    assert response["status"] and all(200 <= s < 300 for s in response["status"])
    pagination = endpoint["pagination"]
    if pagination is not None:
        assert pagination["offset"] is True and isinstance(pagination["cursor"], bool)
        assert response["list"]
        names = {p["name"] for p in endpoint["params"]}
        assert {"limit", "offset"} <= names
        assert ("after" in names) == pagination["cursor"]
    assert endpoint["caller"] in ROLES
    assert all(role in ROLES for role in endpoint["denied"])
    assert endpoint["caller"] not in endpoint["denied"]
    if endpoint["auth"] != "public":
        assert endpoint["caller"] != "anonymous"
    for prepared in endpoint.get("prepare", []):
        assert prepared in {e["id"] for e in ENDPOINTS}


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e["id"])
def test_endpoint_params(endpoint: dict[str, Any]) -> None:
    seen = set()
    placeholders = set(re.findall(r"\{(\w+)\}", endpoint["path"]))
    for param in endpoint["params"]:
        assert param["in"] in {"path", "query", "body"}
        assert param["type"] in JSON_TYPES
        assert param["required"] in (True, False, "conditional")
        assert (param["name"], param["in"]) not in seen
        seen.add((param["name"], param["in"]))
        if param["in"] == "path":
            assert param["required"] is True and param["name"] in placeholders
        if param["type"] == "array":
            assert param["items"] == "string"
        if param["name"] == "limit":
            assert (param["minimum"], param["maximum"]) == (1, 100)
        for value in param.get("enum") or []:
            assert isinstance(value, JSON_TYPES[param["type"]])
    assert placeholders == {name for name, where in seen if where == "path"}


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e["id"])
def test_example_satisfies_the_params(endpoint: dict[str, Any]) -> None:
    example = endpoint["example"]
    assert set(example) <= {"path", "query", "body"}
    declared = {(p["name"], p["in"]): p for p in endpoint["params"]}
    for where in ("path", "query", "body"):
        for name, value in (example.get(where) or {}).items():
            param = declared.get((name, where))
            assert param is not None, f"{where} value {name!r} is not a declared parameter"
            if isinstance(value, str) and value.startswith("@"):
                continue
            assert isinstance(value, JSON_TYPES[param["type"]]), name
            if param.get("enum") is not None:
                assert value in param["enum"], name
    for (name, where), param in declared.items():
        if param["required"] is True:
            assert name in (example.get(where) or {}), f"required {where} param {name!r} missing"


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e["id"])
def test_example_refs_are_known(endpoint: dict[str, Any]) -> None:
    assert set(_at_values(endpoint["example"])) <= ALLOWED_REFS


def test_auth_classes_and_denials() -> None:
    expected_denied = {
        "moderator": ["member"],
        "admin": ["moderator"],
        "space_admin": ["member"],
        "post_author": ["regular"],
    }
    for endpoint in ENDPOINTS:
        if endpoint["auth"] in expected_denied:
            assert endpoint["denied"] == expected_denied[endpoint["auth"]], endpoint["id"]
        if endpoint["auth"] == "author_or_moderator":
            assert len(endpoint["denied"]) == 1, endpoint["id"]
    by_route = {(e["method"], e["path"]): e for e in ENDPOINTS}
    assert by_route[("GET", "/spaces")]["visibility"] == "membership"
    assert by_route[("GET", "/spaces/{id}")]["visibility"] == "membership"
    cursor = [e["id"] for e in ENDPOINTS if e["pagination"] and e["pagination"]["cursor"]]
    assert cursor == ["posts.list"]


# -- requirements.json -----------------------------------------------------------------------
def test_requirement_ids_levels_and_areas() -> None:
    ids = [r["id"] for r in REQUIREMENTS]
    assert len(ids) == len(set(ids))
    for req in REQUIREMENTS:
        match = REQ_ID.match(req["id"])
        assert match, req["id"]
        assert req["level"] in {"MUST", "SHOULD"}
        assert req["area"] == AREAS[match.group(1)], req["id"]
        assert req["title"] and req["section"] and req["checks"]


BASES = {"stated", "convention", "reading"}


def test_every_requirement_states_its_basis() -> None:
    """Each active requirement says where it comes from; only a stated one may be MUST."""
    active = [r for r in REQUIREMENTS if not r.get("superseded_by") and not r.get("withdrawn")]
    missing = [r["id"] for r in active if r.get("basis") not in BASES]
    assert not missing, f"requirements without a basis (stated, convention, reading): {missing}"
    not_stated = [r["id"] for r in active if r["level"] == "MUST" and r["basis"] != "stated"]
    assert not not_stated, f"MUST requirements whose basis is not 'stated': {not_stated}"
    no_gist = [r["id"] for r in active if len(r.get("gist", "")) < 40]
    assert not no_gist, f"requirements without a gist of where they come from: {no_gist}"


def test_retired_requirements_point_to_active_ones() -> None:
    by_id = {r["id"]: r for r in REQUIREMENTS}
    for req in REQUIREMENTS:
        if req.get("superseded_by"):
            assert not req.get("withdrawn"), req["id"]
            for other in req["superseded_by"]:
                assert other in by_id and not by_id[other].get("superseded_by"), (req["id"], other)
                assert not by_id[other].get("withdrawn"), (req["id"], other)
        elif req.get("withdrawn"):
            assert isinstance(req["withdrawn"], str) and len(req["withdrawn"]) > 20, req["id"]


def test_requirement_numbers_are_dense_per_area() -> None:
    numbers: dict[str, list[int]] = {}
    for req in REQUIREMENTS:
        _, area, number = req["id"].split("-")
        numbers.setdefault(area, []).append(int(number))
    for area, found in numbers.items():
        assert sorted(found) == list(range(1, len(found) + 1)), area
    assert set(numbers) == set(AREAS)
