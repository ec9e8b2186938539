"""Users: own profile (read, update), public profiles, a user's posts."""

from __future__ import annotations

from .. import clock, queries
from .. import serializers as ser
from ..context import Ctx, Result
from ..errors import invalid_param, not_found
from ..pagination import paginate
from ..params import Arg, cursor_args
from ..routing import PUBLIC, REQUIRED, route
from .spaces import merge_settings


@route("GET", "/users/me", auth=REQUIRED, name="me")
def me(ctx: Ctx) -> Result:
    if ctx.fault("users-me-returns-first-user"):  # the WHERE clause forgotten
        first = ctx.db.one("SELECT * FROM users ORDER BY id LIMIT 1")
        assert first is not None
        return Result(ser.user_full(ctx, first))
    return Result(ser.user_full(ctx, ctx.user(ctx.user_id)))


@route(
    "PATCH",
    "/users/me",
    auth=REQUIRED,
    name="update_me",
    args=[
        Arg("display_name", max_length=250),
        Arg("settings", "object", description="Merged into the existing settings"),
    ],
)
def update_me(ctx: Ctx) -> Result:
    user = ctx.user(ctx.user_id)
    args = ctx.args()
    if "display_name" in args and not args["display_name"].strip():
        raise invalid_param("display_name", "must not be empty")
    with ctx.db.transaction() as db:
        if "display_name" in args and not ctx.fault("display-name-ignored"):
            db.execute(
                "UPDATE users SET display_name = ? WHERE id = ?",
                (args["display_name"].strip(), ctx.user_id),
            )
        if "settings" in args:
            current = user["settings"]
            if ctx.fault("user-settings-replaced"):
                current = "{}"
            db.execute(
                "UPDATE users SET settings = ? WHERE id = ?",
                (merge_settings(current, args["settings"]), ctx.user_id),
            )
    return Result(ser.user_full(ctx, ctx.user(ctx.user_id)))


@route("GET", "/users/<id:id>", auth=PUBLIC, name="get")
def get_user(ctx: Ctx, id: int) -> Result:
    profile = ser.user_public(ctx, ctx.user(id))
    return Result(profile)


@route("GET", "/users/by-login/<login>", auth=PUBLIC, name="by_login")
def get_user_by_login(ctx: Ctx, login: str) -> Result:
    if ctx.fault("by-login-returns-caller") and not ctx.identity.anonymous:
        return Result(ser.user_public(ctx, ctx.user(ctx.user_id)))
    row = ctx.db.one("SELECT * FROM users WHERE username = ? COLLATE NOCASE", (login,))
    if row is None:
        raise not_found("User")
    return Result(ser.user_public(ctx, row))


@route("GET", "/users/<id:id>/posts", auth=PUBLIC, name="posts", args=[*cursor_args()])
def user_posts(ctx: Ctx, id: int) -> Result:
    ctx.user(id)
    rows = ctx.db.all(
        queries.POSTS_SELECT + " WHERE p.author_id = ? AND p.status = 'publish'", (id,)
    )
    if ctx.fault("user-posts-include-others"):  # the author filter forgotten
        rows = ctx.db.all(queries.POSTS_SELECT + " WHERE p.status = 'publish'")
    spaces = {int(s["id"]): s for s in ctx.db.all("SELECT * FROM spaces")}
    rows = [r for r in rows if ctx.is_live(r) and ctx.can_see_space(spaces[int(r["space_id"])])]
    listing = paginate(
        rows,
        lambda r: (-clock.epoch(r["created_at"]), -r["id"]),
        ctx.page(),
        f"user-posts:{id}",
        lambda r, _: r,
    )
    listing.items = ser.posts(ctx, listing.items)
    body = listing.body()
    if ctx.fault("user-posts-keyed-by-id"):  # $out[$post->id] = ... and no array_values()
        body["data"] = {str(item["id"]): item for item in listing.items}
    return Result(body, headers=listing.headers)
