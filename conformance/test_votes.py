"""Votes: cast, toggle, switch and remove on posts and replies (reference: Votes).

Votes are cast on someone else's content (regular votes on member's posts, member on
regular's replies), so a server that forbids self-votes does not break the checks.
Each check reads the tallies before voting and compares with them afterwards.
"""

from __future__ import annotations

from typing import Any

import pytest

from pytest_jetonomy import expect
from pytest_jetonomy.client import ApiResponse, JetonomyClient

from .behaviours import DELETED, find, obj, read, tallies
from .examples import Examples

VOTE_OK = (200, 201)
"""The reference shows no status for a vote; a vote that is recorded may answer 200 or 201."""

State = tuple[Any, Any, Any, Any]
"""(upvotes, downvotes, vote_score, user_vote)"""


def post_state(client: JetonomyClient, post_id: int) -> tuple[State, ApiResponse]:
    body, response = read(client, f"/posts/{post_id}", f"post {post_id}")
    return tallies(body, response, f"post {post_id}"), response


def reply_state(client: JetonomyClient, post_id: int, reply_id: int) -> tuple[State, ApiResponse]:
    response = client.get(f"/posts/{post_id}/replies", params={"limit": 100})
    expect.status(response, 200, why=f"list the replies of post {post_id}")
    reply = find(response.items, reply_id)
    if reply is None:
        expect.fail(f"reply {reply_id} listed under post {post_id}", response)
    return tallies(reply, response, f"reply {reply_id}"), response


def cast(client: JetonomyClient, path: str, value: Any) -> tuple[State, ApiResponse]:
    response = client.post(path, json={"value": value})
    expect.status(response, VOTE_OK, why=f"vote {value!r} recorded")
    return tallies(obj(response, "a vote result"), response, "the vote result"), response


def remove(client: JetonomyClient, path: str) -> tuple[State | None, ApiResponse]:
    response = client.delete(path)
    expect.status(response, DELETED, why="vote removed")
    if response.status == 204 or not response.text.strip():
        return None, response
    return tallies(obj(response, "a vote result"), response, "the vote result"), response


def same(state: State | None, wanted: State, response: ApiResponse, what: str) -> None:
    """``state`` equals ``wanted`` (upvotes, downvotes, vote_score, user_vote)."""
    if state is None:
        return
    names = ("upvotes", "downvotes", "vote_score", "user_vote")
    differ = [
        f"{name} is {got!r}, expected {want!r}"
        for name, got, want in zip(names, state, wanted, strict=True)
        if got != want
    ]
    expect.that(not differ, what, response, detail="; ".join(differ))


def shifted(before: State, up: int, down: int, mine: int) -> State:
    """The tallies of ``before`` moved by ``up``/``down`` votes, with the caller's vote ``mine``."""
    return (before[0] + up, before[1] + down, before[2] + up - down, mine)


def baseline(before: State, response: ApiResponse) -> None:
    expect.that(
        all(isinstance(v, int) and not isinstance(v, bool) for v in before),
        "integer upvotes, downvotes, vote_score and user_vote",
        response,
    )
    expect.that(before[3] == 0, "no vote of the caller on fresh content (user_vote 0)", response)


# -- posts -------------------------------------------------------------------------------------
@pytest.mark.requirement("JT-BEHAV-001")
@pytest.mark.parametrize(
    "value",
    [
        pytest.param(0, id="value 0"),
        pytest.param(2, id="value 2"),
        pytest.param(-2, id="value -2"),
        pytest.param("up", id="value up"),
    ],
)
def test_vote_value_other_than_one_is_refused(value: Any, examples: Examples) -> None:
    """A vote value other than 1 or -1 is 400 jetonomy_invalid_param and changes nothing."""
    regular = examples.client("regular")
    post_id = examples.fresh("post")
    before, response = post_state(regular, post_id)
    baseline(before, response)
    refused = regular.post(f"/posts/{post_id}/vote", json={"value": value})
    expect.error(refused, 400, "jetonomy_invalid_param")
    after, response = post_state(regular, post_id)
    same(after, before, response, f"the post's votes unchanged by the refused value {value!r}")


@pytest.mark.requirement("JT-BEHAV-002")
def test_upvote_is_recorded(examples: Examples) -> None:
    """An upvote answers user_vote 1 and one more upvote; reading the post agrees."""
    regular = examples.client("regular")
    post_id = examples.fresh("post")
    before, response = post_state(regular, post_id)
    baseline(before, response)
    wanted = shifted(before, 1, 0, 1)
    result, response = cast(regular, f"/posts/{post_id}/vote", 1)
    same(result, wanted, response, "the vote result: user_vote 1 and one more upvote")
    after, response = post_state(regular, post_id)
    same(after, wanted, response, "the post read after the upvote: user_vote 1, one more upvote")


@pytest.mark.requirement("JT-BEHAV-003")
@pytest.mark.parametrize("value", [pytest.param(1, id="upvote"), pytest.param(-1, id="downvote")])
def test_recasting_the_same_vote_removes_it(value: int, examples: Examples) -> None:
    """Re-casting the same value toggles the vote off: tallies back to where they were."""
    regular = examples.client("regular")
    post_id = examples.fresh("post")
    before, response = post_state(regular, post_id)
    baseline(before, response)
    path = f"/posts/{post_id}/vote"
    first, response = cast(regular, path, value)
    up, down = (1, 0) if value == 1 else (0, 1)
    same(first, shifted(before, up, down, value), response, f"the first vote {value} recorded")
    second, response = cast(regular, path, value)
    same(second, before, response, f"re-casting {value}: user_vote 0 and the tallies as before")
    after, response = post_state(regular, post_id)
    same(after, before, response, "the post read after the toggle: no vote, tallies as before")


@pytest.mark.requirement("JT-BEHAV-004")
def test_opposite_vote_switches(examples: Examples) -> None:
    """1 then -1: the vote becomes a downvote (upvotes back, one more downvote)."""
    regular = examples.client("regular")
    post_id = examples.fresh("post")
    before, response = post_state(regular, post_id)
    baseline(before, response)
    path = f"/posts/{post_id}/vote"
    first, response = cast(regular, path, 1)
    same(first, shifted(before, 1, 0, 1), response, "the upvote recorded")
    wanted = shifted(before, 0, 1, -1)
    second, response = cast(regular, path, -1)
    same(second, wanted, response, "after -1: user_vote -1, upvotes back, one more downvote")
    after, response = post_state(regular, post_id)
    same(after, wanted, response, "the post read after switching: user_vote -1, one downvote")


@pytest.mark.requirement("JT-BEHAV-005")
def test_delete_removes_post_vote(examples: Examples) -> None:
    """DELETE /posts/{id}/vote after an upvote: no vote, tallies as before."""
    regular = examples.client("regular")
    post_id = examples.fresh("post")
    before, response = post_state(regular, post_id)
    baseline(before, response)
    path = f"/posts/{post_id}/vote"
    first, response = cast(regular, path, 1)
    same(first, shifted(before, 1, 0, 1), response, "the upvote recorded")
    result, response = remove(regular, path)
    same(result, before, response, "the answer to DELETE: user_vote 0, tallies as before")
    after, response = post_state(regular, post_id)
    same(after, before, response, "the post read after DELETE: no vote, tallies as before")


# -- replies -----------------------------------------------------------------------------------
@pytest.mark.requirement("JT-BEHAV-006")
def test_reply_votes_toggle_and_switch(examples: Examples) -> None:
    """On a reply: 1 records, 1 again removes, -1 then 1 switches to an upvote."""
    member = examples.client("member")
    reply_id = examples.fresh("reply")  # by regular, on member's fresh post
    post_id = examples.fresh("post")
    path = f"/replies/{reply_id}/vote"
    before, response = reply_state(member, post_id, reply_id)
    baseline(before, response)
    result, response = cast(member, path, 1)
    same(result, shifted(before, 1, 0, 1), response, "upvote on the reply: user_vote 1")
    result, response = cast(member, path, 1)
    same(result, before, response, "the same upvote again: user_vote 0, tallies as before")
    state, response = reply_state(member, post_id, reply_id)
    same(state, before, response, "the reply read after the toggle: no vote, tallies as before")
    result, response = cast(member, path, -1)
    same(result, shifted(before, 0, 1, -1), response, "downvote on the reply: user_vote -1")
    wanted = shifted(before, 1, 0, 1)
    result, response = cast(member, path, 1)
    same(result, wanted, response, "-1 then 1: user_vote 1 with the downvote gone")
    state, response = reply_state(member, post_id, reply_id)
    same(state, wanted, response, "the reply read after switching: user_vote 1, no downvote")


@pytest.mark.requirement("JT-BEHAV-007")
def test_delete_removes_reply_vote(examples: Examples) -> None:
    """DELETE /replies/{id}/vote after a downvote: no vote, tallies as before."""
    member = examples.client("member")
    reply_id = examples.fresh("reply")
    post_id = examples.fresh("post")
    path = f"/replies/{reply_id}/vote"
    before, response = reply_state(member, post_id, reply_id)
    baseline(before, response)
    result, response = cast(member, path, -1)
    same(result, shifted(before, 0, 1, -1), response, "downvote on the reply recorded")
    result, response = remove(member, path)
    same(result, before, response, "the answer to DELETE: user_vote 0, tallies as before")
    state, response = reply_state(member, post_id, reply_id)
    same(state, before, response, "the reply read after DELETE: no vote, tallies as before")


# -- reading reflects votes --------------------------------------------------------------------
@pytest.mark.requirement("JT-BEHAV-008")
def test_post_read_reflects_votes(examples: Examples) -> None:
    """After a vote, the voter reads the vote answer's tallies and own vote on the post; another
    user reads the same tallies with their own (absent) vote."""
    regular = examples.client("regular")
    post_id = examples.fresh("post")
    result, response = cast(regular, f"/posts/{post_id}/vote", -1)
    expect.that(result[3] == -1, "the vote result to show user_vote -1", response)
    state, response = post_state(regular, post_id)
    same(state, result, response, "GET /posts/{id} as the voter to agree with the vote answer")
    other, response = post_state(examples.client("admin"), post_id)
    same(other, result[:3] + (0,), response, "another user to read the tallies and user_vote 0")


@pytest.mark.requirement("JT-BEHAV-008")
def test_reply_read_reflects_votes(examples: Examples) -> None:
    """After a vote on a reply, the replies list shows the voter the vote answer's values."""
    member = examples.client("member")
    reply_id = examples.fresh("reply")
    post_id = examples.fresh("post")
    result, response = cast(member, f"/replies/{reply_id}/vote", 1)
    expect.that(result[3] == 1, "the vote result to show user_vote 1", response)
    state, response = reply_state(member, post_id, reply_id)
    same(state, result, response, "the replies list as the voter to agree with the vote answer")
    other, response = reply_state(examples.client("admin"), post_id, reply_id)
    same(other, result[:3] + (0,), response, "another user to read the tallies and user_vote 0")
