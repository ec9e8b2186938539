"""Users: own profile, settings merge, display name, lookups, a user's posts (reference: Users).

The reference names no field of a profile: the checks find what they sent (a unique settings
key and value, a unique display name) anywhere in the answers, and tell users apart by the
``id`` the reference addresses them with.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest

from pytest_jetonomy import expect, lists, spellings
from pytest_jetonomy.expect import SUCCESS
from pytest_jetonomy.factories import unique
from pytest_jetonomy.observe import (
    Observation,
    by_id,
    changes,
    describe,
    holds,
    is_integer,
    json_object,
    read_object,
)

from .behaviours import expect_setting, settings_key
from .examples import Examples

ME_ROLES = ("member", "regular", "moderator", "admin")
"""Roles whose own profile is read (leader and new_member are kept for the rate-limit checks)."""


def patch_me(examples: Examples, role: str, why: str, **meaning: Any) -> None:
    """PATCH /users/me with the body learned for ``meaning`` (undocumented: see bodies.py)."""
    body = examples.body_for("users.update_me", "/users/me", **meaning)
    response = examples.client(role).patch("/users/me", json=body)
    expect.status(response, SUCCESS, why=why)


def forget_settings(examples: Examples, role: str, *keys: str) -> None:
    """Best effort, after the test: a key sent as null is removed by the reference server
    (not promised; a refusal is fine)."""
    body = examples.body_for("users.update_me", "/users/me", settings=dict.fromkeys(keys))
    client = examples.client(role)
    examples.factory.defer(lambda: client.patch("/users/me", json=body))


def expect_my_setting(me: Any, key: str, value: str, response: Any, why: str) -> None:
    """``GET /users/me`` holds ``value`` under the settings key ``key`` (see ``expect_setting``)."""
    expect_setting(me, key, value, response, read="GET /users/me", fact="user.settings", why=why)


@pytest.mark.requirement("JT-SCHEMA-036")
def test_own_profile_includes_settings(examples: Examples) -> None:
    """PATCH /users/me settings {key: value}: GET /users/me holds value under key."""
    key, value = settings_key(examples.prefix, "k"), f"{unique(examples.prefix)}-value"
    forget_settings(examples, "member", key)
    patch_me(examples, "member", "update the caller's settings", settings={key: value})
    me, response = read_object(examples.client("member"), "/users/me", "the caller's profile")
    expect_my_setting(me, key, value, response, "the setting just sent")


@pytest.mark.requirement("JT-BEHAV-009")
def test_user_settings_are_merged(examples: Examples) -> None:
    """PATCH settings {a} then {b}: GET /users/me holds both (keys not sent are kept)."""
    key_a, key_b = settings_key(examples.prefix, "a"), settings_key(examples.prefix, "b")
    value_a, value_b = f"{unique(examples.prefix)}-first", f"{unique(examples.prefix)}-second"
    forget_settings(examples, "member", key_a, key_b)
    patch_me(examples, "member", "update the caller's settings", settings={key_a: value_a})
    patch_me(examples, "member", "update the caller's settings again", settings={key_b: value_b})
    me, response = read_object(examples.client("member"), "/users/me", "the caller's profile")
    expect_my_setting(me, key_b, value_b, response, "sent last")
    expect_my_setting(me, key_a, value_a, response, "sent first, not sent again: kept by the merge")


@pytest.mark.requirement("JT-BEHAV-010")
def test_display_name_is_changed(examples: Examples) -> None:
    """PATCH display_name: GET /users/me and the public profile GET /users/{id} show it."""
    regular = examples.client("regular")
    user_id = examples.user_id("regular")
    me = Observation.take(lambda: read_object(regular, "/users/me", "the caller's profile")[0])
    new_name = f"Conformance {unique(examples.prefix)}"
    patch_me(examples, "regular", "change the display name", display_name=new_name)
    after, response = read_object(regular, "/users/me", "the caller's profile")
    # the old name, where the new one now is: given back after the test
    olds = [c.old for c in me.diff(after) if c.new == new_name and isinstance(c.old, str)]
    if olds and olds[0].strip():
        old = examples.body_for("users.update_me", "/users/me", display_name=olds[0])
        examples.factory.defer(lambda: regular.patch("/users/me", json=old))
    expect.that(holds(after, new_name), f"GET /users/me shows the name {new_name!r}", response)
    public, response = read_object(
        examples.client("admin"), f"/users/{user_id}", "the public profile"
    )
    expect.that(
        holds(public, new_name), f"the public profile shows the name {new_name!r}", response
    )


def by_login(examples: Examples, role: str) -> tuple[dict[str, Any], Any]:
    """The public profile of the login the suite was given for ``role`` (read as admin)."""
    login = examples.run.credentials[role].username
    response = examples.client("admin").get(f"/users/by-login/{quote(login, safe='')}")
    if response.status == 404 and "@" in login:
        pytest.skip(
            f"the suite was given the e-mail address {login!r} as the {role} login (WordPress "
            "authenticates by it) and GET /users/by-login/{login} knows no such login"
        )
    expect.status(response, 200, why=f"read the profile of login {login!r}")
    return json_object(response, "a profile"), response


@pytest.mark.requirement("JT-BEHAV-011")
@pytest.mark.parametrize("role", [pytest.param(role, id=role) for role in ME_ROLES])
def test_me_is_the_caller(role: str, examples: Examples) -> None:
    """/users/me is the user whose credentials were sent: its id is the id of the profile of
    the login the suite was given (GET /users/by-login/{login})."""
    examples.user_id(role)  # skips when the role was not given
    me, response = read_object(examples.client(role), "/users/me", f"/users/me as {role}")
    expect.that(top_id(me) is not None, f"/users/me as {role} tells an integer id", response)
    profile, lookup = by_login(examples, role)
    expect.that(
        top_id(profile) == top_id(me),
        f"/users/me as {role} to be the user of login "
        f"{examples.run.credentials[role].username!r} (same id)",
        lookup,
        detail=f"/users/me id {me.get('id')!r}, by-login id {profile.get('id')!r}",
    )
    spellings.at("user.identity", ("id",))


def top_id(body: Any) -> int | None:
    """The top-level integer ``id`` of a body (None without one)."""
    value = body.get("id") if isinstance(body, dict) else None
    return value if is_integer(value) else None


@pytest.mark.requirement("JT-BEHAV-011")
def test_each_caller_is_another_user(examples: Examples) -> None:
    """/users/me as member, regular, moderator and admin: four different ids."""
    roles = [role for role in ME_ROLES if examples.run.has_role(role)]
    ids: dict[str, Any] = {}
    response = None
    for role in roles:
        me, response = read_object(examples.client(role), "/users/me", f"/users/me as {role}")
        ids[role] = me.get("id")
    expect.that(
        len(set(map(str, ids.values()))) == len(roles),
        f"/users/me as {', '.join(roles)}: a different id for each caller",
        response,
        detail=", ".join(f"{role}: {value!r}" for role, value in ids.items()),
    )


@pytest.mark.requirement("JT-BEHAV-012")
def test_profile_by_login_is_profile_by_id(examples: Examples) -> None:
    """GET /users/by-login/{login} of member has member's id, and is the same profile as
    GET /users/{id} (timestamps aside)."""
    user_id = examples.user_id("member")
    first, response = by_login(examples, "member")
    expect.that(
        top_id(first) == user_id,
        f"the profile of the member's login to have the member's id {user_id}",
        response,
        detail=f"its id is {first.get('id')!r}",
    )
    by_id_body, by_id_response = read_object(
        examples.client("admin"), f"/users/{user_id}", "a profile"
    )
    second, _ = by_login(examples, "member")
    # a value that moved between the two reads by login (a reputation earned meanwhile by
    # another check's vote) is no difference between the two lookups
    differ = {c.path for c in changes(first, by_id_body)} & {
        c.path for c in changes(second, by_id_body)
    }
    shown = [c for c in changes(second, by_id_body) if c.path in differ]
    expect.that(
        not shown,
        f"GET /users/{user_id} to be the same profile as GET /users/by-login/{{login}}",
        by_id_response,
        detail="by login -> by id: " + describe(shown),
    )


@pytest.mark.requirement("JT-BEHAV-013")
def test_user_posts_are_that_users(examples: Examples, jetonomy_post_factory, world: dict) -> None:
    """A new post by member is in /users/{member}/posts, a new post by regular is not, and
    every listed post holds member's id."""
    member_id = examples.user_id("member")
    space_id = world["spaces"]["public"]
    mine = jetonomy_post_factory(space_id, examples.client("member"))
    other = jetonomy_post_factory(space_id, examples.client("regular"))
    path = f"/users/{member_id}/posts"
    walked = lists.walk(examples.client("admin"), path, what="the member's posts")
    items = walked.items
    strangers = [item for item in items if not holds(item, member_id)]
    expect.that(
        not strangers,
        f"every post listed in GET {path} holds the member's id {member_id}",
        walked.response_with(lambda item: not holds(item, member_id)),
        detail=f"posts without it: {[i.get('id') if isinstance(i, dict) else i for i in strangers][:10]}",
    )
    expect.that(
        by_id(items, other["id"]) is None,
        f"regular's post {other['id']} not listed among the member's posts",
        walked.response_with(lambda item: by_id([item], other["id"]) is not None),
    )
    if by_id(items, mine["id"]) is None:
        if not walked.complete:
            pytest.skip(f"the member has more posts than this check reads ({len(items)})")
        expect.fail(f"the member's new post {mine['id']} listed in GET {path}", walked.last)
