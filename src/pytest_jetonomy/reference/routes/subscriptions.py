"""Subscriptions of the caller to posts and spaces."""

from __future__ import annotations

from .. import clock
from .. import serializers as ser
from ..context import Ctx, Result
from ..errors import not_found
from ..pagination import full_list
from ..params import Arg
from ..routing import REQUIRED, route

ARGS = [
    Arg("object_type", required=True, enum=("post", "space")),
    Arg("object_id", "id", required=True),
]


def _target(ctx: Ctx) -> tuple[str, int]:
    args = ctx.args()
    kind, object_id = args["object_type"], args["object_id"]
    if kind == "post":
        ctx.post(object_id)
    else:
        ctx.space(object_id)
    return kind, object_id


@route("GET", "/subscriptions", auth=REQUIRED, name="list")
def list_subscriptions(ctx: Ctx) -> Result:
    rows = ctx.db.all(
        "SELECT * FROM subscriptions WHERE user_id = ? ORDER BY id DESC", (ctx.user_id,)
    )
    if ctx.fault("space-subscriptions-not-listed"):  # a list written for posts only
        rows = [row for row in rows if row["object_type"] == "post"]
    listing = full_list([ser.subscription(row) for row in rows])
    return Result(listing.body(), headers=listing.headers)


@route("POST", "/subscriptions", auth=REQUIRED, name="create", args=ARGS)
def subscribe(ctx: Ctx) -> Result:
    kind, object_id = _target(ctx)
    with ctx.db.transaction() as db:
        existing = db.one(
            "SELECT * FROM subscriptions WHERE user_id = ? AND object_type = ? AND object_id = ?",
            (ctx.user_id, kind, object_id),
        )
        if existing is not None:
            return Result(ser.subscription(existing), 200)
        new_id = db.execute(
            "INSERT INTO subscriptions (user_id, object_type, object_id, "
            "created_at) VALUES (?, ?, ?, ?)",
            (ctx.user_id, kind, object_id, clock.now_iso()),
        )
        row = db.one("SELECT * FROM subscriptions WHERE id = ?", (new_id,))
    assert row is not None
    return Result(ser.subscription(row), 201)


@route("DELETE", "/subscriptions", auth=REQUIRED, name="delete", args=ARGS)
def unsubscribe(ctx: Ctx) -> Result:
    args = ctx.args()
    row = ctx.db.one(
        "SELECT * FROM subscriptions WHERE user_id = ? AND object_type = ? AND object_id = ?",
        (ctx.user_id, args["object_type"], args["object_id"]),
    )
    if row is None:
        raise not_found("Subscription")
    if ctx.fault("unsubscribe-leaves-subscription"):  # answers success, deletes nothing
        return Result(ser.deleted(int(row["id"])))
    with ctx.db.transaction() as db:
        db.execute("DELETE FROM subscriptions WHERE id = ?", (row["id"],))
    return Result(ser.deleted(int(row["id"])))
