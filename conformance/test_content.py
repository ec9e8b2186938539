"""Posts and replies lifecycle: delete, edit, threading, reply lists, scheduling.

References: Posts (DELETE, PATCH, POST /spaces/{space_id}/posts), Replies (GET, POST, PATCH,
DELETE). Every check works on fresh posts and replies; the factories delete them afterwards.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from pytest_jetonomy import expect
from pytest_jetonomy.factories import TAG_POOL

from .community import (
    DELETED,
    body_of,
    find,
    iso,
    list_items,
    parse_time,
    tag_matches,
    walk,
)
from .examples import Examples


@pytest.mark.requirement("JT-BEHAV-037")
def test_deleted_post_can_no_longer_be_read(examples: Examples) -> None:
    """The author deletes a fresh post; another user then reads it: 404 jetonomy_not_found.

    The reader is a logged-in non-moderator who is not the author, so both careful readings
    of "deletes" (removed for good, or moved to a trash only moderators see) must answer 404.
    """
    post_id = examples.fresh("post")
    member = examples.client("member")
    expect.status(member.delete(f"/posts/{post_id}"), DELETED, why="the author deletes a post")
    expect.error(examples.client("regular").get(f"/posts/{post_id}"), 404, "jetonomy_not_found")


@pytest.mark.requirement("JT-BEHAV-038")
def test_deleted_reply_is_no_longer_listed(examples: Examples) -> None:
    """The author deletes a fresh reply: it is absent from its post's replies list."""
    reply_id = examples.fresh("reply")
    post_id = examples.fresh("post")
    regular = examples.client("regular")
    expect.status(regular.delete(f"/replies/{reply_id}"), DELETED, why="the author deletes")
    items, response = walk(examples.client("member"), f"/posts/{post_id}/replies")
    expect.that(
        find(items, id=reply_id) is None,
        f"deleted reply {reply_id} absent from the replies of post {post_id}",
        response,
    )


@pytest.mark.requirement("JT-BEHAV-039")
def test_post_edit_changes_title_and_replaces_tags(
    examples: Examples, jetonomy_post_factory
) -> None:
    """PATCH a post's title and tags: GET shows the new title and exactly the new tags."""
    old_a, old_b, new = TAG_POOL[0:3]
    member = examples.client("member")
    post = jetonomy_post_factory(
        examples.world["spaces"]["public"], client=member, tags=[old_a, old_b]
    )
    title = examples.resolve("@text.title")
    patched = member.patch(f"/posts/{post['id']}", json={"title": title, "tags": [new]})
    expect.status(patched, 200, why="the author edits title and tags")
    response = examples.client("admin").get(f"/posts/{post['id']}")
    body = body_of(response, [200], "GET the edited post")
    expect.that(body.get("title") == title, f"title {title!r} after the edit", response)
    tags = body.get("tags")
    expect.that(isinstance(tags, list), "a tags array", response)
    expect.that(
        len(tags) == 1 and tag_matches(tags[0], new),
        f"exactly the tag sent ({new!r}); the old tags {old_a!r}, {old_b!r} replaced",
        response,
    )


@pytest.mark.requirement("JT-BEHAV-040")
def test_reply_edit_changes_content(examples: Examples) -> None:
    """PATCH a reply's content: the replies list shows the new content, not the old.

    Servers may sanitise or re-wrap HTML, so the check looks for a unique marker word.
    """
    reply_id = examples.fresh("reply")
    post_id = examples.fresh("post")
    marker = examples.resolve("@text.word")
    regular = examples.client("regular")
    patched = regular.patch(
        f"/replies/{reply_id}", json={"content": f"<p>{marker} edited reply</p>"}
    )
    expect.status(patched, 200, why="the author edits the reply")
    items, response = walk(examples.client("member"), f"/posts/{post_id}/replies")
    reply = find(items, id=reply_id)
    expect.that(reply is not None, f"reply {reply_id} listed under post {post_id}", response)
    assert reply is not None
    expect.that(
        marker in str(reply.get("content")),
        f"the listed content of reply {reply_id} holds the new text ({marker!r})",
        response,
    )


@pytest.mark.requirement("JT-BEHAV-041")
def test_reply_with_parent_is_threaded(examples: Examples) -> None:
    """A reply sent with parent_id echoes it and is listed with that parent_id."""
    parent_id = examples.fresh("reply")
    post_id = examples.fresh("post")
    member = examples.client("member")
    created = member.post(
        f"/posts/{post_id}/replies",
        json={"content": f"<p>{examples.resolve('@text.word')} nested</p>", "parent_id": parent_id},
    )
    child = body_of(created, [200, 201], "a nested reply is created")
    admin = examples.client("admin")
    if "id" in child:
        examples.factory.defer(lambda: admin.delete(f"/replies/{child['id']}"))
    expect.that(child.get("parent_id") == parent_id, f"parent_id {parent_id} echoed", created)
    items, response = walk(member, f"/posts/{post_id}/replies")
    listed = find(items, id=child.get("id"))
    expect.that(
        listed is not None and listed.get("parent_id") == parent_id,
        f"reply {child.get('id')} listed under post {post_id} with parent_id {parent_id}",
        response,
    )


@pytest.mark.requirement("JT-BEHAV-042")
def test_replies_list_holds_only_its_posts_replies(
    examples: Examples, jetonomy_reply_factory
) -> None:
    """Two replies on a fresh post: every listed reply has that post_id, reply_count counts them.

    Another post with a reply exists (the world's), so a list mixing posts shows up.
    """
    post_id = examples.fresh("post")
    jetonomy_reply_factory(post_id, client=examples.client("regular"))
    jetonomy_reply_factory(post_id, client=examples.client("member"))
    member = examples.client("member")
    items, response = walk(member, f"/posts/{post_id}/replies")
    strangers = [item.get("id") for item in items if item.get("post_id") != post_id]
    expect.that(not strangers, f"only replies of post {post_id}", response, detail=f"{strangers}")
    expect.that(len(items) == 2, "the two replies of the fresh post listed", response)
    total = response.header_int("X-JT-Total")
    expect.that(total in (None, 2), "X-JT-Total 2 (the two replies)", response)
    post_response = member.get(f"/posts/{post_id}")
    post = body_of(post_response, [200], "GET the post")
    expect.that(
        post.get("reply_count") == 2,
        "reply_count 2, the number of replies listed",
        post_response,
        detail=f"reply_count is {post.get('reply_count')!r}",
    )


@pytest.mark.requirement("JT-BEHAV-043")
def test_scheduled_post_is_not_published_early(examples: Examples, jetonomy_post_factory) -> None:
    """A post with published_at a day after the target's own clock is not listed to anonymous.

    The day is counted from the created_at of a post created just before (the target's time,
    not ours). published_at is echoed (same instant, second precision).
    """
    member = examples.client("member")
    space_id = examples.world["spaces"]["public"]
    probe = jetonomy_post_factory(space_id, client=member)
    now = parse_time(probe.get("created_at"))
    if now is None:
        pytest.skip("the target's post has no readable created_at to schedule from")
    assert now is not None
    when = iso(now, timedelta(days=1))
    scheduled = jetonomy_post_factory(space_id, client=member, published_at=when)
    echoed = parse_time(scheduled.get("published_at"))
    expect.that(
        echoed is not None and abs((echoed - now - timedelta(days=1)).total_seconds()) < 1,
        f"published_at {when} echoed",
        detail=f"published_at is {scheduled.get('published_at')!r}",
    )
    response = examples.client("anonymous").get(f"/spaces/{space_id}/posts", params={"limit": 100})
    items = list_items(response, "the public space's posts, read anonymously")
    expect.that(
        find(items, id=scheduled["id"]) is None,
        f"scheduled post {scheduled['id']} not listed before {when}",
        response,
    )
