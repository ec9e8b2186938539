"""Replies: list, create, update, delete, accept, split."""

from __future__ import annotations

import re
from typing import Any

from .. import clock, content, events, queries
from .. import serializers as ser
from ..context import Ctx, Result
from ..errors import forbidden, invalid_param, not_found
from ..pagination import paginate
from ..params import Arg, cursor_args
from ..routing import AUTHOR_OR_MODERATOR, MODERATOR, POST_AUTHOR, PUBLIC, REQUIRED, route

REPLY_SORTS = ("oldest", "newest", "votes")


def reply_key(sort: str) -> Any:
    if sort == "newest":
        return lambda r: (-clock.epoch(r["created_at"]), -r["id"])
    if sort == "votes":
        return lambda r: (-(r["upvotes"] - r["downvotes"]), clock.epoch(r["created_at"]), r["id"])
    return lambda r: (clock.epoch(r["created_at"]), r["id"])


@route(
    "GET",
    "/posts/<id:post_id>/replies",
    auth=PUBLIC,
    name="list",
    args=[
        *cursor_args(),
        Arg("sort", enum=REPLY_SORTS, default="oldest"),
    ],
)
def list_replies(ctx: Ctx, post_id: int) -> Result:
    ctx.post(post_id)
    sort = ctx.args()["sort"]
    rows = ctx.db.all(
        queries.REPLIES_SELECT + " WHERE r.post_id = ? AND r.status = 'publish'", (post_id,)
    )
    if ctx.fault("replies-of-every-post-listed"):  # the post_id condition forgotten
        rows = ctx.db.all(queries.REPLIES_SELECT + " WHERE r.status = 'publish'")
    listing = paginate(
        rows, reply_key(sort), ctx.page(), f"replies:{post_id}:{sort}", lambda r, _: r
    )
    listing.items = ser.replies(ctx, listing.items)
    return Result(listing.body(), headers=listing.headers)


@route(
    "POST",
    "/posts/<id:post_id>/replies",
    auth=REQUIRED,
    name="create",
    args=[
        Arg("content", required=True),
        Arg("parent_id", "id", description="Parent reply for threading"),
        Arg("captcha_token", required="conditional"),
    ],
)
def create_reply(ctx: Ctx, post_id: int) -> Result:
    post = ctx.post(post_id)
    if ctx.fault("reply-captcha-required-while-disabled") and not ctx.params.get("captcha_token"):
        if ctx.identity.trust_level in ("new_member", "member"):
            raise invalid_param("captcha_token", "is required")
    if ctx.fault("reply-parent-id-cast-loosely"):  # PHP absint(): text that is no number is 0
        parent = ctx.params.get("parent_id")
        if isinstance(parent, str) and not parent.strip().isdigit():
            ctx.params = {k: v for k, v in ctx.params.items() if k != "parent_id"}
    args = ctx.args()
    parent_id = args.get("parent_id")
    if ctx.fault("reply-parent-id-ignored"):  # every reply stored at the top level
        parent_id = None
    if parent_id is not None:
        parent = queries.reply_row(ctx.db, parent_id)
        if parent is None or not ctx.can_see_reply(parent, post):
            raise not_found("Parent reply")
        if int(parent["post_id"]) != post_id:
            raise invalid_param("parent_id", "belongs to another post")
    if post["is_closed"] and not ctx.fault("closed-post-takes-replies"):
        if ctx.alt:  # the alt dialect's reading: a request the post's state refuses
            raise invalid_param("post_id", "is closed to new replies")
        raise forbidden("This post is closed to new replies.")
    if post["status"] != "publish":
        raise forbidden("Replies are only possible on published posts.")
    status = content.initial_status(ctx.identity, "publish")
    with ctx.db.transaction() as db:
        now = clock.now_iso()
        reply_id = db.execute(
            "INSERT INTO replies (post_id, parent_id, author_id, content, status, created_at, "
            "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                post_id,
                parent_id,
                ctx.user_id,
                content.stored_html(ctx.identity, args["content"]),
                status,
                now,
                now,
            ),
        )
        if status == "publish" and not ctx.fault("reply-notifications-not-sent"):
            events.reply_published(db, reply_id, ctx.user_id, post)
    row = queries.reply_row(ctx.db, reply_id)
    assert row is not None
    return Result(ser.reply(ctx, row), 201)


@route(
    "PATCH",
    "/replies/<id:id>",
    auth=AUTHOR_OR_MODERATOR,
    name="update",
    args=[
        Arg("content", required=True),
    ],
)
def update_reply(ctx: Ctx, id: int) -> Result:
    reply, post = ctx.reply(id)
    text = content.stored_html(ctx.identity, ctx.args()["content"])
    ctx.require(ctx.can_edit(int(reply["author_id"]), int(post["space_id"])))
    if ctx.fault("reply-edit-not-saved"):  # the new content echoed, never written
        return Result({**ser.reply(ctx, reply), "content": text})
    with ctx.db.transaction() as db:
        db.execute(
            "UPDATE replies SET content = ?, updated_at = ? WHERE id = ?",
            (text, clock.now_iso(), id),
        )
    return Result(ser.reply(ctx, ctx.reply(id)[0]))


@route("DELETE", "/replies/<id:id>", auth=AUTHOR_OR_MODERATOR, name="delete")
def delete_reply(ctx: Ctx, id: int) -> Result:
    reply, post = ctx.reply(id)
    ctx.require(ctx.can_edit(int(reply["author_id"]), int(post["space_id"])))
    if ctx.fault("reply-delete-author-only"):
        ctx.require(int(reply["author_id"]) == ctx.user_id, "Only the author can delete a reply.")
    if ctx.fault("deleted-reply-still-listed"):  # answers success, deletes nothing
        return Result(ser.deleted(id))
    with ctx.db.transaction() as db:
        content.delete_replies(db, [id])
    return Result(ser.deleted(id))


@route("POST", "/replies/<id:id>/accept", auth=POST_AUTHOR, name="accept")
def accept_reply(ctx: Ctx, id: int) -> Result:
    reply, post = ctx.reply(id)
    accepter = int(post["author_id"])
    if ctx.fault("accept-checks-reply-author"):
        accepter = int(reply["author_id"])
    ctx.require(
        accepter == ctx.user_id
        or (ctx.fault("reply-author-may-accept") and int(reply["author_id"]) == ctx.user_id)
        or (ctx.fault("moderators-may-accept-replies") and ctx.identity.can_moderate),
        "Only the post's author can accept.",
    )
    space = ctx.db.one("SELECT type FROM spaces WHERE id = ?", (post["space_id"],))
    if space is None or space["type"] != "qa":
        raise invalid_param("id", "answers can only be accepted in Q&A spaces")
    with ctx.db.transaction() as db:
        if not reply["is_accepted"] and not ctx.fault("accept-does-nothing"):
            now = clock.now_iso()
            db.execute(
                "UPDATE replies SET is_accepted = 0, accepted_at = NULL WHERE post_id = ?",
                (post["id"],),
            )
            db.execute(
                "UPDATE replies SET is_accepted = 1, accepted_at = ? WHERE id = ?", (now, id)
            )
            db.execute("UPDATE posts SET accepted_reply_id = ? WHERE id = ?", (id, post["id"]))
            events.reply_accepted(db, reply, post, ctx.user_id)
    return Result(ser.reply(ctx, ctx.reply(id)[0]))


def _title_from(text: str) -> str:
    plain = " ".join(re.sub(r"<[^>]+>", " ", text).split())
    return (plain[:80] or "Split reply").strip()


@route(
    "POST",
    "/replies/<id:id>/split",
    auth=MODERATOR,
    name="split",
    args=[
        Arg("title", max_length=300, description="Title of the new post"),
    ],
)
def split_reply(ctx: Ctx, id: int) -> Result:
    reply, post = ctx.reply(id)
    args = ctx.args()
    ctx.require(ctx.identity.can_moderate)
    title = (args.get("title") or "").strip() or _title_from(reply["content"])
    with ctx.db.transaction() as db:
        now = clock.now_iso()
        new_id = db.execute(
            "INSERT INTO posts (space_id, author_id, title, content, status, created_at, "
            "updated_at, published_at) VALUES (?, ?, ?, ?, 'publish', ?, ?, ?)",
            (post["space_id"], reply["author_id"], title, reply["content"], now, now, now),
        )
        # the reply's descendants follow it to the new post
        moved: list[int] = []
        frontier = [id]
        while frontier:
            marks = ",".join("?" * len(frontier))
            children = [
                int(r["id"])
                for r in db.all(f"SELECT id FROM replies WHERE parent_id IN ({marks})", frontier)
            ]
            moved.extend(children)
            frontier = children
        if moved:
            marks = ",".join("?" * len(moved))
            db.execute(
                f"UPDATE replies SET post_id = ?, is_accepted = 0 WHERE id IN ({marks})",
                [new_id, *moved],
            )
            db.execute(
                f"UPDATE replies SET parent_id = NULL WHERE parent_id = ? AND id IN ({marks})",
                [id, *moved],
            )
            db.execute(
                f"UPDATE posts SET accepted_reply_id = NULL WHERE accepted_reply_id IN ({marks})",
                moved,
            )
        if not ctx.fault("split-leaves-reply-in-place"):
            content.delete_replies(db, [id])
    if ctx.fault("split-answers-without-id"):
        return Result({"success": True}, 201)
    return Result(ser.post(ctx, ctx.post(new_id)), 201)
