"""Helpers of the params, schemas, errors and conventions checks.

- :func:`caller_of`: who sends an endpoint's example in these checks (the catalogue caller;
  the admin instead of anonymous callers, whose requests are scarce);
- :func:`bans`: whether an endpoint's example may ban ``new_member`` (the rate-limit group);
  :func:`endpoint_case` and :func:`endpoint_marks`: a check case about an endpoint, with its
  requirements and, when its example may ban, ``jetonomy_exhausts_rate_limit``;
- :func:`example_answer`: the endpoint's example answer, sent once per process (lists are
  given items of their own first) and shared by the checks that read it;
  :func:`success_answer`: the same when it is a success;
- :func:`success_bodies`: the resources of a success answer (the body, or each list item in
  whatever list shape the server gives, see ``lists.items_of``).

Nothing here reads a response field by name but ``id``.
"""

from __future__ import annotations

from typing import Any

import pytest

from pytest_jetonomy import expect
from pytest_jetonomy.client import ApiResponse
from pytest_jetonomy.contract import Endpoint, load_contract
from pytest_jetonomy.factories import TAG_POOL, new_id, unique_word
from pytest_jetonomy.lists import ListShapeError, items_of

from .examples import Examples

CONTRACT = load_contract()
NEVER_USED_ID = 987654321
"""An id no object of a test target has (the suite never creates that many)."""

POPULATE_TAG = TAG_POOL[11]
"""The tag the lists of tags and the search are given a post with (see ``populate``)."""


def caller_of(endpoint: Endpoint) -> str:
    """The role that sends ``endpoint``'s example here (admin instead of anonymous)."""
    return "admin" if endpoint.caller == "anonymous" else endpoint.caller


def bans(endpoint: Endpoint) -> bool:
    """Whether sending the endpoint's example may ban ``new_member`` (rate-limit group)."""
    return endpoint.id in ("moderation.ban", "moderation.unban")


def endpoint_marks(endpoint: Endpoint, *requirements: str) -> list[Any]:
    """The marks of a check case about ``endpoint``: its requirements (none: the check's
    own marker), and ``jetonomy_exhausts_rate_limit`` when the example may ban new_member
    (such cases never overlap, even under xdist)."""
    marks = [pytest.mark.requirement(*requirements)] if requirements else []
    if bans(endpoint):
        marks.append(pytest.mark.jetonomy_exhausts_rate_limit)
    return marks


def endpoint_case(
    endpoint: Endpoint, *values: Any, label: str | None = None, requirements: tuple[str, ...] = ()
) -> Any:
    """``pytest.param(endpoint, *values)`` named after the endpoint (or ``label``), with
    :func:`endpoint_marks`."""
    return pytest.param(
        endpoint, *values, id=label or endpoint.label, marks=endpoint_marks(endpoint, *requirements)
    )


# -- one answer per endpoint and worker -----------------------------------------------------------
_answers: dict[str, ApiResponse] = {}


def cached(key: str, make: Any) -> ApiResponse:
    """``make()``'s response, sent once per process and reused by the checks that read it.
    Keys start with the run prefix: a process may run several sessions (pytester).

    Several checks look at one answer for different promises (ids, content type...); each
    reports only its own requirement, and the target is asked once.
    """
    if key not in _answers:
        _answers[key] = make()
    return _answers[key]


def tagged_post(examples: Examples, word: str) -> int:
    """The id of a new post by admin in the public world space with ``word`` in its title,
    tagged with a tag of the reused pool (``tags[]`` is documented: tag slugs or ids)."""
    post_id, _ = examples.new_post(
        "admin", title=f"{word} tagged", content=f"<p>{word}</p>", tags=[POPULATE_TAG]
    )
    return post_id


def populate(endpoint_id: str, examples: Examples) -> dict[str, Any]:
    """Give a list that may be empty items of its own; returns query changes for the example."""
    member = examples.client("member")
    if endpoint_id == "posts.drafts":
        response = member.post(
            f"/spaces/{examples.world['spaces']['public']}/posts",
            json={"title": unique_word(examples.prefix), "content": "<p>d</p>", "status": "draft"},
        )
        draft_id = new_id(response, response.json() if response.is_json else None)
        if response.status in (200, 201) and draft_id is not None:
            examples.factory.defer(lambda: member.delete(f"/posts/{draft_id}"))
    elif endpoint_id == "notifications.list":
        examples.fresh("reply")  # regular replies to member's fresh post
    elif endpoint_id in ("subscriptions.list", "bookmarks.list"):
        made = examples.call(CONTRACT.endpoint(endpoint_id.replace(".list", ".create")))
        undo = examples.call(CONTRACT.endpoint(endpoint_id.replace(".list", ".delete")))
        if made.send(member).status in (200, 201):
            examples.factory.defer(lambda: undo.send(member))
    elif endpoint_id == "moderation.flags":
        examples.fresh("flag")
    elif endpoint_id == "updates.poll":
        examples.fresh("post")
    elif endpoint_id in ("tags.list", "tags.space_tags"):
        tagged_post(examples, unique_word(examples.prefix))
    elif endpoint_id == "search.search":
        word = unique_word(examples.prefix)
        tagged_post(examples, word)
        return {"q": word}
    return {}


def example_answer(endpoint: Endpoint, examples: Examples) -> ApiResponse:
    """The answer to the endpoint's valid example sent by an allowed caller (:func:`caller_of`;
    lists are given items of their own first), sent once per process and shared by every
    check that reads it (routed, succeeded, JSON, its resources): the target is asked, and
    whatever the example creates is made, once."""

    def make() -> ApiResponse:
        query = populate(endpoint.id, examples)
        call = examples.call(endpoint)
        if query:
            call = call.with_query(**query)
        return examples.send_call(call, caller_of(endpoint))

    return cached(f"{examples.prefix}:success:{endpoint.id}", make)


def success_answer(endpoint: Endpoint, examples: Examples) -> ApiResponse:
    """:func:`example_answer` when it is a success (any 2xx: the reference documents no
    status but for errors). Skips otherwise: that is JT-EP-008's failure, not a body to
    judge."""
    response = example_answer(endpoint, examples)
    if not 200 <= response.status < 300:
        pytest.skip(
            f"the valid example of {endpoint.label} did not succeed (HTTP {response.status}), "
            "so there is no success body to check (JT-EP-008 reports it)"
        )
    return response


def success_bodies(endpoint: Endpoint, response: ApiResponse) -> list[tuple[str, Any]]:
    """(where, body) of every resource in a success answer: the body, or each list item
    (``lists.items_of``: a bare array or the one array of an object). A list answer in no
    list shape gives none (the list shape checks report it)."""
    if response.status == 204 or not response.text.strip():
        return []
    body = expect.json_body(response)
    if not endpoint.response.get("list"):
        return [("the body", body)]
    try:
        items = items_of(body)
    except ListShapeError:
        return []
    return [(f"item {i}", item) for i, item in enumerate(items[:100])]
