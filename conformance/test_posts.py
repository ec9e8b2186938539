"""Posts: pin, pinned first, close, accept, move, merge, split, drafts (reference: Posts and
Replies).

The reference names no field of a post but its ``id``: a check finds a post in a list by its
id, a reply's text by the unique words the suite wrote, and a state (pinned, accepted) by what
the action changed (``observe.Observation``). Checks that change ordering or membership of a
space use fresh spaces, so that every post of the space is one the check created.
"""

from __future__ import annotations

import pytest

from pytest_jetonomy import expect, spellings
from pytest_jetonomy.client import ApiResponse, JetonomyClient
from pytest_jetonomy.expect import SUCCESS
from pytest_jetonomy.factories import created_id, post_payload, unique_word
from pytest_jetonomy.lists import Walk, walk
from pytest_jetonomy.observe import (
    Observation,
    by_id,
    describe,
    holds_text,
    identity,
    item_reader,
    matches,
    object_reader,
)

from .examples import Examples


def space_posts(client: JetonomyClient, space_id: int) -> Walk:
    """The posts of a space in the default order (every page)."""
    return walk(client, f"/spaces/{space_id}/posts", what=f"GET /spaces/{space_id}/posts")


def replies_of(client: JetonomyClient, post_id: int) -> Walk:
    return walk(client, f"/posts/{post_id}/replies", what=f"GET /posts/{post_id}/replies")


def listed(found: Walk, object_id: int) -> bool:
    return by_id(found.items, object_id) is not None


def reply_with(examples: Examples, post_id: int, word: str, role: str = "regular") -> int:
    """A new reply by ``role`` on ``post_id`` whose text holds ``word`` (deleted after)."""
    content = f"<p>{word} {examples.prefix} reply</p>"
    return examples.new_reply(post_id, role, content=content)[0]


def acted(response: ApiResponse, why: str) -> ApiResponse:
    """An action that succeeded (any 2xx: the reference names no status but errors)."""
    return expect.status(response, SUCCESS, why=why)


@pytest.mark.requirement("JT-BEHAV-028")
def test_pin_toggles(examples: Examples) -> None:
    """Read a fresh post twice, pin it: something of the post changed; pin again: the post is
    as before the first pin."""
    moderator = examples.client("moderator")
    post_id = examples.fresh("post")
    read = object_reader(examples.client("admin"), f"/posts/{post_id}", f"post {post_id}")
    seen = Observation.take(read)
    acted(moderator.post(f"/posts/{post_id}/pin"), "a moderator pins the post")
    pinned = seen.diff(read())
    expect.that(
        pinned,
        "the post changed by the pin (its pinned state)",
        read.last,
        detail=describe(pinned),
    )
    spellings.at("post.pinned", *(c.path for c in pinned))
    acted(moderator.post(f"/posts/{post_id}/pin"), "a moderator pins the post again")
    back = seen.diff(read())
    expect.that(
        not back,
        "the post as before the first pin (a second pin unpins)",
        read.last,
        detail=describe(back),
    )


@pytest.mark.requirement("JT-BEHAV-029")
def test_pinned_posts_come_first(
    examples: Examples, jetonomy_space_factory, jetonomy_post_factory
) -> None:
    """In the default order of a fresh space, the pinned post (the middle one of three, so no
    chronological order puts it first by chance) comes before every unpinned post."""
    space_id = jetonomy_space_factory()["id"]
    ids = [jetonomy_post_factory(space_id)["id"] for _ in range(3)]
    pinned = ids[1]
    acted(examples.client("moderator").post(f"/posts/{pinned}/pin"), "pin the post")
    found = space_posts(examples.client("admin"), space_id)
    order = [item["id"] for item in found.items if isinstance(item, dict) and "id" in item]
    mine = [i for i in ids if any(matches(o, i) for o in order)]
    expect.that(mine == ids, f"the three posts {ids} listed", found.last, detail=f"order: {order}")
    expect.that(
        matches(order[0], pinned),
        f"the pinned post {pinned} first, before the unpinned posts",
        found.last,
        detail=f"order: {order}",
    )


@pytest.mark.requirement("JT-BEHAV-030")
def test_closed_post_takes_no_replies(examples: Examples) -> None:
    """Close a fresh Q&A post (its author): a new reply by another member is refused with a
    4xx in the error envelope, and the post's replies list is unchanged."""
    admin = examples.client("admin")
    post_id = examples.fresh("post_qa")  # by member
    before = {identity(item) for item in replies_of(admin, post_id).items}
    acted(examples.client("member").post(f"/posts/{post_id}/close"), "the author closes the post")
    refused = examples.client("regular").post(
        f"/posts/{post_id}/replies", json={"content": f"<p>{unique_word(examples.prefix)}</p>"}
    )
    if 200 <= refused.status < 300:
        reply_id = created_id(refused, "a reply to a closed post (refused or not)")
        examples.factory.defer(lambda: admin.delete(f"/replies/{reply_id}"))
    expect.that(
        400 <= refused.status < 500, "a reply to a closed post refused (a 4xx error)", refused
    )
    expect.error(refused, refused.status)
    after = replies_of(admin, post_id)
    expect.that(
        {identity(item) for item in after.items} == before,
        "the closed post's replies unchanged",
        after.last,
    )


@pytest.mark.requirement("JT-BEHAV-077")
def test_accept_marks_reply(examples: Examples) -> None:
    """Read a reply (in its Q&A post's replies) and the post, the post's author accepts it,
    read again: the reply's entry changed, or the post now holds the reply's id."""
    admin = examples.client("admin")
    reply_id = examples.fresh("reply_qa")  # by regular on member's fresh Q&A post
    post_id = examples.fresh("post_qa")
    entry = item_reader(admin, f"/posts/{post_id}/replies", reply_id, f"reply {reply_id}")
    post = object_reader(admin, f"/posts/{post_id}", f"post {post_id}")
    reply_seen, post_seen = Observation.take(entry), Observation.take(post)
    acted(examples.client("member").post(f"/replies/{reply_id}/accept"), "the author accepts")
    reply_changed = reply_seen.diff(entry())
    post_holds = [c for c in post_seen.diff(post()) if matches(c.new, reply_id)]
    expect.that(
        reply_changed or post_holds,
        f"the reply's entry changed, or post {post_id} now holds the reply's id {reply_id}",
        entry.last,
        detail=f"the reply: {describe(reply_changed)}; the post: nothing holds {reply_id}",
    )
    spellings.at(
        "reply.accepted",
        *(("reply", *c.path) for c in reply_changed),
        *(("post", *c.path) for c in post_holds),
    )


@pytest.mark.requirement("JT-BEHAV-032")
def test_move_puts_post_in_target(
    examples: Examples, jetonomy_space_factory, jetonomy_post_factory
) -> None:
    """Move a post from a fresh space to another: listed in the target space's posts, no longer
    in the source's."""
    admin = examples.client("admin")
    source = jetonomy_space_factory()["id"]
    target = jetonomy_space_factory()["id"]
    post_id = jetonomy_post_factory(source)["id"]
    acted(
        examples.client("moderator").post(
            f"/posts/{post_id}/move", json={"target_space_id": target}
        ),
        "move the post",
    )
    found = space_posts(admin, target)
    expect.that(listed(found, post_id), f"post {post_id} listed in the target", found.last)
    found = space_posts(admin, source)
    expect.that(not listed(found, post_id), f"post {post_id} gone from the source", found.last)


@pytest.mark.requirement("JT-BEHAV-033")
def test_merge_moves_replies(
    examples: Examples, jetonomy_space_factory, jetonomy_post_factory
) -> None:
    """Merge a post with a reply into another: the reply is listed under the target (the same
    id, or a reply holding its unique text). What becomes of the source is not specified."""
    space_id = jetonomy_space_factory()["id"]
    source = jetonomy_post_factory(space_id)["id"]
    target = jetonomy_post_factory(space_id)["id"]
    word = unique_word(examples.prefix)
    reply_id = reply_with(examples, source, word, role="admin")
    acted(
        examples.client("moderator").post(
            f"/posts/{source}/merge", json={"target_post_id": target}
        ),
        "merge the post",
    )
    found = replies_of(examples.client("admin"), target)
    moved = listed(found, reply_id) or any(holds_text(item, word) for item in found.items)
    expect.that(
        moved, f"the source's reply {reply_id} ({word}) listed under target {target}", found.last
    )


@pytest.mark.requirement("JT-BEHAV-034")
def test_split_makes_new_post(examples: Examples) -> None:
    """Split a reply: a new post (a new id) holding the reply's text; the reply is no longer
    listed under the old post."""
    admin = examples.client("admin")
    post_id = examples.fresh("post")
    word = unique_word(examples.prefix)
    reply_id = reply_with(examples, post_id, word)
    found = replies_of(admin, post_id)
    expect.that(
        listed(found, reply_id),
        f"the fresh reply {reply_id} listed under post {post_id}",
        found.last,
    )
    response = examples.client("moderator").post(f"/replies/{reply_id}/split")
    new_id = created_id(response, "a post split from the reply")
    if new_id != post_id:
        examples.factory.defer(lambda: admin.delete(f"/posts/{new_id}"))
    expect.that(new_id != post_id, f"a new post (not post {post_id})", response)
    new_post = object_reader(admin, f"/posts/{new_id}", f"the new post {new_id}")
    expect.that(
        holds_text(new_post(), word),
        f"the new post holding the reply's text ({word})",
        new_post.last,
    )
    found = replies_of(admin, post_id)
    expect.that(
        not listed(found, reply_id),
        f"reply {reply_id} no longer listed under post {post_id}",
        found.last,
    )


def draft_by(examples: Examples, role: str) -> int:
    """A draft by ``role`` in the public world space (deleted after the check, by its author:
    only the author may see it)."""
    client = examples.client(role)
    space_id = examples.world["spaces"]["public"]
    body = post_payload(examples.prefix, examples.factory.faker, status="draft")
    draft_id = created_id(client.post(f"/spaces/{space_id}/posts", json=body), f"a draft by {role}")
    examples.factory.defer(lambda: client.delete(f"/posts/{draft_id}"))
    return draft_id


@pytest.mark.requirement("JT-BEHAV-035")
def test_drafts_are_the_callers(examples: Examples) -> None:
    """member's draft is listed in member's GET /posts/drafts and not in regular's; regular's
    draft the other way round."""
    drafts = {role: draft_by(examples, role) for role in ("member", "regular")}
    for caller in drafts:
        found = walk(examples.client(caller), "/posts/drafts", what=f"the drafts of {caller}")
        for author, draft_id in drafts.items():
            mine = author == caller
            expect.that(
                listed(found, draft_id) is mine,
                f"{author}'s draft {draft_id} {'listed' if mine else 'not listed'} for {caller}",
                found.last,
            )


@pytest.mark.requirement("JT-BEHAV-036")
def test_drafts_not_in_space_list(
    jetonomy_space_factory, jetonomy_post_factory, jetonomy_anonymous
) -> None:
    """A draft is not among the space's posts read anonymously; a published post is."""
    space_id = jetonomy_space_factory()["id"]
    published = jetonomy_post_factory(space_id)["id"]
    draft = jetonomy_post_factory(space_id, status="draft")["id"]
    found = space_posts(jetonomy_anonymous, space_id)
    expect.that(listed(found, published), f"published post {published} listed", found.last)
    expect.that(not listed(found, draft), f"draft {draft} not listed", found.last)
