"""The run-wide content the checks read: spaces of every kind, posts, a reply, users.

Created once per run (whichever xdist worker asks first, see ``pytest_jetonomy.shared``)
by the admin and the role clients, through the documented endpoints only. Checks that
change or delete things never touch the world: they use fresh objects (see examples.py).
The controller deletes it by run prefix at session finish.
"""

from __future__ import annotations

from typing import Any

from faker import Faker

from pytest_jetonomy.client import JetonomyClient
from pytest_jetonomy.factories import created, post_payload, reply_payload, space_payload
from pytest_jetonomy.run import JetonomyRun

SPACES: dict[str, dict[str, str]] = {
    "public": {"type": "discussion", "visibility": "public", "join_policy": "open"},
    "qa": {"type": "qa", "visibility": "public", "join_policy": "open"},
    "private": {"type": "discussion", "visibility": "private", "join_policy": "invite"},
    "hidden": {"type": "discussion", "visibility": "hidden", "join_policy": "invite"},
    "approval": {"type": "discussion", "visibility": "public", "join_policy": "approval"},
    "invite": {"type": "discussion", "visibility": "public", "join_policy": "invite"},
}
ROLES_IN_WORLD = ("admin", "moderator", "leader", "regular", "member", "new_member")


def _ok(response: Any, what: str) -> Any:
    if response.status not in (200, 201, 202):
        raise AssertionError(
            f"could not {what}: HTTP {response.status}\n" + response.exchange.describe()
        )
    return response.json()


def build_world(run: JetonomyRun) -> dict[str, Any]:
    """Create the world on the target; return its ids as JSON-serialisable data."""
    prefix = run.settings.run_prefix
    faker = Faker()
    faker.seed_instance(1)
    admin = run.client("admin")
    world: dict[str, Any] = {
        "prefix": prefix,
        "users": {},
        "spaces": {},
        "posts": {},
        "replies": {},
    }

    for role in ROLES_IN_WORLD:
        if not run.has_role(role):
            continue
        me = _ok(run.client(role).get("/users/me"), f"read /users/me as {role}")
        world["users"][role] = {
            "id": me["id"],
            "login": me.get("username") or run.credentials[role].username,
        }

    for name, fields in SPACES.items():
        body = space_payload(f"{prefix}-world-{name}", faker, **fields)
        world["spaces"][name] = created(
            admin.post("/spaces", json=body), f"the {name} world space"
        )["id"]

    member: JetonomyClient = run.client("member")
    regular: JetonomyClient = run.client("regular")
    for name in ("public", "qa"):
        for client in (member, regular):
            _ok(
                client.post(f"/spaces/{world['spaces'][name]}/members"),
                f"join the {name} space as {client.identity}",
            )

    # the regular user becomes a member of the private and hidden spaces by invitation
    for name in ("private", "hidden"):
        invite = _ok(
            admin.post(f"/spaces/{world['spaces'][name]}/invite"), f"invite to the {name} space"
        )
        _ok(
            regular.get(f"/invite/{invite['token']}"),
            f"redeem an invite to the {name} space as regular",
        )

    public_id = world["spaces"]["public"]
    world["posts"]["public"] = created(
        member.post(f"/spaces/{public_id}/posts", json=post_payload(prefix, faker)),
        "a post by member",
    )["id"]
    world["posts"]["other"] = created(
        member.post(f"/spaces/{public_id}/posts", json=post_payload(prefix, faker)),
        "another post by member",
    )["id"]
    for name in ("private", "hidden"):
        world["posts"][name] = created(
            admin.post(f"/spaces/{world['spaces'][name]}/posts", json=post_payload(prefix, faker)),
            f"a post in the {name} space",
        )["id"]
    world["replies"]["public"] = created(
        regular.post(
            f"/posts/{world['posts']['public']}/replies", json=reply_payload(prefix, faker)
        ),
        "a reply by regular",
    )["id"]
    category = created(
        admin.post(
            "/categories",
            json={"name": f"{prefix}-world-category", "description": faker.sentence()},
        ),
        "a category",
    )
    world["category"] = category["id"]
    return world
