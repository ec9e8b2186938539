"""All endpoint groups, registered in one place."""

from __future__ import annotations

from ..routing import REGISTRY, RouteSpec
from . import (  # noqa: F401 - importing a group registers its routes
    bookmarks,
    categories,
    leaderboards,
    moderation,
    notifications,
    posts,
    replies,
    search,
    spaces,
    subscriptions,
    tags,
    updates,
    users,
    votes,
)

GROUPS = (
    "posts",
    "replies",
    "spaces",
    "users",
    "votes",
    "tags",
    "notifications",
    "moderation",
    "search",
    "subscriptions",
    "categories",
    "leaderboards",
    "bookmarks",
    "updates",
)


def all_routes() -> list[RouteSpec]:
    return list(REGISTRY)
