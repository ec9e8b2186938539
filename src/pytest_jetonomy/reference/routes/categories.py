"""Categories that organise spaces (writes are admin-only)."""

from __future__ import annotations

from typing import Any

from .. import clock, queries
from .. import serializers as ser
from ..context import Ctx, Result
from ..errors import invalid_param, not_found
from ..pagination import full_list
from ..params import Arg
from ..routing import ADMIN, PUBLIC, route
from ..storage import Row

FIELDS = [
    Arg("description", max_length=5000),
    Arg("slug", max_length=180),
    Arg("parent_id", "id", nullable=True),
]


def _category(ctx: Ctx, category_id: int) -> Row:
    row = ctx.db.one(queries.CATEGORIES_SELECT + " WHERE c.id = ?", (category_id,))
    if row is None:
        raise not_found("Category")
    return row


def _check(ctx: Ctx, args: dict[str, Any], own_id: int | None = None) -> None:
    if "name" in args and not args["name"].strip():
        raise invalid_param("name", "must not be empty")
    if "slug" in args and not queries.slugify(args["slug"]):
        raise invalid_param("slug", "must contain letters or digits")
    parent = args.get("parent_id")
    if parent is not None:
        _category(ctx, parent)
        seen = parent
        while seen is not None:  # no cycles
            if seen == own_id:
                raise invalid_param("parent_id", "would create a cycle")
            seen = ctx.db.scalar("SELECT parent_id FROM categories WHERE id = ?", (seen,))


@route("GET", "/categories", auth=PUBLIC, name="list")
def list_categories(ctx: Ctx) -> Result:
    rows = ctx.db.all(queries.CATEGORIES_SELECT + " ORDER BY c.name COLLATE NOCASE, c.id")
    listing = full_list([ser.category(row) for row in rows])
    return Result(listing.body(), headers=listing.headers)


@route(
    "POST",
    "/categories",
    auth=ADMIN,
    name="create",
    args=[
        Arg("name", required=True, max_length=200),
        *FIELDS,
    ],
)
def create_category(ctx: Ctx) -> Result:
    args = ctx.args()
    _check(ctx, args)
    if not (ctx.fault("category-create-open-to-moderators") and ctx.identity.can_moderate):
        ctx.require(ctx.identity.is_admin, "Only administrators can manage categories.")
    with ctx.db.transaction() as db:
        base = queries.slugify(args.get("slug") or args["name"])
        slug = queries.unique_slug(db, "categories", base)
        new_id = db.execute(
            "INSERT INTO categories (name, slug, description, parent_id, created_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (
                args["name"].strip(),
                slug,
                args.get("description", ""),
                args.get("parent_id"),
                clock.now_iso(),
            ),
        )
    return Result(ser.category(_category(ctx, new_id)), 201)


@route("GET", "/categories/<id:id>", auth=PUBLIC, name="get")
def get_category(ctx: Ctx, id: int) -> Result:
    if ctx.fault("category-get-wrapped-in-data"):
        return Result({"data": ser.category(_category(ctx, id))})
    return Result(ser.category(_category(ctx, id)))


@route(
    "PATCH",
    "/categories/<id:id>",
    auth=ADMIN,
    name="update",
    args=[
        Arg("name", max_length=200),
        *FIELDS,
    ],
)
def update_category(ctx: Ctx, id: int) -> Result:
    _category(ctx, id)
    args = ctx.args()
    _check(ctx, args, own_id=id)
    ctx.require(ctx.identity.is_admin, "Only administrators can manage categories.")
    if ctx.fault("category-update-needs-ungranted-capability"):
        ctx.require(ctx.identity.can("manage_categories"), "Missing manage_categories.")
    with ctx.db.transaction() as db:
        fields: dict[str, Any] = {}
        if "name" in args:
            fields["name"] = args["name"].strip()
        if "description" in args and not ctx.fault("category-description-not-updated"):
            fields["description"] = args["description"]
        if "parent_id" in args:
            fields["parent_id"] = args["parent_id"]
        if "slug" in args:
            fields["slug"] = queries.unique_slug(
                db, "categories", queries.slugify(args["slug"]), exclude_id=id
            )
        if fields:
            sets = ", ".join(f"{name} = ?" for name in fields)
            db.execute(f"UPDATE categories SET {sets} WHERE id = ?", [*fields.values(), id])
    return Result(ser.category(_category(ctx, id)))


@route("DELETE", "/categories/<id:id>", auth=ADMIN, name="delete")
def delete_category(ctx: Ctx, id: int) -> Result:
    _category(ctx, id)
    ctx.require(ctx.identity.is_admin, "Only administrators can manage categories.")
    with ctx.db.transaction() as db:
        db.execute("UPDATE spaces SET category_id = NULL WHERE category_id = ?", (id,))
        db.execute("UPDATE categories SET parent_id = NULL WHERE parent_id = ?", (id,))
        db.execute("DELETE FROM categories WHERE id = ?", (id,))
    return Result(ser.deleted(id))
