"""Tags: all tags with their counts, and tags per space."""

from __future__ import annotations

from .. import queries
from .. import serializers as ser
from ..context import Ctx, Result
from ..pagination import full_list
from ..params import Arg
from ..routing import PUBLIC, route


@route("GET", "/tags", auth=PUBLIC, name="list")
def list_tags(ctx: Ctx) -> Result:
    counts = queries.tag_counts(ctx.db)
    rows = ctx.db.all("SELECT * FROM tags ORDER BY name COLLATE NOCASE, id")
    if ctx.fault("tags-list-capped-at-20"):
        rows = rows[:20]
    if ctx.fault("tags-used-once-not-listed"):  # "used" read as count > 1, not count > 0
        rows = [row for row in rows if counts.get(int(row["id"]), 0) > 1]
    listing = full_list([ser.tag(row, counts.get(int(row["id"]), 0)) for row in rows])
    if ctx.fault("tags-listed-as-bare-names"):
        listing.items = [item["name"] for item in listing.items]
    return Result(listing.body(), headers=listing.headers)


@route(
    "GET",
    "/space-tags",
    auth=PUBLIC,
    name="space_tags",
    args=[
        Arg("space_id", "id", description="Only the tags of this space"),
    ],
)
def space_tags(ctx: Ctx) -> Result:
    if ctx.fault("space-tags-query-fails"):
        raise RuntimeError("no such table: wp_jetonomy_space_tags")  # answered as a 500
    args = ctx.args()
    if "space_id" in args:
        ctx.space(args["space_id"])
    rows = ctx.db.all(
        "SELECT t.*, p.space_id AS space_id, COUNT(*) AS n FROM post_tags pt "
        "JOIN posts p ON p.id = pt.post_id JOIN tags t ON t.id = pt.tag_id "
        "WHERE p.status = 'publish' GROUP BY p.space_id, t.id "
        "ORDER BY p.space_id, t.name COLLATE NOCASE, t.id"
    )
    spaces = {int(s["id"]): s for s in ctx.db.all("SELECT * FROM spaces")}
    items = []
    for row in rows:
        space_id = int(row["space_id"])
        if "space_id" in args and space_id != args["space_id"]:
            continue
        if space_id in spaces and ctx.can_see_space(spaces[space_id]):
            items.append({**ser.tag(row, int(row["n"])), "space_id": space_id})
    listing = full_list(items)
    return Result(listing.body(), headers=listing.headers)
