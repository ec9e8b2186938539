"""Fixed per-identity rate-limit windows and their response headers."""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass

from .auth import Identity

#: requests per window by trust level; None = unlimited
LIMITS: dict[str, int | None] = {
    "anonymous": 30,
    "new_member": 60,
    "member": 120,
    "regular": 180,
    "leader": 300,
    "moderator": 300,
    "admin": None,
}


@dataclass(frozen=True)
class Decision:
    allowed: bool
    limit: int  # -1 for unlimited
    remaining: int  # -1 for unlimited
    reset: int  # whole seconds until the window resets

    def headers(self) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": str(self.reset),
        }


def bucket_of(identity: Identity, remote_addr: str | None) -> tuple[str, str]:
    """(window key, trust level) of a caller; anonymous callers are keyed by IP."""
    if identity.anonymous:
        return f"ip:{remote_addr or 'unknown'}", "anonymous"
    level = identity.trust_level if identity.trust_level in LIMITS else "member"
    return f"user:{identity.user_id}", level


class RateLimiter:
    """A fixed window per identity that starts with its first request."""

    def __init__(self, window_seconds: float = 60.0) -> None:
        self.window = max(float(window_seconds), 0.001)
        self._windows: dict[str, list[float]] = {}  # key -> [start, count]
        self._lock = threading.Lock()

    def hit(self, key: str, level: str) -> Decision:
        limit = LIMITS.get(level, LIMITS["member"])
        now = time.monotonic()
        with self._lock:
            state = self._windows.get(key)
            if state is None or now >= state[0] + self.window:
                state = [now, 0.0]
                self._windows[key] = state
            reset = self._reset(state[0], now)
            if limit is None:
                state[1] += 1
                return Decision(True, -1, -1, reset)
            if state[1] >= limit:
                return Decision(False, limit, 0, reset)
            state[1] += 1
            return Decision(True, limit, max(limit - int(state[1]), 0), reset)

    def _reset(self, start: float, now: float) -> int:
        ceiling = max(math.ceil(self.window), 1)
        return min(max(math.ceil(start + self.window - now), 1), ceiling)
