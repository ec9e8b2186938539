"""Spaces and membership: settings merge, partial updates, creation, joins by policy,
invites, leaving, removal, roles, counts, deletion (reference: Spaces).

Everything changed here is a fresh space (``jetonomy_space_factory``, ``examples.fresh``);
member lists are read as admin (an identity-free read).
"""

from __future__ import annotations

from urllib.parse import quote

import pytest

from pytest_jetonomy import expect
from pytest_jetonomy.factories import space_payload, unique

from .behaviours import CREATED, DELETED, field, find, members, obj, read
from .examples import Examples

JOIN_PENDING = (200, 201, 202)
"""Success statuses of a join request on an approval space (the reference shows none)."""

CREATIONS = [
    pytest.param(visibility, policy, kind, id=f"{visibility} {policy} {kind}")
    for visibility, policy, kind in [
        ("public", "open", "discussion"),
        ("public", "approval", "qa"),
        ("public", "invite", "discussion"),
        ("private", "open", "qa"),
        ("private", "approval", "discussion"),
        ("private", "invite", "qa"),
        ("hidden", "open", "discussion"),
        ("hidden", "approval", "qa"),
        ("hidden", "invite", "discussion"),
    ]
]


def member_entry(examples: Examples, space_id: int, user_id: int):
    """(the member entry of ``user_id`` or None, complete, the list response)."""
    items, complete, response = members(examples.client("admin"), space_id)
    return find(items, user_id, "user_id"), complete, response


def expect_listed(examples: Examples, space_id: int, user_id: int, why: str):
    entry, complete, response = member_entry(examples, space_id, user_id)
    if entry is None:
        if not complete:
            pytest.skip(f"space {space_id} has more members than this check reads")
        expect.fail(
            f"user {user_id} listed among the members of space {space_id} ({why})", response
        )
    return entry, response


def expect_not_listed(examples: Examples, space_id: int, user_id: int, why: str) -> None:
    entry, _, response = member_entry(examples, space_id, user_id)
    expect.that(
        entry is None,
        f"user {user_id} not listed among the members of space {space_id} ({why})",
        response,
    )


@pytest.mark.requirement("JT-BEHAV-014")
def test_space_settings_are_merged(examples: Examples) -> None:
    """PATCH settings {a} then {b} on a fresh space: GET /spaces/{id} keeps both."""
    admin = examples.client("admin")
    space_id = examples.fresh("space")
    key_a = f"{unique(examples.prefix)}_a".replace("-", "_")
    key_b = f"{unique(examples.prefix)}_b".replace("-", "_")
    first = admin.patch(f"/spaces/{space_id}", json={"settings": {key_a: "first"}})
    expect.status(first, 200, why="update the space's settings")
    second = admin.patch(f"/spaces/{space_id}", json={"settings": {key_b: "second"}})
    expect.status(second, 200, why="update the space's settings again")
    space, response = read(admin, f"/spaces/{space_id}", "the space")
    settings = field(space, "settings", response, "the space")
    expect.that(
        isinstance(settings, dict)
        and settings.get(key_a) == "first"
        and settings.get(key_b) == "second",
        f"settings holding both {key_a}='first' (sent first, kept) and {key_b}='second'",
        response,
    )


@pytest.mark.requirement("JT-BEHAV-015")
def test_space_patch_changes_only_fields_sent(examples: Examples, jetonomy_space_factory) -> None:
    """PATCH description only: the description changes; name, type, visibility and join
    policy stay as they were. The space is created with none of the usual defaults (a private
    Q&A space joined by approval), so a server resetting unsent fields is seen."""
    admin = examples.client("admin")
    space_id = jetonomy_space_factory(type="qa", visibility="private", join_policy="approval")["id"]
    before, _ = read(admin, f"/spaces/{space_id}", "the space")
    description = f"Changed by {unique(examples.prefix)}"
    response = admin.patch(f"/spaces/{space_id}", json={"description": description})
    expect.status(response, 200, why="update the description")
    after, response = read(admin, f"/spaces/{space_id}", "the space")
    expect.that(after.get("description") == description, f"description {description!r}", response)
    kept = ("name", "type", "visibility", "join_policy")
    changed = [
        f"{k}: {before.get(k)!r} -> {after.get(k)!r}" for k in kept if after.get(k) != before.get(k)
    ]
    expect.that(
        not changed,
        "name, type, visibility and join_policy unchanged",
        response,
        detail="; ".join(changed),
    )


@pytest.mark.requirement("JT-BEHAV-016")
@pytest.mark.parametrize(("visibility", "policy", "kind"), CREATIONS)
def test_new_space_stores_its_fields(
    visibility: str, policy: str, kind: str, examples: Examples
) -> None:
    """POST /spaces: the answer and GET /spaces/{id} echo name, type, visibility, join policy."""
    admin = examples.client("admin")
    body = space_payload(
        examples.prefix,
        examples.factory.faker,
        type=kind,
        visibility=visibility,
        join_policy=policy,
    )
    body["name"] = f"{unique(examples.prefix)} Space {visibility} {policy}"
    response = admin.post("/spaces", json=body)
    expect.status(response, CREATED, why="create a space")
    answer = obj(response, "the new space")
    space_id = field(answer, "id", response, "the new space")
    examples.factory.defer(lambda: admin.delete(f"/spaces/{space_id}"))
    wanted = {k: body[k] for k in ("name", "type", "visibility", "join_policy")}
    for source, (got, shown) in {
        "the answer": (answer, response),
        "GET /spaces/{id}": read(admin, f"/spaces/{space_id}", "the new space"),
    }.items():
        wrong = [f"{k} is {got.get(k)!r}" for k, v in wanted.items() if got.get(k) != v]
        expect.that(not wrong, f"{source} to echo {wanted}", shown, detail="; ".join(wrong))


@pytest.mark.requirement("JT-BEHAV-017")
def test_join_open_space(examples: Examples) -> None:
    """Joining an open space: status joined, and listed among the members."""
    space_id = examples.fresh("space")  # open
    user_id = examples.user_id("member")
    response = examples.client("member").post(f"/spaces/{space_id}/members")
    expect.status(response, CREATED, why="join an open space")
    answer = obj(response, "a join result")
    expect.that(
        field(answer, "status", response, "a join result") == "joined",
        "join status 'joined'",
        response,
    )
    expect_listed(examples, space_id, user_id, "after joining an open space")


@pytest.mark.requirement("JT-BEHAV-018")
def test_join_approval_space_is_pending(examples: Examples, jetonomy_space_factory) -> None:
    """Joining an approval space: a 2xx request that is not (yet) a membership."""
    space = jetonomy_space_factory(join_policy="approval")
    user_id = examples.user_id("member")
    response = examples.client("member").post(f"/spaces/{space['id']}/members")
    expect.status(response, JOIN_PENDING, why="a join request on an approval space")
    if response.is_json and isinstance(response.json(), dict):
        expect.that(
            response.json().get("status") != "joined",
            "a join request (status pending), not a membership",
            response,
        )
    expect_not_listed(examples, space["id"], user_id, "a join request awaits approval")


@pytest.mark.requirement("JT-BEHAV-019")
@pytest.mark.parametrize(
    "token",
    [pytest.param(None, id="without a token"), pytest.param("bogus", id="with a bogus token")],
)
def test_join_invite_space_needs_token(token, examples: Examples, jetonomy_space_factory) -> None:
    """Joining an invite-only space without a valid invite token: 403 jetonomy_forbidden."""
    space = jetonomy_space_factory(join_policy="invite")
    body = None if token is None else {"invite_token": f"{token}-{unique(examples.prefix)}"}
    response = examples.client("member").post(f"/spaces/{space['id']}/members", json=body)
    expect.error(response, 403, "jetonomy_forbidden")
    expect_not_listed(examples, space["id"], examples.user_id("member"), "the join was refused")


@pytest.mark.requirement("JT-BEHAV-020")
def test_invites_differ(examples: Examples) -> None:
    """Two invite requests for the same space give two different tokens."""
    admin = examples.client("admin")
    space_id = examples.fresh("space")
    tokens = []
    for _ in range(2):
        response = admin.post(f"/spaces/{space_id}/invite")
        expect.status(response, CREATED, why="create an invite")
        tokens.append(field(obj(response, "an invite"), "token", response, "an invite"))
    expect.that(
        tokens[0] != tokens[1],
        "two different invite tokens",
        response,
        detail=f"both tokens are {tokens[0]!r}",
    )


@pytest.mark.requirement("JT-BEHAV-021")
def test_redeeming_invite_joins(examples: Examples, jetonomy_space_factory) -> None:
    """GET /invite/{token} as a logged-in user adds them to the (private) space.

    The reference does not say what a logged-in redemption answers: a 2xx join result or a
    redirect to the space are both accepted; the membership is what is checked."""
    admin = examples.client("admin")
    member = examples.client("member")
    space = jetonomy_space_factory(visibility="private", join_policy="invite")
    response = admin.post(f"/spaces/{space['id']}/invite")
    expect.status(response, CREATED, why="create an invite")
    token = field(obj(response, "an invite"), "token", response, "an invite")
    response = member.get(f"/invite/{quote_token(token)}")
    expect.that(200 <= response.status < 400, "a successful redemption (2xx or 3xx)", response)
    if response.status < 300 and response.is_json and isinstance(response.json(), dict):
        status = response.json().get("status")
        expect.that(status in (None, "joined"), "join status 'joined'", response)
    expect_listed(examples, space["id"], examples.user_id("member"), "after redeeming an invite")
    response = member.get(f"/spaces/{space['id']}")
    expect.status(response, 200, why="a member reads their private space")


def quote_token(token: str) -> str:
    return quote(str(token), safe="")


@pytest.mark.requirement("JT-BEHAV-022")
def test_anonymous_redemption_redirects(examples: Examples, jetonomy_anonymous) -> None:
    """GET /invite/{token} without credentials: a 3xx redirect (to registration) with a
    Location header, not a join."""
    token = examples.fresh("invite")
    response = jetonomy_anonymous.get(f"/invite/{quote_token(token)}")
    expect.that(
        300 <= response.status < 400 and bool(response.headers.get("Location")),
        "a 3xx redirect with a Location header",
        response,
    )


@pytest.mark.requirement("JT-BEHAV-023")
def test_member_can_leave(examples: Examples) -> None:
    """A member removes themselves: success, then no longer listed."""
    user_id = examples.fresh("member")  # regular joined a fresh open space
    space_id = examples.fresh("space")
    expect_listed(examples, space_id, user_id, "joined before leaving")
    response = examples.client("regular").delete(f"/spaces/{space_id}/members/{user_id}")
    expect.status(response, DELETED, why="leave the space")
    expect_not_listed(examples, space_id, user_id, "after leaving")


@pytest.mark.requirement("JT-BEHAV-024")
def test_space_admin_removes_member(examples: Examples) -> None:
    """The space's admin removes another member: success, then no longer listed."""
    user_id = examples.fresh("member")
    space_id = examples.fresh("space")
    expect_listed(examples, space_id, user_id, "joined before removal")
    response = examples.client("admin").delete(f"/spaces/{space_id}/members/{user_id}")
    expect.status(response, DELETED, why="remove a member")
    expect_not_listed(examples, space_id, user_id, "after removal by the space admin")


@pytest.mark.requirement("JT-BEHAV-025")
def test_role_change_is_listed(examples: Examples) -> None:
    """PATCH role=moderator: the answer and the member list show role moderator."""
    user_id = examples.fresh("member")
    space_id = examples.fresh("space")
    response = examples.client("admin").patch(
        f"/spaces/{space_id}/members/{user_id}", json={"role": "moderator"}
    )
    expect.status(response, 200, why="change a member's role")
    answer = obj(response, "a member")
    expect.that(
        field(answer, "role", response, "a member") == "moderator",
        "the answer to show role moderator",
        response,
    )
    entry, response = expect_listed(examples, space_id, user_id, "after a role change")
    expect.that(
        entry.get("role") == "moderator", f"user {user_id} listed with role moderator", response
    )


@pytest.mark.requirement("JT-BEHAV-026")
def test_counts_follow_joins_and_posts(examples: Examples, jetonomy_post_factory) -> None:
    """member_count grows by 1 after a join, post_count by 1 after a new post."""
    admin = examples.client("admin")
    member = examples.client("member")
    space_id = examples.fresh("space")
    before, response = read(admin, f"/spaces/{space_id}", "the space")
    members_before = field(before, "member_count", response, "the space")
    posts_before = field(before, "post_count", response, "the space")
    expect.status(member.post(f"/spaces/{space_id}/members"), CREATED, why="join an open space")
    middle, response = read(admin, f"/spaces/{space_id}", "the space")
    expect.that(
        middle.get("member_count") == members_before + 1,
        f"member_count {members_before + 1} after one join (was {members_before})",
        response,
    )
    jetonomy_post_factory(space_id, member)
    after, response = read(admin, f"/spaces/{space_id}", "the space")
    expect.that(
        after.get("post_count") == posts_before + 1,
        f"post_count {posts_before + 1} after one new post (was {posts_before})",
        response,
    )


@pytest.mark.requirement("JT-BEHAV-027")
def test_deleting_space_deletes_posts(
    examples: Examples, jetonomy_space_factory, jetonomy_post_factory
) -> None:
    """DELETE /spaces/{id}: the space and its posts answer 404 afterwards."""
    admin = examples.client("admin")
    space = jetonomy_space_factory()
    post = jetonomy_post_factory(space["id"])
    expect.status(admin.get(f"/posts/{post['id']}"), 200, why="the post exists before")
    response = admin.delete(f"/spaces/{space['id']}")
    expect.status(response, DELETED, why="delete the space")
    expect.status(admin.get(f"/spaces/{space['id']}"), 404, why="the deleted space is gone")
    expect.status(admin.get(f"/posts/{post['id']}"), 404, why="the deleted space's post is gone")
