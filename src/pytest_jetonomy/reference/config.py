"""Configuration of the reference server."""

from __future__ import annotations

from dataclasses import dataclass, field

DEFAULT_DIALECT = "default"
ALT_DIALECT = "alt"
DIALECTS = (DEFAULT_DIALECT, ALT_DIALECT)
"""The readings of the API the server can take where the reference is silent
(``reference/dialect.py`` holds the alt one)."""


@dataclass(frozen=True)
class ReferenceConfig:
    """Knobs of one reference server instance.

    ``faults`` names deliberate deviations from the contract (used to prove that
    conformance checks can fail); the conformant server has none. ``dialect`` picks the
    reading of the API (both are conformant). ``link_preview_allow`` lists URLs (or URL
    prefixes) that ``GET /link-preview`` may fetch even though their host is not public.
    """

    db_path: str | None = None
    rate_window_seconds: float = 60.0
    latency_ms: int = 0
    faults: frozenset[str] = field(default_factory=frozenset)
    dialect: str = DEFAULT_DIALECT
    link_preview_allow: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.dialect not in DIALECTS:
            raise ValueError(
                f"unknown dialect {self.dialect!r} (choose one of {', '.join(DIALECTS)})"
            )

    @property
    def alt(self) -> bool:
        """True when the server speaks the alt dialect."""
        return self.dialect == ALT_DIALECT

    def fault(self, name: str) -> bool:
        """True when the named fault variant is switched on."""
        return name in self.faults
