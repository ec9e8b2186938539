"""Timestamps: ISO 8601 UTC with second precision (``2026-11-22T11:00:00Z``)."""

from __future__ import annotations

import calendar
import time
from datetime import datetime, timedelta, timezone
from functools import lru_cache

FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def now_iso() -> str:
    return time.strftime(FORMAT, time.gmtime())


def iso(dt: datetime) -> str:
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.astimezone(timezone.utc).strftime(FORMAT)


def parse_iso(value: str) -> datetime:
    """Parse an ISO 8601 date or datetime; naive values are UTC. Raises ValueError."""
    text = value.strip()
    if not text or len(text) > 64:
        raise ValueError("empty or too long")
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    dt = datetime.fromisoformat(text)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.astimezone(timezone.utc)


@lru_cache(maxsize=65536)
def epoch(value: str | None) -> int:
    """Seconds since the epoch of a stored timestamp (0 for None)."""
    if not value:
        return 0
    return calendar.timegm(time.strptime(value, FORMAT))


def floor_iso(dt: datetime) -> str:
    """The stored form of ``dt`` with its fraction dropped."""
    return iso(dt.replace(microsecond=0))


def days_ago(days: int) -> str:
    return iso(datetime.now(timezone.utc) - timedelta(days=days))


def in_days(days: int) -> str:
    return iso(datetime.now(timezone.utc) + timedelta(days=days))
