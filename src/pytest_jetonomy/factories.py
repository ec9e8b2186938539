"""Content for spaces, posts and replies, filled by faker and marked with the run prefix.

Faker's own pytest fixture reseeds to 0 before every test, so two runs would write the
same text; the run prefix in every name and title keeps runs (and their cleanup) apart.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable
from typing import Any

from faker import Faker

from . import adaptations, expect
from .client import ApiResponse, JetonomyClient
from .contract import load_contract

_counter = itertools.count(1)

TAG_POOL: tuple[str, ...] = tuple(f"jetonomy-conformance-{n:02d}" for n in range(1, 25))
"""The only tag slugs the suite puts on its posts. The API deletes posts but has no way to
delete a tag, so every run reuses these few instead of leaving new tags behind each time.
Checks that need distinct tags take distinct members; the posts carrying them are the
check's own, so sharing a tag across checks or runs changes nothing they look at."""


def unique(prefix: str) -> str:
    """``<prefix>-<n>``: unique within this process (with the run prefix: unique on the target)."""
    return f"{prefix}-{next(_counter)}"


def unique_word(prefix: str) -> str:
    """A single word no text on the target holds yet (lower-case letters and digits only):
    the run prefix's letters and digits, ``q``, and a random part. Checks write it into fresh
    objects to find them by value (a search, a reply's text, a settings value)."""
    letters = "".join(ch for ch in prefix.lower() if ch.isalnum())
    return f"{letters}q{uuid.uuid4().hex[:12]}"


def space_payload(prefix: str, faker: Faker, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": f"{unique(prefix)} {faker.catch_phrase()}"[:120],
        "description": faker.sentence(nb_words=12),
        "type": "discussion",
        "visibility": "public",
        "join_policy": "open",
    }
    body.update(overrides)
    return body


def post_payload(prefix: str, faker: Faker, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": f"{unique(prefix)} {faker.sentence(nb_words=6).rstrip('.')}"[:150],
        "content": "".join(f"<p>{p}</p>" for p in faker.paragraphs(nb=2)),
    }
    body.update(overrides)
    return body


def reply_payload(prefix: str, faker: Faker, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"content": f"<p>{unique(prefix)} {faker.paragraph()}</p>"}
    body.update(overrides)
    return body


class CreationError(AssertionError):
    """The target refused to create something a fixture or a check needs; says what was sent
    and what came back. ``blocker`` names the failed precondition for the checks it blocks
    (``POST /spaces answering 400``; JT-EP-009 for an answer that tells no id)."""

    def __init__(self, message: str, response: ApiResponse, blocker: str = "") -> None:
        super().__init__(message)
        route = load_contract().route_of(response.exchange.method, response.exchange.url)
        self.blocker = blocker or f"{route} answering {response.status}"


def created(response: ApiResponse, what: str) -> dict[str, Any]:
    """The created object from a 200/201 response.

    The reference does not say what a creation answers; the suite needs the new object's id,
    which it takes from the body's ``id`` or, failing that, from a ``Location`` header ending
    in the id (REST's 201 convention). The body is returned with that ``id``. A creation is a
    precondition of whatever needs the object: when it fails, the check (or the run-wide
    content) is blocked by it (``failures.Blocked``, from a :class:`CreationError` naming the
    single cause); a check whose subject is the creation uses :func:`created_id`.
    """
    with expect.precondition(f"create {what}"):
        return _created(response, what)


def _created(response: ApiResponse, what: str) -> dict[str, Any]:
    if response.status not in (200, 201):
        raise CreationError(
            f"could not create {what}: HTTP {response.status}\n" + response.exchange.describe(),
            response,
        )
    body: Any = {}
    if response.text.strip():
        try:
            body = response.json()
        except AssertionError as exc:
            raise CreationError(
                f"could not create {what}: {str(exc).splitlines()[0]}\n"
                + response.exchange.describe(),
                response,
            ) from None
    found = new_id(response, body)
    if found is None:
        route = load_contract().route_of(response.exchange.method, response.exchange.url)
        raise CreationError(
            f"could not create {what}: the answer tells no id of the new object (no integer "
            "'id' in the body, no Location header ending in one)\n" + response.exchange.describe(),
            response,
            f"JT-EP-009 ({route} telling no id)",
        )
    return {**(body if isinstance(body, dict) else {}), "id": found}


def new_id(response: ApiResponse, body: Any) -> int | None:
    """The id of a created object: the body's integer ``id``, else a Location header's last
    path segment when it is a number."""
    if (
        isinstance(body, dict)
        and isinstance(body.get("id"), int)
        and not isinstance(body.get("id"), bool)
    ):
        return int(body["id"])
    location = response.headers.get("Location", "")
    last = location.split("?")[0].rstrip("/").rsplit("/", 1)[-1]
    return int(last) if last.isdigit() else None


def created_id(response: ApiResponse, what: str) -> int:
    """The id of what a creation made, inside a check: the answer must be 200 or 201 and
    tell the id (the body's integer ``id`` or a ``Location`` header ending in it), or the
    check fails showing the exchange (fixtures use :func:`created`)."""
    expect.status(response, (200, 201), why=f"create {what}")
    found = new_id(response, response.json() if response.is_json else None)
    if found is None:
        expect.fail(
            f"the id of {what} in the answer (an integer id, or a Location header ending in it)",
            response,
        )
    return int(found)  # type: ignore[arg-type]


class Factory:
    """Creates objects on the target and deletes them (newest first) at teardown. Its
    creations are helper requests: when the server refuses one for its body and says what
    it wants instead, it is adapted (``adaptations.py``)."""

    def __init__(self, prefix: str, faker: Faker) -> None:
        self.prefix = prefix
        self.faker = faker
        self._cleanups: list[Callable[[], Any]] = []

    def defer(self, cleanup: Callable[[], Any]) -> None:
        self._cleanups.append(cleanup)

    def cleanup(self) -> list[str]:
        """Run every cleanup; return problems (a cleanup never raises into a teardown).

        A throwaway space or category an undo deleted is read back (``cleanup.settle``):
        still there is a problem, and after the first space the target will not delete the
        run creates no more throwaway spaces."""
        from .cleanup import settle

        problems: list[str] = []
        while self._cleanups:
            action = self._cleanups.pop()
            try:
                response = action()
                settled, problem = settle(response)
            except AssertionError as exc:
                problems.append(str(exc).splitlines()[0])
                continue
            if settled:
                problems += [problem] if problem else []
                continue
            if isinstance(response, ApiResponse) and response.status not in (
                200,
                202,
                204,
                404,
                410,
            ):
                problems.append(
                    f"cleanup {response.exchange.method} {response.exchange.url} -> {response.status}"
                )
        return problems


class SpaceFactory(Factory):
    """``jetonomy_space_factory(**fields)``: a new space, created by the admin client."""

    def __init__(self, admin: JetonomyClient, prefix: str, faker: Faker) -> None:
        super().__init__(prefix, faker)
        self.admin = admin

    def __call__(self, **fields: Any) -> dict[str, Any]:
        with adaptations.helper():
            response = self.admin.post(
                "/spaces", json=space_payload(self.prefix, self.faker, **fields)
            )
        space = created(response, "a space")
        self.defer(lambda: self.admin.delete(f"/spaces/{space['id']}"))
        return space


class PostFactory(Factory):
    """``jetonomy_post_factory(space_id, client=None, **fields)``: a new post (admin by default)."""

    def __init__(self, admin: JetonomyClient, prefix: str, faker: Faker) -> None:
        super().__init__(prefix, faker)
        self.admin = admin

    def __call__(
        self, space_id: int, client: JetonomyClient | None = None, **fields: Any
    ) -> dict[str, Any]:
        author = client or self.admin
        with adaptations.helper():
            response = author.post(
                f"/spaces/{space_id}/posts", json=post_payload(self.prefix, self.faker, **fields)
            )
        post = created(response, f"a post in space {space_id} as {author.identity}")
        self.defer(lambda: self.admin.delete(f"/posts/{post['id']}"))
        return post


class ReplyFactory(Factory):
    """``jetonomy_reply_factory(post_id, client=None, **fields)``: a new reply (admin by default)."""

    def __init__(self, admin: JetonomyClient, prefix: str, faker: Faker) -> None:
        super().__init__(prefix, faker)
        self.admin = admin

    def __call__(
        self, post_id: int, client: JetonomyClient | None = None, **fields: Any
    ) -> dict[str, Any]:
        author = client or self.admin
        with adaptations.helper():
            response = author.post(
                f"/posts/{post_id}/replies", json=reply_payload(self.prefix, self.faker, **fields)
            )
        reply = created(response, f"a reply to post {post_id} as {author.identity}")
        self.defer(lambda: self.admin.delete(f"/replies/{reply['id']}"))
        return reply
