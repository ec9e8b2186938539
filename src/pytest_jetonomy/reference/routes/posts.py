"""Posts: list, create, drafts, read, update, delete, close, pin, move, merge, link preview."""

from __future__ import annotations

from typing import Any

from .. import clock, content, dialect, events, linkpreview, queries
from .. import serializers as ser
from ..context import Ctx, Result
from ..errors import invalid_param, not_found
from ..pagination import full_list, paginate
from ..params import Arg, cursor_args
from ..routing import AUTHOR_OR_MODERATOR, MODERATOR, PUBLIC, REQUIRED, route
from ..storage import Row

POST_SORTS = ("recent", "popular", "unanswered")


def post_key(sort: str) -> Any:
    """Total order of a post list (ties broken on id)."""
    if sort == "popular":
        return lambda r: (-(r["upvotes"] - r["downvotes"]), -clock.epoch(r["created_at"]), -r["id"])
    if sort == "unanswered":
        return lambda r: (1 if r["reply_count"] else 0, -clock.epoch(r["created_at"]), -r["id"])
    return lambda r: (-r["is_pinned"], -clock.epoch(r["created_at"]), -r["id"])


def list_posts(ctx: Ctx, rows: list[Row], sort: str, signature: str) -> Result:
    key = post_key(sort)
    if sort == "recent" and ctx.fault("pinned-posts-not-first"):  # pins ignored
        key = lambda r: (-clock.epoch(r["created_at"]), -r["id"])  # noqa: E731
    listing = paginate(rows, key, ctx.page(), signature, lambda r, _: r)
    listing.items = ser.posts(ctx, listing.items)
    return Result(listing.body(), headers=listing.headers)


@route(
    "GET",
    "/spaces/<id:space_id>/posts",
    auth=PUBLIC,
    name="list",
    args=[
        *cursor_args(),
        Arg("sort", enum=POST_SORTS, default="recent", description="recent, popular or unanswered"),
    ],
)
def list_space_posts(ctx: Ctx, space_id: int) -> Result:
    ctx.space(space_id)
    if ctx.fault("unknown-post-sort-falls-back") and ctx.params.get("sort") not in POST_SORTS:
        ctx.params.pop("sort", None)
    sort = ctx.args()["sort"]
    if ctx.fault("post-sort-unanswered-refused") and sort == "unanswered":
        raise invalid_param("sort", "must be one of recent, popular")
    rows = ctx.db.all(
        queries.POSTS_SELECT + " WHERE p.space_id = ? AND p.status = 'publish'", (space_id,)
    )
    if not ctx.fault("scheduled-posts-listed-early"):  # published_at not compared with now
        rows = [row for row in rows if ctx.is_live(row)]
    if ctx.fault("drafts-in-space-list"):  # the status filter lets drafts through
        rows += ctx.db.all(
            queries.POSTS_SELECT + " WHERE p.space_id = ? AND p.status = 'draft'", (space_id,)
        )
    return list_posts(ctx, rows, sort, f"posts:{space_id}:{sort}")


POST_WRITE_ARGS = [
    Arg("tags", "array", items="string-or-integer", description="Tag slugs or ids."),
    Arg("status", enum=("publish", "draft"), description="publish or draft"),
]


@route(
    "POST",
    "/spaces/<id:space_id>/posts",
    auth=REQUIRED,
    name="create",
    args=[
        Arg("title", required=True, max_length=300),
        Arg("content", required=True),
        *POST_WRITE_ARGS,
        Arg("published_at", "date-time"),
        Arg("captcha_token", required="conditional"),
    ],
)
def create_post(ctx: Ctx, space_id: int) -> Result:
    ctx.space(space_id)
    if ctx.fault("post-title-not-required") and ctx.params.get("title") is None:
        ctx.params["title"] = "Untitled"
    if ctx.fault("post-published-at-refused") and "published_at" in ctx.params:
        raise invalid_param("published_at", "is not a known parameter")
    args = ctx.args()
    args["content"] = content.stored_html(ctx.identity, args["content"])
    tags = content.check_tags(ctx.db, args.get("tags", []))
    editorial = ctx.fault("post-status-defaults-to-draft") and ctx.identity.can_moderate
    default_status = "draft" if editorial else "publish"
    status = content.initial_status(ctx.identity, args.get("status") or default_status)
    with ctx.db.transaction() as db:
        now = clock.now_iso()
        published = clock.iso(args["published_at"]) if args.get("published_at") else None
        if published is None and status == "publish":
            published = now
        post_id = db.execute(
            "INSERT INTO posts (space_id, author_id, title, content, status, created_at, "
            "updated_at, published_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (space_id, ctx.user_id, args["title"], args["content"], status, now, now, published),
        )
        content.set_tags(db, post_id, tags)
        if status == "publish":
            events.post_published(db, post_id, ctx.user_id, space_id, args["title"])
    return Result(ser.post(ctx, ctx.post(post_id)), 201)


@route("GET", "/posts/drafts", auth=REQUIRED, name="drafts")
def drafts(ctx: Ctx) -> Result:
    rows = ctx.db.all(
        queries.POSTS_SELECT + " WHERE p.author_id = ? AND p.status = 'draft' ORDER BY p.id DESC",
        (ctx.user_id,),
    )
    rows = [row for row in rows if ctx.can_see_post(row)]
    if ctx.fault("drafts-of-everyone-listed"):  # the author filter forgotten
        rows = ctx.db.all(queries.POSTS_SELECT + " WHERE p.status = 'draft' ORDER BY p.id DESC")
    listing = full_list(ser.posts(ctx, rows))
    return Result(listing.body(), headers=listing.headers)


@route("GET", "/posts/<id:id>", auth=PUBLIC, name="get")
def get_post(ctx: Ctx, id: int) -> Result:
    if ctx.fault("closed-space-posts-readable-by-id"):
        row = queries.post_row(ctx.db, id)
        if row is not None and ctx.is_live(row):
            return Result(ser.post(ctx, row))
    post = dialect.viewed(ctx, ctx.post(id))
    if ctx.fault("closed-space-posts-hidden-from-members"):
        space = queries.space_row(ctx.db, int(post["space_id"]))
        if space is None or (space["visibility"] != "public" and not ctx.identity.can_moderate):
            raise not_found("Post")
    body = ser.post(ctx, post)
    if ctx.fault("post-read-without-vote-counts"):  # the counts shown in lists only
        body = {k: v for k, v in body.items() if k not in ("upvotes", "downvotes", "vote_score")}
    return Result(body)


@route(
    "PATCH",
    "/posts/<id:id>",
    auth=AUTHOR_OR_MODERATOR,
    name="update",
    args=[
        Arg("title", max_length=300),
        Arg("content"),
        *POST_WRITE_ARGS,
    ],
)
def update_post(ctx: Ctx, id: int) -> Result:
    post = ctx.post(id)
    args = ctx.args()
    if isinstance(args.get("content"), str):
        args["content"] = content.stored_html(ctx.identity, args["content"])
    tags = content.check_tags(ctx.db, args["tags"]) if "tags" in args else None
    if ctx.fault("post-edit-ignores-tags"):
        tags = None
    if "title" in args and not args["title"].strip():
        raise invalid_param("title", "must not be empty")
    if not ctx.fault("post-edit-open-to-any-member"):
        ctx.require(ctx.can_edit(int(post["author_id"]), int(post["space_id"])))
    with ctx.db.transaction() as db:
        now = clock.now_iso()
        fields: dict[str, Any] = {k: args[k] for k in ("title", "content") if k in args}
        new_status = _patched_status(ctx, post, args.get("status"))
        if new_status != post["status"]:
            fields["status"] = new_status
            if new_status == "publish" and not post["published_at"]:
                fields["published_at"] = now
        fields["updated_at"] = now
        sets = ", ".join(f"{name} = ?" for name in fields)
        db.execute(f"UPDATE posts SET {sets} WHERE id = ?", [*fields.values(), id])
        if tags is not None:
            if ctx.fault("post-edit-appends-tags"):  # the old tags kept, the new ones added
                old = db.all("SELECT tag_id FROM post_tags WHERE post_id = ?", (id,))
                tags = [int(row["tag_id"]) for row in old] + tags
            content.set_tags(db, id, tags)
        if new_status == "publish" and post["status"] != "publish":
            events.post_published(
                db,
                id,
                int(post["author_id"]),
                int(post["space_id"]),
                fields.get("title", post["title"]),
            )
    return Result(ser.post(ctx, ctx.post(id)))


def _patched_status(ctx: Ctx, post: Row, wanted: str | None) -> str:
    current = post["status"]
    if wanted is None or wanted == current:
        return str(current)
    if wanted == "draft":
        return "draft"
    # wanted == "publish"
    if ctx.identity.can_moderate:
        return "publish"
    if current in ("draft", "pending"):
        author = ctx.db.one("SELECT trust_level FROM users WHERE id = ?", (post["author_id"],))
        return "pending" if author and author["trust_level"] == "new_member" else "publish"
    return str(current)


@route("DELETE", "/posts/<id:id>", auth=AUTHOR_OR_MODERATOR, name="delete")
def delete_post(ctx: Ctx, id: int) -> Result:
    post = ctx.post(id)
    ctx.require(ctx.can_edit(int(post["author_id"]), int(post["space_id"])))
    if ctx.fault("deleted-post-still-readable"):  # answers success, deletes nothing
        return Result(ser.deleted(id))
    with ctx.db.transaction() as db:
        content.delete_posts(db, [id])
    return Result(ser.deleted(id))


@route(
    "POST",
    "/posts/<id:id>/close",
    auth=AUTHOR_OR_MODERATOR,
    name="close",
    args=[
        Arg("closed", "boolean", default=True, description="false re-opens the post"),
    ],
)
def close_post(ctx: Ctx, id: int) -> Result:
    post = ctx.post(id)
    closed = ctx.args()["closed"]
    ctx.require(ctx.can_edit(int(post["author_id"]), int(post["space_id"])))
    if ctx.fault("post-close-moderators-only"):
        ctx.require(ctx.identity.can_moderate, "Only moderators can close posts.")
    with ctx.db.transaction() as db:
        db.execute(
            "UPDATE posts SET is_closed = ?, updated_at = ? WHERE id = ?",
            (int(closed), clock.now_iso(), id),
        )
    return Result(ser.post(ctx, ctx.post(id)))


@route("POST", "/posts/<id:id>/pin", auth=MODERATOR, name="pin")
def pin_post(ctx: Ctx, id: int) -> Result:
    ctx.post(id)
    ctx.require(ctx.identity.can_moderate)
    if ctx.fault("pin-checks-moderator-role"):
        ctx.require(ctx.identity.role == "moderator", "Only moderators can pin posts.")
    with ctx.db.transaction() as db:
        if ctx.fault("pin-does-not-unpin"):
            db.execute("UPDATE posts SET is_pinned = 1 WHERE id = ?", (id,))
        else:
            db.execute("UPDATE posts SET is_pinned = 1 - is_pinned WHERE id = ?", (id,))
    return Result(ser.post(ctx, ctx.post(id)))


@route(
    "POST",
    "/posts/<id:id>/move",
    auth=MODERATOR,
    name="move",
    args=[
        Arg("target_space_id", "id", required=True),
    ],
)
def move_post(ctx: Ctx, id: int) -> Result:
    ctx.post(id)
    target = ctx.args()["target_space_id"]
    if queries.space_row(ctx.db, target) is None:
        if not ctx.fault("post-move-target-not-checked"):
            raise not_found("Target space")
        target = ctx.post(id)["space_id"]  # an UPDATE joined on spaces: changes nothing
    ctx.require(ctx.identity.can_moderate)
    if ctx.fault("move-ignored"):
        target = ctx.post(id)["space_id"]
    with ctx.db.transaction() as db:
        db.execute(
            "UPDATE posts SET space_id = ?, updated_at = ? WHERE id = ?",
            (target, clock.now_iso(), id),
        )
    return Result(ser.post(ctx, ctx.post(id)))


@route(
    "POST",
    "/posts/<id:id>/merge",
    auth=MODERATOR,
    name="merge",
    args=[
        Arg("target_post_id", "id", required=True),
    ],
)
def merge_post(ctx: Ctx, id: int) -> Result:
    source = ctx.post(id)
    target_id = ctx.args()["target_post_id"]
    target = queries.post_row(ctx.db, target_id)
    if target is None or not ctx.can_see_post(target):
        raise not_found("Target post")
    if target_id == id:
        raise invalid_param("target_post_id", "must differ from the post being merged")
    ctx.require(ctx.identity.can_moderate)
    with ctx.db.transaction() as db:
        if target["accepted_reply_id"] is None and source["accepted_reply_id"] is not None:
            db.execute(
                "UPDATE posts SET accepted_reply_id = ? WHERE id = ?",
                (source["accepted_reply_id"], target_id),
            )
        else:
            db.execute("UPDATE replies SET is_accepted = 0 WHERE post_id = ?", (id,))
        db.execute("UPDATE posts SET accepted_reply_id = NULL WHERE id = ?", (id,))
        if not ctx.fault("merge-leaves-replies-behind"):
            db.execute("UPDATE replies SET post_id = ? WHERE post_id = ?", (target_id, id))
        db.execute("UPDATE posts SET updated_at = ? WHERE id = ?", (clock.now_iso(), target_id))
        content.delete_posts(db, [id])
    return Result(ser.post(ctx, ctx.post(target_id)))


@route(
    "GET",
    "/link-preview",
    auth=REQUIRED,
    name="link_preview",
    args=[
        Arg("url", required=True, max_length=2048, description="http(s) URL to preview"),
    ],
)
def link_preview(ctx: Ctx) -> Result:
    url = ctx.args()["url"].strip()
    if ctx.fault("link-preview-requires-regular-trust"):
        ctx.require(ctx.identity.trust_level not in ("new_member", "member"), "Not trusted yet.")
    policy = linkpreview.FetchPolicy.of_server(ctx.config.link_preview_allow, ctx.request.environ)
    preview = linkpreview.fetch(url, policy)
    if ctx.fault("link-preview-drops-description-and-image"):  # only the title kept
        preview = {**preview, "description": None, "image": None}
    return Result(preview)
