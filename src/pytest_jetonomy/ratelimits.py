"""The rate-limit headers and limits the reference states, as the contract spells them.

``schemas/contract.json`` (``rate_limits``) is the one place that names them: the
``X-RateLimit-*`` headers sent on every answer, the window, and the requests per minute of
each trust level (``None``: unlimited). The pacing client and the rate-limit checks read
them from here.
"""

from __future__ import annotations

from .contract import load_contract

_RATE_LIMITS = load_contract().meta["rate_limits"]
_HEADERS = _RATE_LIMITS["headers"]

LIMIT_HEADER: str = _HEADERS["limit"]
REMAINING_HEADER: str = _HEADERS["remaining"]
RESET_HEADER: str = _HEADERS["reset"]
HEADERS: tuple[str, str, str] = (LIMIT_HEADER, REMAINING_HEADER, RESET_HEADER)
RETRY_AFTER = "Retry-After"
"""The HTTP header (RFC 9110) a 429 may carry besides the reference's own."""

WINDOW_SECONDS: int = int(_RATE_LIMITS["window_seconds"])
PER_TRUST_LEVEL: dict[str, int | None] = dict(_RATE_LIMITS["per_trust_level"])
