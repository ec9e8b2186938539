"""Fixed per-identity rate-limit windows and their response headers."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
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

#: fault variants that limit one trust level as another: name -> (level, limit used)
WRONG_LEVEL_FAULTS: dict[str, tuple[str, str]] = {
    "anonymous-limited-as-new-member": ("anonymous", "new_member"),
    "new-member-limited-as-member": ("new_member", "member"),
    "member-limited-as-new-member": ("member", "new_member"),
    "regular-limited-as-member": ("regular", "member"),
    "leader-limited-as-regular": ("leader", "regular"),
    "moderator-limited-as-member": ("moderator", "member"),
    "admin-limited-as-moderator": ("admin", "moderator"),
}


def _no_fault(name: str) -> bool:
    return False


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

    def __init__(
        self, window_seconds: float = 60.0, fault: Callable[[str], bool] = _no_fault
    ) -> None:
        self.window = max(float(window_seconds), 0.001)
        self._windows: dict[str, list[float]] = {}  # key -> [start, count]
        self._lock = threading.Lock()
        self.fault = fault
        """The server's fault switch (``ReferenceConfig.fault``), for the rate-limit faults."""

    def limit_of(self, level: str) -> int | None:
        for name, (wrong, used) in WRONG_LEVEL_FAULTS.items():
            if level == wrong and self.fault(name):
                level = used
        return LIMITS.get(level, LIMITS["member"])

    def hit(self, key: str, level: str) -> Decision:
        limit = self.limit_of(level)
        if limit is not None and self.fault("one-bucket-for-everyone"):
            key = "everyone"
        now = time.monotonic()
        with self._lock:
            state = self._windows.get(key)
            if state is None or now >= state[0] + self.window:
                kept = state[1] if state and self.fault("window-never-resets") else 0.0
                state = [now, kept]
                self._windows[key] = state
            reset = self._reset(state[0], now)
            if limit is None:
                state[1] += 1
                return Decision(True, -1, -1, reset)
            if state[1] >= limit + (1 if self.fault("rate-limit-429-one-late") else 0):
                if self.fault("no-retry-time-on-429"):
                    reset = 0
                return Decision(False, limit, 1 if self.fault("remaining-one-on-429") else 0, reset)
            state[1] += 2 if self.fault("remaining-falls-by-two") else 1
            remaining = max(limit - int(state[1]), 0)
            if self.fault("remaining-frozen"):
                remaining = limit - 1
            if self.fault("remaining-above-limit"):
                remaining += limit  # a burst allowance added to the window's budget
            return Decision(True, limit, remaining, reset)

    def _reset(self, start: float, now: float) -> int:
        ceiling = max(math.ceil(self.window), 1)
        return min(max(math.ceil(start + self.window - now), 1), ceiling)
