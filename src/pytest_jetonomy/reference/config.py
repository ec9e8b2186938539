"""Configuration of the reference server."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ReferenceConfig:
    """Knobs of one reference server instance.

    ``faults`` names deliberate deviations from the contract (used to prove that
    conformance checks can fail); the conformant server has none.
    """

    db_path: str | None = None
    rate_window_seconds: float = 60.0
    latency_ms: int = 0
    faults: frozenset[str] = field(default_factory=frozenset)

    def fault(self, name: str) -> bool:
        """True when the named fault variant is switched on."""
        return name in self.faults
