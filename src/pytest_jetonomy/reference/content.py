"""Content writes shared by several endpoint groups (tags, deletes, moderation status)."""

from __future__ import annotations

from typing import Any

from .auth import Identity
from .errors import invalid_param
from .queries import slugify
from .storage import Storage


def initial_status(identity: Identity, requested: str) -> str:
    """New members' published content waits in the moderation queue."""
    if requested == "publish" and identity.trust_level == "new_member":
        return "pending"
    return requested


def check_tags(db: Storage, values: list[Any]) -> list[int | str]:
    """Validate ``tags``: integers must be existing tag ids; strings are slugs or names."""
    out: list[int | str] = []
    for value in values:
        if isinstance(value, int):
            if db.one("SELECT id FROM tags WHERE id = ?", (value,)) is None:
                raise invalid_param("tags", f"unknown tag id {value}")
            out.append(value)
            continue
        text = value.strip()
        if text.isdigit() and len(text) < 19:
            if db.one("SELECT id FROM tags WHERE id = ?", (int(text),)) is not None:
                out.append(int(text))
                continue
        if not slugify(text):
            raise invalid_param("tags", f"tag {text!r} has no usable slug")
        out.append(text)
    return out


def set_tags(db: Storage, post_id: int, values: list[int | str]) -> None:
    """Replace a post's tags; unknown slugs create tags (inside a transaction)."""
    db.execute("DELETE FROM post_tags WHERE post_id = ?", (post_id,))
    for value in values:
        if isinstance(value, int):
            tag_id = value
        else:
            slug = slugify(value)
            row = db.one("SELECT id FROM tags WHERE slug = ?", (slug,))
            tag_id = (
                int(row["id"])
                if row
                else db.execute(
                    "INSERT INTO tags (name, slug) VALUES (?, ?)", (value.strip()[:100], slug)
                )
            )
        db.execute(
            "INSERT OR IGNORE INTO post_tags (post_id, tag_id) VALUES (?, ?)", (post_id, tag_id)
        )


def _forget(db: Storage, object_type: str, ids: list[int]) -> None:
    if not ids:
        return
    marks = ",".join("?" * len(ids))
    db.execute(
        f"DELETE FROM votes WHERE object_type = ? AND object_id IN ({marks})", [object_type, *ids]
    )
    db.execute(
        f"DELETE FROM flags WHERE object_type = ? AND object_id IN ({marks})", [object_type, *ids]
    )
    if object_type == "post":
        db.execute(
            f"DELETE FROM subscriptions WHERE object_type = 'post' AND object_id IN ({marks})", ids
        )


def delete_replies(db: Storage, reply_ids: list[int]) -> None:
    if not reply_ids:
        return
    marks = ",".join("?" * len(reply_ids))
    _forget(db, "reply", reply_ids)
    db.execute(f"UPDATE replies SET parent_id = NULL WHERE parent_id IN ({marks})", reply_ids)
    db.execute(
        f"UPDATE posts SET accepted_reply_id = NULL WHERE accepted_reply_id IN ({marks})", reply_ids
    )
    db.execute(f"DELETE FROM replies WHERE id IN ({marks})", reply_ids)


def delete_posts(db: Storage, post_ids: list[int]) -> None:
    """Delete posts with their replies, votes, tags, flags, bookmarks and subscriptions."""
    if not post_ids:
        return
    marks = ",".join("?" * len(post_ids))
    reply_ids = [
        int(r["id"]) for r in db.all(f"SELECT id FROM replies WHERE post_id IN ({marks})", post_ids)
    ]
    _forget(db, "reply", reply_ids)
    _forget(db, "post", post_ids)
    db.execute(f"DELETE FROM replies WHERE post_id IN ({marks})", post_ids)
    db.execute(f"DELETE FROM posts WHERE id IN ({marks})", post_ids)
