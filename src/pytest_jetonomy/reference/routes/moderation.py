"""Moderation: queue, approve/spam/trash, flags, bans (all need jetonomy_moderate)."""

from __future__ import annotations

from typing import Any

from .. import clock, dialect, events, queries
from .. import serializers as ser
from ..context import Ctx, Result
from ..errors import invalid_param, not_found
from ..pagination import full_list
from ..params import Arg
from ..routing import MODERATOR, route
from ..storage import Row

OBJECT_TYPES = ("post", "reply")


def _object(ctx: Ctx, kind: str, object_id: int) -> tuple[Row, int]:
    """(row, space id) of a post or reply, whatever its status (404 if absent)."""
    if kind not in OBJECT_TYPES:
        raise invalid_param("type", "must be post or reply")
    if kind == "post":
        row = queries.post_row(ctx.db, object_id)
        if row is None:
            raise not_found("Post")
        return row, int(row["space_id"])
    row = queries.reply_row(ctx.db, object_id)
    post = queries.post_row(ctx.db, int(row["post_id"])) if row is not None else None
    if row is None or post is None:
        raise not_found("Reply")
    return row, int(post["space_id"])


def _item(ctx: Ctx, kind: str, row: Row, space_id: int) -> dict[str, Any]:
    who = ser.authors(ctx.db, [int(row["author_id"])])[int(row["author_id"])]
    item = ser.moderation_item(kind, row, space_id, who)
    return item


@route("GET", "/moderation/queue", auth=MODERATOR, name="queue")
def queue(ctx: Ctx) -> Result:
    if not ctx.fault("moderation-queue-open-to-members"):
        ctx.require(ctx.identity.can_moderate)
    items: list[tuple[tuple[int, int, int], dict[str, Any]]] = []
    held = (
        "('pending', 'publish')"
        if ctx.fault("moderation-queue-lists-published-posts")
        else "('pending')"
    )
    for row in ctx.db.all(queries.POSTS_SELECT + f" WHERE p.status IN {held}"):
        items.append(
            (
                (clock.epoch(row["created_at"]), 0, int(row["id"])),
                _item(ctx, "post", row, int(row["space_id"])),
            )
        )
    for row in ctx.db.all(
        "SELECT r.*, p.space_id AS space_id FROM replies r JOIN posts p ON p.id = r.post_id "
        "WHERE r.status = 'pending'"
    ):
        items.append(
            (
                (clock.epoch(row["created_at"]), 1, int(row["id"])),
                _item(ctx, "reply", row, int(row["space_id"])),
            )
        )
    items.sort(key=lambda pair: pair[0])
    listing = full_list([item for _, item in items])
    return Result(listing.body(), headers=listing.headers)


def _set_status(ctx: Ctx, kind: str, id: int, status: str) -> Result:
    row, space_id = _object(ctx, kind, id)
    ctx.require(ctx.identity.can_moderate)
    table = "posts" if kind == "post" else "replies"
    with ctx.db.transaction() as db:
        db.execute(f"UPDATE {table} SET status = ? WHERE id = ?", (status, id))
        if status == "publish" and row["status"] != "publish":
            if kind == "post":
                if not row["published_at"]:
                    db.execute(
                        "UPDATE posts SET published_at = ? WHERE id = ?", (clock.now_iso(), id)
                    )
                events.post_published(db, id, int(row["author_id"]), space_id, row["title"])
            else:
                post = queries.post_row(db, int(row["post_id"]))
                assert post is not None
                events.reply_published(db, id, int(row["author_id"]), post)
    fresh, _ = _object(ctx, kind, id)
    return Result(_item(ctx, kind, fresh, space_id))


@route("POST", "/moderation/approve/<type>/<id:id>", auth=MODERATOR, name="approve")
def approve(ctx: Ctx, type: str, id: int) -> Result:
    if ctx.fault("approve-leaves-item-pending"):  # answers the item, status never changed
        return _set_status(ctx, type, id, _object(ctx, type, id)[0]["status"])
    return _set_status(ctx, type, id, "publish")


@route("POST", "/moderation/spam/<type>/<id:id>", auth=MODERATOR, name="spam")
def spam(ctx: Ctx, type: str, id: int) -> Result:
    if ctx.fault("spam-leaves-item-public"):  # reported as spam, status never changed
        return _set_status(ctx, type, id, _object(ctx, type, id)[0]["status"])
    return _set_status(ctx, type, id, "spam")


@route("POST", "/moderation/trash/<type>/<id:id>", auth=MODERATOR, name="trash")
def trash(ctx: Ctx, type: str, id: int) -> Result:
    if ctx.fault("trash-leaves-item-public"):  # answers the item, status never changed
        return _set_status(ctx, type, id, _object(ctx, type, id)[0]["status"])
    return _set_status(ctx, type, id, "trash")


@route(
    "POST",
    "/flags",
    auth=MODERATOR,
    name="flag",
    args=[
        Arg("object_type", required=True, enum=OBJECT_TYPES),
        Arg("object_id", "id", required=True),
        Arg("reason", required=True, max_length=1000),
    ],
)
def create_flag(ctx: Ctx) -> Result:
    args = ctx.args()
    _object(ctx, args["object_type"], args["object_id"])
    ctx.require(ctx.identity.can_moderate)
    opened = "new" if ctx.fault("new-flags-stored-as-new") else "open"  # the list wants 'open'
    with ctx.db.transaction() as db:
        flag_id = db.execute(
            "INSERT INTO flags (object_type, object_id, reason, status, reporter_id, created_at) "
            f"VALUES (?, ?, ?, '{opened}', ?, ?)",
            (args["object_type"], args["object_id"], args["reason"], ctx.user_id, clock.now_iso()),
        )
    row = ctx.db.one("SELECT * FROM flags WHERE id = ?", (flag_id,))
    assert row is not None
    flag = ser.flag(row)
    return Result(flag, 201)


@route("GET", "/moderation/flags", auth=MODERATOR, name="flags")
def list_flags(ctx: Ctx) -> Result:
    ctx.require(ctx.identity.can_moderate)
    if ctx.fault("flags-list-checks-admin-capability"):
        ctx.require(ctx.identity.can("manage_options"))
    rows = ctx.db.all("SELECT * FROM flags WHERE status = 'open' ORDER BY id")
    if ctx.fault("resolved-flags-still-listed"):  # the status condition forgotten
        rows = ctx.db.all("SELECT * FROM flags ORDER BY id")
    listing = full_list([ser.flag(row) for row in rows])
    return Result(listing.body(), headers=listing.headers)


@route("POST", "/moderation/flags/<id:id>/resolve", auth=MODERATOR, name="resolve")
def resolve_flag(ctx: Ctx, id: int) -> Result:
    if ctx.db.one("SELECT id FROM flags WHERE id = ?", (id,)) is None:
        raise not_found("Flag")
    ctx.require(ctx.identity.can_moderate)
    with ctx.db.transaction() as db:
        db.execute("UPDATE flags SET status = 'resolved' WHERE id = ?", (id,))
    row = ctx.db.one("SELECT * FROM flags WHERE id = ?", (id,))
    assert row is not None
    return Result(ser.flag(row))


@route(
    "POST",
    "/moderation/ban",
    auth=MODERATOR,
    name="ban",
    args=[
        Arg("user_id", "id", required=True),
        Arg("reason", required=True, max_length=1000),
        Arg("expires_at", "date-time", nullable=True),
    ],
)
def ban_user(ctx: Ctx) -> Result:
    args = ctx.args()
    target = ctx.user(args["user_id"])
    ctx.require(ctx.identity.can_moderate)
    if target["role"] == "administrator":
        raise invalid_param(dialect.sent_name(ctx, "user_id"), "administrators cannot be banned")
    if int(target["id"]) == ctx.user_id:
        raise invalid_param(dialect.sent_name(ctx, "user_id"), "you cannot ban yourself")
    expires = clock.iso(args["expires_at"]) if args.get("expires_at") else None
    with ctx.db.transaction() as db:
        db.execute(
            "INSERT INTO bans (user_id, reason, created_by, created_at, expires_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET reason = excluded.reason, "
            "created_by = excluded.created_by, created_at = excluded.created_at, "
            "expires_at = excluded.expires_at",
            (args["user_id"], args["reason"], ctx.user_id, clock.now_iso(), expires),
        )
    row = ctx.db.one("SELECT * FROM bans WHERE user_id = ?", (args["user_id"],))
    assert row is not None
    ban = ser.ban(row)
    return Result(ban, 201)


@route("DELETE", "/moderation/ban/<id:id>", auth=MODERATOR, name="unban")
def unban_user(ctx: Ctx, id: int) -> Result:
    if ctx.db.one("SELECT id FROM bans WHERE user_id = ?", (id,)) is None:
        raise not_found("Ban")
    ctx.require(ctx.identity.can_moderate)
    if ctx.fault("unban-leaves-ban-active"):  # answers success, deletes nothing
        return Result(ser.deleted(id))
    with ctx.db.transaction() as db:
        db.execute("DELETE FROM bans WHERE user_id = ?", (id,))
    return Result(ser.deleted(id))


def active_ban(db: Any, user_id: int) -> Row | None:
    row: Row | None = db.one("SELECT * FROM bans WHERE user_id = ?", (user_id,))
    if row is not None and row["expires_at"] and row["expires_at"] <= clock.now_iso():
        return None
    return row
