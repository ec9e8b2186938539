"""Users: own profile, settings merge, display name, lookups, a user's posts (reference: Users)."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from pytest_jetonomy import expect
from pytest_jetonomy.factories import unique

from .behaviours import field, find, obj, read, walk
from .examples import Examples

ME_ROLES = [pytest.param(role, id=role) for role in ("member", "regular", "moderator", "admin")]
"""Roles whose own profile is read (leader and new_member are kept for the rate-limit checks)."""


@pytest.mark.requirement("JT-BEHAV-009")
def test_user_settings_are_merged(examples: Examples) -> None:
    """PATCH settings {a} then {b}: both a and b are kept (keys not sent are preserved)."""
    member = examples.client("member")
    key_a = f"{unique(examples.prefix)}_a".replace("-", "_")
    key_b = f"{unique(examples.prefix)}_b".replace("-", "_")
    # best effort: a key sent as null is removed by the reference (not promised; 4xx is fine)
    examples.factory.defer(
        lambda: member.patch("/users/me", json={"settings": {key_a: None, key_b: None}})
    )
    first = member.patch("/users/me", json={"settings": {key_a: "first"}})
    expect.status(first, 200, why="update the caller's settings")
    second = member.patch("/users/me", json={"settings": {key_b: "second"}})
    expect.status(second, 200, why="update the caller's settings again")
    me, response = read(member, "/users/me", "the caller's profile")
    settings = field(me, "settings", response, "the caller's full profile")
    expect.that(
        isinstance(settings, dict)
        and settings.get(key_a) == "first"
        and settings.get(key_b) == "second",
        f"settings holding both {key_a}='first' (sent first, kept) and {key_b}='second'",
        response,
    )


@pytest.mark.requirement("JT-BEHAV-010")
def test_display_name_is_changed(examples: Examples) -> None:
    """PATCH display_name: the answer, GET /users/me and the public profile show it."""
    regular = examples.client("regular")
    admin = examples.client("admin")
    me, response = read(regular, "/users/me", "the caller's profile")
    old_name = field(me, "display_name", response, "the caller's profile")
    user_id = field(me, "id", response, "the caller's profile")
    if isinstance(old_name, str) and old_name.strip():
        examples.factory.defer(lambda: regular.patch("/users/me", json={"display_name": old_name}))
    new_name = f"Conformance {unique(examples.prefix)}"
    response = regular.patch("/users/me", json={"display_name": new_name})
    expect.status(response, 200, why="change the display name")
    answer = obj(response, "the updated profile")
    expect.that(
        field(answer, "display_name", response, "the updated profile") == new_name,
        f"the answer to show display_name {new_name!r}",
        response,
    )
    me, response = read(regular, "/users/me", "the caller's profile")
    expect.that(
        me.get("display_name") == new_name, f"/users/me display_name {new_name!r}", response
    )
    public, response = read(admin, f"/users/{user_id}", "the public profile")
    expect.that(
        public.get("display_name") == new_name,
        f"the public profile's display_name {new_name!r}",
        response,
    )


@pytest.mark.requirement("JT-BEHAV-011")
@pytest.mark.parametrize("role", ME_ROLES)
def test_me_is_the_caller(role: str, examples: Examples) -> None:
    """/users/me is the user whose credentials were sent: its username is the login used, and
    the public profile of its id is that same user."""
    client = examples.client(role)
    login = examples.run.credentials[role].username
    me, response = read(client, "/users/me", f"/users/me as {role}")
    username = field(me, "username", response, "the caller's profile")
    matches = isinstance(username, str) and username.casefold() == login.casefold()
    if not matches and "@" in login:  # WordPress also authenticates by e-mail address
        matches = str(me.get("email", "")).casefold() == login.casefold()
    expect.that(
        matches, f"/users/me to be the user {login!r} whose credentials were sent", response
    )
    user_id = field(me, "id", response, "the caller's profile")
    public, lookup = read(
        examples.client("admin"), f"/users/{quote(str(user_id), safe='')}", "a profile"
    )
    expect.that(
        public.get("id") == user_id and public.get("username") == username,
        f"/users/me id {user_id!r} to be the id of user {username!r} (GET /users/{{id}})",
        lookup,
        detail=f"GET /users/{user_id} is {public.get('id')!r}/{public.get('username')!r}",
    )


@pytest.mark.requirement("JT-BEHAV-012")
def test_profile_by_login_is_profile_by_id(examples: Examples) -> None:
    """GET /users/by-login/{login} and GET /users/{id} are the same user (member)."""
    admin = examples.client("admin")
    user_id = examples.user_id("member")
    login = examples.run.credentials["member"].username
    by_login, response = read(admin, f"/users/by-login/{quote(login, safe='')}", "a profile")
    expect.that(
        by_login.get("id") == user_id,
        f"the profile of login {login!r} to have the member's id {user_id}",
        response,
    )
    by_id, response = read(admin, f"/users/{user_id}", "a profile")
    expect.that(
        by_id.get("id") == user_id
        and by_id.get("username") == by_login.get("username")
        and by_id.get("display_name") == by_login.get("display_name"),
        f"GET /users/{user_id} to be the same user as by login (id, username, display_name)",
        response,
        detail=f"by login: {by_login.get('id')!r}/{by_login.get('username')!r}/"
        f"{by_login.get('display_name')!r}",
    )


@pytest.mark.requirement("JT-BEHAV-013")
def test_user_posts_are_that_users(examples: Examples, jetonomy_post_factory, world: dict) -> None:
    """A new post by member is in /users/{member}/posts, a new post by regular is not, and every
    listed post has member as author."""
    member_id = examples.user_id("member")
    space_id = world["spaces"]["public"]
    mine = jetonomy_post_factory(space_id, examples.client("member"))
    other = jetonomy_post_factory(space_id, examples.client("regular"))
    items, complete, response = walk(
        examples.client("admin"), f"/users/{member_id}/posts", "the member's posts"
    )
    strangers = [i.get("id") for i in items if i.get("author_id") != member_id]
    expect.that(
        not strangers,
        f"only posts with author_id {member_id}",
        response,
        detail=f"posts by others: {strangers[:10]}",
    )
    expect.that(
        find(items, other["id"]) is None,
        f"regular's post {other['id']} not listed among the member's posts",
        response,
    )
    if find(items, mine["id"]) is None:
        if not complete:
            pytest.skip("the member has more posts than this check reads (500)")
        expect.fail(f"the member's new post {mine['id']} listed", response)
