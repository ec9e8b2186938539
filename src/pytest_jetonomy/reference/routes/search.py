"""Search across posts, replies, spaces and tags (case-insensitive substring matching)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from .. import clock
from ..context import Ctx, Result
from ..errors import invalid_param
from ..pagination import full_list, paginate
from ..params import Arg, cursor_args
from ..routing import PUBLIC, route

MODES = ("posts", "replies", "spaces", "tags", "all")
SORTS = ("relevance", "recent")
TYPE_RANK = {"post": 0, "reply": 1, "space": 2, "tag": 3}
_TAG_RE = re.compile(r"<[^>]+>")


@dataclass
class Hit:
    type: str
    id: int
    title: str
    text: str
    score: int
    space_id: int | None
    author_id: int | None
    created_at: str | None

    def render(self, needle: str) -> dict[str, Any]:
        return {
            "type": self.type,
            "id": self.id,
            "title": self.title,
            "excerpt": excerpt(self.text, needle),
            "space_id": self.space_id,
            "author_id": self.author_id,
            "created_at": self.created_at,
        }


def plain(text: str) -> str:
    return " ".join(_TAG_RE.sub(" ", text or "").split())


def excerpt(text: str, needle: str, width: int = 160) -> str:
    body = plain(text)
    at = body.casefold().find(needle)
    start = max(0, at - width // 3) if at >= 0 else 0
    piece = body[start : start + width]
    return ("…" if start else "") + piece + ("…" if start + width < len(body) else "")


@route(
    "GET",
    "/search",
    auth=PUBLIC,
    name="search",
    args=[
        Arg("q", required=True, max_length=200, description="Search query"),
        Arg("mode", enum=MODES, default="all"),
        Arg("space_id", "id"),
        Arg("author_id", "id"),
        Arg("tag_id", "id"),
        Arg("from_date", "date-time"),
        Arg("to_date", "date-time"),
        Arg("sort", enum=SORTS, default="relevance"),
        *cursor_args(),
    ],
)
def search(ctx: Ctx) -> Result:
    if ctx.fault("search-without-q-lists-nothing") and "q" not in ctx.params:
        nothing = full_list([])  # q treated as optional: no query, no results
        return Result(nothing.body(), headers=nothing.headers)
    args = ctx.args()
    needle = args["q"].strip().casefold()
    if not needle:
        raise invalid_param("q", "must not be empty")
    if ctx.fault("search-query-ascii-only"):
        needle.encode("ascii")  # UnicodeEncodeError: a 500 on any other character
    page = ctx.page()
    if ctx.fault("search-limit-capped-at-50"):  # a lower maximum than the documented 100
        page = replace(page, limit=min(page.limit, 50))
    mode = args["mode"]
    if ctx.fault("search-mode-ignored"):  # every type searched whatever the mode
        mode = "all"
    if ctx.fault("search-mode-defaults-to-posts") and "mode" not in ctx.params:
        mode = "posts"
    hits = [h for h in _candidates(ctx, args, mode) if h.score > 0 and _dated(h, args)]
    if ctx.fault("search-date-filters-ignored"):  # from_date and to_date never applied
        hits = [h for h in _candidates(ctx, args, mode) if h.score > 0]

    def key(h: Hit) -> tuple[int, ...]:
        created = clock.epoch(h.created_at)
        if args["sort"] == "recent":
            return (-created, TYPE_RANK[h.type], -h.id)
        return (-h.score, -created, TYPE_RANK[h.type], -h.id)

    sig = "search:" + "|".join(
        str(args.get(k, "")) for k in ("q", "mode", "space_id", "author_id", "tag_id", "sort")
    )
    listing = paginate(hits, key, page, sig[:200], lambda h, _: h.render(needle))
    return Result(listing.body(), headers=listing.headers)


def _dated(hit: Hit, args: dict[str, Any]) -> bool:
    if "from_date" not in args and "to_date" not in args:
        return True
    if hit.created_at is None:
        return False
    if "from_date" in args and hit.created_at < clock.floor_iso(args["from_date"]):
        return False
    return not ("to_date" in args and hit.created_at > clock.iso(args["to_date"]))


def _matches(needle: str, *texts: str) -> list[bool]:
    return [needle in (text or "").casefold() for text in texts]


def _candidates(ctx: Ctx, args: dict[str, Any], mode: str) -> list[Hit]:
    needle = args["q"].strip().casefold()
    space_id, author_id, tag_id = args.get("space_id"), args.get("author_id"), args.get("tag_id")
    if ctx.fault("search-space-filter-ignored"):
        space_id = None
    if ctx.fault("search-author-filter-ignored"):
        author_id = None
    if ctx.fault("search-tag-filter-ignored"):
        tag_id = None
    spaces = {int(s["id"]): s for s in ctx.db.all("SELECT * FROM spaces")}
    visible = {sid for sid, s in spaces.items() if ctx.can_see_space(s)}
    tagged: set[int] | None = None
    if tag_id is not None:
        tagged = {
            int(r["post_id"])
            for r in ctx.db.all("SELECT post_id FROM post_tags WHERE tag_id = ?", (tag_id,))
        }
    hits: list[Hit] = []
    posts = {int(p["id"]): p for p in ctx.db.all("SELECT * FROM posts WHERE status = 'publish'")}
    live = {pid: p for pid, p in posts.items() if int(p["space_id"]) in visible and ctx.is_live(p)}

    def post_ok(p: Any) -> bool:
        return (space_id is None or int(p["space_id"]) == space_id) and (
            tagged is None or int(p["id"]) in tagged
        )

    if mode in ("posts", "all"):
        for p in live.values():
            if not post_ok(p) or (author_id is not None and int(p["author_id"]) != author_id):
                continue
            in_title, in_body = _matches(needle, p["title"], plain(p["content"]))
            if ctx.fault("search-ignores-post-titles"):  # only the content is searched
                in_title = False
            hits.append(
                Hit(
                    "post",
                    int(p["id"]),
                    p["title"],
                    p["content"],
                    2 * in_title + in_body,
                    int(p["space_id"]),
                    int(p["author_id"]),
                    p["created_at"],
                )
            )
    if mode in ("replies", "all"):
        for r in ctx.db.all("SELECT * FROM replies WHERE status = 'publish'"):
            p = live.get(int(r["post_id"]))
            if p is None and ctx.fault("search-leaks-closed-space-replies"):
                p = posts.get(int(r["post_id"]))
            if p is None or not post_ok(p):
                continue
            if author_id is not None and int(r["author_id"]) != author_id:
                continue
            (in_body,) = _matches(needle, plain(r["content"]))
            hits.append(
                Hit(
                    "reply",
                    int(r["id"]),
                    "Re: " + p["title"],
                    r["content"],
                    int(in_body),
                    int(p["space_id"]),
                    int(r["author_id"]),
                    r["created_at"],
                )
            )
    if mode in ("spaces", "all") and author_id is None and tag_id is None:
        for sid in visible:
            s = spaces[sid]
            if space_id is not None and sid != space_id:
                continue
            in_name, in_desc = _matches(needle, s["name"], s["description"])
            hits.append(
                Hit(
                    "space",
                    sid,
                    s["name"],
                    s["description"] or s["name"],
                    2 * in_name + in_desc,
                    sid,
                    None,
                    s["created_at"],
                )
            )
    if mode in ("tags", "all") and author_id is None and tag_id is None and space_id is None:
        for t in ctx.db.all("SELECT * FROM tags"):
            in_name, in_slug = _matches(needle, t["name"], t["slug"])
            hits.append(
                Hit(
                    "tag",
                    int(t["id"]),
                    t["name"],
                    t["name"],
                    2 * (in_name or in_slug),
                    None,
                    None,
                    None,
                )
            )
    return hits
