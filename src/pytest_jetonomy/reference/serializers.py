"""Rows -> resource dicts, with the field names of docs/architecture.md."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from email.utils import format_datetime
from typing import Any

from . import clock, queries
from .context import Ctx
from .storage import Row, Storage


def _json_obj(text: str | None) -> dict[str, Any]:
    try:
        value = json.loads(text or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def avatar_url(email: str) -> str:
    digest = hashlib.md5(email.strip().lower().encode("utf-8")).hexdigest()  # noqa: S324
    return f"https://www.gravatar.com/avatar/{digest}?s=96&d=mm"


def author(row: Row | None) -> dict[str, Any]:
    if row is None:
        return {"id": 0, "username": "", "display_name": "Deleted user", "avatar_url": None}
    return {
        "id": int(row["id"]),
        "username": row["username"],
        "display_name": row["display_name"],
        "avatar_url": avatar_url(row["email"]),
    }


def authors(db: Storage, user_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    ids = sorted(set(user_ids))
    if not ids:
        return {}
    rows = db.all(f"SELECT * FROM users WHERE id IN ({','.join('?' * len(ids))})", ids)
    found = {int(row["id"]): author(row) for row in rows}
    return {uid: found.get(uid, author(None)) for uid in ids}


def user_public(ctx: Ctx, row: Row) -> dict[str, Any]:
    profile = {
        **author(row),
        "reputation": queries.reputation(ctx.db, int(row["id"])),
        "registered_at": row["registered_at"],
        "trust_level": row["trust_level"],
    }
    if ctx.fault("email-in-public-profiles"):
        profile["email"] = row["email"]
    return profile


def user_full(ctx: Ctx, row: Row) -> dict[str, Any]:
    if ctx.fault("own-profile-without-settings"):
        return {**user_public(ctx, row), "email": row["email"]}
    return {**user_public(ctx, row), "email": row["email"], "settings": _json_obj(row["settings"])}


def space(row: Row) -> dict[str, Any]:
    return {
        "id": int(row["id"]),
        "name": row["name"],
        "slug": row["slug"],
        "description": row["description"],
        "type": row["type"],
        "visibility": row["visibility"],
        "join_policy": row["join_policy"],
        "icon": row["icon"],
        "settings": _json_obj(row["settings"]),
        "member_count": int(row["member_count"]),
        "post_count": int(row["post_count"]),
        "category_id": row["category_id"],
        "created_at": row["created_at"],
    }


def tag(row: Row, count: int) -> dict[str, Any]:
    return {"id": int(row["id"]), "name": row["name"], "slug": row["slug"], "count": count}


def _my_votes(ctx: Ctx, object_type: str, ids: Sequence[int]) -> dict[int, int]:
    if ctx.identity.anonymous or not ids:
        return {}
    rows = ctx.db.all(
        f"SELECT object_id, value FROM votes WHERE user_id = ? AND object_type = ? "
        f"AND object_id IN ({','.join('?' * len(ids))})",
        [ctx.user_id, object_type, *ids],
    )
    if ctx.fault("user-vote-not-filtered-by-caller"):  # anybody's vote shown as the caller's
        rows = ctx.db.all(
            f"SELECT object_id, value FROM votes WHERE object_type = ? "
            f"AND object_id IN ({','.join('?' * len(ids))})",
            [object_type, *ids],
        )
    return {int(row["object_id"]): int(row["value"]) for row in rows}


def posts(ctx: Ctx, rows: Sequence[Row]) -> list[dict[str, Any]]:
    ids = [int(row["id"]) for row in rows]
    people = authors(ctx.db, [int(row["author_id"]) for row in rows])
    tag_rows = queries.tags_of_posts(ctx.db, ids)
    counts = queries.tag_counts(ctx.db) if any(tag_rows.values()) else {}
    votes = _my_votes(ctx, "post", ids)
    out = []
    for row in rows:
        pid = int(row["id"])
        up, down = int(row["upvotes"]), int(row["downvotes"])
        if ctx.fault("post-upvotes-counted-twice"):  # the vote row and a counter both add one
            up *= 2
        out.append(
            {
                "id": pid,
                "space_id": int(row["space_id"]),
                "title": row["title"],
                "content": row["content"],
                "status": row["status"],
                "author_id": int(row["author_id"]),
                "author": people[int(row["author_id"])],
                "tags": [tag(t, counts.get(int(t["id"]), 0)) for t in tag_rows[pid]],
                "reply_count": int(row["reply_count"]),
                "upvotes": up,
                "downvotes": down,
                "vote_score": up - down,
                "user_vote": votes.get(pid, 0),
                "is_pinned": bool(row["is_pinned"]),
                "is_closed": bool(row["is_closed"]),
                "accepted_reply_id": row["accepted_reply_id"],
                "created_at": row["created_at"],
                "updated_at": row["updated_at"],
                "published_at": row["published_at"],
            }
        )
        if ctx.alt:  # the alt dialect's view counter (reference/dialect.py)
            out[-1]["view_count"] = int(row["view_count"])
    for item in out:  # fault variants of the post schema (JT-SCHEMA-*)
        if ctx.fault("posts-without-reply-count"):
            del item["reply_count"]
        if ctx.fault("reply-count-includes-the-post"):  # bbPress-style: the opening post counted
            item["reply_count"] += 1
        if ctx.fault("post-flags-as-0-1"):
            item["is_pinned"], item["is_closed"] = int(item["is_pinned"]), int(item["is_closed"])
        if ctx.fault("ids-as-strings-in-posts") and ctx.spec.endpoint != "posts.create":
            item["id"] = str(item["id"])
        if ctx.fault("post-dates-in-rfc-2822"):
            for key in ("created_at", "updated_at", "published_at"):
                if item[key]:
                    item[key] = format_datetime(clock.parse_iso(item[key]), usegmt=True)
        if ctx.fault("post-author-is-the-caller"):
            item["author"] = authors(ctx.db, [ctx.user_id])[ctx.user_id]
            item["author_id"] = ctx.user_id
        if ctx.fault("post-tags-never-shown"):
            item["tags"] = []
    return out


def post(ctx: Ctx, row: Row) -> dict[str, Any]:
    return posts(ctx, [row])[0]


def replies(ctx: Ctx, rows: Sequence[Row]) -> list[dict[str, Any]]:
    ids = [int(row["id"]) for row in rows]
    people = authors(ctx.db, [int(row["author_id"]) for row in rows])
    votes = _my_votes(ctx, "reply", ids)
    out = []
    for row in rows:
        up, down = int(row["upvotes"]), int(row["downvotes"])
        out.append(
            {
                "id": int(row["id"]),
                "post_id": int(row["post_id"]),
                "parent_id": row["parent_id"],
                "content": row["content"],
                "status": row["status"],
                "author_id": int(row["author_id"]),
                "author": people[int(row["author_id"])],
                "upvotes": up,
                "downvotes": down,
                "vote_score": up - down,
                "user_vote": votes.get(int(row["id"]), 0),
                "is_accepted": bool(row["is_accepted"]),
                "created_at": row["created_at"],
                "updated_at": row["updated_at"],
            }
        )
    return out


def reply(ctx: Ctx, row: Row) -> dict[str, Any]:
    return replies(ctx, [row])[0]


def member(row: Row, user: Row | None) -> dict[str, Any]:
    return {
        "user_id": int(row["user_id"]),
        "space_id": int(row["space_id"]),
        "role": row["role"],
        "joined_at": row["joined_at"],
        "user": author(user),
    }


def join_result(space_id: int, user_id: int, status: str, role: str | None) -> dict[str, Any]:
    return {"space_id": space_id, "user_id": user_id, "status": status, "role": role}


def invite(row: Row, url: str) -> dict[str, Any]:
    return {
        "token": row["token"],
        "url": url,
        "space_id": int(row["space_id"]),
        "expires_at": row["expires_at"],
    }


def category(row: Row) -> dict[str, Any]:
    return {
        "id": int(row["id"]),
        "name": row["name"],
        "slug": row["slug"],
        "description": row["description"],
        "parent_id": row["parent_id"],
        "space_count": int(row["space_count"]),
    }


def notification(row: Row) -> dict[str, Any]:
    return {
        "id": int(row["id"]),
        "type": row["type"],
        "message": row["message"],
        "is_read": bool(row["is_read"]),
        "object_type": row["object_type"],
        "object_id": row["object_id"],
        "created_at": row["created_at"],
    }


def subscription(row: Row) -> dict[str, Any]:
    return {
        "id": int(row["id"]),
        "object_type": row["object_type"],
        "object_id": int(row["object_id"]),
        "created_at": row["created_at"],
    }


def bookmark(row: Row, post_dict: dict[str, Any] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": int(row["id"]),
        "post_id": int(row["post_id"]),
        "created_at": row["created_at"],
    }
    if post_dict is not None:
        out["post"] = post_dict
    return out


def flag(row: Row) -> dict[str, Any]:
    return {
        "id": int(row["id"]),
        "object_type": row["object_type"],
        "object_id": int(row["object_id"]),
        "reason": row["reason"],
        "status": row["status"],
        "reporter_id": int(row["reporter_id"]),
        "created_at": row["created_at"],
    }


def ban(row: Row) -> dict[str, Any]:
    return {
        "id": int(row["id"]),
        "user_id": int(row["user_id"]),
        "reason": row["reason"],
        "created_at": row["created_at"],
        "expires_at": row["expires_at"],
    }


def moderation_item(kind: str, row: Row, space_id: int, who: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": kind,
        "id": int(row["id"]),
        "status": row["status"],
        "content": row["content"],
        "title": row["title"] if kind == "post" else None,
        "space_id": space_id,
        "post_id": int(row["post_id"]) if kind == "reply" else None,
        "author": who,
        "created_at": row["created_at"],
    }


def vote_result(object_type: str, object_id: int, value: int, up: int, down: int) -> dict[str, Any]:
    return {
        "object_type": object_type,
        "object_id": object_id,
        "user_vote": value,
        "upvotes": up,
        "downvotes": down,
        "vote_score": up - down,
    }


def deleted(object_id: int) -> dict[str, Any]:
    return {"deleted": True, "id": object_id}
