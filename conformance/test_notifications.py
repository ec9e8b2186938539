"""Notifications: unread count, read/unread, recipients, reply notifications.

Reference: Notifications (GET /notifications, GET /notifications/unread-count,
PATCH /notifications/{id}, POST /notifications/mark-all-read). Other checks running in
parallel may add notifications for the same users at any moment, so comparisons that a new
notification could upset are retried a few times: a server that breaks the promise fails
every attempt.
"""

from __future__ import annotations

from typing import Any

import pytest

from pytest_jetonomy import expect
from pytest_jetonomy.client import ApiResponse, JetonomyClient

from .community import body_of, find, walk
from .examples import Examples

ATTEMPTS = 3


def _unread_count(client: JetonomyClient) -> tuple[int, ApiResponse]:
    response = client.get("/notifications/unread-count")
    body = body_of(response, [200], "GET /notifications/unread-count")
    count = body.get("count")
    expect.that(
        isinstance(count, int) and not isinstance(count, bool), "an integer 'count'", response
    )
    return count, response


def _unread_listed(client: JetonomyClient) -> tuple[int, ApiResponse]:
    items, response = walk(client, "/notifications", what="GET /notifications")
    return sum(1 for item in items if item.get("is_read") is False), response


def _member_notification(examples: Examples) -> dict[str, Any]:
    """A notification of member caused by regular's reply to member's fresh post."""
    reply_id = examples.fresh("reply")  # by regular on member's fresh post
    post_id = examples.fresh("post")
    items, _ = walk(examples.client("member"), "/notifications", what="member's notifications")
    mine = [
        item
        for item in items
        if (item.get("object_type"), item.get("object_id"))
        in (("reply", reply_id), ("post", post_id))
    ]
    if not mine:
        mine = items  # any notification of member will do (the newest first, usually)
    if not mine:
        pytest.skip(
            "the target listed no notification for member about regular's reply to member's "
            "post, so there is no notification of member to work with"
        )
    return mine[0]


def _seed_notification(examples: Examples, author: JetonomyClient) -> None:
    """regular replies to a fresh post by ``author`` (nothing is seeded if posting fails)."""
    admin = examples.client("admin")
    response = author.post(
        f"/spaces/{examples.world['spaces']['public']}/posts",
        json={"title": examples.resolve("@text.title"), "content": examples.resolve("@text.html")},
    )
    if (
        response.status not in (200, 201)
        or not response.is_json
        or not isinstance(response.json(), dict)
    ):
        return
    post_id = response.json().get("id")
    examples.factory.defer(lambda: admin.delete(f"/posts/{post_id}"))
    examples.client("regular").post(
        f"/posts/{post_id}/replies", json={"content": examples.resolve("@text.html")}
    )


@pytest.mark.requirement("JT-BEHAV-044")
def test_unread_count_matches_list_and_mark_all_read(examples: Examples) -> None:
    """unread-count equals the unread items listed; after mark-all-read it is 0, none unread.

    Runs as moderator, whom other checks do not notify on purpose. regular first replies to
    a fresh post of moderator's, so that (on a target that notifies authors) there is an
    unread notification to mark; the promise holds with zero notifications too.
    """
    client = examples.client("moderator")
    _seed_notification(examples, client)
    for attempt in range(ATTEMPTS):
        before, _ = _unread_count(client)
        listed, list_response = _unread_listed(client)
        after, count_response = _unread_count(client)
        if before == after:
            expect.that(
                listed == after,
                f"unread-count ({after}) equal to the unread notifications listed",
                list_response,
                detail=f"{listed} listed with is_read false",
            )
            break
        if attempt == ATTEMPTS - 1:
            expect.fail(
                "a stable unread-count to compare with the list",
                count_response,
                detail=f"unread-count moved from {before} to {after} on every attempt",
            )
    for attempt in range(ATTEMPTS):
        marked = client.post("/notifications/mark-all-read")
        expect.status(marked, [200, 201, 202, 204], why="mark-all-read")
        count, count_response = _unread_count(client)
        listed, list_response = _unread_listed(client)
        if count == 0 and listed == 0:
            return
        if attempt == ATTEMPTS - 1:
            expect.that(count == 0, "unread-count 0 after mark-all-read", count_response)
            expect.that(
                listed == 0,
                "no unread notification listed after mark-all-read",
                list_response,
                detail=f"{listed} listed with is_read false",
            )


@pytest.mark.requirement("JT-BEHAV-045")
def test_notification_can_be_marked_read_and_unread(examples: Examples) -> None:
    """PATCH read=true gives is_read true, read=false gives is_read false; unread-count follows."""
    notification = _member_notification(examples)
    path = f"/notifications/{notification['id']}"
    member = examples.client("member")
    for attempt in range(ATTEMPTS):
        unread = member.patch(path, json={"read": False})
        body = body_of(unread, [200], "PATCH read=false")
        expect.that(body.get("is_read") is False, "is_read false after read=false", unread)
        count_unread, _ = _unread_count(member)
        read = member.patch(path, json={"read": True})
        body = body_of(read, [200], "PATCH read=true")
        expect.that(body.get("is_read") is True, "is_read true after read=true", read)
        count_read, read_response = _unread_count(member)
        unread = member.patch(path, json={"read": False})
        body = body_of(unread, [200], "PATCH read=false again")
        expect.that(body.get("is_read") is False, "is_read false after read=false", unread)
        count_again, again_response = _unread_count(member)
        if count_read == count_unread - 1 and count_again == count_read + 1:
            return
        if attempt == ATTEMPTS - 1:
            expect.fail(
                "unread-count one lower after read=true and one higher after read=false",
                again_response,
                detail=f"unread-count {count_unread} (unread), {count_read} (read), "
                f"{count_again} (unread again) on every attempt",
            )


@pytest.mark.requirement("JT-BEHAV-046")
def test_notifications_are_listed_only_to_their_recipient(examples: Examples) -> None:
    """A notification of member is not in regular's list; regular's PATCH of it is 403/404."""
    notification = _member_notification(examples)
    regular = examples.client("regular")
    items, response = walk(regular, "/notifications", what="regular's notifications")
    expect.that(
        find(items, id=notification["id"]) is None,
        f"member's notification {notification['id']} absent from regular's list",
        response,
    )
    patched = regular.patch(f"/notifications/{notification['id']}", json={"read": True})
    expect.error(patched, [403, 404], ["jetonomy_forbidden", "jetonomy_not_found"])


@pytest.mark.requirement("JT-BEHAV-047")
def test_reply_notifies_post_author(examples: Examples) -> None:
    """member marks all read; regular replies to member's fresh post; member has unread >= 1."""
    post_id = examples.fresh("post")
    member = examples.client("member")
    expect.status(member.post("/notifications/mark-all-read"), [200, 201, 202, 204])
    examples.fresh("reply")  # by regular, on member's fresh post
    count, response = _unread_count(member)
    expect.that(
        count >= 1,
        f"member notified of regular's reply to post {post_id} (unread-count >= 1)",
        response,
    )
