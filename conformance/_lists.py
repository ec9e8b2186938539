"""Lists to paginate: one recipe per paginated endpoint, and the content that fills them.

The content is created once per run (whichever xdist worker asks first) by ``admin`` and
``leader`` (``leader`` belongs to the rate-limit and pagination checks, so nobody else
changes its posts or notifications):

- a public space whose name carries a run-unique search word, joined by leader, member,
  regular and moderator (its members list);
- ``POSTS`` posts by leader in that space, titled with the search word (the space's posts,
  leader's posts, the search results);
- ``REPLIES`` replies by admin on leader's first post (its replies, leader's notifications);
- as many spaces as the global spaces list lacks to hold more than a default page
  (``SPACES_WANTED``; none on a target that already has that many).

``POSTS`` and ``REPLIES`` are above the documented maximum page size (100), so that a server
which does not cap ``limit`` is caught. Walks stay bounded: at most ``WALK_PAGES`` pages (and
a short last one), with a page size chosen from the list's total.

The reference names no field of a list item: items are told apart by value. Posts, replies,
spaces, notifications and search results (``mode=posts``) by their top-level ``id`` (the
one name the reference gives); member and leaderboard entries by the user id they hold,
found where the ids of the users the suite knows are (``observe.HeldUser``). A list's items
and its next page are read the way :mod:`pytest_jetonomy.lists` accepts them (a
:class:`ListReader` is a ``lists.Source``; its cursor is learned by ``lists.learn_cursor``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

import pytest
from faker import Faker

from pytest_jetonomy import expect, lists, spellings
from pytest_jetonomy.cleanup import carries
from pytest_jetonomy.client import ApiResponse, JetonomyClient
from pytest_jetonomy.factories import (
    created,
    post_payload,
    reply_payload,
    space_payload,
    unique,
)
from pytest_jetonomy.observe import (
    HeldUser,
    TopLevelId,
    is_integer,
    user_path,
    value_at,
    where,
)
from pytest_jetonomy.run import JetonomyRun
from pytest_jetonomy.shared import shared_resource

from .world import my_id

POSTS = 104
REPLIES = 104
SPACES_WANTED = lists.DEFAULT_LIMIT + 1
"""The global spaces list should hold more than a default page (20)."""
JOINERS = ("leader", "member", "regular", "moderator")
WALK_PAGES = 5
"""A pagination walk splits a list into at most this many full pages (and a short last one):
the page size is chosen from the list's total, so that every walk stays this short."""


def search_word(prefix: str) -> str:
    """A word only this run's pagination content carries (other checks' words end in w<n>)."""
    return prefix.replace("-", "").replace("_", "") + "paging"


def build_lists(run: JetonomyRun) -> dict[str, Any]:
    prefix = run.settings.run_prefix
    word = search_word(prefix)
    faker = Faker()
    faker.seed_instance(7)
    admin = run.client("admin")
    leader = run.client("leader")
    space = created(
        admin.post(
            "/spaces",
            json=space_payload(prefix, faker, name=f"{prefix}-pagination {word}"),
        ),
        "the pagination space",
    )
    space_id = int(space["id"])
    joined = {}
    for role in JOINERS:
        if not run.has_role(role):
            continue
        response = run.client(role).post(f"/spaces/{space_id}/members")
        expect.status(response, (200, 201), why=f"join the pagination space as {role}")
        joined[role] = my_id(run, role)
    post_ids = []
    for n in range(POSTS):
        title = f"{unique(prefix)} {word} {faker.sentence(nb_words=4).rstrip('.')} {n}"
        post = created(
            leader.post(f"/spaces/{space_id}/posts", json=post_payload(prefix, faker, title=title)),
            f"post {n + 1} of {POSTS} by leader in the pagination space",
        )
        post_ids.append(int(post["id"]))
    reply_ids = []
    for n in range(REPLIES):
        reply = created(
            admin.post(f"/posts/{post_ids[0]}/replies", json=reply_payload(prefix, faker)),
            f"reply {n + 1} of {REPLIES} by admin on leader's post",
        )
        reply_ids.append(int(reply["id"]))
    lacking = spaces_lacking(admin, prefix)
    for n in range(lacking):
        created(
            admin.post("/spaces", json=space_payload(prefix, faker)),
            f"filler space {n + 1} of {lacking}",
        )
    return {
        "word": word,
        "space": space_id,
        "members": joined,
        "users": {**joined, "admin": my_id(run, "admin")},
        "leader": joined["leader"],
        "post_ids": post_ids,
        "reply_ids": reply_ids,
    }


def spaces_lacking(admin: JetonomyClient, prefix: str) -> int:
    """How many spaces admin's GET /spaces lacks to hold ``SPACES_WANTED`` that last the
    whole run (counted by walking it, not by its ``X-JT-Total``, which the pagination checks
    judge): the target's own, the world's and the pagination space. This run's throwaway
    spaces (other processes' fresh and spare spaces, present now, deleted soon) do not count.
    """

    def lasting(item: Any) -> bool:
        return (
            not isinstance(item, dict)
            or any(carries(item, mark) for mark in (f"{prefix}-world-", f"{prefix}-pagination "))
            or not carries(item, prefix)
        )

    walked = lists.walk(
        admin,
        "/spaces",
        what="GET /spaces (how many spaces the target already has)",
        until=lambda items: sum(map(lasting, items)) >= SPACES_WANTED,
    )
    return max(0, SPACES_WANTED - sum(map(lasting, walked.items)))


def shared_lists(tmp_path_factory: pytest.TempPathFactory, run: JetonomyRun) -> dict[str, Any]:
    for role in ("admin", "leader"):
        if not run.has_role(role):
            pytest.skip(
                "the pagination lists need the admin and leader roles: "
                + run.credentials.missing_reason(role)
            )
    return shared_resource(
        tmp_path_factory, run.settings.run_prefix, "pagination-lists", lambda: build_lists(run)
    )


# -- recipes ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Recipe:
    """How to read one paginated endpoint's list of the run's content."""

    role: str
    path: Callable[[dict[str, Any]], str]
    stable: bool
    """True when only this run's setup changes the list (exact totals can be checked)."""
    small: int = 5
    """A page size that spans several pages of the list."""
    query: Callable[[dict[str, Any]], dict[str, Any]] = field(default=lambda lists: {})
    expected: Callable[[dict[str, Any]], list[int]] = field(default=lambda lists: [])
    """Ids the list must contain (a walk must see each of them)."""
    by_user: bool = False
    """Entries are told apart by the user id they hold (else by their top-level id)."""
    user_fact: str | None = None
    """The spelling fact of where an entry holds its user (``spellings.FACTS``)."""


RECIPES: dict[str, Recipe] = {
    "posts.list": Recipe(
        "admin",
        lambda lists: f"/spaces/{lists['space']}/posts",
        stable=True,
        expected=lambda lists: list(lists["post_ids"]),
    ),
    "replies.list": Recipe(
        "admin",
        lambda lists: f"/posts/{lists['post_ids'][0]}/replies",
        stable=True,
        expected=lambda lists: list(lists["reply_ids"]),
    ),
    "spaces.list": Recipe("admin", lambda lists: "/spaces", stable=False),
    "spaces.members": Recipe(
        "admin",
        lambda lists: f"/spaces/{lists['space']}/members",
        stable=True,
        small=2,
        expected=lambda lists: list(lists["members"].values()),
        by_user=True,
        user_fact="member.user",
    ),
    "users.posts": Recipe(
        "admin",
        lambda lists: f"/users/{lists['leader']}/posts",
        stable=True,
        expected=lambda lists: list(lists["post_ids"]),
    ),
    "notifications.list": Recipe("leader", lambda lists: "/notifications", stable=True),
    "search.search": Recipe(
        "admin",
        lambda lists: "/search",
        stable=True,
        # mode=posts (documented): every result is a post, told apart by its id
        query=lambda lists: {"q": lists["word"], "mode": "posts"},
        expected=lambda lists: list(lists["post_ids"]),
    ),
    "leaderboards.list": Recipe(
        "admin", lambda lists: "/leaderboards", stable=False, small=2, by_user=True
    ),
}


class ListReader(lists.Source):
    """Reads one paginated endpoint's list of the run's content (a ``lists.Source``), its
    items told apart as the recipe says."""

    def __init__(
        self, label: str, recipe: Recipe, client: JetonomyClient, lists_: dict[str, Any]
    ) -> None:
        key: TopLevelId | HeldUser = (
            HeldUser(frozenset(lists_.get("users", {}).values()))
            if recipe.by_user
            else TopLevelId()
        )
        super().__init__(
            client, recipe.path(lists_), recipe.query(lists_), label, key, area="pagination"
        )
        self.recipe = recipe
        self.ids: list[int] = recipe.expected(lists_)

    @classmethod
    def build(
        cls, label: str, recipe: Recipe, client: JetonomyClient, lists_: dict[str, Any]
    ) -> ListReader:
        return cls(label, recipe, client, lists_)

    @property
    def stable(self) -> bool:
        return self.recipe.stable

    @property
    def small(self) -> int:
        return self.recipe.small

    @property
    def expected(self) -> list[Hashable]:
        """The keys of the items the list must contain."""
        if isinstance(self.key, HeldUser):
            self._learn()
            return [self.key.of(i) for i in self.ids] if self.key.path else []
        return list(self.ids)

    def _learn(self) -> None:
        """Where the entries hold their user, learned once on the list's pages at the
        documented default size, walked until an entry holds a known user (and noted for the
        report: every place the first entry of a known user holds that user's id)."""
        if not isinstance(self.key, HeldUser) or self.key.learned:
            return
        known = self.key.known
        items = lists.walk(
            self.client,
            self.path,
            self.query,
            what=f"{self.label} (where its entries hold their user)",
            until=lambda seen: user_path(seen, known) is not None,
            area=self.area,
        ).items
        path = self.key.learn(items)
        if path is None or self.recipe.user_fact is None:
            return
        for item in items:
            user = value_at(item, path)
            if is_integer(user) and user in self.key.known:
                spellings.at(self.recipe.user_fact, *where(item, user))
                return

    def keys(self, items: list[Any]) -> list[Hashable]:
        self._learn()
        return super().keys(items)

    def total_hint(self) -> int | None:
        """The list's size as X-JT-Total of a one-item page tells it, or None."""
        response, _ = self.page(limit=1)
        return lists.total(response)

    def snapshot(self) -> list[Hashable]:
        """The keys of the list's first page of the maximum size, in order (to tell whether
        a list others change moved between two reads)."""
        _, items = self.page(limit=lists.MAX_LIMIT)
        return self.keys(items)

    def walk_limit(self, total: int | None) -> int:
        """A page size that walks ``total`` items in at most WALK_PAGES pages (short last page)."""
        if total is None:
            return lists.MAX_LIMIT
        limit = max(self.small, total // WALK_PAGES + 1)
        if limit > lists.MAX_LIMIT:
            pytest.skip(
                f"{self.label} holds {total} items: more than a bounded walk "
                f"({WALK_PAGES} pages of {lists.MAX_LIMIT}) can read"
            )
        return limit

    def walk(self, limit: int) -> OffsetWalk:
        """Offset pages of ``limit`` until a short page (at most WALK_PAGES + 1 requests)."""
        walk = OffsetWalk(limit)
        offset = 0
        for _ in range(WALK_PAGES + 1):
            response, items = self.page(limit=limit, offset=offset)
            walk.add(response, self.keys(items))
            if len(items) < limit:
                walk.complete = True
                break
            offset += limit
        return walk

    def cursor_walk(
        self, limit: int
    ) -> tuple[lists.Cursor, list[lists.CursorPage]] | lists.NoCursor:
        """The list's cursor walk (``lists.cursor_walk``), as bounded as an offset walk."""
        return lists.cursor_walk(self, limit, max_pages=WALK_PAGES + 1)


@dataclass
class OffsetWalk:
    limit: int
    keys: list[Hashable] = field(default_factory=list)
    responses: list[ApiResponse] = field(default_factory=list)
    totals: list[int | None] = field(default_factory=list)
    complete: bool = False

    def add(self, response: ApiResponse, keys: list[Hashable]) -> None:
        self.responses.append(response)
        self.keys.extend(keys)
        self.totals.append(lists.total(response))

    @property
    def repeats(self) -> list[Hashable]:
        return repeated(self.keys)

    @property
    def total_changed(self) -> bool:
        return len(set(self.totals)) > 1


def repeated(keys: list[Hashable]) -> list[Hashable]:
    seen: set[Hashable] = set()
    out = []
    for key in keys:
        if key in seen:
            out.append(key)
        seen.add(key)
    return out


def expected_pages(total: int, limit: int) -> tuple[int, ...]:
    """Accepted X-JT-TotalPages for a total and a page size (0 or 1 for an empty list)."""
    return (0, 1) if total == 0 else (math.ceil(total / limit),)
