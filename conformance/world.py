"""The run-wide content the checks read: spaces of every kind, posts, a reply, users.

Created once per run (whichever xdist worker asks first, see ``pytest_jetonomy.shared``)
by the admin and the role clients, through the documented endpoints only. Checks that
change or delete things never touch the world: they use fresh objects (see examples.py).
The controller deletes it by run prefix at session finish.

A ``--read-only`` run creates nothing: :func:`discover_world` looks on the target for
content with the same properties (or takes what ``--existing NAME=ID`` names), and
:class:`FoundWorld` turns each thing it could not find into a skip of the checks that read
it, with the reason.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from faker import Faker

from pytest_jetonomy import expect
from pytest_jetonomy.client import JetonomyClient
from pytest_jetonomy.factories import (
    created,
    post_payload,
    reply_payload,
    space_payload,
)
from pytest_jetonomy.lists import walk
from pytest_jetonomy.observe import holding, holds, is_integer
from pytest_jetonomy.run import JetonomyRun

from .examples import invite_token

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


def my_id(run: JetonomyRun, role: str) -> int:
    """The id of ``role``'s user: the integer top-level ``id`` of its ``GET /users/me`` (a
    precondition: what needs it is blocked when there is none)."""
    with expect.precondition(f"learn the user id of {role} (GET /users/me)"):
        me = expect.status(run.client(role).get("/users/me"), 200, why=f"/users/me as {role}")
        body = expect.json_body(me)
        expect.that(
            isinstance(body, dict) and is_integer(body.get("id")),
            f"/users/me as {role} telling an integer id",
            me,
            requirement="JT-SCHEMA-034",
        )
    return int(body["id"])


def _empty_world(run: JetonomyRun) -> dict[str, Any]:
    world: dict[str, Any] = {
        "prefix": run.settings.run_prefix,
        "users": {},
        "spaces": {},
        "posts": {},
        "replies": {},
    }
    for role in ROLES_IN_WORLD:
        if not run.has_role(role):
            continue
        world["users"][role] = {"id": my_id(run, role), "login": run.credentials[role].username}
    return world


def build_world(run: JetonomyRun) -> dict[str, Any]:
    """Create the world on the target; return its ids as JSON-serialisable data."""
    prefix = run.settings.run_prefix
    faker = Faker()
    faker.seed_instance(1)
    admin = run.client("admin")
    world = _empty_world(run)

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
        token = invite_token(admin.post(f"/spaces/{world['spaces'][name]}/invite"))
        redeemed = regular.get(f"/invite/{quote(token, safe='')}")
        if not 200 <= redeemed.status < 400:
            raise AssertionError(
                f"could not redeem an invite to the {name} space as regular: HTTP "
                f"{redeemed.status}\n" + redeemed.exchange.describe()
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


# -- read-only runs ---------------------------------------------------------------------------
MEMBERS_OF = {
    # kind: (roles that must be members, roles that must not be)
    "private": (("regular",), ("member",)),
    "hidden": (("regular",), ("member",)),
}
"""What the checks that read a closed space take for granted (see test_visibility.py):
the regular user belongs to it, the member user does not. Open spaces have no premise
that a read depends on."""

DISCOVERY_PAGES = 5
"""Pages read when looking for spaces, members or posts (a bounded walk)."""

CANDIDATES = 10
"""Spaces (or posts) looked into, at most, for one that fits."""


def _items(client: JetonomyClient, path: str, params: dict[str, Any] | None = None) -> list[Any]:
    """The items of a list, walked with the documented defaults ([] when it cannot be read)."""
    try:
        walked = walk(client, path, params, max_pages=DISCOVERY_PAGES, area="setup")
    except (AssertionError, pytest.fail.Exception):
        return []
    return [item for item in walked.items if isinstance(item, dict)]


def _ids(items: list[Any]) -> list[int]:
    return [item["id"] for item in items if isinstance(item.get("id"), int)]


def discover_world(run: JetonomyRun) -> dict[str, Any]:
    """Find on the target what :func:`build_world` would create; send no write.

    Spaces are told apart by what the checks need, through documented means only: their
    visibility by the ``visibility`` filter of GET /spaces, their join policy and type by the
    words the reference uses for them (``approval``, ``invite``, ``open``, ``qa``) found
    among their values, membership by the user's id found in a member entry.
    ``world["missing"]`` maps each name it could not fill (``spaces.private``...) to the
    reason, which becomes the skip reason of the checks that need it.
    """
    admin = run.client("admin")
    named = run.settings.existing
    world = _empty_world(run)
    world["read_only"] = True
    missing: dict[str, str] = {}
    world["missing"] = missing
    users = {role: user["id"] for role, user in world["users"].items()}
    by_visibility: dict[str, list[Any]] = {}

    for kind, fields in SPACES.items():
        name = f"spaces.{kind}"
        if name in named:
            world["spaces"][kind] = named[name]
            continue
        visibility = fields["visibility"]
        if visibility not in by_visibility:
            by_visibility[visibility] = _items(admin, "/spaces", {"visibility": visibility})
        wanted_words = [fields["join_policy"]] + (["qa"] if kind == "qa" else [])
        candidates = [
            s for s in by_visibility[visibility] if all(holds(s, w) for w in wanted_words)
        ]
        members_in, members_out = MEMBERS_OF.get(kind, ((), ()))
        premise = ""
        if members_in or members_out:
            premise = (
                " where "
                + " and ".join(f"{r} is a member" for r in members_in)
                + "".join(f" and {r} is not" for r in members_out)
            )
            fitting = []
            for space in candidates[:CANDIDATES]:
                entries = _items(admin, f"/spaces/{space['id']}/members")
                if all(holding(entries, users.get(r)) for r in members_in) and not any(
                    holding(entries, users.get(r)) for r in members_out
                ):
                    fitting.append(space)
                    break
            candidates = fitting
        if _ids(candidates):
            world["spaces"][kind] = _ids(candidates)[0]
        else:
            wanted = f"visibility={visibility}, holding " + " and ".join(map(repr, wanted_words))
            missing[name] = (
                f"read-only run: found no space with {wanted}{premise} on the target "
                f"(name one with --existing {name}=ID)"
            )

    for kind in ("public", "private", "hidden"):
        space_id = world["spaces"].get(kind)
        posts = _ids(_items(admin, f"/spaces/{space_id}/posts")) if space_id is not None else []
        if kind == "public":
            # a post with a reply first, so that replies.public can be found under it
            for post_id in posts[:CANDIDATES]:
                replies = _ids(_items(admin, f"/posts/{post_id}/replies"))
                if replies:
                    posts = [post_id] + [p for p in posts if p != post_id]
                    world.setdefault("_first_reply", replies[0])
                    break
            wanted_posts = ("public", "other")
        else:
            wanted_posts = (kind,)
        for index, post_kind in enumerate(wanted_posts):
            name = f"posts.{post_kind}"
            if name in named:
                world["posts"][post_kind] = named[name]
            elif index < len(posts):
                world["posts"][post_kind] = posts[index]
            else:
                missing[name] = (
                    f"read-only run: found no {'second ' if index else ''}post in the "
                    f"{kind} space {space_id if space_id is not None else '(none found)'} "
                    f"(name one with --existing {name}=ID)"
                )

    first_reply = world.pop("_first_reply", None)
    if "replies.public" in named:
        world["replies"]["public"] = named["replies.public"]
    elif "public" in world["posts"]:
        post_id = world["posts"]["public"]
        if first_reply is not None and "posts.public" not in named:
            replies = [first_reply]
        else:
            replies = _ids(_items(admin, f"/posts/{post_id}/replies"))
        if replies:
            world["replies"]["public"] = replies[0]
        else:
            missing["replies.public"] = (
                f"read-only run: the post {post_id} has no reply "
                "(name one with --existing replies.public=ID)"
            )
    else:
        missing["replies.public"] = (
            "read-only run: no public post to look for a reply under "
            "(name one with --existing replies.public=ID)"
        )

    if "category" in named:
        world["category"] = named["category"]
    else:
        categories = _ids(_items(admin, "/categories"))
        if categories:
            world["category"] = categories[0]
        else:
            missing["category"] = (
                "read-only run: the target has no category (name one with --existing category=ID)"
            )
    return world


class FoundWorld(dict):  # type: ignore[type-arg]
    """The world of a read-only run: reading a name that was not found skips the check."""

    def __init__(self, data: dict[str, Any], path: str = "", missing: dict | None = None) -> None:
        self._path = path
        self._missing = missing if missing is not None else data.get("missing", {})
        super().__init__(
            {
                key: FoundWorld(value, f"{path}{key}.", self._missing)
                if isinstance(value, dict) and key != "missing"
                else value
                for key, value in data.items()
            }
        )

    def __missing__(self, key: str) -> Any:
        name = f"{self._path}{key}"
        pytest.skip(
            self._missing.get(name)
            or f"read-only run: the target has nothing the suite can use as {name}"
        )
