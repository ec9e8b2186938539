"""SQL shared by the routes: resources with their computed counters, reputation, tags."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from .storage import Row, Storage

SPACES_SELECT = """
SELECT s.*,
  (SELECT COUNT(*) FROM members m WHERE m.space_id = s.id AND m.status = 'joined') AS member_count,
  (SELECT COUNT(*) FROM posts p WHERE p.space_id = s.id AND p.status = 'publish') AS post_count
FROM spaces s
"""

POSTS_SELECT = """
SELECT p.*,
  (SELECT COUNT(*) FROM replies r WHERE r.post_id = p.id AND r.status = 'publish') AS reply_count,
  (SELECT COUNT(*) FROM votes v WHERE v.object_type = 'post' AND v.object_id = p.id
     AND v.value = 1) AS upvotes,
  (SELECT COUNT(*) FROM votes v WHERE v.object_type = 'post' AND v.object_id = p.id
     AND v.value = -1) AS downvotes
FROM posts p
"""

REPLIES_SELECT = """
SELECT r.*,
  (SELECT COUNT(*) FROM votes v WHERE v.object_type = 'reply' AND v.object_id = r.id
     AND v.value = 1) AS upvotes,
  (SELECT COUNT(*) FROM votes v WHERE v.object_type = 'reply' AND v.object_id = r.id
     AND v.value = -1) AS downvotes
FROM replies r
"""

CATEGORIES_SELECT = """
SELECT c.*, (SELECT COUNT(*) FROM spaces s WHERE s.category_id = c.id) AS space_count
FROM categories c
"""

ACCEPTED_BONUS = 15


def space_row(db: Storage, space_id: int) -> Row | None:
    return db.one(SPACES_SELECT + " WHERE s.id = ?", (space_id,))


def post_row(db: Storage, post_id: int) -> Row | None:
    return db.one(POSTS_SELECT + " WHERE p.id = ?", (post_id,))


def reply_row(db: Storage, reply_id: int) -> Row | None:
    return db.one(REPLIES_SELECT + " WHERE r.id = ?", (reply_id,))


def reputations(db: Storage, since: str | None = None) -> dict[int, int]:
    """user id -> reputation: votes received on posts and replies + 15 per accepted answer.

    With ``since``, only votes cast and answers accepted at or after that time count.
    """
    vote_filter = "AND v.created_at >= ?" if since else ""
    args: tuple[str, ...] = (since,) if since else ()
    scores: dict[int, int] = {}
    for sql in (
        "SELECT p.author_id AS uid, SUM(v.value) AS score FROM votes v JOIN posts p "
        f"ON v.object_type = 'post' AND v.object_id = p.id WHERE 1 {vote_filter} "
        "GROUP BY p.author_id",
        "SELECT r.author_id AS uid, SUM(v.value) AS score FROM votes v JOIN replies r "
        f"ON v.object_type = 'reply' AND v.object_id = r.id WHERE 1 {vote_filter} "
        "GROUP BY r.author_id",
        f"SELECT author_id AS uid, COUNT(*) * {ACCEPTED_BONUS} AS score FROM replies "
        f"WHERE is_accepted = 1 {'AND accepted_at >= ?' if since else ''} GROUP BY author_id",
    ):
        for row in db.all(sql, args):
            scores[int(row["uid"])] = scores.get(int(row["uid"]), 0) + int(row["score"] or 0)
    return scores


def reputation(db: Storage, user_id: int) -> int:
    value = db.scalar(
        """SELECT
          COALESCE((SELECT SUM(v.value) FROM votes v JOIN posts p ON v.object_type = 'post'
                    AND v.object_id = p.id WHERE p.author_id =  ?), 0)
        + COALESCE((SELECT SUM(v.value) FROM votes v JOIN replies r ON v.object_type = 'reply'
                    AND v.object_id = r.id WHERE r.author_id = ?), 0)
        + ? * (SELECT COUNT(*) FROM replies WHERE author_id = ? AND is_accepted = 1)""",
        (user_id, user_id, ACCEPTED_BONUS, user_id),
    )
    return int(value or 0)


def slugify(text: str) -> str:
    normal = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", normal.lower()).strip("-")[:180]


def unique_slug(db: Storage, table: str, base: str, exclude_id: int | None = None) -> str:
    base = base or table.rstrip("s")
    slug, n = base, 1
    while True:
        row = db.one(f"SELECT id FROM {table} WHERE slug = ?", (slug,))
        if row is None or row["id"] == exclude_id:
            return slug
        n += 1
        slug = f"{base}-{n}"


def tag_counts(db: Storage, tag_ids: Iterable[int] | None = None) -> dict[int, int]:
    """tag id -> number of published posts carrying it."""
    rows = db.all(
        "SELECT pt.tag_id AS tid, COUNT(*) AS n FROM post_tags pt "
        "JOIN posts p ON p.id = pt.post_id WHERE p.status = 'publish' GROUP BY pt.tag_id"
    )
    counts = {int(row["tid"]): int(row["n"]) for row in rows}
    if tag_ids is not None:
        return {tid: counts.get(tid, 0) for tid in tag_ids}
    return counts


def tags_of_posts(db: Storage, post_ids: list[int]) -> dict[int, list[Row]]:
    out: dict[int, list[Row]] = {pid: [] for pid in post_ids}
    if not post_ids:
        return out
    marks = ",".join("?" * len(post_ids))
    rows = db.all(
        f"SELECT pt.post_id AS post_id, t.* FROM post_tags pt JOIN tags t ON t.id = pt.tag_id "
        f"WHERE pt.post_id IN ({marks}) ORDER BY t.name, t.id",
        post_ids,
    )
    for row in rows:
        out[int(row["post_id"])].append(row)
    return out
