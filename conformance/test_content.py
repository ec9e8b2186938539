"""Posts and replies lifecycle: delete, edit, threading, reply lists, scheduling.

References: Posts (DELETE, PATCH, POST /spaces/{space_id}/posts, GET /posts/{id}), Replies
(GET, POST, PATCH, DELETE). The reference names no field of a post or a reply but its ``id``:
every fact is observed by value (an id, a title, a slug or a word the check sent) or by
behaviour (what a reply moves). Every check works on fresh posts and replies, deleted
afterwards.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from pytest_jetonomy import expect, spellings
from pytest_jetonomy.clock import clock_source, iso, server_clock
from pytest_jetonomy.expect import DELETED
from pytest_jetonomy.factories import TAG_POOL
from pytest_jetonomy.lists import TOTAL_HEADER, walk
from pytest_jetonomy.observe import (
    Observation,
    by_id,
    describe,
    holds,
    holds_text,
    leaves,
    located,
    matches,
    read_object,
    show,
    where,
)

from .examples import Examples

EDITED = (200, 204)
"""An edit answers the edited object (200) or nothing (204)."""
NEWEST_PAGES = 5
"""Pages of the space's posts (newest first) read to see that the scheduled post is not
listed: the control post created just before it is on the first ones."""


# -- checks ---------------------------------------------------------------------------------------
@pytest.mark.requirement("JT-BEHAV-037", code="JT-ERR-003")
def test_deleted_post_can_no_longer_be_read(examples: Examples) -> None:
    """The author deletes a fresh post; another user then reads it: 404 (the deletion,
    JT-BEHAV-037), with code jetonomy_not_found (the code of an id that names nothing,
    JT-ERR-003: a wrong code never hides a post that is still there).

    The reader is a logged-in non-moderator who is not the author, so both careful readings
    of "deletes" (removed for good, or moved to a trash only moderators see) must answer 404.
    """
    post_id = examples.fresh("post")
    member = examples.client("member")
    expect.status(member.delete(f"/posts/{post_id}"), DELETED, why="the author deletes a post")
    with expect.soft():
        expect.error(examples.client("regular").get(f"/posts/{post_id}"), 404, "jetonomy_not_found")


@pytest.mark.requirement("JT-BEHAV-038")
def test_deleted_reply_is_no_longer_listed(examples: Examples) -> None:
    """The author deletes a fresh reply: its id is absent from its post's replies list."""
    reply_id = examples.fresh("reply")
    post_id = examples.fresh("post")
    regular = examples.client("regular")
    expect.status(regular.delete(f"/replies/{reply_id}"), DELETED, why="the author deletes")
    walked = walk(examples.client("member"), f"/posts/{post_id}/replies")
    expect.that(
        not located(walked.items, reply_id),
        f"deleted reply {reply_id} absent from the replies of post {post_id}",
        walked.response_with(lambda item: bool(located(item, reply_id))),
    )


@pytest.mark.requirement("JT-BEHAV-039")
def test_post_edit_changes_title_and_replaces_tags(examples: Examples) -> None:
    """PATCH a post's title and tags (documented parameters): the post read back holds the
    new title and the new tag slug, and none of the old slugs (observed by value)."""
    old_a, old_b, new = TAG_POOL[0:3]
    member = examples.client("member")
    post_id, _ = examples.new_post("member", tags=[old_a, old_b])
    title = examples.resolve("@text.title")
    patched = member.patch(f"/posts/{post_id}", json={"title": title, "tags": [new]})
    expect.status(patched, EDITED, why="the author edits title and tags")
    body, response = read_object(examples.client("admin"), f"/posts/{post_id}", "the edited post")
    expect.that(holds(body, title), f"the new title {title!r} in the edited post", response)
    expect.that(holds_text(body, new), f"the new tag {new!r} on the edited post", response)
    kept = [slug for slug in (old_a, old_b) if holds_text(body, slug)]
    expect.that(
        not kept,
        f"the tags sent ({new!r}) replace the old ones ({old_a!r}, {old_b!r})",
        response,
        detail=f"still on the post: {', '.join(kept)}",
    )
    spellings.at("post.tags", *where(body, new))


@pytest.mark.requirement("JT-BEHAV-040")
def test_reply_edit_changes_content(examples: Examples) -> None:
    """PATCH a reply's content: its entry in the replies list holds the new text.

    Servers may sanitise or re-wrap HTML, so the check looks for a unique marker word. The
    reference names no body parameter of PATCH /replies/{id}: the body is fitted to the
    target's route index.
    """
    reply_id = examples.fresh("reply")
    post_id = examples.fresh("post")
    marker = examples.resolve("@text.word")
    path = f"/replies/{reply_id}"
    body = examples.body_for("replies.update", path, content=f"<p>{marker} edited reply</p>")
    patched = examples.client("regular").patch(path, json=body)
    expect.status(patched, EDITED, why="the author edits the reply")
    walked = walk(examples.client("member"), f"/posts/{post_id}/replies")
    entries = located(walked.items, reply_id)
    response = walked.response_with(lambda item: bool(located(item, reply_id)))
    expect.that(entries, f"reply {reply_id} listed under post {post_id}", response)
    expect.that(
        holds_text(entries[0][1], marker),
        f"the listed reply {reply_id} holds the new text ({marker!r})",
        response,
    )


@pytest.mark.requirement("JT-BEHAV-041")
def test_reply_with_parent_is_threaded(examples: Examples) -> None:
    """A reply sent with parent_id is attached under that reply.

    Two replies are sent by member: a child (parent_id: a fresh reply) and a sibling (no
    parent_id). In the replies list the child is either nested in its parent's entry, or its
    entry holds the parent's id at a path where the sibling's entry holds something else
    (null, 0 or nothing): that path is where the target keeps the parent.
    """
    parent_id = examples.fresh("reply")
    post_id = examples.fresh("post")
    member = examples.client("member")
    child_id, _ = examples.new_reply(post_id, "member", parent_id=parent_id)
    sibling_id, _ = examples.new_reply(post_id, "member")
    walked = walk(member, f"/posts/{post_id}/replies")
    listed = {rid: located(walked.items, rid) for rid in (parent_id, child_id, sibling_id)}
    response = walked.last
    for rid, what in ((child_id, "the child"), (sibling_id, "the sibling")):
        expect.that(listed[rid], f"{what} reply {rid} listed under post {post_id}", response)
    parents = [path for path, _ in listed[parent_id]]
    child_path, child = listed[child_id][0]
    nesting = [p for p in parents if child_path[: len(p)] == p and len(child_path) > len(p)]
    if nesting:  # listed inside its parent's entry: threaded by nesting
        inside = spellings.shown(child_path[len(nesting[0]) :])
        spellings.learned("reply.parent", f"the child inside its parent's entry, at {inside}")
        return
    sibling = leaves(listed[sibling_id][0][1])
    attached = [
        path
        for path in where(child, parent_id)
        if path != ("id",) and not matches(sibling.get(path), parent_id)
    ]
    expect.that(
        attached,
        f"reply {child_id}, sent with parent_id {parent_id}, attached under reply {parent_id} "
        f"(its entry holds {parent_id} where the entry of reply {sibling_id}, sent without "
        "parent_id, does not; or it is listed inside its parent's entry)",
        response,
        detail=f"{parent_id} found in the child's entry at: "
        f"{', '.join(show(p) for p in where(child, parent_id)) or 'nowhere'}",
    )
    spellings.at("reply.parent", *attached)


@pytest.mark.requirement("JT-BEHAV-042")
def test_replies_list_holds_only_its_posts_replies(examples: Examples) -> None:
    """Two replies (by regular) on a fresh post: the list holds exactly their ids, X-JT-Total
    is 2 when sent, and the post's reply count (the integer each reply moves by one) is 2.

    Another post with replies exists (the world's), so a list mixing posts shows up. Both
    replies come from one user, so a count of participants moves once and is not taken for
    the reply count.
    """
    post_id = examples.fresh("post")
    admin = examples.client("admin")
    read = lambda: read_object(admin, f"/posts/{post_id}", "the post")[0]  # noqa: E731
    seen = Observation.take(read)
    first, _ = examples.new_reply(post_id, "regular")
    after_one = seen.diff(read())
    second, _ = examples.new_reply(post_id, "regular")
    body, post_response = read_object(admin, f"/posts/{post_id}", "the post")
    after_two = seen.diff(body)

    walked = walk(examples.client("member"), f"/posts/{post_id}/replies")
    response = walked.pages[0].response
    ids = [item.get("id") for item in walked.items if isinstance(item, dict)]
    expect.that(
        sorted(i for i in ids if isinstance(i, int)) == sorted((first, second)) and len(ids) == 2,
        f"exactly the two replies of post {post_id} listed ({first}, {second})",
        response,
        detail=f"listed ids: {ids}",
    )
    total = response.header_int(TOTAL_HEADER)
    if TOTAL_HEADER in response.headers:
        expect.that(total == 2, f"{TOTAL_HEADER} 2 (the two replies)", response)

    one = {c.path for c in after_one if c.step == 1}
    counters = [c for c in after_two if c.step == 2 and c.path in one]
    expect.that(
        counters,
        "a reply count of the post: an integer each reply moves by one",
        post_response,
        detail=f"after one reply: {describe(after_one)}; after two: {describe(after_two)}",
    )
    spellings.at("post.reply_count", *(c.path for c in counters))
    expect.that(
        any(c.new == 2 for c in counters),
        "the reply count 2, the number of replies listed",
        post_response,
        detail="; ".join(str(c) for c in counters),
    )


@pytest.mark.requirement("JT-BEHAV-043")
def test_scheduled_post_is_not_published_early(examples: Examples) -> None:
    """A post with published_at a day after the target's own clock is not listed to anonymous.

    The day is counted from the HTTP Date header of the answer creating a control post just
    before (the target's time, not ours). The space's posts are read anonymously, newest
    first, until the control post (published now) or the scheduled one shows up.
    """
    space_id = examples.world["spaces"]["public"]
    control, answer = examples.new_post("member")
    now, clock = server_clock(answer), clock_source(answer)
    when = iso(now, timedelta(days=1))
    scheduled, _ = examples.new_post("member", published_at=when)
    walked = walk(
        examples.client("anonymous"),
        f"/spaces/{space_id}/posts",
        what="the public space's posts, read anonymously",
        until=lambda items: (
            by_id(items, control) is not None or by_id(items, scheduled) is not None
        ),
        max_pages=NEWEST_PAGES,
    )
    expect.that(
        by_id(walked.items, scheduled) is None,
        f"post {scheduled}, scheduled for {when} (a day after {clock}), not listed before then",
        walked.response_with(lambda item: by_id([item], scheduled) is not None),
    )
