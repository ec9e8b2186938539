"""The run-wide content the checks read: spaces of every kind, posts, a reply, users.

Created once per run (whichever xdist worker asks first, see ``pytest_jetonomy.shared``)
by the admin and the role clients, through the documented endpoints only, one object at a
time (:class:`WorldBuilder`): a creation that fails blocks only the checks that read that
object, by what failed. What could not be created is looked for on the target instead
(:class:`Finder`) and read, never written into (the run's ``WriteGuard``). Checks that
change or delete things never touch the world: they use fresh objects (see examples.py).
The controller deletes it by run prefix at session finish. Objects named with
``--existing NAME=ID`` are used instead of created.

A ``--read-only`` run creates nothing: :func:`discover_world` looks on the target for
content with the same properties (or takes what ``--existing NAME=ID`` names). :class:`World`
turns a name that is not there into a blocked check (a failed creation) or, in a read-only
run, a skip with the reason it was not found.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from faker import Faker

from pytest_jetonomy import adaptations, expect
from pytest_jetonomy.client import JetonomyClient
from pytest_jetonomy.factories import (
    created,
    post_payload,
    reply_payload,
    space_payload,
)
from pytest_jetonomy.failures import Blocked
from pytest_jetonomy.lists import walk
from pytest_jetonomy.observe import holding, holds, is_integer
from pytest_jetonomy.options import EXISTING_NAMES
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


# -- the world, built piece by piece --------------------------------------------------------------
WORLD_SECTIONS = {
    "spaces": "spaces",
    "posts": "posts",
    "replies": "replies",
    "category": "categories",
}
"""A world name's first part -> the API collection of its objects (the write guard's kinds)."""

JOINS = {"public": ("member", "regular"), "qa": ("member", "regular")}
"""Open world spaces and the roles that join them."""

INVITED = {"private": "regular", "hidden": "regular"}
"""Closed world spaces and the role that becomes their member by an invite."""


def _located(name: str) -> tuple[str, str | None]:
    """``spaces.public`` -> ("spaces", "public"); ``category`` -> ("category", None)."""
    section, _, kind = name.partition(".")
    return section, kind or None


class WorldBuilder:
    """Creates the world one object at a time (:func:`build_world`).

    A failed creation is recorded in ``world["missing"][name]`` (``{"by", "step",
    "detail"}``: what failed, what the world was doing) and blocks only the checks that read
    that name (:class:`World`); an object that needs a missing one is missing too, by the
    same cause. A missing name is then looked for on the target (the read-only discovery):
    found content fills it (``world["found"][name]``: its id and the cause), read by the
    checks and never written into (the run's write guard, ``client.WriteGuard``). Objects
    named with ``--existing`` are used instead of created, and may be written into.
    """

    def __init__(self, run: JetonomyRun) -> None:
        self.run = run
        self.prefix = run.settings.run_prefix
        self.faker = Faker()
        self.faker.seed_instance(1)
        self.admin = run.client("admin")
        self.named = run.settings.existing
        self.world = _empty_world(run)
        self.missing: dict[str, dict[str, str]] = {}
        self.found: dict[str, dict[str, Any]] = {}
        self.world["missing"] = self.missing
        self.world["found"] = self.found
        self.world["existing"] = dict(self.named)
        self.finder = Finder(run, self.world)

    # -- pieces --------------------------------------------------------------------------------
    def get(self, name: str) -> Any:
        section, kind = _located(name)
        return self.world.get(section) if kind is None else self.world[section].get(kind)

    def put(self, name: str, value: Any) -> None:
        section, kind = _located(name)
        if kind is None:
            self.world[section] = value
        else:
            self.world[section][kind] = value

    def drop(self, name: str) -> None:
        section, kind = _located(name)
        if kind is None:
            self.world.pop(section, None)
        elif isinstance(self.world.get(section), dict):  # (``joined.*`` is in no section)
            self.world[section].pop(kind, None)

    def piece(self, name: str, step: str, make: Callable[[], Any]) -> bool:
        """Run ``make`` (one piece of the world); on failure record ``name`` as missing, by
        what failed. Whether it was made."""
        try:
            with adaptations.helper(), expect.precondition(step):
                make()
            return True
        except Blocked as exc:
            detail = exc.detail or (exc.step if exc.step != step else "")
            self.missing[name] = {"by": exc.by, "step": step, "detail": detail}
        except Exception as exc:  # noqa: BLE001 - an answer of an unexpected shape...
            where = traceback.extract_tb(exc.__traceback__)[-1]
            self.missing[name] = {
                "by": f"unexpected {type(exc).__name__} (at {Path(where.filename).name}:"
                f"{where.lineno})",
                "step": step,
                "detail": str(exc)[:300],
            }
        self.drop(name)
        return False

    def needs(self, name: str, step: str, *needed: str) -> bool:
        """Whether the pieces ``needed`` are there; if one is missing, ``name`` is missing too,
        by the same cause."""
        for need in needed:
            entry = self.missing.get(need)
            if entry is not None:
                self.missing[name] = {
                    "by": entry["by"],
                    "step": f"{step}: needs {need}, which could not be set up ({entry['step']})",
                    "detail": entry.get("detail", ""),
                }
                self.drop(name)
                return False
        return True

    def elsewhere(self, name: str) -> bool:
        """Whether ``name`` is not there to write into: missing, or found on the target (the
        premise of found content is looked for, never made)."""
        return name in self.missing or name in self.found

    def find(self, names: list[str]) -> None:
        """Look on the target for the missing ``names``; found content fills them."""
        for name in names:
            if name not in self.missing:
                continue
            found = self.finder.find(name)
            if found is None:
                continue
            cause = self.missing.pop(name)
            self.put(name, found)
            self.found[name] = {"id": found, **cause}
            section, _ = _located(name)
            self.run.guard.protect(WORLD_SECTIONS[section], found, cause["by"])

    # -- the world -----------------------------------------------------------------------------
    def build(self) -> dict[str, Any]:
        admin = self.admin
        member: JetonomyClient = self.run.client("member")
        regular: JetonomyClient = self.run.client("regular")
        clients = {"member": member, "regular": regular}

        for kind, fields in SPACES.items():
            name = f"spaces.{kind}"
            if name in self.named:
                self.put(name, self.named[name])
                continue
            body = space_payload(f"{self.prefix}-world-{kind}", self.faker, **fields)
            self.piece(
                name,
                f"create the {kind} world space (POST /spaces)",
                lambda name=name, body=body, kind=kind: self.put(
                    name,
                    created(admin.post("/spaces", json=body), f"the {kind} world space")["id"],
                ),
            )
        self.find([f"spaces.{kind}" for kind in SPACES])

        for kind, roles in JOINS.items():
            space = f"spaces.{kind}"
            if self.elsewhere(space):
                continue
            for role in roles:
                self.piece(
                    f"joined.{kind}.{role}",
                    f"join the {kind} world space as {role} (POST /spaces/{{id}}/members)",
                    lambda space=space, role=role: expect.status(
                        clients[role].post(f"/spaces/{self.get(space)}/members"),
                        (200, 201, 202),
                        why=f"join {space} as {role}",
                    ),
                )
        for kind, role in INVITED.items():
            space = f"spaces.{kind}"
            if self.elsewhere(space):
                continue
            joined = self.piece(
                f"joined.{kind}.{role}",
                f"make {role} a member of the {kind} world space by an invite "
                "(POST /spaces/{id}/invite, GET /invite/{token})",
                lambda space=space, role=role: self._redeem(space, clients[role]),
            )
            if not joined and space not in self.named:
                # the space the checks need is one where regular is a member
                self.needs(space, f"the {kind} world space", f"joined.{kind}.{role}")
        self.find([f"spaces.{kind}" for kind in INVITED])

        public_posts = [
            ("posts.public", "a post by member"),
            ("posts.other", "another post by member"),
        ]
        for name, what in public_posts:
            self._post(name, "spaces.public", member, what, "joined.public.member")
        for kind in INVITED:
            self._post(
                f"posts.{kind}", f"spaces.{kind}", admin, f"a post by admin in the {kind} space"
            )
        self.find([name for name, _ in public_posts] + [f"posts.{kind}" for kind in INVITED])

        name = "replies.public"
        if name in self.named:
            self.put(name, self.named[name])
        elif self.needs(name, "a reply by regular", "posts.public", "joined.public.regular"):
            self.piece(
                name,
                "create a reply by regular to the public world post (POST /posts/{id}/replies)",
                lambda: self.put(
                    name,
                    created(
                        regular.post(
                            f"/posts/{self.get('posts.public')}/replies",
                            json=reply_payload(self.prefix, self.faker),
                        ),
                        "a reply by regular",
                    )["id"],
                ),
            )
        self.find([name])

        if "category" in self.named:
            self.put("category", self.named["category"])
        else:
            body = {"name": f"{self.prefix}-world-category", "description": self.faker.sentence()}
            self.piece(
                "category",
                "create the world category (POST /categories)",
                lambda: self.put(
                    "category", created(admin.post("/categories", json=body), "a category")["id"]
                ),
            )
        self.find(["category"])
        return self.world

    def _post(self, name: str, space: str, client: JetonomyClient, what: str, *needed: str) -> None:
        if name in self.named:
            self.put(name, self.named[name])
            return
        step = f"create {what} (POST /spaces/{{id}}/posts)"
        if not self.needs(name, step, space, *needed):
            return
        self.piece(
            name,
            step,
            lambda: self.put(
                name,
                created(
                    client.post(
                        f"/spaces/{self.get(space)}/posts",
                        json=post_payload(self.prefix, self.faker),
                    ),
                    what,
                )["id"],
            ),
        )

    def _redeem(self, space: str, client: JetonomyClient) -> None:
        token = invite_token(self.admin.post(f"/spaces/{self.get(space)}/invite"))
        redeemed = client.get(f"/invite/{quote(token, safe='')}")
        if not 200 <= redeemed.status < 400:
            expect.fail(
                f"the invite to {space} redeemed as {client.identity} (2xx or a redirect)",
                redeemed,
                kind=f"status {redeemed.status} where 2xx or 3xx",
            )


def build_world(run: JetonomyRun) -> dict[str, Any]:
    """Create the world on the target, piece by piece; return its ids as JSON-serialisable
    data (``missing``: what could not be set up and why; ``found``: what was found instead)."""
    return WorldBuilder(run).build()


# -- content found on the target (read-only runs, and creations that failed) ------------------
MEMBERS_OF = {
    # kind: (roles that must be members, roles that must not be)
    "private": (("regular",), ("member",)),
    "hidden": (("regular",), ("member",)),
}
"""What the checks that read a closed space take for granted (see test_visibility.py):
the regular user belongs to it, the member user does not. Open spaces have no premise
that a read depends on."""

WORDS_OF = {
    "public": ("open",),
    "qa": ("open",),
    "approval": ("approval",),
    "invite": ("invite",),
    "private": (),
    "hidden": (),
}
"""The words a found space must hold among its values, beyond its visibility (asked with the
documented filter): the join policy the checks rely on (``open``, ``approval``, ``invite``:
the reference's enumeration). Never a value the reference only gives as an example (a
``type`` such as ``discussion`` or ``qa``): closed spaces are told apart by membership only,
and the checks that read ``spaces.qa`` need a second open space, not a Q&A one (those that
need Q&A write into it, which found content never is)."""

PREFERRED_WORDS = {"qa": ("qa",)}
"""Words a found space is preferred for, when one holds them (the Q&A space of an example)."""

DISCOVERY_PAGES = 5
"""Pages read when looking for spaces, members or posts (a bounded walk)."""

CANDIDATES = 10
"""Spaces (or posts) looked into, at most, for one that fits."""


def _items(client: JetonomyClient, path: str, params: dict[str, Any] | None = None) -> list[Any]:
    """The items of a list, walked with the documented defaults ([] when it cannot be read)."""
    try:
        walked = walk(client, path, params, max_pages=DISCOVERY_PAGES, area="setup")
    except (AssertionError, pytest.fail.Exception, pytest.skip.Exception):
        return []
    return [item for item in walked.items if isinstance(item, dict)]


def _ids(items: list[Any]) -> list[int]:
    return [item["id"] for item in items if isinstance(item.get("id"), int)]


class Finder:
    """Finds on the target, sending no write, content with the properties of a world name.

    Spaces are told apart by what the checks need, through documented means only: their
    visibility by the ``visibility`` filter of GET /spaces, their join policy and type by the
    words of :data:`WORDS_OF` found among their values, membership by the user's id found in
    a member entry (:data:`MEMBERS_OF`). Posts are looked for in the world's space of their
    kind (a post with a reply first, for ``posts.public``), the reply under ``posts.public``.
    ``reasons[name]`` says why a name was not found.
    """

    def __init__(self, run: JetonomyRun, world: dict[str, Any]) -> None:
        self.admin = run.client("admin")
        self.world = world
        self.users = {role: user["id"] for role, user in world["users"].items()}
        self.by_visibility: dict[str, list[Any]] = {}
        self.reasons: dict[str, str] = {}
        self.first_reply: dict[int, int] = {}
        self.taken: set[int] = set()
        """Posts already given to a world name (two names never get one post)."""

    def find(self, name: str) -> int | None:
        section, kind = _located(name)
        if section == "spaces":
            return self.space(str(kind))
        if section == "posts":
            return self.post(str(kind))
        if section == "replies":
            return self.reply()
        return self.category()

    def space(self, kind: str) -> int | None:
        visibility = SPACES[kind]["visibility"]
        if visibility not in self.by_visibility:
            self.by_visibility[visibility] = _items(
                self.admin, "/spaces", {"visibility": visibility}
            )
        words = WORDS_OF[kind]
        taken = {v for v in self.world["spaces"].values() if isinstance(v, int)}
        candidates = [
            s
            for s in self.by_visibility[visibility]
            if all(holds(s, w) for w in words) and s.get("id") not in taken
        ]
        preferred = PREFERRED_WORDS.get(kind, ())
        candidates.sort(key=lambda s: not all(holds(s, w) for w in preferred))
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
                entries = _items(self.admin, f"/spaces/{space['id']}/members")
                if all(holding(entries, self.users.get(r)) for r in members_in) and not any(
                    holding(entries, self.users.get(r)) for r in members_out
                ):
                    fitting.append(space)
                    break
            candidates = fitting
        if _ids(candidates):
            return _ids(candidates)[0]
        wanted = f"visibility={visibility}" + "".join(f", holding {w!r}" for w in words)
        self.reasons[f"spaces.{kind}"] = (
            f"found no space with {wanted}{premise} on the target "
            f"(name one with --existing spaces.{kind}=ID)"
        )
        return None

    def _posts_in(self, kind: str) -> tuple[int | None, list[int]]:
        space_id = self.world["spaces"].get(kind)
        posts = (
            _ids(_items(self.admin, f"/spaces/{space_id}/posts")) if space_id is not None else []
        )
        if kind == "public":
            # a post with a reply first, so that replies.public can be found under it
            for post_id in posts[:CANDIDATES]:
                replies = _ids(_items(self.admin, f"/posts/{post_id}/replies"))
                if replies:
                    self.first_reply[post_id] = replies[0]
                    posts = [post_id] + [p for p in posts if p != post_id]
                    break
        return space_id, [p for p in posts if p not in self.taken]

    def post(self, kind: str) -> int | None:
        space_kind = "public" if kind in ("public", "other") else kind
        space_id, posts = self._posts_in(space_kind)
        if kind == "other":
            posts = [p for p in posts if p != self.world["posts"].get("public")]
        if posts:
            self.taken.add(posts[0])
            return posts[0]
        where = space_id if space_id is not None else "(none found)"
        self.reasons[f"posts.{kind}"] = (
            f"found no {'second ' if kind == 'other' else ''}post in the {space_kind} space "
            f"{where} (name one with --existing posts.{kind}=ID)"
        )
        return None

    def reply(self) -> int | None:
        post_id = self.world["posts"].get("public")
        if post_id is None:
            self.reasons["replies.public"] = (
                "no public post to look for a reply under "
                "(name one with --existing replies.public=ID)"
            )
            return None
        if post_id in self.first_reply:
            return self.first_reply[post_id]
        replies = _ids(_items(self.admin, f"/posts/{post_id}/replies"))
        if replies:
            return replies[0]
        self.reasons["replies.public"] = (
            f"the post {post_id} has no reply (name one with --existing replies.public=ID)"
        )
        return None

    def category(self) -> int | None:
        categories = _ids(_items(self.admin, "/categories"))
        if categories:
            return categories[0]
        self.reasons["category"] = (
            "the target has no category (name one with --existing category=ID)"
        )
        return None


WORLD_NAMES = EXISTING_NAMES
"""Every world name, in the order they are found (a post's space before the post): the
names ``--existing NAME=ID`` takes (one list, in ``options.py``)."""


def discover_world(run: JetonomyRun) -> dict[str, Any]:
    """Find on the target what :func:`build_world` would create; send no write.

    ``--existing NAME=ID`` names an object instead of looking for one (:class:`Finder`).
    ``world["missing"]`` maps each name it could not fill (``spaces.private``...) to the
    reason, which becomes the skip reason of the checks that need it.
    """
    named = run.settings.existing
    world = _empty_world(run)
    world["read_only"] = True
    missing: dict[str, str] = {}
    world["missing"] = missing
    finder = Finder(run, world)
    for name in WORLD_NAMES:
        section, kind = _located(name)
        found = named[name] if name in named else finder.find(name)
        if found is None:
            missing[name] = "read-only run: " + finder.reasons[name]
        elif kind is None:
            world[section] = found
        else:
            world[section][kind] = found
    return world


class World(dict):  # type: ignore[type-arg]
    """The world as the checks read it (``world["spaces"]["public"]``): reading a name that
    is not there blocks the check by what failed when it was set up (``failures.Blocked``),
    or, in a read-only run, skips it with the reason it was not found."""

    def __init__(
        self,
        data: dict[str, Any],
        path: str = "",
        missing: dict | None = None,
        read_only: bool | None = None,
    ) -> None:
        self._path = path
        self._missing = missing if missing is not None else data.get("missing", {})
        self._read_only = bool(data.get("read_only")) if read_only is None else read_only
        super().__init__(
            {
                key: World(value, f"{path}{key}.", self._missing, self._read_only)
                if isinstance(value, dict) and key not in ("missing", "found", "existing")
                else value
                for key, value in data.items()
            }
        )

    def __missing__(self, key: str) -> Any:
        name = f"{self._path}{key}"
        entry = self._missing.get(name)
        if isinstance(entry, dict):
            raise Blocked(
                entry["by"],
                f"the world's {name} could not be set up: {entry['step']}",
                entry.get("detail", ""),
            )
        if entry is not None or self._read_only:
            pytest.skip(
                entry or f"read-only run: the target has nothing the suite can use as {name}"
            )
        raise KeyError(name)
