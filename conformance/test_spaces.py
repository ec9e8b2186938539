"""Spaces and membership: settings merge, partial updates, creation, joins by policy,
invites, leaving, removal, roles, counts, deletion (reference: Spaces).

The reference names no field of a space or of a member entry. The checks find what they
sent (a unique name, a settings key and value, a role word) anywhere in the answers, and
membership by the user's id in an entry of ``GET /spaces/{id}/members``: by the entries the
list gains or loses around a join or a removal, so that a space id equal to a user id
cannot pass for a membership. Everything changed is a fresh space; member lists are read
as admin (an identity-free read).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest

from pytest_jetonomy import expect, lists, spellings
from pytest_jetonomy.client import ApiResponse
from pytest_jetonomy.expect import CREATED, DELETED, SUCCESS
from pytest_jetonomy.factories import created, space_payload, unique
from pytest_jetonomy.observe import (
    Observation,
    appeared,
    describe,
    holding,
    holds,
    is_timestamp,
    read_object,
    vanished,
    where,
)

from .behaviours import expect_setting, settings_key
from .examples import Examples, invite_token, invite_tokens

CREATIONS = [
    pytest.param(visibility, policy, kind, id=f"{visibility} {policy} {kind}")
    for visibility, policy, kind in [
        ("public", "open", "discussion"),
        ("private", "approval", "qa"),
        ("hidden", "invite", "discussion"),
    ]
]
"""Every documented visibility, join policy and type is sent once (three spaces, not every
combination: the reference ties none of the three to another)."""

WORDS = {
    "type": ("discussion", "qa"),
    "visibility": ("public", "private", "hidden"),
    "join policy": ("open", "approval", "invite"),
}
"""The words the reference gives for each property of a space (POST /spaces)."""


# -- members -----------------------------------------------------------------------------------
def members(examples: Examples, space_id: int) -> tuple[list[Any], ApiResponse]:
    """The entries of GET /spaces/{id}/members (every page), read as admin."""
    walked = lists.walk(
        examples.client("admin"),
        f"/spaces/{space_id}/members",
        what=f"the members of space {space_id}",
    )
    return walked.items, walked.last


def join(examples: Examples, role: str, space_id: int, body: Any = None) -> ApiResponse:
    return examples.client(role).post(f"/spaces/{space_id}/members", json=body)


def expect_entry_appeared(
    before: list[Any], after: list[Any], user_id: int, response: ApiResponse, why: str
) -> Any:
    """An entry holding ``user_id`` appeared in the member list; it is returned."""
    entry = holding(appeared(before, after), user_id)
    expect.that(
        entry is not None,
        f"user {user_id} listed among the members ({why}): a new entry holding their id",
        response,
        detail=f"entries that appeared: {appeared(before, after)!r}"[:600],
    )
    spellings.at("member.user", *where(entry, user_id))
    return entry


def expect_not_joined(
    before: list[Any], after: list[Any], user_id: int, response: ApiResponse, why: str
) -> None:
    entry = holding(appeared(before, after), user_id)
    expect.that(
        entry is None,
        f"user {user_id} not listed among the members ({why})",
        response,
        detail=f"a new entry holds their id: {entry!r}"[:600],
    )


def expect_entry_gone(
    before: list[Any], after: list[Any], user_id: int, response: ApiResponse, why: str
) -> None:
    """The entry holding ``user_id`` vanished, and no new entry holds it."""
    gone = holding(vanished(before, after), user_id)
    still = holding(appeared(before, after), user_id)
    expect.that(
        gone is not None and still is None,
        f"user {user_id} no longer listed among the members ({why})",
        response,
        detail=(
            f"a changed entry still holds their id: {still!r}"
            if still is not None
            else "no entry holding their id left the list"
        )[:600],
    )


def joined_member(
    examples: Examples, role: str = "regular", *, subject: bool = False
) -> tuple[int, int, Any, ApiResponse]:
    """``role`` joins a fresh open space: (space id, user id, their member entry, the list).
    ``subject``: the join is what the check judges (a refusal fails it, not blocks it)."""
    space_id = examples.fresh("space")
    user_id = examples.user_id(role)
    before, _ = members(examples, space_id)
    expect.status(
        join(examples, role, space_id),
        SUCCESS,
        why=f"join a fresh open space as {role}",
        subject=subject,
    )
    after, response = members(examples, space_id)
    entry = expect_entry_appeared(before, after, user_id, response, "after joining")
    return space_id, user_id, entry, response


# -- settings and updates ----------------------------------------------------------------------
def patch_space(examples: Examples, space_id: int, why: str, **meaning: Any) -> ApiResponse:
    """PATCH /spaces/{id} with the body learned for ``meaning`` (undocumented: bodies.py)."""
    path = f"/spaces/{space_id}"
    body = examples.body_for("spaces.update", path, **meaning)
    return expect.status(examples.client("admin").patch(path, json=body), SUCCESS, why=why)


def expect_space_setting(space: Any, key: str, value: str, response: Any, why: str) -> None:
    """``GET /spaces/{id}`` holds ``value`` under the settings key ``key`` (see ``expect_setting``)."""
    expect_setting(
        space, key, value, response, read="GET /spaces/{id}", fact="space.settings", why=why
    )


@pytest.mark.requirement("JT-SCHEMA-032")
def test_space_read_includes_settings(examples: Examples) -> None:
    """PATCH a fresh space's settings {key: value}: GET /spaces/{id} holds value under key."""
    space_id = examples.fresh("space")
    key, value = settings_key(examples.prefix, "k"), f"{unique(examples.prefix)}-value"
    patch_space(examples, space_id, "update the space's settings", settings={key: value})
    space, response = read_object(examples.client("admin"), f"/spaces/{space_id}", "the space")
    expect_space_setting(space, key, value, response, "the setting just sent")


@pytest.mark.requirement("JT-BEHAV-014")
def test_space_settings_are_merged(examples: Examples) -> None:
    """PATCH settings {a} then {b} on a fresh space: GET /spaces/{id} holds both."""
    space_id = examples.fresh("space")
    key_a, key_b = settings_key(examples.prefix, "a"), settings_key(examples.prefix, "b")
    value_a, value_b = f"{unique(examples.prefix)}-first", f"{unique(examples.prefix)}-second"
    patch_space(examples, space_id, "update the space's settings", settings={key_a: value_a})
    patch_space(examples, space_id, "update the settings again", settings={key_b: value_b})
    space, response = read_object(examples.client("admin"), f"/spaces/{space_id}", "the space")
    expect_space_setting(space, key_b, value_b, response, "sent last")
    expect_space_setting(space, key_a, value_a, response, "sent first, not sent again: kept")


@pytest.mark.requirement("JT-BEHAV-015")
def test_space_patch_changes_only_fields_sent(examples: Examples, jetonomy_space_factory) -> None:
    """PATCH the description only: the space changes only where it held the old description.
    The space is created with none of the usual defaults (a private Q&A space joined by
    approval), so a server resetting unsent fields is seen."""
    admin = examples.client("admin")
    old = f"Described by {unique(examples.prefix)}"
    space_id = jetonomy_space_factory(
        type="qa", visibility="private", join_policy="approval", description=old
    )["id"]
    path = f"/spaces/{space_id}"
    seen = Observation.take(lambda: read_object(admin, path, "the space")[0])
    held = set(where(seen.before, old))
    if not held:
        pytest.skip(
            "GET /spaces/{id} does not show the description the space was created with, so "
            "a change of it cannot be told from other changes"
        )
    new = f"Changed by {unique(examples.prefix)}"
    patch_space(examples, space_id, "update the description", description=new)
    after, response = read_object(admin, path, "the space")
    changed = seen.diff(after)
    expect.that(holds(after, new), f"GET /spaces/{{id}} shows the description {new!r}", response)
    others = [c for c in changed if c.path not in held and not is_timestamp(c.new)]
    expect.that(
        not others,
        "PATCH of the description changes the space only where it held the description",
        response,
        detail=f"also changed: {describe(others)}",
    )


@pytest.mark.requirement("JT-BEHAV-016")
@pytest.mark.parametrize(("visibility", "policy", "kind"), CREATIONS)
def test_new_space_stores_its_fields(
    visibility: str, policy: str, kind: str, examples: Examples
) -> None:
    """POST /spaces: the answer (when it is the space) and GET /spaces/{id} hold the name,
    type, visibility and join policy sent."""
    admin = examples.client("admin")
    name = f"{unique(examples.prefix)} Space {visibility} {policy}"
    body = space_payload(
        examples.prefix,
        examples.factory.faker,
        name=name,
        type=kind,
        visibility=visibility,
        join_policy=policy,
    )
    response = admin.post("/spaces", json=body)
    expect.status(response, CREATED, why="create a space")
    space_id = created(response, "a space")["id"]
    examples.factory.defer(lambda: admin.delete(f"/spaces/{space_id}"))
    sent = {"name": name, "type": kind, "visibility": visibility, "join policy": policy}
    answer = response.json() if response.text.strip() else None
    sources: list[tuple[str, Any, ApiResponse]] = []
    if isinstance(answer, dict) and set(answer) - {"id"}:
        sources.append(("the creation answer", answer, response))
    space, shown = read_object(admin, f"/spaces/{space_id}", "the new space")
    sources.append(("GET /spaces/{id}", space, shown))
    for source, got, answered in sources:
        for what, value in sent.items():
            if holds(got, value):
                continue
            others = [w for w in WORDS.get(what, ()) if w != value and holds(got, w)]
            if what != "name" and not others:
                pytest.skip(
                    f"{source} shows no {what} of the space at all (none of "
                    f"{', '.join(WORDS[what])}), so the {what} sent cannot be found in it"
                )
            expect.fail(
                f"{source} to hold the {what} sent, {value!r}",
                answered,
                detail=f"it holds {', '.join(map(repr, others))} instead" if others else None,
            )


# -- joining -----------------------------------------------------------------------------------
@pytest.mark.requirement("JT-BEHAV-017")
def test_join_open_space(examples: Examples) -> None:
    """Joining an open space as member: a success, and a new entry of the member list holds
    the member's id."""
    joined_member(examples, "member", subject=True)


@pytest.mark.requirement("JT-BEHAV-018")
def test_join_approval_space_is_pending(examples: Examples, jetonomy_space_factory) -> None:
    """Joining an approval space: a 2xx request that is not (yet) a membership."""
    space_id = jetonomy_space_factory(join_policy="approval")["id"]
    user_id = examples.user_id("member")
    before, _ = members(examples, space_id)
    response = join(examples, "member", space_id)
    expect.status(response, SUCCESS, why="a join request on an approval space", subject=True)
    after, listed = members(examples, space_id)
    expect_not_joined(before, after, user_id, listed, "a join request awaits approval")


@pytest.mark.requirement("JT-BEHAV-019", code="JT-AUTH-033")
@pytest.mark.parametrize(
    "token",
    [pytest.param(None, id="without a token"), pytest.param("bogus", id="with a bogus token")],
)
def test_join_invite_space_needs_token(
    token: str | None, examples: Examples, jetonomy_space_factory
) -> None:
    """Joining an invite-only space without a valid invite token: 403 jetonomy_forbidden, and
    no membership."""
    space_id = jetonomy_space_factory(join_policy="invite")["id"]
    body = None
    if token is not None:
        body = examples.body_for(
            "spaces.join",
            f"/spaces/{space_id}/members",
            invite_token=f"{token}-{unique(examples.prefix)}",
        )
    before, _ = members(examples, space_id)
    response = join(examples, "member", space_id, body)
    with expect.soft():  # the refusal, its code (JT-AUTH-033), no membership: each on its own
        expect.error(response, 403, "jetonomy_forbidden")
        after, listed = members(examples, space_id)
        expect_not_joined(before, after, examples.user_id("member"), listed, "the join was refused")


# -- invites -----------------------------------------------------------------------------------
def invite(examples: Examples, space_id: int) -> tuple[list[str], ApiResponse]:
    """POST /spaces/{id}/invite as admin: (the candidate tokens of the answer, the answer)."""
    response = examples.client("admin").post(f"/spaces/{space_id}/invite")
    expect.status(response, CREATED, why="create an invite")
    candidates = invite_tokens(expect.json_body(response))
    expect.that(
        candidates,
        "an invite answer holding a token or a link (a string value)",
        response,
    )
    invite_token(response)  # notes how the answer gives the token
    return candidates, response


def quote_token(token: str) -> str:
    return quote(str(token), safe="")


@pytest.mark.requirement("JT-BEHAV-020")
def test_invites_differ(examples: Examples) -> None:
    """Two invite requests for the same space give two different tokens."""
    space_id = examples.fresh("space")
    first, _ = invite(examples, space_id)
    second, response = invite(examples, space_id)
    expect.that(
        first[0] != second[0],
        "two different invite tokens",
        response,
        detail=f"both answers give {first[0]!r}",
    )


def redeem(examples: Examples, role: str, token: str) -> ApiResponse:
    return examples.client(role).get(f"/invite/{quote_token(token)}")


@pytest.mark.requirement("JT-BEHAV-021")
def test_redeeming_invite_joins(examples: Examples, jetonomy_space_factory) -> None:
    """GET /invite/{token} as member adds member to a private invite-only space (a new
    member entry holds member's id), and member can then read the space.

    The reference does not say what a logged-in redemption answers: a 2xx or a redirect to
    the space are both accepted; the membership is what is checked."""
    space_id = jetonomy_space_factory(visibility="private", join_policy="invite")["id"]
    user_id = examples.user_id("member")
    tokens, _ = invite(examples, space_id)
    before, _ = members(examples, space_id)
    response = redeem(examples, "member", tokens[0])
    expect.that(200 <= response.status < 400, "a successful redemption (2xx or 3xx)", response)
    after, listed = members(examples, space_id)
    expect_entry_appeared(before, after, user_id, listed, "after redeeming an invite")
    response = examples.client("member").get(f"/spaces/{space_id}")
    expect.status(response, 200, why="a member reads their private space", subject=True)


@pytest.mark.requirement("JT-SCHEMA-039")
@pytest.mark.parametrize(
    "policy", [pytest.param("open", id="open space"), pytest.param("invite", id="invite space")]
)
def test_invite_answer_redeems(policy: str, examples: Examples, jetonomy_space_factory) -> None:
    """A value of the invite answer (a token, or the last part of a link) redeems as
    GET /invite/{token}: member is then listed among the space's members."""
    space_id = jetonomy_space_factory(join_policy=policy)["id"]
    user_id = examples.user_id("member")
    tokens, answer = invite(examples, space_id)
    before, _ = members(examples, space_id)
    tried = []
    for token in tokens:
        response = redeem(examples, "member", token)
        tried.append(f"{token!r}: HTTP {response.status}")
        if 200 <= response.status < 400:
            break
    else:
        expect.fail(
            "a value of the invite answer that GET /invite/{token} redeems",
            answer,
            detail="; ".join(tried),
        )
    after, listed = members(examples, space_id)
    expect_entry_appeared(before, after, user_id, listed, f"after redeeming {token!r}")


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


# -- leaving, removal, roles -------------------------------------------------------------------
@pytest.mark.requirement("JT-BEHAV-023")
def test_member_can_leave(examples: Examples) -> None:
    """regular removes themselves from a fresh space: a success, and their entry leaves the
    member list."""
    space_id, user_id, _, _ = joined_member(examples, "regular")
    before, _ = members(examples, space_id)
    response = examples.client("regular").delete(f"/spaces/{space_id}/members/{user_id}")
    expect.status(response, DELETED, why="leave the space", subject=True)
    after, listed = members(examples, space_id)
    expect_entry_gone(before, after, user_id, listed, "after leaving")


@pytest.mark.requirement("JT-BEHAV-024")
def test_space_admin_removes_member(examples: Examples) -> None:
    """The space's admin removes regular: a success, and regular's entry leaves the list."""
    space_id, user_id, _, _ = joined_member(examples, "regular")
    before, _ = members(examples, space_id)
    response = examples.client("admin").delete(f"/spaces/{space_id}/members/{user_id}")
    expect.status(response, DELETED, why="remove a member", subject=True)
    after, listed = members(examples, space_id)
    expect_entry_gone(before, after, user_id, listed, "after removal by the space admin")


@pytest.mark.requirement("JT-BEHAV-025", "JT-SCHEMA-037")
def test_role_change_is_listed(examples: Examples) -> None:
    """PATCH role=moderator for regular: regular's entry (the entry holding their id) holds
    'moderator' afterwards, and did not before."""
    space_id, user_id, entry, listed = joined_member(examples, "regular")
    expect.that(
        not holds(entry, "moderator"),
        "a member who just joined is not listed as moderator",
        listed,
        detail=f"the entry: {entry!r}"[:600],
    )
    before, _ = members(examples, space_id)
    path = f"/spaces/{space_id}/members/{user_id}"
    body = examples.body_for("spaces.role", path, role="moderator")
    response = examples.client("admin").patch(path, json=body)
    expect.status(response, SUCCESS, why="change a member's role")
    after, listed = members(examples, space_id)
    changed = holding(appeared(before, after), user_id)
    expect.that(
        changed is not None and holds(changed, "moderator"),
        f"user {user_id}'s member entry holds 'moderator' after the role change",
        listed,
        detail=f"their entry: {changed if changed is not None else entry!r}"[:600],
    )


# -- counts and deletion -----------------------------------------------------------------------
@pytest.mark.requirement("JT-SCHEMA-033")
def test_counts_follow_joins_and_posts(examples: Examples, jetonomy_post_factory) -> None:
    """On a fresh space: a join moves a JSON integer of the space by one, and so does a new
    post."""
    admin = examples.client("admin")
    member = examples.client("member")
    space_id = examples.fresh("space")
    path = f"/spaces/{space_id}"
    seen = Observation.take(lambda: read_object(admin, path, "the space")[0])
    expect.status(join(examples, "member", space_id), SUCCESS, why="join an open space")
    middle, response = read_object(admin, path, "the space")
    joined = [c for c in seen.diff(middle) if c.step == 1]
    expect.that(
        joined,
        "a JSON integer of the space moved by one after a join (the member count)",
        response,
        detail=describe(seen.diff(middle)),
    )
    seen = Observation(middle, seen.drift)
    jetonomy_post_factory(space_id, member)
    after, response = read_object(admin, path, "the space")
    posted = [c for c in seen.diff(after) if c.step == 1]
    expect.that(
        posted,
        "a JSON integer of the space moved by one after a new post (the post count)",
        response,
        detail=describe(seen.diff(after)),
    )
    spellings.learned(
        "space.counts",
        f"members: {spellings.shown(*(c.path for c in joined))}; "
        f"posts: {spellings.shown(*(c.path for c in posted))}",
    )


@pytest.mark.requirement("JT-BEHAV-027")
def test_deleting_space_deletes_posts(
    examples: Examples, jetonomy_space_factory, jetonomy_post_factory
) -> None:
    """DELETE /spaces/{id}: the space and its posts answer 404 afterwards."""
    admin = examples.client("admin")
    space_id = jetonomy_space_factory()["id"]
    post_id = jetonomy_post_factory(space_id)["id"]
    expect.status(admin.get(f"/posts/{post_id}"), 200, why="the post exists before")
    response = admin.delete(f"/spaces/{space_id}")
    expect.status(response, DELETED, why="delete the space")
    expect.status(admin.get(f"/spaces/{space_id}"), 404, why="the deleted space is gone")
    expect.status(admin.get(f"/posts/{post_id}"), 404, why="the deleted space's post is gone")
