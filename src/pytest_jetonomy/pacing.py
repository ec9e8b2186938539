"""Client-side pacing from the documented ``X-RateLimit-*`` headers.

The reference promises ``X-RateLimit-Remaining`` and ``X-RateLimit-Reset`` (seconds until
the window resets) on every response. Generic retry helpers only read ``Retry-After``, so
the pacer reads the documented headers itself: before a bucket runs dry it waits for the
reset, so that checks which are not about rate limits never meet a 429.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

MAX_WAIT_SECONDS = 65.0
"""Longest wait the pacer accepts from a server (one documented 60 s window and a margin)."""


def parse_int_header(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        return int(str(value).strip())
    except ValueError:
        return None


@dataclass
class _Bucket:
    remaining: int | None = None
    reset_at: float = 0.0


@dataclass
class Pacer:
    """Per-identity view of the target's rate-limit buckets, shared by a process's clients."""

    reserve: int = 2
    max_rps: float | None = None
    sleep: object = time.sleep
    clock: object = time.monotonic
    _buckets: dict[str, _Bucket] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _last_send: float = 0.0
    stats: Counter[str] = field(default_factory=Counter)
    shared_dir: Path | None = None
    """Where embargoes are visible to every process of the run (xdist workers included)."""
    run_prefix: str = "jetonomy"

    def _embargo_file(self, identity: str) -> Path | None:
        if self.shared_dir is None:
            return None
        return self.shared_dir / f"{self.run_prefix}-embargo-{identity}"

    @contextmanager
    def exclusive(self, identity: str) -> Iterator[None]:
        """While a check empties ``identity``'s bucket on purpose, every other process holds
        its requests as ``identity`` back, so that no other check meets that check's 429s.
        (The emptying check sends with ``pace=False`` and is not held back.)"""
        path = self._embargo_file(identity)
        if path is not None:
            path.write_text(str(time.time() + MAX_WAIT_SECONDS))
        try:
            yield
        finally:
            if path is not None:
                with suppress(OSError):
                    path.unlink()

    def _embargo_wait(self, identity: str) -> float:
        path = self._embargo_file(identity)
        if path is None:
            return 0.0
        try:
            until = float(path.read_text())
        except (OSError, ValueError):
            return 0.0
        return max(0.0, until - time.time())

    def before(self, identity: str) -> None:
        """Wait, if needed, before sending a request as ``identity``."""
        held = self._embargo_wait(identity)
        while held > 0:  # another check is emptying this bucket: wait until it is done
            self.stats["embargo_waits"] += 1
            self.sleep(min(held, 0.5))  # type: ignore[operator]
            held = self._embargo_wait(identity)
        wait = 0.0
        with self._lock:
            now = self.clock()  # type: ignore[operator]
            bucket = self._buckets.get(identity)
            if bucket and bucket.remaining is not None and bucket.remaining <= self.reserve:
                if bucket.reset_at > now:
                    wait = bucket.reset_at - now
                bucket.remaining = None  # unknown again after the reset
            if self.max_rps:
                gap = 1.0 / self.max_rps
                earliest = self._last_send + gap
                wait = max(wait, earliest - now)
                self._last_send = max(now, earliest)
        if wait > 0:
            self.stats["pacing_waits"] += 1
            self.sleep(min(wait, MAX_WAIT_SECONDS))  # type: ignore[operator]

    def after(self, identity: str, headers: object) -> None:
        """Learn the bucket state from a response's headers."""
        get = headers.get
        remaining = parse_int_header(get("X-RateLimit-Remaining"))
        reset = parse_int_header(get("X-RateLimit-Reset"))
        if remaining is None or remaining < 0 or reset is None or reset < 0:
            return  # unlimited or not reported: nothing to pace on
        with self._lock:
            bucket = self._buckets.setdefault(identity, _Bucket())
            bucket.remaining = remaining
            # +0.25 s: the reset is reported in whole seconds
            bucket.reset_at = self.clock() + min(reset, MAX_WAIT_SECONDS) + 0.25  # type: ignore[operator]

    def retry_delay(self, headers: object) -> float:
        """How long to wait after an unintended 429 (Retry-After, else X-RateLimit-Reset)."""
        get = headers.get
        for name in ("Retry-After", "X-RateLimit-Reset"):
            value = parse_int_header(get(name))
            if value is not None and value >= 0:
                return min(float(value) + 0.25, MAX_WAIT_SECONDS)
        return 1.0
