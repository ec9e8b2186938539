"""How this server spells the promises the reference makes without naming a field.

Checks find such facts by behaviour (see :mod:`.observe`) and note here what they found.
A fact found at paths of a body is noted with :func:`at`, the one formatter of paths
(``spellings.at("post.votes", *paths)`` notes ``upvotes, vote_score``): every check that
finds one fact on one server then notes the same words, and two spellings side by side in
the report are a real divergence of the server, never two checks phrasing one finding. The notes of a test travel with
its report to the xdist controller (``report.jetonomy_spellings``) and fill the report
section "how this server spells the promises": the same server read twice never changes its
spelling, so two spellings of one fact are shown side by side (a divergence to look at).
"""

from __future__ import annotations

import contextvars
from collections import Counter
from typing import Any

from .observe import Path, generic, show

FACTS: dict[str, str] = {
    "list.items": "items of a list",
    "list.next": "next page of a list",
    "post.votes": "vote counts of a post (moved by a vote)",
    "post.my_vote": "the caller's own vote on a post",
    "reply.votes": "vote counts of a reply (moved by a vote)",
    "reply.my_vote": "the caller's own vote on a reply",
    "reply.parent": "the parent of a threaded reply",
    "post.reply_count": "reply count of a post",
    "post.author": "author of a post",
    "reply.author": "author of a reply",
    "post.tags": "tags of a post",
    "post.pinned": "pinned state of a post",
    "reply.accepted": "accepted state of a reply",
    "space.counts": "member and post counts of a space",
    "space.settings": "settings of a space",
    "user.settings": "settings of a user",
    "user.identity": "who a profile belongs to",
    "member.user": "the user of a space member entry",
    "notifications.unread": "count of unread notifications",
    "notification.read": "read state of a notification",
    "invite.token": "invite token or link",
    "leaderboard.score": "reputation score of a leaderboard entry",
    "leaderboard.rank": "rank of a leaderboard entry",
    "search.type": "the kind of a search result",
    "bookmark.post": "the post of a bookmark",
    "subscription.target": "the object of a subscription",
    "flag.state": "the state of a flag",
    "body": "request bodies the reference does not document",
}
"""The facts reported, by key, with what they are in words."""

_notes: contextvars.ContextVar[list[dict[str, str]] | None] = contextvars.ContextVar(
    "jetonomy_spellings", default=None
)


def start() -> contextvars.Token[list[dict[str, str]] | None]:
    return _notes.set([])


def take(token: contextvars.Token[list[dict[str, str]] | None]) -> list[dict[str, str]]:
    collected = _notes.get() or []
    _notes.reset(token)
    return collected


def learned(fact: str, spelling: str) -> None:
    """Note that this server spells ``fact`` (a key of :data:`FACTS`) as ``spelling``."""
    if fact not in FACTS:
        raise KeyError(f"unknown fact {fact!r}: add it to spellings.FACTS")
    notes = _notes.get()
    if notes is not None and {"fact": fact, "spelling": spelling} not in notes:
        notes.append({"fact": fact, "spelling": spelling})


def spelled(path: Path, key: str | None = None) -> str:
    """One path as the report shows it: list indexes as ``[]`` (the same field in every
    item: ``tags[].slug``), cut before ``key`` when given (a key the suite chose itself, such
    as a settings key it sent: the field is the object holding it, not the suite's key)."""
    parts = generic(path)
    if key is not None and key in parts:
        parts = parts[: len(parts) - 1 - parts[::-1].index(key)]
    return show(parts)


def shown(*paths: Path, key: str | None = None) -> str:
    """Paths as the report shows them: each :func:`spelled`, without repeats, sorted, joined
    by ``", "`` ("nowhere" without a path). For a spelling made of parts (the member count
    and the post count of a space); :func:`at` notes one fact's paths."""
    return ", ".join(sorted({spelled(path, key) for path in paths})) or "nowhere"


def at(fact: str, *paths: Path, key: str | None = None) -> str:
    """Note that this server keeps ``fact`` at ``paths`` (paths of a body, as
    :mod:`.observe` finds them) and return the spelling noted (:func:`shown`). Nothing is
    noted without a path ("nowhere" is returned)."""
    text = shown(*paths, key=key)
    if paths:
        learned(fact, text)
    return text


class SpellingBook:
    """Gathers the notes of every test (on the controller) into the report section."""

    def __init__(self) -> None:
        self.seen: dict[str, Counter[str]] = {}

    def add(self, notes: list[dict[str, str]] | None) -> None:
        for note in notes or ():
            self.seen.setdefault(note["fact"], Counter())[note["spelling"]] += 1

    def section(self) -> list[dict[str, Any]]:
        """One entry per fact observed: what it is and every spelling with the checks seeing it."""
        out = []
        for fact, label in FACTS.items():
            found = self.seen.get(fact)
            if not found:
                continue
            out.append(
                {
                    "fact": fact,
                    "what": label,
                    "spellings": [
                        {"spelling": spelling, "checks": count}
                        for spelling, count in found.most_common()
                    ],
                }
            )
        return out
