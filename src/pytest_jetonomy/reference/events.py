"""Notifications caused by content events (call inside a write transaction)."""

from __future__ import annotations

from . import clock
from .storage import Row, Storage


def notify(
    db: Storage, user_id: int, kind: str, message: str, object_type: str, object_id: int | None
) -> None:
    db.execute(
        "INSERT INTO notifications (user_id, type, message, is_read, object_type, object_id, "
        "created_at) VALUES (?, ?, ?, 0, ?, ?, ?)",
        (user_id, kind, message, object_type, object_id, clock.now_iso()),
    )


def _name(db: Storage, user_id: int) -> str:
    row = db.one("SELECT display_name FROM users WHERE id = ?", (user_id,))
    return row["display_name"] if row else "Someone"


def _subscribers(db: Storage, object_type: str, object_id: int) -> list[int]:
    rows = db.all(
        "SELECT user_id FROM subscriptions WHERE object_type = ? AND object_id = ?",
        (object_type, object_id),
    )
    return [int(row["user_id"]) for row in rows]


def reply_published(db: Storage, reply_id: int, reply_author: int, post: Row) -> None:
    """Tell the post's author (type ``reply``) and the post's subscribers."""
    who = _name(db, reply_author)
    post_author = int(post["author_id"])
    told = {reply_author}
    if post_author not in told:
        notify(
            db,
            post_author,
            "reply",
            f"{who} replied to your post “{post['title']}”.",
            "reply",
            reply_id,
        )
        told.add(post_author)
    for uid in _subscribers(db, "post", int(post["id"])):
        if uid not in told:
            notify(
                db, uid, "subscription", f"{who} replied to “{post['title']}”.", "reply", reply_id
            )
            told.add(uid)


def post_published(db: Storage, post_id: int, author_id: int, space_id: int, title: str) -> None:
    """Tell the space's subscribers about a new post."""
    who = _name(db, author_id)
    for uid in _subscribers(db, "space", space_id):
        if uid != author_id:
            notify(db, uid, "subscription", f"{who} posted “{title}”.", "post", post_id)


def reply_accepted(db: Storage, reply: Row, post: Row, actor_id: int) -> None:
    author_id = int(reply["author_id"])
    if author_id != actor_id:
        notify(
            db,
            author_id,
            "accepted",
            f"Your reply to “{post['title']}” was accepted as the answer.",
            "reply",
            int(reply["id"]),
        )
