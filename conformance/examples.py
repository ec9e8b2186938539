"""Turns an endpoint's catalogue ``example`` into a concrete, valid request.

Example values starting with ``@`` name objects the suite owns: ``@space.public`` comes
from the run-wide world; ``@post.fresh`` is created for the calling test (and deleted
after it). A valid body and existing ids make sure that, in auth checks, the caller is the
only reason a server could refuse.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from pytest_jetonomy import adaptations, bodies, expect, spellings
from pytest_jetonomy.client import ApiResponse, JetonomyClient
from pytest_jetonomy.contract import Endpoint
from pytest_jetonomy.factories import (
    Factory,
    created,
    new_id,
    post_payload,
    reply_payload,
    space_payload,
    unique,
)
from pytest_jetonomy.failures import Blocked
from pytest_jetonomy.observe import is_timestamp, leaves
from pytest_jetonomy.run import JetonomyRun

WORLD_REFS = {
    "@space.public": ("spaces", "public"),
    "@space.qa": ("spaces", "qa"),
    "@space.private": ("spaces", "private"),
    "@space.hidden": ("spaces", "hidden"),
    "@space.approval": ("spaces", "approval"),
    "@space.invite": ("spaces", "invite"),
    "@post.public": ("posts", "public"),
    "@post.other": ("posts", "other"),
    "@reply.public": ("replies", "public"),
}


@dataclass
class Call:
    """A concrete request: method, path with ids filled in, query and body."""

    endpoint: Endpoint
    path: str
    query: dict[str, Any] = field(default_factory=dict)
    body: dict[str, Any] | None = None
    intent: dict[str, Any] | None = None
    """The body in the suite's own reading, where the server was sent another spelling of it
    (an undocumented body fitted to the server's route index, see ``bodies.py``)."""
    observer: Callable[[ApiResponse], None] | None = None
    """Told every answer to this call (spares whose request succeeded are not reused)."""

    @property
    def method(self) -> str:
        return self.endpoint.method

    def send(self, client: JetonomyClient, **kwargs: Any) -> ApiResponse:
        response = client.request(
            self.method,
            self.path,
            params=self.query or None,
            json_body=self.body,
            **kwargs,
        )
        if self.observer is not None:
            self.observer(response)
        return response

    def with_body(self, **changes: Any) -> Call:
        body = dict(self.body or {})
        for key, value in changes.items():
            if value is _DROP:
                body.pop(key, None)
            else:
                body[key] = value
        return Call(self.endpoint, self.path, dict(self.query), body, self.intent, self.observer)

    def with_query(self, **changes: Any) -> Call:
        query = dict(self.query)
        for key, value in changes.items():
            if value is _DROP:
                query.pop(key, None)
            else:
                query[key] = value
        return Call(
            self.endpoint, self.path, query, copy.deepcopy(self.body), self.intent, self.observer
        )

    @property
    def meaning(self) -> dict[str, Any]:
        """The body in the suite's reading (what it means, whatever the server calls it)."""
        return dict(self.intent if self.intent is not None else self.body or {})


UNDO = {
    "spaces.create": "delete_created",
    "categories.create": "delete_created",
    "posts.create": "delete_created",
    "replies.create": "delete_created",
    "replies.split": "delete_created",
    "moderation.ban": "unban",
    "moderation.flag": "resolve_flag",
}
"""What the suite undoes after a successful example call (so a run leaves nothing behind)."""

_DROP = object()
DROP = _DROP
"""Pass as a value to ``with_body``/``with_query`` to remove a parameter."""


class Examples:
    """Resolves ``@`` references for one test; fresh objects are created lazily and once.

    With ``spares`` (the ``spare_examples`` fixture), the objects of the kinds in
    ``SPARABLE`` are the process's spares instead (:class:`Spares`): for checks that expect
    the server not to act on them.
    """

    def __init__(
        self,
        run: JetonomyRun,
        world: dict[str, Any],
        factory: Factory,
        spares: Spares | None = None,
    ) -> None:
        self.run = run
        self.world = world
        self.factory = factory
        self.prefix = run.settings.run_prefix
        self.spares = spares
        self._fresh: dict[str, Any] = {}
        self._spared: set[str] = set()
        """The spares this test's calls name (not reused once a request to them succeeds)."""
        self._verified: set[str] = set()
        """The spares this test has already read back."""

    # -- clients ---------------------------------------------------------------------------
    def client(self, role: str) -> JetonomyClient:
        return self.run.client(role)

    def user_id(self, role: str) -> int:
        users = self.world["users"]
        if role not in users:
            pytest.skip(self.run.credentials.missing_reason(role))
        return int(users[role]["id"])

    # -- fresh objects ---------------------------------------------------------------------
    def fresh(self, name: str) -> Any:
        """A fresh object of this test (made once, undone after it): a precondition of the
        check, which is blocked when the target cannot make it. Its requests are helper
        requests (adapted when the server says what it wants instead, ``adaptations.py``)."""
        if self.spares is not None and name in SPARABLE:
            self._spared.add(name)
            return self.spares.get(name, self._verified, self.factory)
        if name not in self._fresh:
            with (
                adaptations.helper(),
                expect.precondition(f"make a fresh {name.replace('_', ' ')}"),
            ):
                self._fresh[name] = getattr(self, f"_make_{name}")()
        return self._fresh[name]

    def answered(self, response: ApiResponse) -> None:
        """Note an answer to a request naming this test's objects: spares a request was not
        refused on (anything but a 4xx: a success, a redirect, a 5xx that may have acted half
        way) are not reused by later checks."""
        if not 400 <= response.status < 500:
            self.spoil_spared()

    def spoil_spared(self) -> None:
        """Never reuse the spares this check named, nor the spares they were made on (after
        an answer that was not a refusal, or a failed check: the server may have changed
        them); they are deleted after the check."""
        if self.spares is None or not self._spared:
            return
        names = set(self._spared)
        for name in self._spared:
            while name in SPARE_PARENT:
                name = SPARE_PARENT[name]
                names.add(name)
        self.spares.spoil(names, self.factory)
        self._spared.clear()

    def _make_space(self) -> int:
        admin = self.client("admin")
        space = created(
            admin.post("/spaces", json=space_payload(self.prefix, self.factory.faker)),
            "a fresh space",
        )
        self.factory.defer(lambda: admin.delete(f"/spaces/{space['id']}"))
        return int(space["id"])

    def new_post(
        self, role: str = "member", space: str | int = "public", **fields: Any
    ) -> tuple[int, ApiResponse]:
        """A new post by ``role`` in ``space`` (a world space name or a space id), with
        ``fields`` over the factory's title and content; deleted (by admin) after the test.
        Its id and the creation answer; the check is blocked when the target makes none (or
        when ``role`` could not join the world space)."""
        if isinstance(space, str):
            joined = (self.world.get("missing") or {}).get(f"joined.{space}.{role}")
            if isinstance(joined, dict):
                raise Blocked(
                    joined["by"], f"a post by {role}: {joined['step']}", joined.get("detail", "")
                )
        space_id = self.world["spaces"][space] if isinstance(space, str) else space
        body = post_payload(self.prefix, self.factory.faker, **fields)
        return self._new(role, f"/spaces/{space_id}/posts", body, "/posts", f"space {space_id}")

    def new_reply(
        self, post_id: int, role: str = "regular", **fields: Any
    ) -> tuple[int, ApiResponse]:
        """A new reply by ``role`` on ``post_id``, with ``fields`` over the factory's content;
        deleted (by admin) after the test. Its id and the creation answer."""
        body = reply_payload(self.prefix, self.factory.faker, **fields)
        return self._new(role, f"/posts/{post_id}/replies", body, "/replies", f"post {post_id}")

    def _new(
        self, role: str, path: str, body: dict[str, Any], collection: str, where: str
    ) -> tuple[int, ApiResponse]:
        """POST ``body`` to ``path`` as ``role`` (a helper request); the new object (in
        ``collection``) is deleted by admin after the test. Its id and the creation answer."""
        with adaptations.helper():
            response = self.client(role).post(path, json=body)
        what = collection.strip("/").rstrip("s")
        new = int(created(response, f"a {what} by {role} in {where}")["id"])
        admin = self.client("admin")
        self.factory.defer(lambda: admin.delete(f"{collection}/{new}"))
        return new, response

    def upvote(self, post_id: int, role: str = "regular") -> ApiResponse:
        """``role`` upvotes ``post_id`` (any success: the reference gives no status for a
        vote); the vote is taken back after the test."""
        client = self.client(role)
        with adaptations.helper():
            response = client.post(f"/posts/{post_id}/vote", json={"value": 1})
        expect.status(response, expect.SUCCESS, why=f"{role} upvotes post {post_id}")
        self.factory.defer(lambda: client.delete(f"/posts/{post_id}/vote"))
        return response

    def _make_post(self) -> int:
        return self.new_post("member", "public")[0]

    def _make_post_qa(self) -> int:
        return self.new_post("member", "qa")[0]

    def _make_reply_on(self, post_id: int) -> int:
        return self.new_reply(post_id, "regular")[0]

    def _make_reply(self) -> int:
        return self._make_reply_on(self.fresh("post"))

    def _make_reply_qa(self) -> int:
        return self._make_reply_on(self.fresh("post_qa"))

    def _make_member(self) -> int:
        space_id = self.fresh("space")
        regular = self.client("regular")
        response = regular.post(f"/spaces/{space_id}/members")
        expect.status(response, (200, 201), why="join a fresh open space as regular")
        return self.user_id("regular")

    def _make_invite(self) -> str:
        space_id = self.fresh("space")
        return invite_token(self.client("admin").post(f"/spaces/{space_id}/invite"))

    def _make_notification(self) -> int:
        post_id = self.fresh("post")  # by member
        self._make_reply_on(post_id)  # by regular: the post's author should be notified
        response = self.client("member").get("/notifications")
        items = by_id_items(response)
        if not items:
            pytest.skip(
                "the target created no notification for member after regular replied to "
                "member's post, so there is no notification id to call this endpoint with"
            )
        return int(items[0]["id"])

    def _make_category(self) -> int:
        admin = self.client("admin")
        category = created(
            admin.post(
                "/categories",
                json={
                    "name": f"{unique(self.prefix)} {self.factory.faker.word()}",
                    "description": "fresh",
                },
            ),
            "a fresh category",
        )
        self.factory.defer(lambda: admin.delete(f"/categories/{category['id']}"))
        return int(category["id"])

    def _make_flag(self) -> int:
        moderator = self.client("moderator")
        body = self.body_for(
            "moderation.flag",
            "/flags",
            object_type="post",
            object_id=self.fresh("post"),
            reason="conformance check",
        )
        flag = created(moderator.post("/flags", json=body), "a fresh flag")
        self.factory.defer(lambda: moderator.post(f"/moderation/flags/{flag['id']}/resolve"))
        return int(flag["id"])

    def _make_ban(self) -> int:
        moderator = self.client("moderator")
        user_id = self.user_id("new_member")
        body = self.body_for(
            "moderation.ban", "/moderation/ban", user_id=user_id, reason="conformance check"
        )
        response = moderator.post("/moderation/ban", json=body)
        expect.status(response, (200, 201), why="ban the new_member user")
        self.factory.defer(lambda: moderator.delete(f"/moderation/ban/{user_id}"))
        return user_id

    # -- resolution ------------------------------------------------------------------------
    def resolve(self, value: Any) -> Any:
        if isinstance(value, dict):
            return {k: self.resolve(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        if not isinstance(value, str) or not value.startswith("@"):
            return value
        if value in WORLD_REFS:
            section, key = WORLD_REFS[value]
            return self.world[section][key]
        kind, _, name = value[1:].partition(".")
        if kind == "user":
            if name.endswith("_login"):
                role = name[: -len("_login")]
                self.user_id(role)
                return self.world["users"][role]["login"]
            return self.user_id(name)
        if kind == "text":
            return self._text(name)
        if kind == "now" and name == "iso":
            moment = datetime.now(timezone.utc) - timedelta(minutes=1)
            return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
        if kind == "url" and name == "target":
            return self.run.settings.link_preview_url or self.run.settings.target_root + "/"
        fresh_names = {
            "@space.fresh": "space",
            "@post.fresh": "post",
            "@post.fresh_qa": "post_qa",
            "@reply.fresh": "reply",
            "@reply.fresh_qa": "reply_qa",
            "@member.fresh": "member",
            "@invite.fresh": "invite",
            "@notification.member": "notification",
            "@category.fresh": "category",
            "@category.public": None,
            "@flag.fresh": "flag",
            "@ban.fresh": "ban",
        }
        if value == "@category.public":
            return self.world["category"]
        if value in fresh_names:
            return self.fresh(fresh_names[value])
        raise KeyError(f"unknown example reference {value!r}")

    def _text(self, name: str) -> str:
        faker = self.factory.faker
        if name == "title":
            return f"{unique(self.prefix)} {faker.sentence(nb_words=5).rstrip('.')}"
        if name == "html":
            return f"<p>{faker.paragraph()}</p>"
        if name == "word":
            return self.prefix.replace("-", "") + "w" + unique("x").split("-")[1]
        if name == "name":
            return f"{unique(self.prefix)} {faker.word()}"
        return faker.word()

    def send(self, endpoint: Endpoint, role: str | None = None, **kwargs: Any) -> ApiResponse:
        """Send the endpoint's example as ``role`` (default: the catalogue's caller).

        Runs the endpoint's ``prepare`` examples first (e.g. cast a vote before removing it),
        as the same caller, and registers the undo of what a successful call created.
        """
        return self.send_call(self.call(endpoint), role or endpoint.caller, **kwargs)

    def send_call(self, call: Call, role: str, **kwargs: Any) -> ApiResponse:
        """Send ``call`` (an example, possibly changed) as ``role``: its endpoint's ``prepare``
        examples first, as the same caller, then the call; undo what a success created."""
        client = self.client(role)
        for endpoint_id in call.endpoint.raw.get("prepare", []):
            prepared = self.run.contract.endpoint(endpoint_id)
            with adaptations.helper():
                response = self.call(prepared).send(client)
            expect.status(
                response,
                (200, 201, 202, 204),
                why=f"prepare {call.endpoint.label} with {prepared.label}",
            )
        response = call.send(client, **kwargs)
        if 200 <= response.status < 300:
            self.undo_later(call, response)
        return response

    def undo_later(self, call: Call, response: ApiResponse) -> None:
        """Register the cleanup of what a successful example call created."""
        undo = UNDO.get(call.endpoint.id)
        if undo is None:
            return
        admin = self.client("admin")
        moderator = self.client("moderator") if self.run.has_role("moderator") else admin
        body = response.json() if response.is_json else {}
        created_id = new_id(response, body)
        request = call.meaning
        if undo == "delete_created" and created_id is not None:
            path = {
                "spaces.create": "/spaces",
                "categories.create": "/categories",
                "posts.create": "/posts",
                "replies.split": "/posts",
                "replies.create": "/replies",
            }[call.endpoint.id]
            self.factory.defer(lambda: admin.delete(f"{path}/{created_id}"))
        elif undo == "unban":
            self.factory.defer(lambda: moderator.delete(f"/moderation/ban/{request['user_id']}"))
        elif undo == "resolve_flag" and created_id is not None:
            self.factory.defer(lambda: moderator.post(f"/moderation/flags/{created_id}/resolve"))

    def call(self, endpoint: Endpoint, **path_values: Any) -> Call:
        """The endpoint's example request, resolved, its undocumented body fitted (once) to
        the server's route index (:meth:`fitted`). ``path_values`` are used as given instead
        of the example's (an unknown id, junk...), without creating the fresh objects the
        example's values would have named."""
        example = endpoint.example
        values = {
            name: path_values[name] if name in path_values else self.resolve(value)
            for name, value in example.get("path", {}).items()
        }
        values.update(path_values)
        path = endpoint.path
        for name, value in values.items():
            path = path.replace("{" + name + "}", str(value))
        query = self.resolve(example.get("query", {})) or {}
        body = self.resolve(example["body"]) if "body" in example else None
        fitted = self.fitted(endpoint, path, body)
        observer = self.answered if self.spares is not None else None
        return Call(endpoint, path, query, fitted, body if fitted != body else None, observer)

    # -- bodies the reference does not document ----------------------------------------------
    def fitted(self, endpoint: Endpoint, path: str, body: dict[str, Any] | None) -> Any:
        """``body`` (in the suite's reading) as this server describes the endpoint's body in
        its route index; as it is for documented bodies (see ``bodies.py``). A body is fitted
        once: :meth:`call` and :meth:`body_for` return fitted bodies, which are never given
        back here (fitting a fitted body reads the server's names as the suite's)."""
        if not body or not bodies.undocumented(endpoint):
            return body
        learned = bodies.learn(endpoint, body, self.run.route_index(), path)
        spellings.learned("body", learned.describe(endpoint))
        return learned.body

    def body_for(self, endpoint_id: str, path: str, **meaning: Any) -> Any:
        """The body to send to ``endpoint_id`` at ``path`` to mean ``meaning`` (given in the
        suite's reading of an undocumented body, e.g. ``post_id=12`` for a bookmark)."""
        return self.fitted(self.run.contract.endpoint(endpoint_id), path, dict(meaning))


SPARABLE = frozenset(
    {"space", "post", "post_qa", "reply", "reply_qa", "member", "invite", "category"}
)
"""The kinds of fresh objects a check may take from the process's spares. Never a ban (it
would keep new_member banned), a flag (an open flag in the moderation queue) or a
notification (whose read state checks change)."""
SPARE_PARENT = {"reply": "post", "reply_qa": "post_qa", "member": "space", "invite": "space"}
"""Spares made on another spare (a reply on the spare post, regular's membership of the
spare space...): reused only while that one is."""
SPARE_READ = {
    "space": "/spaces/{}",
    "post": "/posts/{}",
    "post_qa": "/posts/{}",
    "category": "/categories/{}",
}


class Spares:
    """The expendable objects of one process: one space, post, reply, category... made the
    way a test's fresh objects are, for checks that expect the server *not* to act on the
    objects of an endpoint's example (no credentials, a denied role, an unknown id, an invalid
    or junk parameter). Such a check needs the objects to exist, not to be its own; sharing
    them spares the target a space (and its posts) per check.

    A spare is read back (as admin) once per check before it is reused, and made again when
    it is gone. A spare that a request succeeded on is never reused: it is deleted after that
    check, as a fresh object would be. The others are deleted when the process's session
    ends (:meth:`close`).
    """

    def __init__(self, run: JetonomyRun, world: dict[str, Any], faker: Any) -> None:
        self.recorder = _UndoRecorder(run.settings.run_prefix, faker)
        self.made = Examples(run, world, self.recorder)  # type: ignore[arg-type]
        self.undo: dict[str, list[Callable[[], Any]]] = {}
        """How to delete each spare (what its making deferred)."""

    def get(self, name: str, verified: set[str], factory: Factory) -> Any:
        """The spare ``name`` (its spare parent first), read back once per check (``verified``):
        made again when it is gone (what was made on it too; the old ones' deletions go to
        ``factory``, the check's)."""
        parent = SPARE_PARENT.get(name)
        if parent is not None:
            self.get(parent, verified, factory)
        elif name not in verified:
            if name in self.made._fresh and not self._readable(name):
                self.spoil([name], factory)
            verified.add(name)
        if name not in self.made._fresh:
            self.recorder.pending = []
            try:
                self.made.fresh(name)
            finally:  # what a failed making created is deleted too
                self.undo.setdefault(name, []).extend(self.recorder.pending)
        return self.made._fresh[name]

    def spoil(self, names: Iterable[str], factory: Factory) -> None:
        """Never reuse these spares (nor what was made on them): ``factory`` (the check's)
        deletes them after the check."""
        gone = set(names)
        gone |= {child for child, parent in SPARE_PARENT.items() if parent in gone}
        for name in sorted(gone, key=lambda n: n in SPARE_PARENT):  # parents first: deleted last
            self.made._fresh.pop(name, None)
            for cleanup in self.undo.pop(name, []):
                factory.defer(cleanup)

    def close(self, factory: Factory) -> None:
        """Hand every spare's deletion to ``factory`` (at the end of the session)."""
        self.spoil(list(self.undo), factory)

    def _readable(self, name: str) -> bool:
        path = SPARE_READ[name].format(self.made._fresh[name])
        return self.made.client("admin").get(path).status == 200


class _UndoRecorder:
    """The factory of the spares' making: keeps what a making defers, for :class:`Spares`."""

    def __init__(self, prefix: str, faker: Any) -> None:
        self.prefix = prefix
        self.faker = faker
        self.pending: list[Callable[[], Any]] = []

    def defer(self, cleanup: Callable[[], Any]) -> None:
        self.pending.append(cleanup)


def by_id_items(response: ApiResponse) -> list[dict[str, Any]]:
    """The items of a 200 list answer that carry an integer id ([] otherwise)."""
    if response.status != 200:
        return []
    try:
        items = response.items
    except AssertionError:
        return []
    return [i for i in items if isinstance(i, dict) and isinstance(i.get("id"), int)]


def invite_tokens(body: Any) -> list[str]:
    """Candidate invite tokens in an invite answer, best first.

    The reference promises "a unique invite token/link" without naming a field: the token is
    a string of the answer (not a link, not a date), or the last part of a link it gives
    (``.../invite/<token>`` or ``?token=<token>``). A candidate that also appears in a link
    comes first.
    """
    strings = [v for v in leaves(body).values() if isinstance(v, str) and v.strip()]
    links = [v for v in strings if v.startswith(("http://", "https://", "/"))]
    from_links = []
    for link in links:
        parts = urlsplit(link)
        from_links += parse_qs(parts.query).get("token", [])
        last = parts.path.rstrip("/").rsplit("/", 1)[-1]
        if last:
            from_links.append(unquote(last))
    plain = [v for v in strings if v not in links and not is_timestamp(v)]
    ordered = [v for v in plain if v in from_links] + plain + from_links
    return list(dict.fromkeys(ordered))


def invite_token(response: ApiResponse) -> str:
    """The invite token of a successful invite answer (a precondition: blocked when the
    target gives none, by JT-SCHEMA-039 when the answer holds no token)."""
    expect.status(response, (200, 201), why="create an invite")
    candidates = invite_tokens(expect.json_body(response))
    if not candidates:
        with expect.precondition("find the token of a new invite"):
            expect.fail(
                "an invite token or link in the answer",
                response,
                requirement="JT-SCHEMA-039",
                kind="no invite token in the answer",
            )
    spellings.learned(
        "invite.token",
        "a string of the answer"
        if candidates[0] in [v for v in leaves(response.json()).values()]
        else "the last part of a link",
    )
    return candidates[0]
