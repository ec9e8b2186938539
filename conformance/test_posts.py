"""Posts: pin, pinned first, close, accept, move, merge, split, drafts (reference: Posts and
Replies).

Checks that change ordering or membership of a space use fresh spaces, so that every post of
the space is one the check created.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from pytest_jetonomy import expect
from pytest_jetonomy.client import JetonomyClient
from pytest_jetonomy.factories import post_payload, reply_payload

from .behaviours import CREATED, client_error, field, find, obj, read, walk
from .examples import Examples


def plain(html: Any) -> str:
    """Text of an HTML fragment with whitespace collapsed (servers may re-sanitise markup)."""
    return " ".join(re.sub(r"<[^>]+>", " ", str(html)).split())


def space_posts(client: JetonomyClient, space_id: int, **params: Any):
    """(items, complete, response) of the space's default post list."""
    return walk(client, f"/spaces/{space_id}/posts", f"the posts of space {space_id}", params)


def replies_of(client: JetonomyClient, post_id: int):
    return walk(client, f"/posts/{post_id}/replies", f"the replies of post {post_id}")


@pytest.mark.requirement("JT-BEHAV-028")
def test_pin_toggles(examples: Examples, jetonomy_space_factory, jetonomy_post_factory) -> None:
    """Pin: is_pinned true (answer and GET); pin again: false."""
    moderator = examples.client("moderator")
    admin = examples.client("admin")
    space = jetonomy_space_factory()
    post_id = jetonomy_post_factory(space["id"])["id"]
    for wanted in (True, False):
        response = moderator.post(f"/posts/{post_id}/pin")
        expect.status(response, 200, why="toggle the pin")
        answer = obj(response, "the post")
        expect.that(
            field(answer, "is_pinned", response, "the post") is wanted,
            f"the answer to show is_pinned {wanted}",
            response,
        )
        post, response = read(admin, f"/posts/{post_id}", "the post")
        expect.that(post.get("is_pinned") is wanted, f"GET shows is_pinned {wanted}", response)


@pytest.mark.requirement("JT-BEHAV-029")
def test_pinned_posts_come_first(
    examples: Examples, jetonomy_space_factory, jetonomy_post_factory
) -> None:
    """In the default order of a fresh space, the pinned post (the middle one of three, so no
    chronological order puts it first by chance) comes before every unpinned post."""
    space = jetonomy_space_factory()
    ids = [jetonomy_post_factory(space["id"])["id"] for _ in range(3)]
    pinned = ids[1]
    response = examples.client("moderator").post(f"/posts/{pinned}/pin")
    expect.status(response, 200, why="pin the post")
    items, _, response = space_posts(examples.client("admin"), space["id"])
    listed = [item.get("id") for item in items]
    expect.that(
        sorted(i for i in listed if i in ids) == sorted(ids),
        f"all three posts {ids} listed",
        response,
    )
    expect.that(
        listed[0] == pinned,
        f"the pinned post {pinned} first, before the unpinned posts",
        response,
        detail=f"order: {listed}",
    )


@pytest.mark.requirement("JT-BEHAV-030")
def test_closed_post_takes_no_replies(examples: Examples) -> None:
    """Close a Q&A post: a new reply is refused (4xx) and reply_count stays; is_closed true."""
    member = examples.client("member")
    post_id = examples.fresh("post_qa")
    before, response = read(member, f"/posts/{post_id}", "the post")
    count = field(before, "reply_count", response, "the post")
    response = member.post(f"/posts/{post_id}/close")
    expect.status(response, 200, why="the author closes the post")
    refused = examples.client("regular").post(
        f"/posts/{post_id}/replies", json=reply_payload(examples.prefix, examples.factory.faker)
    )
    if 200 <= refused.status < 300 and refused.is_json and isinstance(refused.json(), dict):
        reply_id = refused.json().get("id")
        admin = examples.client("admin")
        examples.factory.defer(lambda: admin.delete(f"/replies/{reply_id}"))
    client_error(refused, "a reply to a closed post refused")
    after, response = read(member, f"/posts/{post_id}", "the post")
    expect.that(after.get("is_closed") is True, "is_closed true", response)
    expect.that(
        after.get("reply_count") == count,
        f"reply_count unchanged ({count})",
        response,
    )


@pytest.mark.requirement("JT-BEHAV-031")
def test_accept_marks_reply(examples: Examples) -> None:
    """The author of a Q&A post accepts a reply: is_accepted true, accepted_reply_id on the
    post."""
    reply_id = examples.fresh("reply_qa")  # by regular on member's fresh Q&A post
    post_id = examples.fresh("post_qa")
    response = examples.client("member").post(f"/replies/{reply_id}/accept")
    expect.status(response, 200, why="the post's author accepts a reply")
    answer = obj(response, "the reply")
    expect.that(
        field(answer, "is_accepted", response, "the reply") is True,
        "the answer to show is_accepted true",
        response,
    )
    post, response = read(examples.client("admin"), f"/posts/{post_id}", "the post")
    expect.that(
        field(post, "accepted_reply_id", response, "the post") == reply_id,
        f"accepted_reply_id {reply_id}",
        response,
    )
    items, _, response = replies_of(examples.client("admin"), post_id)
    listed = find(items, reply_id)
    expect.that(
        listed is not None and listed.get("is_accepted") is True,
        f"reply {reply_id} listed with is_accepted true",
        response,
    )


@pytest.mark.requirement("JT-BEHAV-032")
def test_move_puts_post_in_target(
    examples: Examples, jetonomy_space_factory, jetonomy_post_factory
) -> None:
    """Move: space_id is the target; listed in the target space, not in the source."""
    admin = examples.client("admin")
    source = jetonomy_space_factory()["id"]
    target = jetonomy_space_factory()["id"]
    post_id = jetonomy_post_factory(source)["id"]
    response = examples.client("moderator").post(
        f"/posts/{post_id}/move", json={"target_space_id": target}
    )
    expect.status(response, 200, why="move the post")
    answer = obj(response, "the post")
    expect.that(
        field(answer, "space_id", response, "the post") == target,
        f"the answer to show space_id {target}",
        response,
    )
    post, response = read(admin, f"/posts/{post_id}", "the post")
    expect.that(post.get("space_id") == target, f"GET shows space_id {target}", response)
    items, _, response = space_posts(admin, target)
    expect.that(find(items, post_id) is not None, f"post {post_id} listed in the target", response)
    items, _, response = space_posts(admin, source)
    expect.that(find(items, post_id) is None, f"post {post_id} gone from the source", response)


@pytest.mark.requirement("JT-BEHAV-033")
def test_merge_moves_replies(
    examples: Examples, jetonomy_space_factory, jetonomy_post_factory, jetonomy_reply_factory
) -> None:
    """Merge a post with a reply into another: the reply is listed under the target.

    What becomes of the source post is not specified and not checked. A server may move the
    reply (same id) or re-create it (same content); both are accepted."""
    admin = examples.client("admin")
    space = jetonomy_space_factory()
    source = jetonomy_post_factory(space["id"])["id"]
    target = jetonomy_post_factory(space["id"])["id"]
    reply = jetonomy_reply_factory(source)
    response = examples.client("moderator").post(
        f"/posts/{source}/merge", json={"target_post_id": target}
    )
    expect.status(response, 200, why="merge the post")
    items, _, response = replies_of(admin, target)
    text = plain(reply["content"])
    moved = any(
        item.get("id") == reply["id"] or (text and text in plain(item.get("content", "")))
        for item in items
    )
    expect.that(moved, f"the source's reply {reply['id']} listed under target {target}", response)


@pytest.mark.requirement("JT-BEHAV-034")
def test_split_makes_new_post(examples: Examples) -> None:
    """Split a reply: a new post holding the reply's text, and the reply gone from the old post."""
    admin = examples.client("admin")
    reply_id = examples.fresh("reply")
    post_id = examples.fresh("post")
    items, _, response = replies_of(admin, post_id)
    reply = find(items, reply_id)
    if reply is None:
        expect.fail(f"the fresh reply {reply_id} listed under post {post_id}", response)
    response = examples.client("moderator").post(f"/replies/{reply_id}/split")
    expect.status(response, CREATED, why="split the reply")
    answer = obj(response, "the new post")
    new_id = field(answer, "id", response, "the new post")
    if new_id != post_id:
        examples.factory.defer(lambda: admin.delete(f"/posts/{new_id}"))
    expect.that(new_id != post_id, f"a new post (not post {post_id})", response)
    new_post, response = read(admin, f"/posts/{new_id}", "the new post")
    text = plain(reply.get("content", ""))
    expect.that(
        text in plain(new_post.get("content", "")),
        "the new post's content to be the reply's",
        response,
        detail=f"reply text: {text[:120]!r}",
    )
    items, _, response = replies_of(admin, post_id)
    expect.that(
        find(items, reply_id) is None,
        f"reply {reply_id} no longer listed under post {post_id}",
        response,
    )


@pytest.mark.requirement("JT-BEHAV-035")
def test_drafts_are_the_callers(examples: Examples, world: dict) -> None:
    """A draft by member is in member's /posts/drafts and not in regular's; each list holds
    only drafts of its caller."""
    member = examples.client("member")
    regular = examples.client("regular")
    space_id = world["spaces"]["public"]
    body = post_payload(examples.prefix, examples.factory.faker, status="draft")
    response = member.post(f"/spaces/{space_id}/posts", json=body)
    expect.status(response, CREATED, why="create a draft")
    draft_id = field(obj(response, "the draft"), "id", response, "the draft")
    examples.factory.defer(lambda: member.delete(f"/posts/{draft_id}"))  # only the author sees it
    for role, client, listed in (("member", member, True), ("regular", regular, False)):
        response = client.get("/posts/drafts")
        expect.status(response, 200, why=f"list the drafts of {role}")
        items = response.items
        user_id = examples.user_id(role)
        expect.that(
            (find(items, draft_id) is not None) is listed,
            f"member's draft {draft_id} {'listed' if listed else 'not listed'} for {role}",
            response,
        )
        wrong = [
            i.get("id")
            for i in items
            if not isinstance(i, dict)
            or i.get("status") != "draft"
            or i.get("author_id") != user_id
        ]
        expect.that(
            not wrong,
            f"only drafts (status draft) with author_id {user_id} in {role}'s list",
            response,
            detail=f"other items: {wrong[:10]}",
        )


@pytest.mark.requirement("JT-BEHAV-036")
def test_drafts_not_in_space_list(
    examples: Examples, jetonomy_space_factory, jetonomy_post_factory, jetonomy_anonymous
) -> None:
    """A draft is not among the space's posts (read anonymously); a published post is."""
    space = jetonomy_space_factory()
    published = jetonomy_post_factory(space["id"])["id"]
    draft = jetonomy_post_factory(space["id"], status="draft")["id"]
    response = jetonomy_anonymous.get(f"/spaces/{space['id']}/posts", params={"limit": 100})
    expect.status(response, 200, why="list the space's posts")
    items = response.items
    expect.that(find(items, published) is not None, f"published post {published} listed", response)
    expect.that(find(items, draft) is None, f"draft {draft} not listed", response)
