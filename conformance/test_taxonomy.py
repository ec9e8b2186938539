"""Categories and tags: a category's full round trip; a tag used on a post is listed.

References: Categories (POST/GET/PATCH/DELETE /categories), Tags (GET /tags). The admin
manages categories with run-prefixed names and reads the tags (unlimited rate). The
reference documents neither the category body nor the fields of a category or a tag: the
body is the suite's reading fitted to the server's route index (``examples.body_for``), and
what the answers say is found by value (the name, description and slug the suite sent).
"""

from __future__ import annotations

import pytest

from pytest_jetonomy import expect, lists
from pytest_jetonomy.expect import DELETED
from pytest_jetonomy.factories import TAG_POOL, created
from pytest_jetonomy.lists import walk
from pytest_jetonomy.observe import holding, holds

from .examples import Examples


@pytest.mark.requirement("JT-BEHAV-071", code="JT-ERR-003")
def test_category_round_trip(examples: Examples) -> None:
    """POST, GET by id holds the name, listed by id, PATCH the description, GET holds the new
    description and still the name, DELETE, GET 404 (its code, jetonomy_not_found, is the
    code of an id that names nothing: JT-ERR-003's)."""
    admin = examples.client("admin")
    name = examples.resolve("@text.name")
    body = examples.body_for(
        "categories.create", "/categories", name=name, description=f"{name} before"
    )
    category_id = created(admin.post("/categories", json=body), "a category")["id"]
    path = f"/categories/{category_id}"
    examples.factory.defer(lambda: admin.delete(path))

    read = admin.get(path)
    expect.status(read, 200, why="GET the new category", subject=True)
    expect.that(holds(expect.json_body(read), name), f"the category named {name!r}", read)
    listed, response = lists.find(admin, "/categories", category_id)
    expect.that(listed is not None, f"GET /categories lists the category {category_id}", response)

    description = f"{examples.resolve('@text.word')} after"
    patch = examples.body_for("categories.update", path, description=description)
    expect.status(
        admin.patch(path, json=patch), (200, 204), why="PATCH the description", subject=True
    )
    read = admin.get(path)
    expect.status(read, 200, why="GET the edited category", subject=True)
    edited = expect.json_body(read)
    expect.that(holds(edited, description), f"the new description {description!r}", read)
    expect.that(holds(edited, name), f"the name {name!r} kept by a description edit", read)

    expect.status(admin.delete(path), DELETED, why="DELETE the category", subject=True)
    with expect.soft():  # deleted (JT-BEHAV-071), and said with the code of JT-ERR-003
        expect.error(admin.get(path), 404, "jetonomy_not_found")


@pytest.mark.requirement("JT-BEHAV-072")
def test_tag_used_on_post_is_listed(examples: Examples, jetonomy_post_factory) -> None:
    """A post with a tag slug: GET /tags (every page it announces) has an entry holding it."""
    slug = TAG_POOL[3]
    jetonomy_post_factory(
        examples.world["spaces"]["public"], client=examples.client("member"), tags=[slug]
    )
    walked = walk(
        examples.client("admin"), "/tags", until=lambda items: holding(items, slug) is not None
    )
    expect.that(
        holding(walked.items, slug) is not None,
        f"GET /tags lists the tag {slug!r} used on a fresh post",
        walked.last,
        detail=f"{len(walked.items)} tags read",
    )
