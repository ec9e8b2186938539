"""Moderation: the queue, approve, spam, trash, flags and bans.

Reference: Moderation (all need jetonomy_moderate; the moderator acts). The reference names
no field of a queue item, a flag or a ban but its ``id``, and documents no body for
POST /flags and POST /moderation/ban: the checks find items by value (the id and the unique
title the suite sent), judge what a reader can see, and send those bodies fitted to the
target's route index (``examples.fresh("flag")``, ``examples.fresh("ban")``).

The reference does not say when content waits for review: new_member's content is checked
in the queue only if the target holds it there. Bans touch new_member only, are always
lifted afterwards, and run on the rate-limit checks' xdist worker
(``jetonomy_exhausts_rate_limit``), as do the queue checks that write as new_member (a ban in
parallel would refuse them).
"""

from __future__ import annotations

from typing import Any

import pytest

from pytest_jetonomy import expect, lists
from pytest_jetonomy.client import ApiResponse
from pytest_jetonomy.expect import CREATED, DELETED, REFUSED, SUCCESS
from pytest_jetonomy.factories import created, post_payload, reply_payload
from pytest_jetonomy.lists import walk
from pytest_jetonomy.observe import by_id, holds, holds_text, matches

from .examples import Examples

QUEUE = "/moderation/queue"
FLAGS = "/moderation/flags"
SPACE_PAGES = 3
"""Pages of a space's posts read (newest first) to see that a fresh post is not listed."""


# -- helpers ------------------------------------------------------------------------------------
def queue(examples: Examples) -> tuple[list[Any], ApiResponse]:
    walked = walk(examples.client("moderator"), QUEUE, what=f"GET {QUEUE}")
    return walked.items, walked.last


def queued(items: list[Any], post_id: int, title: str) -> Any:
    """The queue entry of a post: the entry holding its id and its unique title (the queue
    holds posts and replies, whose ids may coincide); failing that, an entry whose own id is
    the post's and that says ``post`` (the word the reference uses for the item type)."""
    for item in items:
        if holds(item, post_id) and holds_text(item, title):
            return item
    for item in items:
        if isinstance(item, dict) and matches(item.get("id"), post_id) and holds(item, "post"):
            return item
    return None


def new_post(examples: Examples, role: str) -> tuple[int, str, ApiResponse]:
    """A post by ``role`` in the public world space (deleted after the test): id, title, answer.
    Skips when the target does not let ``role`` post there."""
    title = examples.resolve("@text.title")
    response = examples.client(role).post(
        f"/spaces/{examples.world['spaces']['public']}/posts",
        json=post_payload(examples.prefix, examples.factory.faker, title=title),
    )
    if response.status in (401, 403):
        pytest.skip(
            f"the target does not let {role} post in the public space (HTTP {response.status}), "
            f"so the check has no post by {role} to moderate"
        )
    post_id = int(created(response, f"a post by {role}")["id"])
    admin = examples.client("admin")
    examples.factory.defer(lambda: admin.delete(f"/posts/{post_id}"))
    return post_id, title, response


def readable(examples: Examples, role: str, post_id: int) -> ApiResponse | None:
    """The answer to ``role`` reading the post, when it shows the post (None otherwise)."""
    response = examples.client(role).get(f"/posts/{post_id}")
    if response.status == 200 and response.is_json:
        body = response.json()
        if isinstance(body, dict) and matches(body.get("id"), post_id):
            return response
    return None


def held_post(examples: Examples) -> tuple[int, str, list[Any], ApiResponse]:
    """A fresh post by new_member that the target holds for review (queued, or regular cannot
    read it): id, title, and the queue read after it (items, answer). Skips when the target
    publishes it at once."""
    post_id, title, _ = new_post(examples, "new_member")
    items, response = queue(examples)
    if queued(items, post_id, title) is None and readable(examples, "regular", post_id):
        pytest.skip(
            "the target published new_member's post at once (regular reads it) and put "
            "nothing in the moderation queue: no held content to check"
        )
    return post_id, title, items, response


def hidden_from(examples: Examples, role: str, post_id: int) -> None:
    response = examples.client(role).get(f"/posts/{post_id}")
    expect.status(response, REFUSED, why=f"post {post_id} hidden from {role}")


def not_in_space_list(examples: Examples, post_id: int) -> None:
    """The post is not among the newest posts of the public world space (read by regular)."""
    listed, response = lists.find(
        examples.client("regular"),
        f"/spaces/{examples.world['spaces']['public']}/posts",
        post_id,
        what="the public space's posts, read by regular",
        max_pages=SPACE_PAGES,
    )
    expect.that(listed is None, f"post {post_id} not listed in its space", response)


def not_in_replies(examples: Examples, post_id: int, reply_id: int) -> None:
    listed, response = lists.find(examples.client("member"), f"/posts/{post_id}/replies", reply_id)
    expect.that(listed is None, f"reply {reply_id} not listed under post {post_id}", response)


def open_flags(examples: Examples) -> tuple[list[Any], ApiResponse]:
    walked = walk(examples.client("moderator"), FLAGS, what=f"GET {FLAGS}")
    return walked.items, walked.last


def refused(response: ApiResponse, examples: Examples, kind: str) -> None:
    """A write by a banned user is refused: 401 or 403 in the error envelope. Whatever it
    created anyway is deleted after the test."""
    if response.status in CREATED and response.is_json and isinstance(response.json(), dict):
        made = response.json().get("id")
        if isinstance(made, int):
            admin = examples.client("admin")
            examples.factory.defer(lambda: admin.delete(f"/{kind}/{made}"))
    expect.error(response, (401, 403))


# -- the queue ----------------------------------------------------------------------------------
@pytest.mark.requirement("JT-BEHAV-063")
@pytest.mark.jetonomy_exhausts_rate_limit
def test_queue_lists_pending_items_only(examples: Examples) -> None:
    """A published post by member is not queued; new_member's post, when the target holds it
    for review (regular cannot read it), is queued (found by its id and unique title)."""
    published, title, _ = new_post(examples, "member")
    post_id, held_title, items, response = held_post(examples)
    if readable(examples, "regular", published) is not None:  # published, not held
        expect.that(
            queued(items, published, title) is None,
            f"member's published post {published} (regular reads it) not in the moderation queue",
            response,
        )
    expect.that(
        queued(items, post_id, held_title) is not None,
        f"new_member's post {post_id}, held for review (regular cannot read it), in the queue",
        response,
    )


@pytest.mark.requirement("JT-BEHAV-064")
@pytest.mark.jetonomy_exhausts_rate_limit
def test_approve_publishes_and_dequeues(examples: Examples) -> None:
    """Approve a held post: anonymous can read it, and it is no longer queued."""
    post_id, title, _, _ = held_post(examples)
    approved = examples.client("moderator").post(f"/moderation/approve/post/{post_id}")
    expect.status(approved, SUCCESS, why="approve the held post")
    read = examples.client("anonymous").get(f"/posts/{post_id}")
    expect.status(read, 200, why=f"anonymous reads the approved post {post_id}", subject=True)
    body = expect.json_body(read)
    expect.that(
        isinstance(body, dict) and matches(body.get("id"), post_id),
        f"post {post_id} readable by anonymous after approval",
        read,
    )
    items, response = queue(examples)
    expect.that(
        queued(items, post_id, title) is None,
        f"approved post {post_id} no longer queued",
        response,
    )


# -- spam and trash -------------------------------------------------------------------------------
@pytest.mark.requirement("JT-BEHAV-065")
def test_spam_hides_post(examples: Examples) -> None:
    """Spam a fresh post: unreadable by anonymous and regular, not in the space's list.

    The author (member) is not asked: whether authors still see their own spam is not said.
    """
    post_id = examples.fresh("post")
    marked = examples.client("moderator").post(f"/moderation/spam/post/{post_id}")
    expect.status(marked, SUCCESS, why="mark the post as spam")
    hidden_from(examples, "anonymous", post_id)
    hidden_from(examples, "regular", post_id)
    not_in_space_list(examples, post_id)


@pytest.mark.requirement("JT-BEHAV-065")
def test_spam_hides_reply(examples: Examples) -> None:
    """Spam a fresh reply (by regular): absent from its post's replies, read by member."""
    reply_id = examples.fresh("reply")
    post_id = examples.fresh("post")
    marked = examples.client("moderator").post(f"/moderation/spam/reply/{reply_id}")
    expect.status(marked, SUCCESS, why="mark the reply as spam")
    not_in_replies(examples, post_id, reply_id)


@pytest.mark.requirement("JT-BEHAV-066")
def test_trash_hides_reply(examples: Examples) -> None:
    """Trash a fresh reply (by regular): absent from its post's replies, read by member."""
    reply_id = examples.fresh("reply")
    post_id = examples.fresh("post")
    trashed = examples.client("moderator").post(f"/moderation/trash/reply/{reply_id}")
    expect.status(trashed, SUCCESS, why="trash the reply")
    not_in_replies(examples, post_id, reply_id)


@pytest.mark.requirement("JT-BEHAV-066")
def test_trash_hides_post(examples: Examples) -> None:
    """Trash a fresh post: unreadable by anonymous and regular (not the author), not in the
    space's list."""
    post_id = examples.fresh("post")
    trashed = examples.client("moderator").post(f"/moderation/trash/post/{post_id}")
    expect.status(trashed, SUCCESS, why="trash the post")
    hidden_from(examples, "anonymous", post_id)
    hidden_from(examples, "regular", post_id)
    not_in_space_list(examples, post_id)


# -- flags ----------------------------------------------------------------------------------------
@pytest.mark.requirement("JT-BEHAV-067")
def test_new_flag_is_open(examples: Examples) -> None:
    """POST /flags (body fitted to the route index): the new flag's id is among the open
    flags of GET /moderation/flags."""
    flag_id = examples.fresh("flag")
    items, response = open_flags(examples)
    expect.that(by_id(items, flag_id) is not None, f"flag {flag_id} among the open flags", response)


@pytest.mark.requirement("JT-BEHAV-068")
def test_resolved_flag_is_closed(examples: Examples) -> None:
    """Resolve a fresh flag: it is no longer among the open flags."""
    flag_id = examples.fresh("flag")
    resolved = examples.client("moderator").post(f"/moderation/flags/{flag_id}/resolve")
    expect.status(resolved, SUCCESS, why="resolve the flag")
    items, response = open_flags(examples)
    expect.that(by_id(items, flag_id) is None, f"flag {flag_id} no longer open", response)


# -- bans -----------------------------------------------------------------------------------------
@pytest.mark.requirement("JT-BEHAV-069")
@pytest.mark.jetonomy_exhausts_rate_limit
def test_banned_user_cannot_write(examples: Examples) -> None:
    """Banned (body fitted to the route index), new_member's new reply and new post are
    refused with 401 or 403 in the error envelope."""
    post_id = examples.fresh("post")
    examples.client("new_member")  # skips if the role has no credentials
    examples.fresh("ban")  # lifted after the test
    new_member = examples.client("new_member")
    replied = new_member.post(
        f"/posts/{post_id}/replies", json=reply_payload(examples.prefix, examples.factory.faker)
    )
    refused(replied, examples, "replies")
    posted = new_member.post(
        f"/spaces/{examples.world['spaces']['public']}/posts",
        json=post_payload(examples.prefix, examples.factory.faker),
    )
    refused(posted, examples, "posts")


@pytest.mark.requirement("JT-BEHAV-070")
@pytest.mark.jetonomy_exhausts_rate_limit
def test_lifted_ban_lets_user_write(examples: Examples) -> None:
    """Ban new_member, lift the ban (DELETE /moderation/ban/{user id}): new_member can create
    a reply again."""
    post_id = examples.fresh("post")
    examples.client("new_member")  # skips if the role has no credentials
    user_id = examples.fresh("ban")
    lifted = examples.client("moderator").delete(f"/moderation/ban/{user_id}")
    expect.status(lifted, DELETED, why="lift new_member's ban")
    replied = examples.client("new_member").post(
        f"/posts/{post_id}/replies", json=reply_payload(examples.prefix, examples.factory.faker)
    )
    expect.status(replied, CREATED, why="new_member replies after the ban is lifted", subject=True)
    reply_id = int(created(replied, "a reply by new_member after the ban")["id"])
    admin = examples.client("admin")
    examples.factory.defer(lambda: admin.delete(f"/replies/{reply_id}"))
