"""Lists to paginate: one recipe per paginated endpoint, and the content that fills them.

The content is created once per run (whichever xdist worker asks first) by ``admin`` and
``leader`` (``leader`` belongs to the rate-limit and pagination checks, so nobody else
changes its posts or notifications):

- a public space whose name carries a run-unique search word, joined by leader, member,
  regular and moderator (its members list);
- ``POSTS`` posts by leader in that space, titled with the search word (the space's posts,
  leader's posts, the search results);
- ``REPLIES`` replies by admin on leader's first post (its replies, leader's notifications);
- ``FILLER_SPACES`` more spaces, so the global spaces list has more than a default page.

``POSTS`` and ``REPLIES`` are above the documented maximum page size (100), so that a server
which does not cap ``limit`` is caught. Walks stay bounded: at most ``MAX_PAGES`` pages, with
a page size chosen from the list's total.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

import pytest
from faker import Faker

from pytest_jetonomy import expect
from pytest_jetonomy.client import ApiResponse, JetonomyClient
from pytest_jetonomy.factories import (
    CreationError,
    created,
    post_payload,
    reply_payload,
    space_payload,
    unique,
)
from pytest_jetonomy.run import JetonomyRun
from pytest_jetonomy.shared import SharedResourceError, shared_resource

POSTS = 104
REPLIES = 104
FILLER_SPACES = 13
JOINERS = ("leader", "member", "regular", "moderator")
MAX_PAGES = 5
TOTAL = "X-JT-Total"
TOTAL_PAGES = "X-JT-TotalPages"


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
        if response.status not in (200, 201):
            raise CreationError(
                f"could not join the pagination space as {role}: HTTP {response.status}\n"
                + response.exchange.describe()
            )
        me = run.client(role).get("/users/me")
        if me.status != 200:
            raise CreationError(f"could not read /users/me as {role}\n" + me.exchange.describe())
        joined[role] = int(me.json()["id"])
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
    for n in range(FILLER_SPACES):
        created(admin.post("/spaces", json=space_payload(prefix, faker)), f"filler space {n + 1}")
    return {
        "word": word,
        "space": space_id,
        "members": joined,
        "leader": joined["leader"],
        "post_ids": post_ids,
        "reply_ids": reply_ids,
    }


def shared_lists(tmp_path_factory: pytest.TempPathFactory, run: JetonomyRun) -> dict[str, Any]:
    for role in ("admin", "leader"):
        if not run.has_role(role):
            pytest.skip(
                "the pagination lists need the admin and leader roles: "
                + run.credentials.missing_reason(role)
            )
    try:
        return shared_resource(
            tmp_path_factory, run.settings.run_prefix, "pagination-lists", lambda: build_lists(run)
        )
    except SharedResourceError as exc:
        cause = str(exc)
    pytest.fail(cause, pytrace=False)


# -- recipes ----------------------------------------------------------------------------------


def _by_id(item: Any) -> Hashable:
    return item.get("id") if isinstance(item, dict) else repr(item)


def _by_user_id(item: Any) -> Hashable:
    return item.get("user_id") if isinstance(item, dict) else repr(item)


def _by_type_and_id(item: Any) -> Hashable:
    return (item.get("type"), item.get("id")) if isinstance(item, dict) else repr(item)


def _by_leaderboard_user(item: Any) -> Hashable:
    if isinstance(item, dict) and isinstance(item.get("user"), dict):
        return item["user"].get("id")
    return repr(item)


@dataclass(frozen=True)
class Recipe:
    """How to read one paginated endpoint's list of the run's content."""

    role: str
    path: Callable[[dict[str, Any]], str]
    key: Callable[[Any], Hashable]
    stable: bool
    """True when only this run's setup changes the list (exact totals can be checked)."""
    small: int = 5
    """A page size that spans several pages of the list."""
    query: Callable[[dict[str, Any]], dict[str, Any]] = field(default=lambda lists: {})
    expected: Callable[[dict[str, Any]], list[Hashable]] = field(default=lambda lists: [])
    """Keys the list must contain (a walk must see each of them)."""


RECIPES: dict[str, Recipe] = {
    "posts.list": Recipe(
        "admin",
        lambda lists: f"/spaces/{lists['space']}/posts",
        _by_id,
        stable=True,
        expected=lambda lists: list(lists["post_ids"]),
    ),
    "replies.list": Recipe(
        "admin",
        lambda lists: f"/posts/{lists['post_ids'][0]}/replies",
        _by_id,
        stable=True,
        expected=lambda lists: list(lists["reply_ids"]),
    ),
    "spaces.list": Recipe("admin", lambda lists: "/spaces", _by_id, stable=False),
    "spaces.members": Recipe(
        "admin",
        lambda lists: f"/spaces/{lists['space']}/members",
        _by_user_id,
        stable=True,
        small=2,
        expected=lambda lists: list(lists["members"].values()),
    ),
    "users.posts": Recipe(
        "admin",
        lambda lists: f"/users/{lists['leader']}/posts",
        _by_id,
        stable=True,
        expected=lambda lists: list(lists["post_ids"]),
    ),
    "notifications.list": Recipe("leader", lambda lists: "/notifications", _by_id, stable=True),
    "search.search": Recipe(
        "admin",
        lambda lists: "/search",
        _by_type_and_id,
        stable=True,
        query=lambda lists: {"q": lists["word"]},
        expected=lambda lists: [("post", i) for i in lists["post_ids"]],
    ),
    "leaderboards.list": Recipe(
        "admin", lambda lists: "/leaderboards", _by_leaderboard_user, stable=False, small=2
    ),
}


@dataclass
class ListReader:
    """Reads one paginated endpoint's list as the recipe's identity."""

    label: str
    recipe: Recipe
    client: JetonomyClient
    path: str
    query: dict[str, Any]
    expected: list[Hashable]

    @property
    def stable(self) -> bool:
        return self.recipe.stable

    @property
    def small(self) -> int:
        return self.recipe.small

    def key(self, item: Any) -> Hashable:
        return self.recipe.key(item)

    def get(self, **page: Any) -> ApiResponse:
        params = {**self.query, **{k: v for k, v in page.items() if v is not None}}
        return self.client.get(self.path, params=params, area="pagination")

    def page(self, **page: Any) -> tuple[ApiResponse, list[Any]]:
        """One page that must be a 200 list; returns the response and its items."""
        response = self.get(**page)
        expect.status(response, 200, why=f"a page of {self.label}")
        return response, items_of(response)

    def total_hint(self) -> int | None:
        """The list's size as the server reports it (header, else meta.total), or None."""
        response, _ = self.page(limit=1)
        return reported_total(response)

    def walk_limit(self, total: int | None) -> int:
        """A page size that walks ``total`` items in at most MAX_PAGES pages (short last page)."""
        if total is None:
            return 100
        limit = max(self.small, total // MAX_PAGES + 1)
        if limit > 100:
            pytest.skip(
                f"{self.label} holds {total} items: more than a bounded walk "
                f"({MAX_PAGES} pages of 100) can read"
            )
        return limit

    def walk(self, limit: int) -> Walk:
        """Offset pages of ``limit`` until a short page (at most MAX_PAGES + 1 requests)."""
        walk = Walk(limit)
        offset = 0
        for _ in range(MAX_PAGES + 1):
            response, items = self.page(limit=limit, offset=offset)
            walk.add(response, [self.key(i) for i in items])
            if len(items) < limit:
                walk.complete = True
                break
            offset += limit
        return walk


@dataclass
class Walk:
    limit: int
    keys: list[Hashable] = field(default_factory=list)
    responses: list[ApiResponse] = field(default_factory=list)
    totals: list[int | None] = field(default_factory=list)
    complete: bool = False

    def add(self, response: ApiResponse, keys: list[Hashable]) -> None:
        self.responses.append(response)
        self.keys.extend(keys)
        self.totals.append(response.header_int(TOTAL))

    @property
    def repeats(self) -> list[Hashable]:
        seen: set[Hashable] = set()
        repeated = []
        for key in self.keys:
            if key in seen:
                repeated.append(key)
            seen.add(key)
        return repeated

    @property
    def total_changed(self) -> bool:
        return len(set(self.totals)) > 1


def items_of(response: ApiResponse) -> list[Any]:
    try:
        items = response.items
    except AssertionError as exc:
        expect.fail(
            "a list body with its items under 'data'",
            response,
            detail=str(exc).splitlines()[0] or "no item array where the contract keeps list items",
        )
    if not isinstance(items, list):
        expect.fail("a list body whose 'data' is an array", response)
    return items


def reported_total(response: ApiResponse) -> int | None:
    total = response.header_int(TOTAL)
    if total is not None:
        return total
    try:
        meta = response.json().get("meta")
    except (AssertionError, AttributeError):
        return None
    value = meta.get("total") if isinstance(meta, dict) else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def expected_pages(total: int, limit: int) -> tuple[int, ...]:
    """Accepted X-JT-TotalPages for a total and a page size (0 or 1 for an empty list)."""
    return (0, 1) if total == 0 else (math.ceil(total / limit),)
