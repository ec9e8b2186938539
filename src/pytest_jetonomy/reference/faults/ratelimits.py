"""Faults of the rate limits: headers, limits per trust level, 429 and recovery (JT-RATE-*).

The hooks live in ``reference/ratelimit.py`` (``RateLimiter.limit_of`` and ``hit``: the
buckets and their counts) and ``reference/app.py`` (``rate_limit_headers``: the headers;
``rate_limited_result``: the refusal).
"""

from __future__ import annotations

from . import Fault

# the checks that empty a bucket (test_anonymous_beyond_limit, test_new_member_beyond_limit)
# carry these requirements: any fault they notice fails all of them
_EXHAUSTION = (
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


def _also(*breaks: str) -> tuple[str, ...]:
    return tuple(r for r in _EXHAUSTION if r not in breaks)


FAULTS = [
    Fault(
        "rate-headers-only-on-200",
        ("JT-RATE-001",),
        "the X-RateLimit-* headers are sent on 200 answers only, not on 201 or 204 successes",
    ),
    Fault(
        "rate-headers-missing-on-errors",
        ("JT-RATE-002",),
        "error answers (429 included) carry no X-RateLimit-* headers",
        also=_also("JT-RATE-002"),
    ),
    Fault(
        "anonymous-limited-as-new-member",
        ("JT-RATE-003",),
        "anonymous callers are allowed 60 requests per window instead of 30",
        also=_also(),
    ),
    Fault(
        "new-member-limited-as-member",
        ("JT-RATE-004",),
        "new members are allowed 120 requests per window instead of 60",
        also=_also("JT-RATE-004"),
    ),
    Fault(
        "member-limited-as-new-member",
        ("JT-RATE-005",),
        "members are allowed 60 requests per window instead of 120",
    ),
    Fault(
        "regular-limited-as-member",
        ("JT-RATE-006",),
        "regulars are allowed 120 requests per window instead of 180",
    ),
    Fault(
        "leader-limited-as-regular",
        ("JT-RATE-007",),
        "leaders are allowed 180 requests per window instead of 300",
    ),
    Fault(
        "moderator-limited-as-member",
        ("JT-RATE-008",),
        "moderators fall back to the member limit (120) instead of 300",
    ),
    Fault(
        "admin-limited-as-moderator",
        ("JT-RATE-009",),
        "administrators are rate limited like moderators (300 per window)",
    ),
    Fault(
        "remaining-falls-by-two",
        ("JT-RATE-010",),
        "every request spends two from X-RateLimit-Remaining (the bucket empties at half the limit)",
        also=_also(),
    ),
    Fault(
        "remaining-frozen",
        ("JT-RATE-010",),
        "X-RateLimit-Remaining stays at Limit - 1 whatever was spent",
        also=_also(),
    ),
    Fault(
        "remaining-above-limit",
        ("JT-RATE-011",),
        "X-RateLimit-Remaining includes a burst allowance: it is above X-RateLimit-Limit",
        also=_also(),
    ),
    Fault(
        "rate-reset-as-timestamp",
        ("JT-RATE-012",),
        "X-RateLimit-Reset is the Unix time of the reset, not seconds until it",
        also=_also(),
    ),
    Fault(
        "rate-limit-429-one-late",
        ("JT-RATE-019",),
        "the first 429 comes one request late: Limit + 1 requests are served per window",
        also=_also("JT-RATE-019"),
    ),
    Fault(
        "rate-limited-wrong-code",
        ("JT-RATE-020",),
        "a request beyond the limit is a 429 with code rest_too_many_requests",
    ),
    Fault(
        "remaining-one-on-429",
        ("JT-RATE-014",),
        "a 429 answer says X-RateLimit-Remaining: 1",
        also=_also("JT-RATE-014"),
    ),
    Fault(
        "window-never-resets",
        ("JT-RATE-015",),
        "a new window keeps the old window's count: an emptied bucket never refills",
        also=_also("JT-RATE-015"),
    ),
    Fault(
        "one-bucket-for-everyone",
        ("JT-RATE-016",),
        "every rate-limited identity spends one shared bucket",
        also=_also("JT-RATE-016")
        + ("JT-RATE-003", "JT-RATE-005", "JT-RATE-006", "JT-RATE-007", "JT-RATE-008"),
    ),
    Fault(
        "rate-limited-request-still-applied",
        ("JT-RATE-017",),
        "a request refused with 429 is still carried out (its answer is thrown away)",
        also=_also("JT-RATE-017"),
    ),
    Fault(
        "no-retry-time-on-429",
        ("JT-RATE-018",),
        "a 429 answer says Retry-After: 0 and X-RateLimit-Reset: 0",
        also=_also("JT-RATE-018"),
    ),
]
