"""Moderation: the queue, approve, spam, trash, flags and bans.

Reference: Moderation (all need jetonomy_moderate; the moderator acts). The reference does
not say when content waits for review: new_member's content is checked in the queue only if
the target holds it there. Bans touch new_member only, are always lifted afterwards, and
run on the rate-limit checks' xdist worker (jetonomy_exhausts_rate_limit), as do the queue
checks that write as new_member (a ban in parallel would refuse them).
"""

from __future__ import annotations

from typing import Any

import pytest

from pytest_jetonomy import expect
from pytest_jetonomy.client import ApiResponse, JetonomyClient

from .community import CREATED, DELETED, GONE, body_of, find, list_items, walk
from .examples import Examples

PENDING = "pending"


def _queue(moderator: JetonomyClient) -> tuple[list[Any], ApiResponse]:
    return walk(moderator, "/moderation/queue", limit=None, what="GET /moderation/queue")


def _held_post(examples: Examples) -> tuple[dict[str, Any], list[Any], ApiResponse]:
    """A fresh post by new_member, with the queue read after it; skips if it is not held."""
    new_member = examples.client("new_member")
    admin = examples.client("admin")
    space_id = examples.world["spaces"]["public"]
    response = new_member.post(
        f"/spaces/{space_id}/posts",
        json={"title": examples.resolve("@text.title"), "content": examples.resolve("@text.html")},
    )
    if response.status in (401, 403):
        pytest.skip(
            f"the target does not let new_member post in the public space (HTTP "
            f"{response.status}), so nothing can be put in the moderation queue"
        )
    post = body_of(response, CREATED, "new_member creates a post")
    examples.factory.defer(lambda: admin.delete(f"/posts/{post['id']}"))
    items, queue_response = _queue(examples.client("moderator"))
    queued = find(items, type="post", id=post["id"])
    if queued is None and post.get("status") != PENDING:
        pytest.skip(
            f"the target published new_member's post at once (status {post.get('status')!r}) "
            "and put nothing in the moderation queue"
        )
    return post, items, queue_response


@pytest.mark.requirement("JT-BEHAV-063")
@pytest.mark.jetonomy_exhausts_rate_limit
def test_queue_lists_pending_items_only(examples: Examples) -> None:
    """A post held for review (status pending) is queued; every queued item is pending."""
    post, items, response = _held_post(examples)
    expect.that(
        find(items, type="post", id=post["id"]) is not None,
        f"new_member's post {post['id']}, held with status {post.get('status')!r}, queued",
        response,
    )
    not_pending = [(i.get("type"), i.get("id"), i.get("status")) for i in items]
    not_pending = [entry for entry in not_pending if entry[2] != PENDING]
    expect.that(
        not not_pending, "every queued item has status pending", response, detail=f"{not_pending}"
    )


@pytest.mark.requirement("JT-BEHAV-064")
@pytest.mark.jetonomy_exhausts_rate_limit
def test_approve_publishes_and_dequeues(examples: Examples) -> None:
    """Approve a held post: status publish, readable by anonymous, no longer queued."""
    post, _, _ = _held_post(examples)
    moderator = examples.client("moderator")
    approved = moderator.post(f"/moderation/approve/post/{post['id']}")
    item = body_of(approved, [200], "approve the held post")
    expect.that(item.get("status") == "publish", "status publish after approval", approved)
    read = examples.client("anonymous").get(f"/posts/{post['id']}")
    body = body_of(read, [200], "anonymous reads the approved post")
    expect.that(body.get("id") == post["id"], f"post {post['id']} readable", read)
    items, response = _queue(moderator)
    expect.that(
        find(items, type="post", id=post["id"]) is None,
        f"approved post {post['id']} no longer queued",
        response,
    )


def _hidden_from(examples: Examples, role: str, post_id: int) -> None:
    response = examples.client(role).get(f"/posts/{post_id}")
    expect.status(response, GONE, why=f"post {post_id} hidden from {role}")


def _not_in_space_list(examples: Examples, space_id: int, post_id: int) -> None:
    response = examples.client("regular").get(f"/spaces/{space_id}/posts", params={"limit": 100})
    items = list_items(response, "the space's posts, read by regular")
    expect.that(find(items, id=post_id) is None, f"post {post_id} not listed", response)


@pytest.mark.requirement("JT-BEHAV-065")
def test_spam_hides_post(examples: Examples) -> None:
    """Spam a fresh post: unreadable by anonymous and regular, not in the space's list.

    The author (member) is not asked: whether authors still see their own spam is not said.
    """
    post_id = examples.fresh("post")
    marked = examples.client("moderator").post(f"/moderation/spam/post/{post_id}")
    expect.status(marked, 200, why="mark the post as spam")
    _hidden_from(examples, "anonymous", post_id)
    _hidden_from(examples, "regular", post_id)
    _not_in_space_list(examples, examples.world["spaces"]["public"], post_id)


@pytest.mark.requirement("JT-BEHAV-065")
def test_spam_hides_reply(examples: Examples) -> None:
    """Spam a fresh reply (by regular): absent from its post's replies, read by member."""
    reply_id = examples.fresh("reply")
    post_id = examples.fresh("post")
    marked = examples.client("moderator").post(f"/moderation/spam/reply/{reply_id}")
    expect.status(marked, 200, why="mark the reply as spam")
    items, response = walk(examples.client("member"), f"/posts/{post_id}/replies")
    expect.that(find(items, id=reply_id) is None, f"spam reply {reply_id} not listed", response)


@pytest.mark.requirement("JT-BEHAV-066")
def test_trash_hides_reply(examples: Examples) -> None:
    """Trash a fresh reply (by regular): absent from its post's replies, read by member."""
    reply_id = examples.fresh("reply")
    post_id = examples.fresh("post")
    trashed = examples.client("moderator").post(f"/moderation/trash/reply/{reply_id}")
    expect.status(trashed, 200, why="trash the reply")
    items, response = walk(examples.client("member"), f"/posts/{post_id}/replies")
    expect.that(find(items, id=reply_id) is None, f"trashed reply {reply_id} not listed", response)


@pytest.mark.requirement("JT-BEHAV-066")
def test_trash_hides_post(examples: Examples) -> None:
    """Trash a fresh post: not in the space's list, unreadable by regular (not the author)."""
    post_id = examples.fresh("post")
    trashed = examples.client("moderator").post(f"/moderation/trash/post/{post_id}")
    expect.status(trashed, 200, why="trash the post")
    _not_in_space_list(examples, examples.world["spaces"]["public"], post_id)
    _hidden_from(examples, "regular", post_id)


def _open_flags(examples: Examples) -> tuple[list[Any], ApiResponse]:
    return walk(
        examples.client("moderator"), "/moderation/flags", limit=None, what="GET /moderation/flags"
    )


@pytest.mark.requirement("JT-BEHAV-067")
def test_new_flag_is_open(examples: Examples) -> None:
    """POST /flags: the new flag is listed by GET /moderation/flags with status open."""
    flag_id = examples.fresh("flag")
    items, response = _open_flags(examples)
    listed = find(items, id=flag_id)
    expect.that(listed is not None, f"flag {flag_id} among the open flags", response)
    assert listed is not None
    expect.that(listed.get("status") == "open", f"flag {flag_id} has status open", response)


@pytest.mark.requirement("JT-BEHAV-068")
def test_resolved_flag_is_closed(examples: Examples) -> None:
    """Resolve a fresh flag: status resolved; no longer among the open flags."""
    flag_id = examples.fresh("flag")
    resolved = examples.client("moderator").post(f"/moderation/flags/{flag_id}/resolve")
    body = body_of(resolved, [200], "resolve the flag")
    expect.that(body.get("status") == "resolved", "status resolved", resolved)
    items, response = _open_flags(examples)
    expect.that(find(items, id=flag_id) is None, f"flag {flag_id} no longer open", response)


def _ban(examples: Examples) -> int:
    """Ban new_member (lifted at cleanup whatever happens); returns its user id."""
    moderator = examples.client("moderator")
    user_id = examples.user_id("new_member")
    examples.client("new_member")  # skips if the role has no credentials
    response = moderator.post(
        "/moderation/ban", json={"user_id": user_id, "reason": "conformance check"}
    )
    examples.factory.defer(lambda: moderator.delete(f"/moderation/ban/{user_id}"))
    expect.status(response, CREATED, why="ban new_member")
    return user_id


def _unban(examples: Examples, user_id: int) -> None:
    response = examples.client("moderator").delete(f"/moderation/ban/{user_id}")
    expect.status(response, DELETED, why="lift new_member's ban")


@pytest.mark.requirement("JT-BEHAV-069")
@pytest.mark.jetonomy_exhausts_rate_limit
def test_banned_user_cannot_write(examples: Examples) -> None:
    """Banned, new_member's new post and new reply are refused with 403."""
    post_id = examples.fresh("post")
    user_id = _ban(examples)
    new_member = examples.client("new_member")
    admin = examples.client("admin")
    try:
        replied = new_member.post(
            f"/posts/{post_id}/replies", json={"content": examples.resolve("@text.html")}
        )
        if replied.status in CREATED and replied.is_json and "id" in replied.json():
            reply_id = replied.json()["id"]
            examples.factory.defer(lambda: admin.delete(f"/replies/{reply_id}"))
        expect.error(replied, 403, "jetonomy_forbidden")
        posted = new_member.post(
            f"/spaces/{examples.world['spaces']['public']}/posts",
            json={
                "title": examples.resolve("@text.title"),
                "content": examples.resolve("@text.html"),
            },
        )
        if posted.status in CREATED and posted.is_json and "id" in posted.json():
            new_id = posted.json()["id"]
            examples.factory.defer(lambda: admin.delete(f"/posts/{new_id}"))
        expect.error(posted, 403, "jetonomy_forbidden")
    finally:
        examples.client("moderator").delete(f"/moderation/ban/{user_id}")


@pytest.mark.requirement("JT-BEHAV-070")
@pytest.mark.jetonomy_exhausts_rate_limit
def test_lifted_ban_lets_user_write(examples: Examples) -> None:
    """Ban new_member, lift the ban: new_member can create a reply again (200/201)."""
    post_id = examples.fresh("post")
    user_id = _ban(examples)
    _unban(examples, user_id)
    replied = examples.client("new_member").post(
        f"/posts/{post_id}/replies", json={"content": examples.resolve("@text.html")}
    )
    reply = body_of(replied, CREATED, "new_member replies after the ban is lifted")
    admin = examples.client("admin")
    if "id" in reply:
        examples.factory.defer(lambda: admin.delete(f"/replies/{reply['id']}"))
