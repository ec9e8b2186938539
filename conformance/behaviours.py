"""Helpers of the settings checks of users and spaces (JT-SCHEMA-032, 036; JT-BEHAV-009, 014).

The reference promises that a profile and a space include their settings, merged on update,
without naming a field: the suite sends a settings key and value of its own and finds the
value under that key anywhere in the object read back (``observe.under_key``). Everything
else these checks use is the toolkit's (``pytest_jetonomy.observe``, ``lists``, ``expect``).
"""

from __future__ import annotations

from typing import Any

from pytest_jetonomy import expect, spellings
from pytest_jetonomy.factories import unique
from pytest_jetonomy.observe import show, under_key, where


def settings_key(prefix: str, name: str) -> str:
    """A settings key no object on the target holds yet (``<run prefix>_<n>_<name>``)."""
    return f"{unique(prefix)}_{name}".replace("-", "_")


def expect_setting(
    body: Any, key: str, value: str, response: Any, *, read: str, fact: str, why: str
) -> None:
    """``body`` (what ``read`` answered) holds ``value`` under the settings key ``key``; the
    object holding the key is noted as where the server keeps ``fact``."""
    found = under_key(body, key, value)
    expect.that(
        found,
        f"{read} holds {value!r} under the settings key {key!r} ({why})",
        response,
        detail=f"{value!r} is at {', '.join(map(show, where(body, value))) or 'no path'}",
    )
    spellings.at(fact, *found, key=key)
