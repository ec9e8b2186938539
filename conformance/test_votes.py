"""Votes: cast, toggle, switch and remove on posts and replies (reference: Votes).

The reference promises that a post is read "including vote counts" and that re-casting a
vote toggles it off, without naming a field. The checks therefore observe by behaviour: they
read the post (``GET /posts/{id}``) or the reply (its entry in ``GET /posts/{id}/replies``)
twice (what moves on its own, such as a view counter, is left out), vote, read again and
look at what changed: a vote moves JSON integers by one; re-casting it or removing it brings
the object back to where it was. The answer to a vote is never read: the reference does not
describe it (a vote result, the voted object...).

Votes are cast on someone else's content (regular votes on member's posts, member on
regular's replies), so a server that forbids self-votes does not break the checks.
"""

from __future__ import annotations

from typing import Any

import pytest

from pytest_jetonomy import expect, spellings
from pytest_jetonomy.client import ApiResponse, JetonomyClient
from pytest_jetonomy.expect import DELETED, SUCCESS
from pytest_jetonomy.observe import (
    Change,
    Observation,
    Reader,
    changes,
    describe,
    integer_moves,
    item_reader,
    object_reader,
)

from .examples import Examples


def post_reader(client: JetonomyClient, post_id: int) -> Reader:
    return object_reader(client, f"/posts/{post_id}", f"post {post_id}")


def reply_reader(client: JetonomyClient, post_id: int, reply_id: int) -> Reader:
    return item_reader(client, f"/posts/{post_id}/replies", reply_id, f"reply {reply_id}")


def cast(client: JetonomyClient, path: str, value: Any) -> ApiResponse:
    response = client.post(path, json={"value": value})
    expect.status(response, SUCCESS, why=f"vote {value!r} recorded")  # no status is given
    return response


def remove(client: JetonomyClient, path: str) -> ApiResponse:
    response = client.delete(path)
    expect.status(response, DELETED, why="vote removed")
    return response


def expect_moved_by_one(moved: list[Change], reader: Reader, what: str) -> list[Change]:
    """A vote moved at least one JSON integer by exactly one and none by more; the counts
    that moved are returned (a count that moved but is not a JSON integer fails)."""
    ints, untyped = integer_moves(moved)
    expect.that(
        not untyped,
        f"{what}: the counts that moved are JSON integers",
        reader.last,
        detail="moved, but not as JSON integers: " + describe(untyped),
    )
    ones = [c for c in ints if abs(c.step or 0) == 1]
    more = [c for c in ints if abs(c.step or 0) > 1]
    expect.that(
        bool(ones) and not more,
        f"{what}: a JSON integer moved by exactly one, and none by more",
        reader.last,
        detail=describe(moved),
    )
    return ints


def expect_back(seen: Observation, reader: Reader, what: str) -> None:
    back = seen.diff(reader())
    expect.that(not back, what, reader.last, detail="still changed: " + describe(back))


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
    read = post_reader(regular, post_id)
    seen = Observation.take(read)
    refused = regular.post(f"/posts/{post_id}/vote", json={"value": value})
    expect.error(refused, 400, "jetonomy_invalid_param")
    expect_back(seen, read, f"the post unchanged by the refused value {value!r}")


@pytest.mark.requirement("JT-BEHAV-076")
@pytest.mark.parametrize("value", [pytest.param(1, id="upvote"), pytest.param(-1, id="downvote")])
def test_vote_moves_the_post_counts_by_one(value: int, examples: Examples) -> None:
    """Read, vote, read: a JSON integer of the post moved by exactly one, none by more."""
    regular = examples.client("regular")
    post_id = examples.fresh("post")
    read = post_reader(regular, post_id)
    seen = Observation.take(read)
    cast(regular, f"/posts/{post_id}/vote", value)
    moved = seen.diff(read())
    expect_moved_by_one(moved, read, f"the post read after the vote {value}")


@pytest.mark.requirement("JT-BEHAV-003")
@pytest.mark.parametrize("value", [pytest.param(1, id="upvote"), pytest.param(-1, id="downvote")])
def test_recasting_the_same_vote_removes_it(value: int, examples: Examples) -> None:
    """Re-casting the same value toggles the vote off: the post is back as before the vote."""
    regular = examples.client("regular")
    post_id = examples.fresh("post")
    read = post_reader(regular, post_id)
    path = f"/posts/{post_id}/vote"
    seen = Observation.take(read)
    cast(regular, path, value)
    moved = seen.diff(read())
    expect.that(moved, f"the vote {value} changed the post", read.last, detail=describe(moved))
    cast(regular, path, value)
    expect_back(seen, read, f"re-casting {value}: the post as before the first vote")


def expect_switch(client: JetonomyClient, read: Reader, path: str, first: int, what: str) -> None:
    """``first`` then the opposite value is the same as a plain opposite value (a switch, not
    two votes nor a removal): state S after the two votes; the vote removed (the object back as
    before); state D after a plain opposite vote; S equals D and differs from before."""
    seen = Observation.take(read)
    cast(client, path, first)
    cast(client, path, -first)
    switched = read()
    moved = seen.diff(switched)
    expect.that(
        moved,
        f"{first} then {-first}: the {what} holds a vote (it differs from before)",
        read.last,
        detail=f"the {what} is as before the votes: the switch removed the vote",
    )
    remove(client, path)
    expect_back(seen, read, f"the {what} as before once the vote is removed")
    cast(client, path, -first)
    differ = changes(switched, read(), seen.drift)
    expect.that(
        not differ,
        f"{first} then {-first} gives the {what} the same state as a plain {-first}",
        read.last,
        detail=f"after {first} then {-first} vs after {-first} alone: " + describe(differ),
    )


@pytest.mark.requirement("JT-BEHAV-081")
def test_opposite_vote_switches(examples: Examples) -> None:
    """On a post: 1 then -1 is the same as a plain -1."""
    regular = examples.client("regular")
    post_id = examples.fresh("post")
    expect_switch(regular, post_reader(regular, post_id), f"/posts/{post_id}/vote", 1, "post")


@pytest.mark.requirement("JT-BEHAV-005")
def test_delete_removes_post_vote(examples: Examples) -> None:
    """DELETE /posts/{id}/vote after an upvote: the post is back as before the vote."""
    regular = examples.client("regular")
    post_id = examples.fresh("post")
    read = post_reader(regular, post_id)
    path = f"/posts/{post_id}/vote"
    seen = Observation.take(read)
    cast(regular, path, 1)
    moved = seen.diff(read())
    expect.that(moved, "the upvote changed the post", read.last, detail=describe(moved))
    remove(regular, path)
    expect_back(seen, read, "the post read after DELETE: as before the vote")


# -- replies -----------------------------------------------------------------------------------
def fresh_reply(examples: Examples) -> tuple[JetonomyClient, Reader, str]:
    """member, a reader of a fresh reply by regular (on member's fresh post), its vote path."""
    member = examples.client("member")
    reply_id = examples.fresh("reply")
    post_id = examples.fresh("post")
    return member, reply_reader(member, post_id, reply_id), f"/replies/{reply_id}/vote"


@pytest.mark.requirement("JT-BEHAV-082")
def test_reply_vote_recast_removes_it(examples: Examples) -> None:
    """On a reply: 1 moves a count by one; 1 again brings the reply back as before."""
    member, read, path = fresh_reply(examples)
    seen = Observation.take(read)
    cast(member, path, 1)
    expect_moved_by_one(seen.diff(read()), read, "the reply after an upvote")
    cast(member, path, 1)
    expect_back(seen, read, "the same upvote again: the reply as before the vote")


@pytest.mark.requirement("JT-BEHAV-081")
def test_reply_opposite_vote_switches(examples: Examples) -> None:
    """On a reply: -1 then 1 is the same as a plain 1."""
    member, read, path = fresh_reply(examples)
    expect_switch(member, read, path, -1, "reply")


@pytest.mark.requirement("JT-BEHAV-007")
def test_delete_removes_reply_vote(examples: Examples) -> None:
    """DELETE /replies/{id}/vote after a downvote: the reply is back as before the vote."""
    member, read, path = fresh_reply(examples)
    seen = Observation.take(read)
    cast(member, path, -1)
    moved = seen.diff(read())
    expect.that(moved, "the downvote changed the reply", read.last, detail=describe(moved))
    remove(member, path)
    expect_back(seen, read, "the reply read after DELETE: as before the vote")


# -- reading reflects votes --------------------------------------------------------------------
def judge_two_readers(
    voter: tuple[Observation, Reader],
    other: tuple[Observation, Reader],
    what: str,
) -> tuple[list[Change], list[Change]]:
    """After a vote: the other user reads the same moved counts as the voter, and the voter's
    view changed in at least one more place (the caller's own vote). Returns (the counts both
    read, what only the voter's view changed)."""
    voter_seen, voter_read = voter
    other_seen, other_read = other
    mine = voter_seen.diff(voter_read())
    theirs = other_seen.diff(other_read())
    both = [c for c in mine if c in theirs]
    shared_counts = [c for c in both if c.step is not None]
    expect.that(
        shared_counts,
        f"the voter and another user read the same vote counts of the {what} moved",
        other_read.last,
        detail=f"the voter's view: {describe(mine)}; the other user's view: {describe(theirs)}",
    )
    strange = [c for c in theirs if c.step is not None and c not in mine]
    expect.that(
        not strange,
        f"another user reads the {what}'s counts as the voter does",
        other_read.last,
        detail=f"only the other user's view moved: {describe(strange)}; "
        f"the voter's view: {describe(mine)}",
    )
    own = [c for c in mine if c not in theirs]
    expect.that(
        own,
        f"the voter's view of the {what} shows their own vote (it changed in a place the "
        "other user's view did not)",
        voter_read.last,
        detail=f"both views changed alike: {describe(mine)}",
    )
    return shared_counts, own


@pytest.mark.requirement("JT-BEHAV-008")
def test_post_read_reflects_votes(examples: Examples) -> None:
    """After regular votes on a post, regular and admin read the same moved counts, and
    regular's view also shows regular's own vote (admin's does not)."""
    regular = examples.client("regular")
    post_id = examples.fresh("post")
    voter = post_reader(regular, post_id)
    other = post_reader(examples.client("admin"), post_id)
    voter_seen, other_seen = Observation.take(voter), Observation.take(other)
    cast(regular, f"/posts/{post_id}/vote", 1)
    counted, own = judge_two_readers((voter_seen, voter), (other_seen, other), "post")
    spellings.at("post.votes", *(c.path for c in counted))
    spellings.at("post.my_vote", *(c.path for c in own))


@pytest.mark.requirement("JT-BEHAV-008")
def test_reply_read_reflects_votes(examples: Examples) -> None:
    """After member votes on a reply, member and admin read the same moved counts in the
    replies list, and member's view also shows member's own vote."""
    member = examples.client("member")
    reply_id = examples.fresh("reply")
    post_id = examples.fresh("post")
    voter = reply_reader(member, post_id, reply_id)
    other = reply_reader(examples.client("admin"), post_id, reply_id)
    voter_seen, other_seen = Observation.take(voter), Observation.take(other)
    cast(member, f"/replies/{reply_id}/vote", 1)
    counted, own = judge_two_readers((voter_seen, voter), (other_seen, other), "reply")
    spellings.at("reply.votes", *(c.path for c in counted))
    spellings.at("reply.my_vote", *(c.path for c in own))
