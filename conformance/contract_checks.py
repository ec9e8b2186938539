"""Helpers of the params, schemas, errors and conventions checks.

- :func:`caller_of`: who sends an endpoint's example in these checks (the catalogue caller;
  the admin instead of anonymous callers, whose requests are scarce);
- :func:`build_call`: the example request with some path values replaced (without creating
  the fresh objects those values would have named);
- :func:`send`: send a (changed) example call as a role, running the endpoint's ``prepare``
  steps first and registering the undo of whatever a successful call created;
- :func:`body_problems`: validate a body against a resource schema with strict JSON types
  (an integer is a JSON integer, never ``5.0``, ``"5"`` or ``true``) and sort the problems by
  the promise they break (types, timestamps, shape).
"""

from __future__ import annotations

from typing import Any

import pytest
from jsonschema import Draft202012Validator, validators

from pytest_jetonomy import expect
from pytest_jetonomy.client import ApiResponse
from pytest_jetonomy.contract import Endpoint, load_contract
from pytest_jetonomy.factories import TAG_POOL, unique

from .examples import Call, Examples

CONTRACT = load_contract()
NEVER_USED_ID = 987654321
"""An id no object of a test target has (the suite never creates that many)."""

SCHEMA_REQUIREMENT = {
    "post": "JT-SCHEMA-001",
    "space": "JT-SCHEMA-002",
    "reply": "JT-SCHEMA-003",
    "user-full": "JT-SCHEMA-004",
    "user-public": "JT-SCHEMA-005",
    "member": "JT-SCHEMA-006",
    "vote-result": "JT-SCHEMA-007",
    "tag": "JT-SCHEMA-008",
    "space-tag": "JT-SCHEMA-008",
    "category": "JT-SCHEMA-009",
    "notification": "JT-SCHEMA-010",
    "unread-count": "JT-SCHEMA-011",
    "subscription": "JT-SCHEMA-012",
    "bookmark": "JT-SCHEMA-013",
    "leaderboard-entry": "JT-SCHEMA-014",
    "search-result": "JT-SCHEMA-015",
    "moderation-item": "JT-SCHEMA-016",
    "flag": "JT-SCHEMA-017",
    "ban": "JT-SCHEMA-018",
    "invite": "JT-SCHEMA-019",
    "join-result": "JT-SCHEMA-020",
    "invite-redemption": "JT-SCHEMA-020",
    "update": "JT-SCHEMA-021",
    "link-preview": "JT-SCHEMA-022",
    "list": "JT-SCHEMA-023",
    "namespace-index": "JT-SCHEMA-024",
}
TYPES_REQUIREMENT = "JT-SCHEMA-025"
TIMESTAMPS_REQUIREMENT = "JT-SCHEMA-026"


def caller_of(endpoint: Endpoint) -> str:
    """The role that sends ``endpoint``'s example here (admin instead of anonymous)."""
    return "admin" if endpoint.caller == "anonymous" else endpoint.caller


def bans(endpoint: Endpoint) -> bool:
    """Whether sending the endpoint's example may ban ``new_member`` (rate-limit group)."""
    return endpoint.id in ("moderation.ban", "moderation.unban")


def build_call(examples: Examples, endpoint: Endpoint, **path_values: Any) -> Call:
    """The endpoint's example with ``path_values`` used as given (the rest resolved)."""
    example = endpoint.example
    values = {
        name: value if name in path_values else examples.resolve(value)
        for name, value in example.get("path", {}).items()
    }
    values.update(path_values)
    path = endpoint.path
    for name, value in values.items():
        path = path.replace("{" + name + "}", str(value))
    query = examples.resolve(example.get("query", {})) or {}
    body = examples.resolve(example["body"]) if "body" in example else None
    return Call(endpoint, path, query, body)


def send(examples: Examples, call: Call, role: str, **kwargs: Any) -> ApiResponse:
    """Send ``call`` as ``role`` after the endpoint's prepare steps; undo what it created."""
    return examples.send_call(call, role, **kwargs)


# -- strict schema validation -----------------------------------------------------------------
def _strict_integer(_checker: Any, instance: Any) -> bool:
    return isinstance(instance, int) and not isinstance(instance, bool)


_STRICT = validators.extend(
    Draft202012Validator,
    type_checker=Draft202012Validator.TYPE_CHECKER.redefine("integer", _strict_integer),
)
_validators: dict[str, Any] = {}


def strict_validator(name: str) -> Any:
    if name not in _validators:
        _validators[name] = _STRICT(CONTRACT.schemas[name], registry=CONTRACT.registry)
    return _validators[name]


def _types_of(value: Any) -> set[str]:
    return {value} if isinstance(value, str) else set(value or ())


def body_problems(body: Any, name: str, where: str = "body") -> dict[str, list[str]]:
    """Problems of ``body`` against schema ``name``, by requirement ID (empty: valid).

    A wrong JSON type for an integer or boolean field belongs to JT-SCHEMA-025, a timestamp
    that is not ISO 8601 to JT-SCHEMA-026, anything else (missing field, wrong enum value,
    wrong type of a string or object field) to the resource's own requirement. Problems at a
    path that already has a type problem are not repeated.
    """
    errors = sorted(strict_validator(name).iter_errors(body), key=lambda e: list(e.path))
    typed_paths = set()
    out: dict[str, list[str]] = {}
    for err in errors:
        path = tuple(err.absolute_path)
        shown = f"{where}/{'/'.join(str(p) for p in path) or '(root)'}: {err.message}"[:300]
        if err.validator == "type" and _types_of(err.validator_value) & {"integer", "boolean"}:
            typed_paths.add(path)
            out.setdefault(TYPES_REQUIREMENT, []).append(shown)
    for err in errors:
        path = tuple(err.absolute_path)
        if path in typed_paths:
            continue
        shown = f"{where}/{'/'.join(str(p) for p in path) or '(root)'}: {err.message}"[:300]
        last = str(path[-1]) if path else ""
        if err.validator == "pattern" and last.endswith("_at"):
            out.setdefault(TIMESTAMPS_REQUIREMENT, []).append(shown)
        else:
            out.setdefault(SCHEMA_REQUIREMENT.get(name, name), []).append(shown)
    return out


def first_problem(problems: dict[str, list[str]], order: list[str]) -> tuple[str, list[str]] | None:
    """The first requirement of ``order`` with problems, then any other."""
    for requirement in order + sorted(problems):
        if problems.get(requirement):
            return requirement, problems[requirement]
    return None


# -- one answer per endpoint and worker -----------------------------------------------------------
_answers: dict[str, ApiResponse] = {}


def cached(key: str, make: Any) -> ApiResponse:
    """``make()``'s response, sent once per process and reused by the checks that read it.
    Keys start with the run prefix: a process may run several sessions (pytester).

    Several checks look at one answer for different promises (shape, JSON types, timestamps,
    content type); each reports only its own requirement, and the target is asked once.
    """
    if key not in _answers:
        _answers[key] = make()
    return _answers[key]


def has_timestamps(name: str, seen: frozenset[str] = frozenset()) -> bool:
    """Whether schema ``name`` (or one it refers to) has an ``..._at`` field."""
    schema = CONTRACT.schemas[name]
    if any(key.endswith("_at") for key in schema.get("properties", {})):
        return True
    text = repr(schema)
    for other in CONTRACT.schemas:
        urn = f"urn:jetonomy:{other}'"
        if other != name and other not in seen and urn in text:
            if has_timestamps(other, seen | {name}):
                return True
    return False


def tagged_post(examples: Examples, word: str) -> dict[str, Any]:
    """A post by admin in the public world space with ``word`` in its title, tagged with a
    tag of the reused pool."""
    admin = examples.client("admin")
    space_id = examples.world["spaces"]["public"]
    response = admin.post(
        f"/spaces/{space_id}/posts",
        json={"title": f"{word} tagged", "content": f"<p>{word}</p>", "tags": [TAG_POOL[11]]},
    )
    expect.status(response, (200, 201), why="creating a tagged post to read tags back")
    post = response.json()
    examples.factory.defer(lambda: admin.delete(f"/posts/{post['id']}"))
    return post


def fresh_word(examples: Examples, suffix: str = "zq") -> str:
    """A word no text on the target contains yet (letters and digits only)."""
    return unique(examples.prefix).replace("-", "") + suffix


def populate(endpoint_id: str, examples: Examples) -> dict[str, Any]:
    """Give a list that may be empty items of its own; returns query changes for the example."""
    member = examples.client("member")
    admin = examples.client("admin")
    if endpoint_id == "posts.drafts":
        response = member.post(
            f"/spaces/{examples.world['spaces']['public']}/posts",
            json={"title": fresh_word(examples), "content": "<p>d</p>", "status": "draft"},
        )
        if response.status in (200, 201):
            post_id = response.json()["id"]
            examples.factory.defer(lambda: admin.delete(f"/posts/{post_id}"))
    elif endpoint_id == "notifications.list":
        examples.fresh("reply")  # regular replies to member's fresh post
    elif endpoint_id in ("subscriptions.list", "bookmarks.list"):
        call = examples.call(CONTRACT.endpoint(endpoint_id.replace(".list", ".create")))
        if member.post(call.path, json=call.body).status in (200, 201):
            examples.factory.defer(lambda: member.delete(call.path, json=call.body))
    elif endpoint_id == "moderation.flags":
        examples.fresh("flag")
    elif endpoint_id == "updates.poll":
        examples.fresh("post")
    elif endpoint_id in ("tags.list", "tags.space_tags"):
        tagged_post(examples, fresh_word(examples))
    elif endpoint_id == "search.search":
        word = fresh_word(examples)
        tagged_post(examples, word)
        return {"q": word}
    return {}


def success_answer(endpoint: Endpoint, examples: Examples) -> ApiResponse:
    """The endpoint's example answer (lists given items first), once per process.

    Skips when the example did not succeed: that is JT-EP-003's failure, not a body to judge.
    """

    def make() -> ApiResponse:
        query = populate(endpoint.id, examples)
        call = examples.call(endpoint)
        if query:
            call = call.with_query(**query)
        return send(examples, call, caller_of(endpoint))

    response = cached(f"{examples.prefix}:success:{endpoint.id}", make)
    if response.status not in endpoint.response["status"]:
        pytest.skip(
            f"the valid example of {endpoint.label} did not succeed (HTTP {response.status}), "
            "so there is no success body to check (JT-EP-003 reports it)"
        )
    return response


def success_bodies(endpoint: Endpoint, response: ApiResponse) -> list[tuple[str, Any]]:
    """(where, body) of every resource in a success answer: the body, or each list item."""
    if response.status == 204 or not response.text.strip():
        return []
    body = expect.json_body(response)
    if not endpoint.response.get("list"):
        return [("body", body)]
    items = body.get("data") if isinstance(body, dict) else None
    if not isinstance(items, list):
        return []  # the list shape check reports it
    return [(f"body/data/{i}", item) for i, item in enumerate(items[:100])]
