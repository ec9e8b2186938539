"""Categories and tags: a category's full round trip; a tag used on a post is listed.

References: Categories (POST/GET/PATCH/DELETE /categories), Tags (GET /tags). The admin
manages categories with run-prefixed names and reads the tags (unlimited rate).
"""

from __future__ import annotations

import pytest

from pytest_jetonomy import expect
from pytest_jetonomy.factories import TAG_POOL

from .community import CREATED, DELETED, body_of, find, tag_matches, walk
from .examples import Examples


@pytest.mark.requirement("JT-BEHAV-071")
def test_category_round_trip(examples: Examples) -> None:
    """POST, GET by id, listed, PATCH description, GET shows it, DELETE, GET 404."""
    admin = examples.client("admin")
    name = examples.resolve("@text.name")
    created = admin.post("/categories", json={"name": name, "description": "before"})
    category = body_of(created, CREATED, "create a category")
    expect.that(isinstance(category.get("id"), int), "the new category's integer id", created)
    category_id = category["id"]
    path = f"/categories/{category_id}"
    examples.factory.defer(lambda: admin.delete(path))
    expect.that(category.get("name") == name, f"name {name!r} echoed", created)

    read = admin.get(path)
    body = body_of(read, [200], "GET the new category")
    expect.that(
        body.get("id") == category_id and body.get("name") == name,
        f"category {category_id} named {name!r}",
        read,
    )
    items, listed = walk(admin, "/categories", limit=None, what="GET /categories")
    expect.that(find(items, id=category_id) is not None, f"category {category_id} listed", listed)

    description = f"{examples.resolve('@text.word')} after"
    patched = admin.patch(path, json={"description": description})
    expect.status(patched, 200, why="PATCH the description")
    read = admin.get(path)
    body = body_of(read, [200], "GET the edited category")
    expect.that(body.get("description") == description, f"description {description!r}", read)
    expect.that(body.get("name") == name, "the name unchanged by a description edit", read)

    expect.status(admin.delete(path), DELETED, why="DELETE the category")
    expect.error(admin.get(path), 404, "jetonomy_not_found")


@pytest.mark.requirement("JT-BEHAV-072")
def test_tag_used_on_post_is_listed(examples: Examples, jetonomy_post_factory) -> None:
    """A post with a tag slug: GET /tags lists that tag with count >= 1."""
    slug = TAG_POOL[3]
    jetonomy_post_factory(
        examples.world["spaces"]["public"], client=examples.client("member"), tags=[slug]
    )
    items, response = walk(examples.client("admin"), "/tags", limit=None, what="GET /tags")
    tag = next((t for t in items if tag_matches(t, slug)), None)
    expect.that(tag is not None, f"the tag {slug!r} listed", response)
    assert tag is not None
    count = tag.get("count")
    expect.that(
        isinstance(count, int) and count >= 1,
        f"the tag {slug!r} with count >= 1",
        response,
        detail=f"count is {count!r}",
    )
