"""Client-side pacing from the documented ``X-RateLimit-*`` headers.

The reference promises ``X-RateLimit-Remaining`` and ``X-RateLimit-Reset`` (seconds until
the window resets) on every response. Generic retry helpers only read ``Retry-After``, so
the pacer reads the documented headers itself: before a bucket runs dry it waits for the
reset, so that checks which are not about rate limits never meet a 429.
"""

from __future__ import annotations

import os
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

from filelock import FileLock

from .ratelimits import REMAINING_HEADER, RESET_HEADER, RETRY_AFTER

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

MAX_WAIT_SECONDS = 65.0
"""Longest wait the pacer accepts from a server (one documented 60 s window and a margin)."""

EMBARGO_SECONDS = 2 * MAX_WAIT_SECONDS + 10
"""How long an embargo holds at most if its holder dies without lifting it. A bucket-emptying
check can burst twice (a window rolled over) and then wait out a whole window: more than one
MAX_WAIT_SECONDS, so the embargo must outlast that."""


ANNOUNCE_SECONDS = 2.0
"""Waits for a rate-limit window at least this long are announced (``Pacer.announce``)."""


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


_RECORD = 64
"""Bytes of one shared bucket view: "REMAINING RESET_AT", space-padded ("-": unknown)."""


def _encode(bucket: _Bucket) -> bytes:
    remaining = "-" if bucket.remaining is None else str(bucket.remaining)
    return f"{remaining} {bucket.reset_at!r}".encode().ljust(_RECORD)


def _decode(record: bytes) -> _Bucket:
    try:
        remaining, reset_at = record.decode().split()
        return _Bucket(None if remaining == "-" else int(remaining), float(reset_at))
    except ValueError:  # a new file (empty) or a record that cannot be read: unknown
        return _Bucket()


@contextmanager
def _locked_file(fd: int, path: Path) -> Iterator[None]:
    """An exclusive lock of an open file, held by one process at a time."""
    if fcntl is None:  # Windows: a lock file beside it
        with FileLock(str(path) + ".lock"):
            yield
        return
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)


SAME_WINDOW_SECONDS = 2.0
"""Two observations whose reset times differ by less than this describe the same window
(the reset is reported in whole seconds and the answers travel for a while)."""


@dataclass
class Pacer:
    """A view of the target's rate-limit buckets, one per identity, that every client of the
    run consults before sending and updates from every answer.

    Under pytest-xdist the workers share one bucket per identity on the target, so the view
    is shared too (a small file per identity under ``shared_dir``, read and written under a
    file lock): a worker that last heard "Remaining 10" long ago must not send while another
    worker has since spent them. Each request claims one unit of Remaining before it goes
    out, so concurrent senders see each other's requests before the answers come back.
    """

    reserve: int = 2
    max_rps: float | None = None
    sleep: object = time.sleep
    clock: object = time.time
    """Wall time by default: reset times are compared across processes."""
    _buckets: dict[str, _Bucket] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _last_send: float = 0.0
    stats: Counter[str] = field(default_factory=Counter)
    shared_dir: Path | None = None
    """Where embargoes and bucket views are visible to every process of the run."""
    run_prefix: str = "jetonomy"
    _token: str = field(default_factory=lambda: uuid.uuid4().hex)
    """Names this pacer (one per process) as the holder of its embargoes."""
    announce: Callable[[str, float], None] | None = None
    """Told (identity, seconds) when a wait for a rate-limit window of ANNOUNCE_SECONDS or
    more begins, once per wait: the plugin says so on the terminal (``notices.py``)."""

    def _shared_file(self, kind: str, identity: str) -> Path | None:
        """The file every process of the run reads for ``identity`` (None: not shared)."""
        if self.shared_dir is None:
            return None
        return self.shared_dir / f"{self.run_prefix}-{kind}-{identity}"

    def _embargo_file(self, identity: str) -> Path | None:
        return self._shared_file("embargo", identity)

    @contextmanager
    def exclusive(self, identity: str) -> Iterator[None]:
        """While a check empties ``identity``'s bucket on purpose, every other process holds
        its requests as ``identity`` back, so that no other check meets that check's 429s.
        The holder itself is not held back: its burst goes out with ``pace=False``, and a
        paced request of its own (undoing a write, say) must not wait for its own embargo."""
        path = self._embargo_file(identity)
        if path is not None:
            path.write_text(f"{time.time() + EMBARGO_SECONDS} {self._token}")
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
            until, holder = path.read_text().split()
            if holder == self._token:
                return 0.0
            return max(0.0, float(until) - time.time())
        except (OSError, ValueError):
            return 0.0

    def before(self, identity: str) -> None:
        """Wait, if needed, before sending a request as ``identity``, then claim one unit of
        its bucket.

        The embargo is checked again after every pacing wait: a check may have started
        emptying the bucket while this one slept until the reset (a request sent then would
        land in the middle of that check's burst and meet its 429).
        """
        gap = self._rps_wait()
        if gap > 0:
            self.stats["rps_waits"] += 1
            self.sleep(gap)  # type: ignore[operator]
        while True:
            self._hold_while_embargoed(identity)
            wait = self._claim(identity)
            if wait <= 0:
                return
            self.stats["pacing_waits"] += 1
            self.wait_for_window(identity, min(wait, MAX_WAIT_SECONDS))
            if self._embargo_wait(identity) > 0:
                self.stats["embargo_began_while_pacing"] += 1

    def wait_for_window(self, identity: str, seconds: float) -> None:
        """Sleep until ``identity``'s rate-limit window resets, saying so when it is long."""
        if seconds >= ANNOUNCE_SECONDS and self.announce is not None:
            try:
                self.announce(identity, seconds)
            except Exception:  # noqa: BLE001 - a notice never stops the run
                self.stats["announce_errors"] += 1
        self.sleep(seconds)  # type: ignore[operator]

    def _hold_while_embargoed(self, identity: str) -> None:
        held = self._embargo_wait(identity)
        while held > 0:  # another check is emptying this bucket: wait until it is done
            self.stats["embargo_waits"] += 1
            self.sleep(min(held, 0.5))  # type: ignore[operator]
            held = self._embargo_wait(identity)

    def _rps_wait(self) -> float:
        """Seconds until --max-rps allows the next request of this process (reserves it)."""
        if not self.max_rps:
            return 0.0
        with self._lock:
            now = self.clock()  # type: ignore[operator]
            earliest = self._last_send + 1.0 / self.max_rps
            self._last_send = max(now, earliest)
            return max(0.0, earliest - now)

    def _claim(self, identity: str) -> float:
        """Claim one unit of ``identity``'s bucket (0 returned: send now), or say how long
        to wait for its reset when no more than ``reserve`` units are left."""
        with self._view(identity) as bucket:
            if bucket.remaining is None:
                return 0.0  # unknown (first request, unlimited, or a new window)
            now = self.clock()  # type: ignore[operator]
            if bucket.reset_at <= now:
                bucket.remaining = None  # the window has reset: unknown until answered
            elif bucket.remaining <= self.reserve:
                return bucket.reset_at - now
            else:
                bucket.remaining -= 1
            return 0.0

    def after(self, identity: str, headers: object) -> None:
        """Learn the bucket state from a response's headers."""
        get = headers.get
        remaining = parse_int_header(get(REMAINING_HEADER))
        reset = parse_int_header(get(RESET_HEADER))
        if remaining is None or remaining < 0 or reset is None or reset < 0:
            return  # unlimited or not reported: nothing to pace on
        # +0.25 s: the reset is reported in whole seconds
        reset_at = self.clock() + min(reset, MAX_WAIT_SECONDS) + 0.25  # type: ignore[operator]
        with self._view(identity) as bucket:
            if (
                bucket.remaining is not None
                and abs(reset_at - bucket.reset_at) < SAME_WINDOW_SECONDS
            ):
                # same window: claims of requests still in flight are not in this answer yet
                bucket.remaining = min(bucket.remaining, remaining)
                bucket.reset_at = max(bucket.reset_at, reset_at)
            else:
                bucket.remaining, bucket.reset_at = remaining, reset_at

    # -- the view's storage: this process only, or shared by every process of the run --

    def _bucket_file(self, identity: str) -> Path | None:
        return self._shared_file("bucket", identity)

    @contextmanager
    def _view(self, identity: str) -> Iterator[_Bucket]:
        """``identity``'s bucket view, locked: what the block changes in it is kept.

        Shared, it is a fixed-size record in one file per identity, read and written under
        an exclusive lock of that file (a few system calls: the client takes this twice per
        request)."""
        with self._lock:
            path = self._bucket_file(identity)
            if path is None:
                yield self._buckets.setdefault(identity, _Bucket())
                return
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
            try:
                with _locked_file(fd, path):
                    os.lseek(fd, 0, os.SEEK_SET)
                    bucket = _decode(os.read(fd, _RECORD))
                    yield bucket
                    os.lseek(fd, 0, os.SEEK_SET)
                    os.write(fd, _encode(bucket))
            finally:
                os.close(fd)

    def retry_delay(self, headers: object) -> float:
        """How long to wait after an unintended 429 (Retry-After, else X-RateLimit-Reset)."""
        get = headers.get
        for name in (RETRY_AFTER, RESET_HEADER):
            value = parse_int_header(get(name))
            if value is not None and value >= 0:
                return min(float(value) + 0.25, MAX_WAIT_SECONDS)
        return 1.0
