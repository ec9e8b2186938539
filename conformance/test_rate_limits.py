"""Rate limits: the X-RateLimit-* headers, the per-trust-level limits, 429 and recovery
(reference: Rate Limiting).

``leader`` and ``new_member`` belong to these checks. Bursts use ``pace=False`` (the client
would otherwise wait a 429 out) and read Remaining/Reset to notice a window that rolled over
during the burst; then they try once more instead of flaking. Checks that empty a bucket
are marked ``jetonomy_exhausts_rate_limit`` (they never overlap), hold the other processes'
requests as the exhausted identity back (``pacer.exclusive``), and wait for its reset before
they end, so later checks are not slowed and meet no 429. While a burst runs, the identity
whose bucket must stay untouched (to show that buckets are separate) is held back too, so
that no other check's requests are mistaken for the burst's.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from pytest_jetonomy import expect, lists, ratelimits, spellings
from pytest_jetonomy.client import ApiResponse, JetonomyClient
from pytest_jetonomy.contract import load_contract
from pytest_jetonomy.factories import new_id
from pytest_jetonomy.observe import by_id, holding, identity, where
from pytest_jetonomy.ratelimits import HEADERS, RETRY_AFTER
from pytest_jetonomy.ratelimits import LIMIT_HEADER as LIMIT
from pytest_jetonomy.ratelimits import REMAINING_HEADER as REMAINING
from pytest_jetonomy.ratelimits import RESET_HEADER as RESET

from .examples import Examples

CONTRACT = load_contract()
LIMITS: dict[str, int | None] = ratelimits.PER_TRUST_LEVEL
WINDOW = ratelimits.WINDOW_SECONDS
MAX_WAIT = 65.0
HIGHEST = max(v for v in LIMITS.values() if v is not None)
LEVEL_REQUIREMENTS = {
    "anonymous": "JT-RATE-003",
    "new_member": "JT-RATE-004",
    "member": "JT-RATE-005",
    "regular": "JT-RATE-006",
    "leader": "JT-RATE-007",
    "moderator": "JT-RATE-008",
}
LEVELS = [
    pytest.param(role, marks=pytest.mark.requirement(LEVEL_REQUIREMENTS[role]), id=role)
    for role, limit in LIMITS.items()
    if limit is not None and role in LEVEL_REQUIREMENTS
]


# -- helpers ----------------------------------------------------------------------------------


def _int(response: ApiResponse, name: str) -> int | None:
    return response.header_int(name)


def _probe(client: JetonomyClient, pace: bool = False) -> ApiResponse:
    """One cheap request as the client's identity."""
    if client.identity == "anonymous":
        return client.get("/spaces", pace=pace, area="rate-limits")
    return client.get("/users/me", pace=pace, area="rate-limits")


def _expect_headers(response: ApiResponse, requirement: str) -> None:
    """Each rate-limit header present, each judged on its own: a header known to be missing
    cannot hide another one going missing."""
    with expect.soft():
        for header in HEADERS:
            expect.that(
                response.headers.get(header) is not None,
                f"the {header} header",
                response,
                requirement=requirement,
                detail=f"no {header} header",
            )


def _rolled_over(previous: ApiResponse, current: ApiResponse) -> bool:
    """True when the headers show a new window between two answers of one bucket."""
    before, after = _int(previous, REMAINING), _int(current, REMAINING)
    if current.status != 429 and before is not None and after is not None and after > before:
        return True
    reset_before, reset_after = _int(previous, RESET), _int(current, RESET)
    return reset_before is not None and reset_after is not None and reset_after > reset_before


def _wait_seconds(response: ApiResponse) -> float:
    waits = [
        v for v in (_int(response, RESET), _int(response, RETRY_AFTER)) if v is not None and v >= 0
    ]
    return min(float(max(waits, default=1)) + 0.5, MAX_WAIT)


def _wait_for_reset(response: ApiResponse) -> None:
    client = response.client
    if client is None:
        time.sleep(_wait_seconds(response))
    else:  # a long wait is shown on the terminal ("waiting 61 s for the ... window")
        client.pacer.wait_for_window(client.identity, _wait_seconds(response))


def _burst(client: JetonomyClient, count: int) -> tuple[list[ApiResponse], bool]:
    """Up to ``count`` requests, stopping at the first 429: (answers, window rolled over)."""
    answers: list[ApiResponse] = []
    for _ in range(count):
        response = _probe(client)
        if answers and _rolled_over(answers[-1], response):
            answers.append(response)
            return answers, True
        answers.append(response)
        if response.status == 429:
            break
    return answers, False


def _exhaust(client: JetonomyClient, limit: int) -> list[ApiResponse]:
    """A bounded burst of Limit + 1 requests that must end with a 429 (retried once on a
    window roll-over). Checks that nothing is served once Remaining said 0."""
    for _ in range(2):
        answers, rolled = _burst(client, limit + 1)
        if rolled:
            continue
        for previous, current in zip(answers, answers[1:], strict=False):
            if _int(previous, REMAINING) == 0 and current.status != 429:
                expect.fail(
                    f"429 for a request after {REMAINING} reached 0 (same window)",
                    current,
                    requirement="JT-RATE-019",
                    detail=f"the previous answer said Remaining 0, Reset {previous.headers.get(RESET)}",
                )
        last = answers[-1]
        expect.that(
            last.status == 429,
            f"a 429 within Limit + 1 = {limit + 1} requests as {client.identity}",
            last,
            requirement="JT-RATE-019",
            detail=f"{len(answers)} requests, none refused",
        )
        return answers
    pytest.skip("the rate-limit window rolled over during both bursts; cannot conclude")
    return []  # pragma: no cover


def _expect_refusal(response: ApiResponse) -> None:
    """A 429 answer (JT-RATE-019) in the envelope with code jetonomy_rate_limited
    (JT-RATE-020), the headers, Remaining 0, and when to retry: each judged on its own."""
    with expect.soft():
        expect.error(
            response,
            429,
            "jetonomy_rate_limited",
            requirement="JT-RATE-019",
            code_requirement="JT-RATE-020",
        )
        _expect_headers(response, "JT-RATE-002")
        expect.that(
            _int(response, REMAINING) == 0,
            f"{REMAINING}: 0 on a 429",
            response,
            requirement="JT-RATE-014",
            detail=f"Remaining is {response.headers.get(REMAINING)!r}",
        )
        retry_after, reset = _int(response, RETRY_AFTER), _int(response, RESET)
        expect.that(
            (retry_after is not None and retry_after > 0) or (reset is not None and reset > 0),
            f"{RETRY_AFTER} or {RESET} a positive number of seconds on a 429",
            response,
            requirement="JT-RATE-018",
            detail=f"{RETRY_AFTER} {response.headers.get(RETRY_AFTER)!r}, "
            f"{RESET} {response.headers.get(RESET)!r}",
        )


def _expect_served_after_reset(client: JetonomyClient, limit: int) -> None:
    """After the reset of its emptied bucket, the identity is served again, with Remaining
    back near its ``limit`` (JT-RATE-015)."""
    again = _probe(client)
    expect.status(again, 200, requirement="JT-RATE-015", why="served after the reset")
    remaining = _int(again, REMAINING)
    expect.that(
        remaining is not None and remaining >= limit // 2,
        f"{REMAINING} back near {limit} after the reset",
        again,
        requirement="JT-RATE-015",
        detail=f"Remaining is {again.headers.get(REMAINING)!r}",
    )


def _expect_own_bucket(other: ApiResponse, before: ApiResponse, spent: int, exhausted: str) -> None:
    """``other`` (another identity, asked before and after ``spent`` requests emptied the
    ``exhausted`` bucket) is served and its Remaining did not pay for those requests."""
    expect.that(
        other.status != 429 and (_int(other, REMAINING) or 0) > 0,
        f"a request as {other.exchange.identity} served, with Remaining left, while "
        f"{exhausted}'s bucket is empty",
        other,
        requirement="JT-RATE-016",
    )
    a, b = _int(before, REMAINING), _int(other, REMAINING)
    if a is not None and b is not None:
        expect.that(
            a - b < spent // 2,
            f"{other.exchange.identity}'s {REMAINING} not spent by {spent} requests as {exhausted}",
            other,
            requirement="JT-RATE-016",
            detail=f"Remaining was {a} before the burst, {b} after it",
        )


# -- headers on every answer -----------------------------------------------------------------


def _sample_success(name: str, examples: Examples, world: dict[str, Any]) -> list[ApiResponse]:
    if name == "GET /spaces as admin":
        return [examples.client("admin").get("/spaces")]
    if name == "GET /users/me as member":
        return [examples.client("member").get("/users/me")]
    if name == "GET /posts/{id} as regular":
        return [examples.client("regular").get(f"/posts/{world['posts']['public']}")]
    if name == "GET /moderation/queue as moderator":
        return [examples.client("moderator").get("/moderation/queue")]
    # POST then DELETE /categories as admin (the body the reference does not document is
    # the catalogue example, fitted to the server's route index)
    admin = examples.client("admin")
    made = examples.call(CONTRACT.endpoint("categories.create")).send(admin)
    answers = [made]
    made_id = new_id(made, made.json() if made.is_json else None)
    if 200 <= made.status < 300 and made_id is not None:
        answers.append(admin.delete(f"/categories/{made_id}"))
    return answers


SUCCESS_SAMPLES = [
    "GET /spaces as admin",
    "GET /users/me as member",
    "GET /posts/{id} as regular",
    "GET /moderation/queue as moderator",
    "POST and DELETE /categories as admin",
]


@pytest.mark.requirement("JT-RATE-001")
@pytest.mark.parametrize("sample", SUCCESS_SAMPLES)
def test_headers_on_success(sample: str, examples: Examples, world: dict[str, Any]) -> None:
    """A successful answer carries X-RateLimit-Limit, -Remaining and -Reset (admin's too)."""
    answers = _sample_success(sample, examples, world)
    for response in answers:
        if not 200 <= response.status < 300:
            pytest.skip(f"{sample}: the target did not answer with a success ({response.status})")
    with expect.soft():  # every answer of the sample judged (a creation and its deletion)
        for response in answers:
            _expect_headers(response, "JT-RATE-001")


def _sample_error(name: str, examples: Examples, world: dict[str, Any]) -> ApiResponse:
    if name == "400 POST /spaces/{space_id}/posts without title as member":
        member = examples.client("member")
        response = member.post(
            f"/spaces/{world['spaces']['public']}/posts", json={"content": "<p>no title</p>"}
        )
        made_id = new_id(response, response.json() if response.is_json else None)
        if 200 <= response.status < 300 and made_id is not None:
            examples.client("admin").delete(f"/posts/{made_id}")
        return response
    if name == "401 GET /users/me as anonymous":
        return examples.client("anonymous").get("/users/me")
    if name == "403 POST /posts/{id}/pin as member":
        return examples.client("member").post(f"/posts/{examples.fresh('post')}/pin")
    return examples.client("member").get("/posts/2147483000")  # 404


ERROR_SAMPLES = [
    "400 POST /spaces/{space_id}/posts without title as member",
    "401 GET /users/me as anonymous",
    "403 POST /posts/{id}/pin as member",
    "404 GET /posts/{id} of a missing post as member",
]


@pytest.mark.requirement("JT-RATE-002")
@pytest.mark.parametrize("sample", ERROR_SAMPLES)
def test_headers_on_errors(sample: str, examples: Examples, world: dict[str, Any]) -> None:
    """An error answer carries the three rate-limit headers too (429: see the bursts)."""
    response = _sample_error(sample, examples, world)
    if response.status < 400:
        pytest.skip(f"{sample}: the target did not answer with an error ({response.status})")
    _expect_headers(response, "JT-RATE-002")


# -- limits per trust level -------------------------------------------------------------------


@pytest.mark.requirement("JT-RATE-011", "JT-RATE-012", "JT-RATE-001", "JT-RATE-002")
@pytest.mark.parametrize("role", LEVELS)
def test_limit_of_trust_level(role: str, examples: Examples) -> None:
    """X-RateLimit-Limit is the trust level's requests per minute; Remaining is an integer in
    [0, Limit]; Reset is a number of seconds within the window. A header missing is the
    every-answer requirement's breach (JT-RATE-001, or 002 on an error), once: its value is
    then not judged again under the trust level's."""
    limit = LIMITS[role]
    response = _probe(examples.client(role), pace=True)
    with expect.soft():  # presence and value of each header, each judged on its own
        _expect_headers(response, "JT-RATE-001" if response.status < 400 else "JT-RATE-002")
        values = (  # header, whether its value keeps the promise, the promise, requirement
            (LIMIT, lambda v: v == limit, f"{LIMIT}: {limit} for {role}", LEVEL_REQUIREMENTS[role]),
            (
                REMAINING,
                lambda v: 0 <= v <= limit,
                f"{REMAINING} an integer in [0, {limit}]",
                "JT-RATE-011",
            ),
            (
                RESET,
                lambda v: 0 <= v <= WINDOW,
                f"{RESET} a number of seconds in [0, {WINDOW}] (not a timestamp)",
                "JT-RATE-012",
            ),
        )
        for header, keeps, promise, requirement in values:
            if response.headers.get(header) is None:
                continue  # missing: judged above
            value = _int(response, header)
            expect.that(
                value is not None and keeps(value),
                promise,
                response,
                requirement=requirement,
                detail=f"{header} is {response.headers.get(header)!r}",
            )


@pytest.mark.requirement("JT-RATE-009", "JT-RATE-001")
def test_admin_is_not_limited(jetonomy_admin: JetonomyClient) -> None:
    """More requests than the highest limit within one window, as admin: never a 429, and no
    finite X-RateLimit-Limit at or below that count. (Admin's headers are still sent.)"""
    count = HIGHEST + 10
    for _ in range(2):
        first = _probe(jetonomy_admin)
        reset = _int(first, RESET)
        if reset is not None and 0 <= reset <= 2:
            time.sleep(reset + 0.3)  # start the burst early in a window
        previous, rolled = None, False
        for _ in range(count):
            response = _probe(jetonomy_admin)
            expect.that(
                response.status != 429,
                f"no 429 for admin within {count} requests",
                response,
                requirement="JT-RATE-009",
            )
            expect.status(response, 200, why="admin reading /users/me")
            _expect_headers(response, "JT-RATE-001")
            cap = _int(response, LIMIT)
            expect.that(
                cap is None or not 0 < cap <= count,
                f"no finite {LIMIT} of {count} or less for admin (unlimited)",
                response,
                requirement="JT-RATE-009",
                detail=f"Limit is {cap}",
            )
            if previous is not None and _rolled_over(previous, response):
                rolled = True
            previous = response
        if not rolled:
            return
    pytest.skip("admin's rate-limit window rolled over during both bursts; cannot conclude")


@pytest.mark.requirement("JT-RATE-010")
def test_remaining_falls_by_one(jetonomy_client) -> None:  # noqa: ANN001
    """Two consecutive requests as leader in one window: Remaining drops by exactly one."""
    leader = jetonomy_client("leader")
    for attempt in range(2):
        first = _probe(leader)
        if (_int(first, REMAINING) or 0) <= 2 and _int(first, RESET) is not None:
            _wait_for_reset(first)
            first = _probe(leader)
        second = _probe(leader)
        a, b = _int(first, REMAINING), _int(second, REMAINING)
        if a is None or b is None:
            expect.fail(
                f"an integer {REMAINING} on both answers",
                second if b is None else first,
            )
        if b == a - 1:
            return
        if attempt == 0:
            continue  # a new window, or another process spent one in between: try once more
        expect.fail(
            f"{REMAINING} {a - 1} after {a} (one request later, same identity)",
            second,
            detail=f"Remaining went from {a} to {b}; Reset {first.headers.get(RESET)} then "
            f"{second.headers.get(RESET)}",
        )


@pytest.mark.requirement("JT-RATE-012")
def test_reset_counts_down_seconds(jetonomy_client) -> None:  # noqa: ANN001
    """X-RateLimit-Reset counts seconds down to the reset: within [0, 60], and at least one
    less after a 1.1 s pause in the same window (not a constant, not a timestamp)."""
    leader = jetonomy_client("leader")
    for _ in range(2):
        first = _probe(leader)
        reset = _int(first, RESET)
        if reset is not None and 0 <= reset <= 2:
            time.sleep(reset + 0.3)
            first = _probe(leader)
        time.sleep(1.1)
        second = _probe(leader)
        for response in (first, second):
            value = _int(response, RESET)
            expect.that(
                value is not None and 0 <= value <= WINDOW,
                f"{RESET} a number of seconds in [0, {WINDOW}] (not a timestamp)",
                response,
                detail=f"Reset is {response.headers.get(RESET)!r}",
            )
        if _rolled_over(first, second):
            continue
        a, b = _int(first, RESET), _int(second, RESET)
        expect.that(
            b is not None and a is not None and b <= a - 1,
            f"{RESET} at most {a - 1} 1.1 s after it was {a} (same window)",
            second,
            detail=f"Reset went from {a} to {b}",
        )
        return
    pytest.skip("leader's rate-limit window rolled over in both attempts; cannot conclude")


# -- exhaustion -------------------------------------------------------------------------------


@pytest.mark.jetonomy_exhausts_rate_limit
@pytest.mark.requirement(
    "JT-RATE-002",
    "JT-RATE-014",
    "JT-RATE-015",
    "JT-RATE-016",
    "JT-RATE-018",
    "JT-RATE-019",
    "JT-RATE-020",
)
def test_anonymous_beyond_limit(jetonomy_anonymous: JetonomyClient, jetonomy_client) -> None:  # noqa: ANN001
    """Limit + 1 anonymous requests: 429 jetonomy_rate_limited with the headers, Remaining 0
    and a retry time; a signed-in user is not refused meanwhile; after Reset it works again."""
    limit = LIMITS["anonymous"]
    regular = jetonomy_client("regular")
    pacer = jetonomy_anonymous.pacer
    before = _probe(regular, pace=True)
    with pacer.exclusive("anonymous"):
        with pacer.exclusive("regular"):  # no other check spends regular's bucket meanwhile
            answers = _exhaust(jetonomy_anonymous, limit)
            other = _probe(regular)
        refused = answers[-1]
        with expect.soft():  # every promise of the refusal and after it, each on its own
            try:
                _expect_refusal(refused)
                _expect_own_bucket(other, before, len(answers), "anonymous")
            finally:
                _wait_for_reset(refused)
            # still under the embargo: nobody else spent the bucket
            _expect_served_after_reset(jetonomy_anonymous, limit)


@pytest.mark.jetonomy_exhausts_rate_limit
@pytest.mark.requirement(
    "JT-RATE-002",
    "JT-RATE-004",
    "JT-RATE-014",
    "JT-RATE-015",
    "JT-RATE-016",
    "JT-RATE-017",
    "JT-RATE-018",
    "JT-RATE-019",
    "JT-RATE-020",
)
def test_new_member_beyond_limit(examples: Examples) -> None:
    """Limit + 1 requests as new_member: served until Remaining is 0, then 429 with the
    envelope, Remaining 0 and a retry time; a POST refused meanwhile creates nothing; member
    is not refused meanwhile; after Reset new_member is served again."""
    limit = LIMITS["new_member"]
    new_member, member = examples.client("new_member"), examples.client("member")
    post_id = examples.fresh("post")
    bookmark = examples.body_for("bookmarks.create", "/bookmarks", post_id=post_id)
    unbookmark = examples.body_for("bookmarks.delete", "/bookmarks", post_id=post_id)
    bookmarked_before = {identity(item) for item in _bookmarks(new_member).items}
    pacer = new_member.pacer
    with pacer.exclusive("new_member"):
        for attempt in range(2):
            before = _probe(member, pace=True)
            with pacer.exclusive("member"):  # no other check spends member's bucket meanwhile
                answers = _exhaust(new_member, limit)
                refused = answers[-1]
                write = new_member.post("/bookmarks", json=bookmark, pace=False, area="rate-limits")
                other = _probe(member)
            if write.status == 429:
                break
            if 200 <= write.status < 300:
                new_member.delete("/bookmarks", json=unbookmark)
            if attempt == 0 and _rolled_over(refused, write):
                _wait_for_reset(refused)
                continue
            _wait_for_reset(refused)
            expect.fail(
                "429 for a POST /bookmarks as new_member right after a 429 (same window)",
                write,
                requirement="JT-RATE-019",
            )
        with expect.soft():  # every promise of the refusal and after it, each on its own
            try:
                if len(answers) >= 2:
                    expect.that(
                        _int(answers[-2], REMAINING) == 0,
                        f"no 429 before {REMAINING} reached 0 (new_member is allowed {limit})",
                        refused,
                        requirement="JT-RATE-004",
                        detail="the answer before the 429 said Remaining "
                        f"{answers[-2].headers.get(REMAINING)}",
                    )
                _expect_refusal(refused)
                _expect_refusal(write)
                _expect_own_bucket(other, before, len(answers) + 1, "new_member")
            finally:
                _wait_for_reset(write)
            _expect_served_after_reset(new_member, limit)
            listed = _bookmarks(new_member)
            gained = [item for item in listed.items if identity(item) not in bookmarked_before]
            found = by_id(gained, post_id) or holding(gained, post_id)
            if found is not None:
                new_member.delete("/bookmarks", json=unbookmark)
                spellings.at("bookmark.post", *where(found, post_id))
            expect.that(
                found is None,
                f"no bookmark of post {post_id}: the POST /bookmarks refused with 429 had no "
                "effect",
                listed.response_with(lambda item: item is found),
                requirement="JT-RATE-017",
                detail=f"GET /bookmarks gained {str(found)[:200]}",
            )


def _bookmarks(client: JetonomyClient) -> lists.Walk:
    """The caller's bookmarks (every page), read under the rate-limit checks' area."""
    return lists.walk(client, "/bookmarks", what="GET /bookmarks", area="rate-limits")
