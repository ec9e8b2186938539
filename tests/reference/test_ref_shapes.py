"""The default dialect answers the detailed shapes of ``reference/shapes/``.

Those schemas are not the contract (``schemas/resources/`` states only what the API reference
promises); they describe, field by field, what the reference server's default dialect answers,
for client developers who use it as a local fake. This keeps them true.
"""

from __future__ import annotations

import json
import uuid
from importlib.resources import files
from typing import Any

import pytest
from jsonschema import Draft202012Validator, validators
from referencing import Registry, Resource

from .ref_helpers import Api


def _load_shapes() -> dict[str, dict[str, Any]]:
    folder = files("pytest_jetonomy.reference") / "shapes"
    return {
        entry.name[: -len(".json")]: json.loads(entry.read_text(encoding="utf-8"))
        for entry in folder.iterdir()
        if entry.name.endswith(".json")
    }


SHAPES = _load_shapes()
REGISTRY = Registry().with_resources(
    (schema["$id"], Resource.from_contents(schema)) for schema in SHAPES.values()
)
_STRICT = validators.extend(
    Draft202012Validator,
    type_checker=Draft202012Validator.TYPE_CHECKER.redefine(
        "integer", lambda _c, value: isinstance(value, int) and not isinstance(value, bool)
    ),
)


def problems(body: Any, name: str) -> list[str]:
    validator = _STRICT(SHAPES[name], registry=REGISTRY)
    return [
        f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}"
        for e in validator.iter_errors(body)
    ]


def ok(response: Any) -> Any:
    assert 200 <= response.status_code < 300, (response.status_code, response.text)
    return response.json()


def test_the_shapes_are_valid_schemas_with_their_urn() -> None:
    assert SHAPES, "no schema found in reference/shapes/"
    for name, schema in SHAPES.items():
        Draft202012Validator.check_schema(schema)
        assert schema["$id"] == f"urn:jetonomy:{name}"


@pytest.fixture(scope="module")
def answers(clients: dict[str, Api]) -> dict[str, tuple[str, Any]]:
    """One default-dialect answer of each kind: name -> (shape, body or list items)."""
    admin, moderator = clients["admin"], clients["moderator"]
    member, regular = clients["member"], clients["regular"]
    word = "shape" + uuid.uuid4().hex[:10]
    out: dict[str, tuple[str, Any]] = {}
    lists: dict[str, Any] = {}

    space = ok(admin.post("/spaces", json={"name": word, "type": "qa"}))
    out["space"] = ("space", space)
    out["space read"] = ("space", ok(admin.get(f"/spaces/{space['id']}")))
    out["join"] = ("join-result", ok(member.post(f"/spaces/{space['id']}/members")))
    ok(regular.post(f"/spaces/{space['id']}/members"))
    lists["members"] = ("member", admin.get(f"/spaces/{space['id']}/members"))
    out["invite"] = ("invite", ok(admin.post(f"/spaces/{space['id']}/invite")))

    post = ok(
        member.post(
            f"/spaces/{space['id']}/posts",
            json={"title": f"{word} post", "content": f"<p>{word}</p>", "tags": [word]},
        )
    )
    out["post"] = ("post", post)
    out["post read"] = ("post", ok(admin.get(f"/posts/{post['id']}")))
    reply = ok(regular.post(f"/posts/{post['id']}/replies", json={"content": f"<p>{word}</p>"}))
    out["reply"] = ("reply", reply)
    lists["replies"] = ("reply", admin.get(f"/posts/{post['id']}/replies"))
    lists["posts"] = ("post", admin.get(f"/spaces/{space['id']}/posts"))
    out["vote"] = ("vote-result", ok(regular.post(f"/posts/{post['id']}/vote", json={"value": 1})))

    out["me"] = ("user-full", ok(member.get("/users/me")))
    out["profile"] = ("user-public", ok(admin.get(f"/users/{member.user_id}")))

    category = ok(admin.post("/categories", json={"name": f"{word} category"}))
    out["category"] = ("category", category)
    lists["categories"] = ("category", admin.get("/categories"))
    lists["tags"] = ("tag", admin.get("/tags"))

    lists["notifications"] = ("notification", member.get("/notifications"))
    out["unread count"] = ("unread-count", ok(member.get("/notifications/unread-count")))

    flag = {"object_type": "post", "object_id": post["id"], "reason": "shape check"}
    out["flag"] = ("flag", ok(moderator.post("/flags", json=flag)))
    lists["flags"] = ("flag", moderator.get("/moderation/flags"))
    target = clients["new_member"].user_id
    out["ban"] = (
        "ban",
        ok(moderator.post("/moderation/ban", json={"user_id": target, "reason": "shape check"})),
    )
    ok(moderator.delete(f"/moderation/ban/{target}"))

    ok(member.post("/bookmarks", json={"post_id": post["id"]}))
    lists["bookmarks"] = ("bookmark", member.get("/bookmarks"))
    ok(member.post("/subscriptions", json={"object_type": "space", "object_id": space["id"]}))
    lists["subscriptions"] = ("subscription", member.get("/subscriptions"))
    lists["search"] = ("search-result", admin.get("/search", params={"q": word}))
    lists["leaderboard"] = ("leaderboard-entry", admin.get("/leaderboards"))

    for name, (shape, response) in lists.items():
        body = ok(response)
        out[f"{name} list"] = ("list", body)
        assert body["data"], f"the {name} list is empty: nothing to validate"
        out[f"{name} items"] = (shape, body["data"])

    ok(admin.delete(f"/posts/{post['id']}"))
    ok(admin.delete(f"/categories/{category['id']}"))
    ok(admin.delete(f"/spaces/{space['id']}"))
    return out


KINDS = [
    "space",
    "space read",
    "join",
    "invite",
    "post",
    "post read",
    "reply",
    "vote",
    "me",
    "profile",
    "category",
    "unread count",
    "flag",
    "ban",
    *(
        f"{name} {part}"
        for name in (
            "members",
            "replies",
            "posts",
            "categories",
            "tags",
            "notifications",
            "flags",
            "bookmarks",
            "subscriptions",
            "search",
            "leaderboard",
        )
        for part in ("list", "items")
    ),
]


@pytest.mark.parametrize("kind", KINDS)
def test_default_answer_matches_its_shape(answers: dict[str, tuple[str, Any]], kind: str) -> None:
    shape, body = answers[kind]
    bodies = body if kind.endswith(" items") else [body]
    found = [f"[{i}] {p}" for i, item in enumerate(bodies) for p in problems(item, shape)]
    assert not found, f"{kind} does not match reference/shapes/{shape}.json: {found[:5]}"
