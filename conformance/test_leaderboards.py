"""Leaderboards: the documented periods, and ranking by reputation.

Reference: Leaderboards (GET /leaderboards). Reads are the admin's (unlimited rate).
"""

from __future__ import annotations

from typing import Any

import pytest

from pytest_jetonomy import expect
from pytest_jetonomy.client import ApiResponse

from .community import list_items
from .examples import Examples

PERIODS = ["all", "month", "week"]


@pytest.mark.requirement("JT-BEHAV-057")
@pytest.mark.parametrize("period", PERIODS)
def test_leaderboard_period_is_accepted(examples: Examples, period: str) -> None:
    """GET /leaderboards?period=...: 200 and every entry a valid leaderboard entry."""
    response = examples.client("admin").get("/leaderboards", params={"period": period, "limit": 20})
    items = list_items(response, f"GET /leaderboards?period={period}")
    for index, entry in enumerate(items):
        expect.schema(entry, "leaderboard-entry", response, where=f"data/{index}")


def _check_ranking(items: list[Any], offset: int, response: ApiResponse) -> None:
    """Reputation never rises down the list; ranks start at offset + 1 and follow positions.

    Tied users may share a rank (competition or dense ranking) or not (1, 2, 3...): a rank is
    never above its position, rises only when reputation falls or stays, and a lower
    reputation always gets a higher rank.
    """
    previous: dict[str, Any] | None = None
    for position, entry in enumerate(items, start=offset + 1):
        rank, reputation = entry.get("rank"), entry.get("reputation")
        expect.that(
            isinstance(rank, int) and isinstance(reputation, int),
            "integer rank and reputation in every entry",
            response,
            detail=f"entry {position}: {entry}",
        )
        expect.that(
            1 <= rank <= position,
            f"rank between 1 and {position} at position {position} (ranks count from 1)",
            response,
            detail=f"entry {position}: rank {rank}",
        )
        if previous is None:
            if offset == 0:
                expect.that(rank == 1, "rank 1 for the first entry", response)
        else:
            expect.that(
                reputation <= previous["reputation"],
                "reputation highest first (never rising down the list)",
                response,
                detail=f"entry {position - 1}: {previous['reputation']}, "
                f"entry {position}: {reputation}",
            )
            if reputation < previous["reputation"]:
                expect.that(
                    rank > previous["rank"],
                    "a higher rank for a lower reputation",
                    response,
                    detail=f"ranks {previous['rank']} then {rank}",
                )
            else:
                expect.that(
                    rank in (previous["rank"], previous["rank"] + 1),
                    "tied users share a rank or take the next one",
                    response,
                    detail=f"ranks {previous['rank']} then {rank}",
                )
        previous = {"rank": rank, "reputation": reputation}


@pytest.mark.requirement("JT-BEHAV-058")
def test_leaderboard_ranks_by_reputation(examples: Examples) -> None:
    """Entries by non-increasing reputation with ranks from 1; an offset page continues them.

    regular upvotes member's fresh post first, so at least one user's reputation differs
    from a newcomer's 0 and the order can be seen.
    """
    post_id = examples.fresh("post")
    regular = examples.client("regular")
    voted = regular.post(f"/posts/{post_id}/vote", json={"value": 1})
    expect.status(voted, [200, 201], why="regular upvotes member's fresh post")
    examples.factory.defer(lambda: regular.delete(f"/posts/{post_id}/vote"))
    admin = examples.client("admin")
    first = admin.get("/leaderboards", params={"limit": 100})
    items = list_items(first, "GET /leaderboards")
    _check_ranking(items, 0, first)
    offset = 2
    later = admin.get("/leaderboards", params={"limit": 3, "offset": offset})
    page = list_items(later, f"GET /leaderboards?offset={offset}")
    _check_ranking(page, offset, later)
    for index, entry in enumerate(page):
        if offset + index >= len(items):
            break
        same = items[offset + index]
        if same.get("reputation") != entry.get("reputation"):
            continue  # reputations moved between the two reads (votes of parallel checks)
        expect.that(
            entry.get("rank") == same.get("rank"),
            f"the offset page's rank at position {offset + index + 1} equals the first "
            f"page's ({same.get('rank')})",
            later,
            detail=f"got rank {entry.get('rank')}",
        )
