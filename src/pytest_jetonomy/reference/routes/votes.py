"""Votes on posts and replies: cast (toggle/switch) and remove."""

from __future__ import annotations

from .. import clock, dialect
from .. import serializers as ser
from ..context import Ctx, Result
from ..errors import invalid_param
from ..params import Arg
from ..routing import REQUIRED, route
from ..storage import Storage

VALUE_ARG = Arg("value", "integer", required=True, enum=None, description="1 or -1")


def _result(db: Storage, object_type: str, object_id: int, user_id: int) -> Result:
    counts = db.one(
        "SELECT COALESCE(SUM(value = 1), 0) AS up, COALESCE(SUM(value = -1), 0) AS down "
        "FROM votes WHERE object_type = ? AND object_id = ?",
        (object_type, object_id),
    )
    mine = db.scalar(
        "SELECT value FROM votes WHERE user_id = ? AND object_type = ? AND object_id = ?",
        (user_id, object_type, object_id),
    )
    assert counts is not None
    return Result(
        ser.vote_result(
            object_type, object_id, int(mine or 0), int(counts["up"]), int(counts["down"])
        )
    )


def _cast(ctx: Ctx, object_type: str, object_id: int) -> Result:
    value = ctx.args()["value"]
    if value not in (1, -1) and not ctx.fault("vote-value-not-validated"):
        raise invalid_param("value", "must be 1 or -1")
    with ctx.db.transaction() as db:
        current = db.scalar(
            "SELECT value FROM votes WHERE user_id = ? AND object_type = ? AND object_id = ?",
            (ctx.user_id, object_type, object_id),
        )
        if object_type == "post" and ctx.fault("vote-recast-does-not-toggle"):
            current = None
        if object_type == "reply" and ctx.fault("reply-vote-recast-does-not-toggle"):
            current = None
        if current is not None and object_type == "post":
            if ctx.fault("opposite-vote-removes-instead-of-switching"):
                current = value
        if current == value:  # re-casting the same value toggles the vote off
            db.execute(
                "DELETE FROM votes WHERE user_id = ? AND object_type = ? AND object_id = ?",
                (ctx.user_id, object_type, object_id),
            )
        else:
            db.execute(
                "INSERT INTO votes (user_id, object_type, object_id, value, created_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (user_id, object_type, object_id) "
                "DO UPDATE SET value = excluded.value, created_at = excluded.created_at",
                (ctx.user_id, object_type, object_id, value, clock.now_iso()),
            )
        return _result(db, object_type, object_id, ctx.user_id)


def _remove(ctx: Ctx, object_type: str, object_id: int) -> Result:
    faults = {"post": "delete-post-vote-does-nothing", "reply": "delete-reply-vote-does-nothing"}
    ignored = ctx.fault(faults[object_type])
    with ctx.db.transaction() as db:
        if not ignored:
            db.execute(
                "DELETE FROM votes WHERE user_id = ? AND object_type = ? AND object_id = ?",
                (ctx.user_id, object_type, object_id),
            )
        return _result(db, object_type, object_id, ctx.user_id)


@route("POST", "/posts/<id:id>/vote", auth=REQUIRED, name="post_cast", args=[VALUE_ARG])
def vote_post(ctx: Ctx, id: int) -> Result:
    ctx.post(id)
    result = _cast(ctx, "post", id)
    return dialect.voted(ctx, "post", id, result)


@route("DELETE", "/posts/<id:id>/vote", auth=REQUIRED, name="post_remove")
def unvote_post(ctx: Ctx, id: int) -> Result:
    ctx.post(id)
    return dialect.voted(ctx, "post", id, _remove(ctx, "post", id))


@route("POST", "/replies/<id:id>/vote", auth=REQUIRED, name="reply_cast", args=[VALUE_ARG])
def vote_reply(ctx: Ctx, id: int) -> Result:
    ctx.reply(id)
    return dialect.voted(ctx, "reply", id, _cast(ctx, "reply", id))


@route("DELETE", "/replies/<id:id>/vote", auth=REQUIRED, name="reply_remove")
def unvote_reply(ctx: Ctx, id: int) -> Result:
    ctx.reply(id)
    return dialect.voted(ctx, "reply", id, _remove(ctx, "reply", id))
