"""Activity since a timestamp, for live-update polling."""

from __future__ import annotations

from typing import Any

from .. import clock
from ..context import Ctx, Result
from ..errors import missing_params
from ..pagination import full_list
from ..params import Arg
from ..routing import REQUIRED, route

MAX_ITEMS = 500


@route(
    "GET",
    "/updates",
    auth=REQUIRED,
    name="poll",
    args=[
        Arg("since", "date-time", required=True, description="Only activity after this time"),
        Arg("scope", enum=("global", "space", "post"), default="global"),
        Arg("id", "id", required="conditional", description="Space or post id for those scopes"),
    ],
)
def updates(ctx: Ctx) -> Result:
    if ctx.fault("updates-since-optional") and "since" not in ctx.params:
        ctx.params["since"] = "1970-01-01T00:00:00Z"  # a missing since read as "everything"
    if ctx.fault("unparsable-since-read-as-now"):
        try:
            clock.parse_iso(str(ctx.params.get("since")))
        except ValueError:
            ctx.params["since"] = clock.now_iso()
    args = ctx.args()
    scope = args["scope"]
    if ctx.fault("updates-scope-id-optional") and "id" not in args:
        scope = "global"  # a space or post scope without id read as global
    if scope != "global" and "id" not in args:
        raise missing_params(["id"])  # required when scope is space or post
    if scope == "space":
        ctx.space(args["id"])
    elif scope == "post":
        ctx.post(args["id"])
    after = clock.floor_iso(args["since"])  # stored seconds > floor(since) <=> strictly after
    if ctx.fault("updates-since-ignored"):  # since validated, never compared
        after = ""
    where, params = "", [after]
    if scope == "space":
        where, params = " AND p.space_id = ?", [after, args["id"]]
    elif scope == "post":
        where, params = " AND p.id = ?", [after, args["id"]]
    if ctx.fault("updates-scope-ignored"):  # the scope's condition forgotten
        where, params = "", [after]
    spaces = {int(s["id"]): s for s in ctx.db.all("SELECT * FROM spaces")}
    events: list[tuple[tuple[int, int, int], dict[str, Any]]] = []

    def add(kind: str, obj: str, oid: int, space_id: int, post_id: int, at: str) -> None:
        rank = {"post": 0, "reply": 1}[obj]
        events.append(
            (
                (clock.epoch(at), rank, oid),
                {
                    "type": kind,
                    "object_type": obj,
                    "object_id": oid,
                    "space_id": space_id,
                    "post_id": post_id,
                    "created_at": at,
                },
            )
        )

    for p in ctx.db.all(
        "SELECT p.* FROM posts p WHERE (p.created_at > ? OR p.updated_at > ?)" + where,
        [after, *params],
    ):
        if not ctx.can_see_post(p, spaces.get(int(p["space_id"]))):
            continue
        if p["created_at"] > after:
            add(
                "post_created",
                "post",
                int(p["id"]),
                int(p["space_id"]),
                int(p["id"]),
                p["created_at"],
            )
        if p["updated_at"] > after and p["updated_at"] != p["created_at"]:
            add(
                "post_updated",
                "post",
                int(p["id"]),
                int(p["space_id"]),
                int(p["id"]),
                p["updated_at"],
            )
    for r in ctx.db.all(
        "SELECT r.*, p.space_id AS space_id FROM replies r JOIN posts p ON p.id = r.post_id "
        "WHERE (r.created_at > ? OR r.updated_at > ?)" + where,
        [after, *params],
    ):
        post = ctx.db.one("SELECT * FROM posts WHERE id = ?", (r["post_id"],))
        if post is None or not ctx.can_see_post(post, spaces.get(int(r["space_id"]))):
            continue
        if not ctx.can_see_status(r["status"], int(r["author_id"])):
            continue
        if r["created_at"] > after:
            add(
                "reply_created",
                "reply",
                int(r["id"]),
                int(r["space_id"]),
                int(r["post_id"]),
                r["created_at"],
            )
        if r["updated_at"] > after and r["updated_at"] != r["created_at"]:
            add(
                "reply_updated",
                "reply",
                int(r["id"]),
                int(r["space_id"]),
                int(r["post_id"]),
                r["updated_at"],
            )
    events.sort(key=lambda pair: pair[0])
    listing = full_list([item for _, item in events[-MAX_ITEMS:]])
    return Result(listing.body(), headers=listing.headers)
