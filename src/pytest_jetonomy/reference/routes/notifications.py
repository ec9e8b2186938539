"""Notifications of the caller: list, unread count, mark read/unread, mark all read."""

from __future__ import annotations

from .. import clock
from .. import serializers as ser
from ..context import Ctx, Result
from ..errors import not_found
from ..pagination import paginate
from ..params import Arg, cursor_args
from ..routing import REQUIRED, route


@route(
    "GET",
    "/notifications",
    auth=REQUIRED,
    name="list",
    args=[
        *cursor_args(),
        Arg("unread", "boolean", description="Only unread notifications"),
    ],
)
def list_notifications(ctx: Ctx) -> Result:
    args = ctx.args()
    rows = ctx.db.all("SELECT * FROM notifications WHERE user_id = ?", (ctx.user_id,))
    if ctx.fault("notifications-of-everyone-listed"):  # the recipient filter forgotten
        rows = ctx.db.all("SELECT * FROM notifications")
    if args.get("unread"):
        rows = [row for row in rows if not row["is_read"]]
    listing = paginate(
        rows,
        lambda r: (-clock.epoch(r["created_at"]), -r["id"]),
        ctx.page(),
        f"notifications:{int(bool(args.get('unread')))}",
        lambda r, _: ser.notification(r),
    )
    return Result(listing.body(), headers=listing.headers)


@route("GET", "/notifications/unread-count", auth=REQUIRED, name="unread_count")
def unread_count(ctx: Ctx) -> Result:
    count = ctx.db.scalar(
        "SELECT COUNT(*) FROM notifications WHERE user_id = ? AND is_read = 0", (ctx.user_id,)
    )
    if ctx.fault("unread-count-counts-read-notifications"):  # the is_read condition forgotten
        count = ctx.db.scalar(
            "SELECT COUNT(*) FROM notifications WHERE user_id = ?", (ctx.user_id,)
        )
    if ctx.fault("unread-count-as-numeric-string"):  # PHP's string from the database driver
        return Result({"count": str(int(count or 0))})
    return Result({"count": int(count or 0)})


@route(
    "PATCH",
    "/notifications/<id:id>",
    auth=REQUIRED,
    name="update",
    args=[
        Arg("read", "boolean", required=True, description="true marks read, false unread"),
    ],
)
def mark_notification(ctx: Ctx, id: int) -> Result:
    row = ctx.db.one("SELECT * FROM notifications WHERE id = ?", (id,))
    if row is None:
        raise not_found("Notification")
    read = ctx.args()["read"]
    if not ctx.fault("notification-patch-owner-not-checked"):
        ctx.require(int(row["user_id"]) == ctx.user_id, "This notification is not yours.")
    if ctx.fault("notification-cannot-be-marked-unread"):  # only ever sets the read flag
        read = read or bool(row["is_read"])
    with ctx.db.transaction() as db:
        db.execute("UPDATE notifications SET is_read = ? WHERE id = ?", (int(read), id))
    updated = ctx.db.one("SELECT * FROM notifications WHERE id = ?", (id,))
    assert updated is not None
    return Result(ser.notification(updated))


@route("POST", "/notifications/mark-all-read", auth=REQUIRED, name="mark_all_read")
def mark_all_read(ctx: Ctx) -> Result:
    if ctx.fault("mark-all-read-does-nothing"):  # answers success, marks nothing
        return Result({"count": 0})
    with ctx.db.transaction() as db:
        db.execute("UPDATE notifications SET is_read = 1 WHERE user_id = ?", (ctx.user_id,))
    return Result({"count": 0})
