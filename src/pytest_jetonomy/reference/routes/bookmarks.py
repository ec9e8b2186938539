"""Bookmarks of the caller."""

from __future__ import annotations

from .. import clock, queries
from .. import serializers as ser
from ..context import Ctx, Result
from ..errors import not_found
from ..pagination import full_list
from ..params import Arg
from ..routing import REQUIRED, route

ARGS = [Arg("post_id", "id", required=True)]


@route("GET", "/bookmarks", auth=REQUIRED, name="list")
def list_bookmarks(ctx: Ctx) -> Result:
    rows = ctx.db.all("SELECT * FROM bookmarks WHERE user_id = ? ORDER BY id DESC", (ctx.user_id,))
    items = []
    for row in rows:
        post = queries.post_row(ctx.db, int(row["post_id"]))
        if post is not None and ctx.can_see_post(post):
            items.append(ser.bookmark(row, ser.post(ctx, post)))
            if ctx.fault("bookmarks-listed-without-post-id"):  # which post: not said
                del items[-1]["post_id"], items[-1]["post"]
    listing = full_list(items)
    return Result(listing.body(), headers=listing.headers)


@route("POST", "/bookmarks", auth=REQUIRED, name="create", args=ARGS)
def add_bookmark(ctx: Ctx) -> Result:
    post_id = ctx.args()["post_id"]
    post = ctx.post(post_id)
    if ctx.fault("bookmark-not-saved"):  # answers a new bookmark, writes nothing
        made = {"id": post_id, "post_id": post_id, "created_at": clock.now_iso()}
        return Result({**made, "post": ser.post(ctx, post)}, 201)
    with ctx.db.transaction() as db:
        row = db.one(
            "SELECT * FROM bookmarks WHERE user_id = ? AND post_id = ?", (ctx.user_id, post_id)
        )
        status = 200
        if row is None:
            new_id = db.execute(
                "INSERT INTO bookmarks (user_id, post_id, created_at) VALUES (?, ?, ?)",
                (ctx.user_id, post_id, clock.now_iso()),
            )
            row = db.one("SELECT * FROM bookmarks WHERE id = ?", (new_id,))
            status = 201
    assert row is not None
    return Result(ser.bookmark(row, ser.post(ctx, post)), status)


@route("DELETE", "/bookmarks", auth=REQUIRED, name="delete", args=ARGS)
def remove_bookmark(ctx: Ctx) -> Result:
    post_id = ctx.args()["post_id"]
    row = ctx.db.one(
        "SELECT * FROM bookmarks WHERE user_id = ? AND post_id = ?", (ctx.user_id, post_id)
    )
    if row is None:
        raise not_found("Bookmark")
    if ctx.fault("bookmark-delete-leaves-bookmark"):  # answers success, deletes nothing
        return Result(ser.deleted(int(row["id"])))
    with ctx.db.transaction() as db:
        db.execute("DELETE FROM bookmarks WHERE id = ?", (row["id"],))
    if ctx.fault("bookmark-delete-redirects"):  # the form handler's redirect after deleting
        return Result(None, 302, {"Location": f"{ctx.base_url}wp-json/jetonomy/v1/bookmarks"})
    return Result(ser.deleted(int(row["id"])))
