"""The target's clock: what time it is on the server the suite checks.

A check that sends a date (a post scheduled a day ahead, a search ``from_date``, an updates
``since``) counts it from the target's own time, never from the machine running the suite:
the two clocks may differ by minutes or by a time zone. The target tells its time in the
HTTP ``Date`` header of every answer (RFC 9110); :func:`server_clock` reads it, and falls
back to the local clock (in UTC) only when an answer has no readable ``Date``
(:func:`clock_source` says which one was used, for failure messages).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from typing import Any

ISO_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def _date_header(response: Any) -> datetime | None:
    """The ``Date`` header of an answer as an aware UTC datetime, None when missing or unreadable."""
    header = response.headers.get("Date") if response is not None else None
    if not header:
        return None
    try:
        moment = parsedate_to_datetime(header)
    except (TypeError, ValueError, IndexError):
        return None
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def server_clock(response: Any) -> datetime:
    """When the target answered ``response``, by its own clock (the HTTP ``Date`` header);
    the local clock (UTC) when the answer has no readable ``Date``."""
    return _date_header(response) or datetime.now(timezone.utc)


def clock_source(response: Any) -> str:
    """Which clock :func:`server_clock` read for ``response``, in words."""
    if _date_header(response) is not None:
        return f"the target's Date header ({response.headers.get('Date')})"
    return "the local clock (the answer has no readable Date header)"


def iso(moment: datetime, shift: timedelta = timedelta(0)) -> str:
    """``moment + shift`` in the ISO 8601 UTC form every careful server reads
    (``2026-11-30T12:00:00Z``); a naive ``moment`` is taken as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return (moment + shift).astimezone(timezone.utc).strftime(ISO_FORMAT)


def parse_time(value: Any) -> datetime | None:
    """An ISO 8601 timestamp (``Z``, an offset, or none: UTC; a space instead of ``T``) as an
    aware UTC datetime; None when ``value`` is no readable timestamp."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip().replace(" ", "T", 1)
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)
