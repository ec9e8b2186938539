"""Leaderboards: users ranked by reputation within a period."""

from __future__ import annotations

from .. import clock, queries
from .. import serializers as ser
from ..context import Ctx, Result
from ..errors import invalid_param
from ..pagination import paginate
from ..params import Arg, cursor_args
from ..routing import PUBLIC, route

PERIOD_DAYS = {"all": None, "month": 30, "week": 7}


@route(
    "GET",
    "/leaderboards",
    auth=PUBLIC,
    name="list",
    args=[
        *cursor_args(),
        Arg("period", enum=tuple(PERIOD_DAYS), default="all"),
    ],
)
def leaderboard(ctx: Ctx) -> Result:
    if ctx.fault("leaderboards-require-login"):
        ctx.require_login()
    if ctx.fault("leaderboard-week-period-refused") and ctx.params.get("period") == "week":
        raise invalid_param("period", "must be one of all, month")
    period = ctx.args()["period"]
    page = ctx.page()
    days = PERIOD_DAYS[period]
    scores = queries.reputations(ctx.db, clock.days_ago(days) if days else None)
    users = ctx.db.all("SELECT * FROM users")
    ranked = [(scores.get(int(u["id"]), 0), u) for u in users]
    unranked = ctx.fault("leaderboard-without-period-unranked") and "period" not in ctx.params
    sign = 1 if ctx.fault("leaderboard-lowest-first") else -1  # ASC instead of DESC
    listing = paginate(
        ranked,
        lambda pair: (0 if unranked else sign * pair[0], int(pair[1]["id"])),
        page,
        f"leaderboard:{period}",
        lambda pair, position: {
            "rank": position if ctx.fault("leaderboard-ranks-from-zero") else position + 1,
            "user": ser.author(pair[1])
            if not ctx.fault("leaderboard-users-by-name-only")  # the display name, no id
            else pair[1]["display_name"],
            "reputation": pair[0],
        },
    )
    return Result(listing.body(), headers=listing.headers)
