"""Spaces: CRUD, membership (join, leave, roles) and invites."""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import replace
from typing import Any

from werkzeug.wrappers import Response

from .. import clock, content, queries
from .. import serializers as ser
from ..auth import register_url
from ..context import Ctx, Result
from ..errors import forbidden, invalid_param, not_found
from ..faults.cleanup import keeps_space
from ..pagination import paginate
from ..params import Arg, cursor_args
from ..routing import ADMIN, PUBLIC, REQUIRED, SPACE_ADMIN, RouteSpec, route
from ..storage import Row, Storage

VISIBILITIES = ("public", "private", "hidden")
JOIN_POLICIES = ("open", "approval", "invite")
MEMBER_ROLES = ("member", "moderator", "admin")
SPACE_SORTS = ("recent", "oldest", "name", "popular")
INVITE_DAYS = 7
_TYPE_RE = re.compile(r"^[a-z0-9_-]{1,32}$")

SPACE_FIELDS = [
    Arg("description", max_length=5000),
    Arg("type", max_length=32, description="discussion, qa, ideas, ..."),
    Arg("visibility", enum=VISIBILITIES),
    Arg("join_policy", enum=JOIN_POLICIES),
    Arg("icon", max_length=2048, nullable=True),
    Arg("settings", "object", description="Merged into the existing settings"),
    Arg("category_id", "id", nullable=True),
]


def merge_settings(current: str | None, changes: dict[str, Any]) -> str:
    """Keys not sent are kept; a key sent as null is removed."""
    try:
        merged = json.loads(current or "{}")
    except ValueError:
        merged = {}
    if not isinstance(merged, dict):
        merged = {}
    for key, value in changes.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    return json.dumps(merged)


def _check_space_fields(ctx: Ctx, args: dict[str, Any]) -> None:
    if "type" in args and not ctx.alt and not _TYPE_RE.match(args["type"]):
        raise invalid_param("type", "must be a short lowercase identifier such as discussion or qa")
    if "type" in args and not args["type"].strip():  # the alt dialect takes any label
        raise invalid_param("type", "must not be empty")
    if "name" in args and not args["name"].strip():
        raise invalid_param("name", "must not be empty")
    if args.get("category_id") is not None:
        if ctx.db.one("SELECT id FROM categories WHERE id = ?", (args["category_id"],)) is None:
            raise not_found("Category")


def _space_key(sort: str) -> Any:
    if sort == "oldest":
        return lambda r: (clock.epoch(r["created_at"]), r["id"])
    if sort == "name":
        return lambda r: (r["name"].casefold(), r["id"])
    if sort == "popular":
        return lambda r: (-r["member_count"], -r["post_count"], r["id"])
    return lambda r: (-clock.epoch(r["created_at"]), -r["id"])


@route(
    "GET",
    "/spaces",
    auth=PUBLIC,
    name="list",
    args=[
        *cursor_args(),
        Arg("sort", enum=SPACE_SORTS, default="recent"),
        Arg("visibility", enum=VISIBILITIES),
    ],
)
def list_spaces(ctx: Ctx) -> Result:
    args = ctx.args()
    rows = [row for row in ctx.db.all(queries.SPACES_SELECT) if _listed(ctx, row)]
    if "visibility" in args and not ctx.fault("visibility-filter-ignored"):
        if ctx.fault("visibility-filter-skips-access-check"):
            rows = ctx.db.all(queries.SPACES_SELECT)
        rows = [row for row in rows if row["visibility"] == args["visibility"]]
    sig = f"spaces:{args['sort']}:{args.get('visibility', '')}"
    listing = paginate(rows, _space_key(args["sort"]), ctx.page(), sig, lambda r, _: ser.space(r))
    return Result(listing.body(), headers=listing.headers)


def _listed(ctx: Ctx, row: Row) -> bool:
    """Whether GET /spaces shows the space to the caller (fault variants hook in here)."""
    if ctx.fault("private-spaces-listed-to-everyone") and row["visibility"] == "private":
        return True
    if ctx.fault("hidden-spaces-listed-to-everyone") and row["visibility"] == "hidden":
        return True
    if ctx.fault("closed-spaces-unlisted-for-members") and row["visibility"] != "public":
        return ctx.identity.can_moderate
    if ctx.fault("space-list-ignores-admin-bypass"):
        return row["visibility"] == "public" or ctx.is_member(int(row["id"]))
    return ctx.can_see_space(row)


def title_instead_of_name(spec: RouteSpec) -> RouteSpec:
    """Fault variant ``spaces-create-wants-title``: POST /spaces takes (and its index
    describes) a required ``title`` instead of the documented ``name``."""
    args = tuple(
        Arg("title", required=True, max_length=200, description="Title of the space")
        if arg.name == "name"
        else arg
        for arg in spec.args
    )
    read = spec.reads_as or (lambda parsed: parsed)

    def reads_as(parsed: dict[str, Any]) -> dict[str, Any]:
        parsed = dict(parsed)
        if "title" in parsed:
            parsed["name"] = parsed.pop("title")
        return read(parsed)

    return replace(spec, args=args, reads_as=reads_as)


@route(
    "POST",
    "/spaces",
    auth=ADMIN,
    name="create",
    args=[
        Arg("name", required=True, max_length=200),
        *SPACE_FIELDS,
    ],
)
def create_space(ctx: Ctx) -> Result:
    args = ctx.args()
    _check_space_fields(ctx, args)
    ctx.require(ctx.identity.is_admin, "Only administrators can create spaces.")
    with ctx.db.transaction() as db:
        now = clock.now_iso()
        slug = queries.unique_slug(db, "spaces", queries.slugify(args["name"]))
        space_id = db.execute(
            "INSERT INTO spaces (name, slug, description, type, visibility, join_policy, icon, "
            "settings, category_id, creator_id, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (
                args["name"].strip(),
                slug,
                args.get("description", ""),
                args.get("type", "discussion"),
                args.get("visibility", "public"),
                "open"
                if ctx.fault("create-space-ignores-join-policy")
                else args.get("join_policy", "open"),
                args.get("icon"),
                merge_settings("{}", args.get("settings", {})),
                args.get("category_id"),
                ctx.user_id,
                now,
            ),
        )
        db.execute(
            "INSERT INTO members (space_id, user_id, role, status, joined_at) "
            "VALUES (?, ?, 'admin', 'joined', ?)",
            (space_id, ctx.user_id, now),
        )
    row = queries.space_row(ctx.db, space_id)
    assert row is not None
    return Result(ser.space(row), 201)


@route("GET", "/spaces/<id:id>", auth=PUBLIC, name="get")
def get_space(ctx: Ctx, id: int) -> Result:
    if ctx.fault("closed-space-readable-by-id"):
        row = queries.space_row(ctx.db, id)
        if row is not None:
            return Result(ser.space(row))
    space = ctx.space(id)
    if ctx.fault("closed-space-refused-to-members") and space["visibility"] != "public":
        ctx.require(ctx.identity.can_moderate, "Only moderators can read this space.")
    body = ser.space(space)
    if ctx.fault("space-read-without-settings"):  # the list's columns only
        del body["settings"]
    if ctx.fault("space-counts-frozen"):  # the counters of a new space, never updated
        body.update(member_count=1, post_count=0)
    if ctx.fault("empty-space-settings-as-array") and body.get("settings") == {}:
        body["settings"] = []  # PHP's json_encode of an empty array
    return Result(body)


@route(
    "PATCH",
    "/spaces/<id:id>",
    auth=SPACE_ADMIN,
    name="update",
    args=[
        Arg("name", max_length=200),
        *SPACE_FIELDS,
    ],
)
def update_space(ctx: Ctx, id: int) -> Result:
    space = ctx.space(id)
    args = ctx.args()
    _check_space_fields(ctx, args)
    if ctx.fault("space-update-site-admins-only"):
        ctx.require(ctx.identity.is_admin, "Only administrators can change a space.")
    if not ctx.fault("space-update-open-to-any-member"):
        ctx.require(ctx.is_space_admin(id), "Only space admins can change a space.")
    fields: dict[str, Any] = {}
    for name in ("name", "description", "type", "visibility", "join_policy", "icon", "category_id"):
        if name in args:
            fields[name] = args[name].strip() if name == "name" else args[name]
    if ctx.fault("space-patch-resets-unsent-fields"):  # a PUT-like update
        defaults = {"type": "discussion", "visibility": "public", "join_policy": "open"}
        fields = {**defaults, **fields}
    if "settings" in args:
        current = "{}" if ctx.fault("space-settings-replaced") else space["settings"]
        fields["settings"] = merge_settings(current, args["settings"])
    if fields:
        with ctx.db.transaction() as db:
            sets = ", ".join(f"{name} = ?" for name in fields)
            db.execute(f"UPDATE spaces SET {sets} WHERE id = ?", [*fields.values(), id])
    return Result(ser.space(ctx.space(id)))


@route("DELETE", "/spaces/<id:id>", auth=ADMIN, name="delete")
def delete_space(ctx: Ctx, id: int) -> Result:
    ctx.space(id)
    ctx.require(ctx.identity.is_admin, "Only administrators can delete spaces.")
    if keeps_space(ctx):  # fault variants (faults/cleanup.py)
        return Result(ser.deleted(id))
    with ctx.db.transaction() as db:
        post_ids = [int(r["id"]) for r in db.all("SELECT id FROM posts WHERE space_id = ?", (id,))]
        if ctx.fault("space-delete-keeps-posts"):  # posts re-homed to the oldest other space
            heir = db.scalar("SELECT MIN(id) FROM spaces WHERE id != ?", (id,))
            db.execute("UPDATE posts SET space_id = ? WHERE space_id = ?", (heir, id))
            post_ids = []
        content.delete_posts(db, post_ids)
        db.execute("DELETE FROM subscriptions WHERE object_type = 'space' AND object_id = ?", (id,))
        db.execute("DELETE FROM spaces WHERE id = ?", (id,))
    return Result(ser.deleted(id))


# -- members --------------------------------------------------------------------------------
def _member_rows(db: Storage, space_id: int) -> list[Row]:
    return db.all(
        "SELECT m.*, u.id AS u_id FROM members m JOIN users u ON u.id = m.user_id "
        "WHERE m.space_id = ? AND m.status = 'joined'",
        (space_id,),
    )


def _member(db: Storage, space_id: int, user_id: int) -> dict[str, Any]:
    row = db.one("SELECT * FROM members WHERE space_id = ? AND user_id = ?", (space_id, user_id))
    user = db.one("SELECT * FROM users WHERE id = ?", (user_id,))
    assert row is not None
    return ser.member(row, user)


@route("GET", "/spaces/<id:id>/members", auth=PUBLIC, name="members", args=[*cursor_args()])
def list_members(ctx: Ctx, id: int) -> Result:
    ctx.space(id)
    rows = _member_rows(ctx.db, id)
    users = {
        int(u["id"]): u
        for u in ctx.db.all(
            "SELECT u.* FROM users u JOIN members m ON m.user_id = u.id WHERE m.space_id = ?", (id,)
        )
    }
    listing = paginate(
        rows,
        lambda r: (clock.epoch(r["joined_at"]), r["user_id"]),
        ctx.page(),
        f"members:{id}",
        lambda r, _: ser.member(r, users.get(int(r["user_id"]))),
    )
    if ctx.fault("members-listed-without-role"):
        for item in listing.items:
            del item["role"]
    return Result(listing.body(), headers=listing.headers)


def _valid_invite(db: Storage, token: str, space_id: int | None = None) -> Row | None:
    row = db.one("SELECT * FROM invites WHERE token = ?", (token,))
    if row is None or (space_id is not None and int(row["space_id"]) != space_id):
        return None
    if row["expires_at"] and row["expires_at"] <= clock.now_iso():
        return None
    return row


def _join(ctx: Ctx, space_id: int, status: str) -> tuple[str, str | None]:
    """Add the caller (joined or pending); existing members keep their role."""
    with ctx.db.transaction() as db:
        row = db.one(
            "SELECT * FROM members WHERE space_id = ? AND user_id = ?", (space_id, ctx.user_id)
        )
        if row is not None and row["status"] == "joined":
            return "joined", row["role"]
        if row is None:
            db.execute(
                "INSERT INTO members (space_id, user_id, role, status, joined_at) "
                "VALUES (?, ?, 'member', ?, ?)",
                (space_id, ctx.user_id, status, clock.now_iso()),
            )
        elif status == "joined":
            db.execute(
                "UPDATE members SET status = 'joined', joined_at = ? "
                "WHERE space_id = ? AND user_id = ?",
                (clock.now_iso(), space_id, ctx.user_id),
            )
    return status, "member" if status == "joined" else None


@route(
    "POST",
    "/spaces/<id:id>/members",
    auth=REQUIRED,
    name="join",
    args=[
        Arg("invite_token", max_length=200, description="Required for invite-only spaces"),
    ],
)
def join_space(ctx: Ctx, id: int) -> Result:
    space = queries.space_row(ctx.db, id)
    if space is None:
        raise not_found("Space")
    token = ctx.args().get("invite_token")
    invited = bool(token) and _valid_invite(ctx.db, token, id) is not None
    if not invited and not ctx.can_see_space(space):
        raise ctx.unseen("Space", id)
    already = ctx.is_member(id)
    policy = space["join_policy"]
    if policy == "open" and ctx.fault("open-join-left-pending"):
        policy = "approval"
    elif policy == "approval" and ctx.fault("approval-join-makes-member"):
        policy = "open"
    elif policy == "invite" and ctx.fault("invite-join-without-token"):
        policy = "open"
    if already or invited or policy == "open" or ctx.identity.is_admin:
        status, role = _join(ctx, id, "joined")
        return Result(ser.join_result(id, ctx.user_id, status, role), 200 if already else 201)
    if policy == "approval":
        status, role = _join(ctx, id, "pending")
        return Result(ser.join_result(id, ctx.user_id, status, role), 202)
    raise forbidden("This space is invite-only; a valid invite_token is required.")


@route("DELETE", "/spaces/<id:id>/members/<id:user_id>", auth=REQUIRED, name="leave")
def remove_member(ctx: Ctx, id: int, user_id: int) -> Result:
    ctx.space(id)
    row = ctx.db.one("SELECT * FROM members WHERE space_id = ? AND user_id = ?", (id, user_id))
    if row is None:
        raise not_found("Member")
    ctx.require(
        user_id == ctx.user_id
        or ctx.is_space_admin(id)
        or ctx.fault("member-removal-open-to-any-member"),
        "Only space admins can remove other members.",
    )
    if ctx.fault("space-admin-cannot-remove-member"):
        ctx.require(user_id == ctx.user_id, "Members can only remove themselves.")
    leaving = user_id == ctx.user_id
    with ctx.db.transaction() as db:
        if not (leaving and ctx.fault("leave-does-nothing")):
            db.execute("DELETE FROM members WHERE space_id = ? AND user_id = ?", (id, user_id))
    return Result(ser.deleted(user_id))


@route(
    "PATCH",
    "/spaces/<id:id>/members/<id:user_id>",
    auth=SPACE_ADMIN,
    name="role",
    args=[
        Arg("role", required=True, enum=MEMBER_ROLES),
    ],
)
def change_role(ctx: Ctx, id: int, user_id: int) -> Result:
    ctx.space(id)
    row = ctx.db.one("SELECT * FROM members WHERE space_id = ? AND user_id = ?", (id, user_id))
    if row is None:
        raise not_found("Member")
    role = ctx.args()["role"]
    ctx.require(ctx.is_space_admin(id), "Only space admins can change roles.")
    if ctx.fault("member-role-change-ignored"):
        role = row["role"]
    with ctx.db.transaction() as db:
        db.execute(
            "UPDATE members SET role = ?, status = 'joined' WHERE space_id = ? AND user_id = ?",
            (role, id, user_id),
        )
    return Result(_member(ctx.db, id, user_id))


@route(
    "POST",
    "/spaces/<id:id>/invite",
    auth=SPACE_ADMIN,
    name="invite",
    args=[
        Arg("expires_at", "date-time", nullable=True, description="Default: in 7 days"),
    ],
)
def create_invite(ctx: Ctx, id: int) -> Result:
    ctx.space(id)
    args = ctx.args()
    ctx.require(ctx.is_space_admin(id), "Only space admins can invite.")
    if "expires_at" in args:
        expires = clock.iso(args["expires_at"]) if args["expires_at"] is not None else None
    else:
        expires = clock.in_days(INVITE_DAYS)
    if ctx.fault("invite-token-reused"):  # one token per space, handed out again
        first = ctx.db.one(
            "SELECT * FROM invites WHERE space_id = ? ORDER BY created_at, rowid LIMIT 1", (id,)
        )
        if first is not None:
            return Result(ser.invite(first, invite_url(ctx, first["token"])), 201)
    token = secrets.token_urlsafe(18)
    with ctx.db.transaction() as db:
        db.execute(
            "INSERT INTO invites (token, space_id, created_by, created_at, expires_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (token, id, ctx.user_id, clock.now_iso(), expires),
        )
    row = ctx.db.one("SELECT * FROM invites WHERE token = ?", (token,))
    assert row is not None
    invite = ser.invite(row, invite_url(ctx, token))
    if ctx.fault("open-space-invite-not-stored") and ctx.space(id)["join_policy"] == "open":
        with ctx.db.transaction() as db:  # "anyone may join": the invite answered, not kept
            db.execute("DELETE FROM invites WHERE token = ?", (token,))
    return Result(invite, 201)


def invite_url(ctx: Ctx, token: str) -> str:
    return ctx.url(f"/wp-json/jetonomy/v1/invite/{token}")


@route("GET", "/invite/<token>", auth=PUBLIC, name="redeem")
def redeem_invite(ctx: Ctx, token: str) -> Result | Response:
    invite = _valid_invite(ctx.db, token)
    if invite is None:
        if ctx.fault("unknown-invite-token-is-invalid-param"):
            raise invalid_param("token", "is not a valid invite token")
        raise not_found("Invite")
    if ctx.identity.anonymous:
        if ctx.fault("anonymous-invite-redemption-401"):
            ctx.require_login()
        location = ctx.url(register_url(invite_url(ctx, token)))
        return Result(None, 302, {"Location": location})
    space_id = int(invite["space_id"])
    if ctx.fault("invite-redemption-does-not-join"):
        return Result(ser.join_result(space_id, ctx.user_id, "joined", "member"))
    status, role = _join(ctx, space_id, "joined")
    return Result(ser.join_result(space_id, ctx.user_id, status, role))
