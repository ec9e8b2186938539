"""The state of one run in one process: settings, identities, pacer, clients."""

from __future__ import annotations

import threading
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from .adaptations import Adapter
from .client import JetonomyClient, WriteGuard
from .contract import Contract, load_contract
from .credentials import ANONYMOUS, Credentials
from .ledger import Ledger
from .options import Settings
from .pacing import Pacer
from .routeindex import RouteIndex

RUN_KEY = pytest.StashKey["JetonomyRun"]()


@dataclass
class JetonomyRun:
    settings: Settings
    credentials: Credentials
    pacer: Pacer
    contract: Contract = field(default_factory=load_contract)
    _clients: dict[str, JetonomyClient] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _route_index: RouteIndex | None = None
    guard: WriteGuard = field(default_factory=WriteGuard)
    """Content found on the target instead of created: read, never written into."""
    adapter: Adapter | None = None
    """Adapts the helper writes the server refuses for their body (one per process)."""
    ledger: Ledger | None = None
    """What the run created, recorded by every client of the run (``ledger.py``)."""
    used_marker: Path | None = None
    """On an xdist worker: the file telling the controller that a worker talked to the
    target, so that it cleans up even when the worker is killed before reporting back."""

    def __post_init__(self) -> None:
        if self.adapter is None:
            self.adapter = Adapter(self.route_index, self.contract)

    @property
    def target_url(self) -> str:
        return self.settings.target_root

    @property
    def used(self) -> bool:
        """Whether a check or fixture of this process talked to the target."""
        return bool(self._clients)

    def has_role(self, role: str) -> bool:
        return role == ANONYMOUS or role in self.credentials

    def new_client(self, role: str) -> JetonomyClient:
        """A fresh client (own cookie jar) acting as ``role``; shares the pacer."""
        credential = None if role == ANONYMOUS else self.credentials[role]
        return JetonomyClient(
            self.target_url,
            credential,
            base_path=self.contract.base_path,
            timeout=self.settings.request_timeout,
            pacer=self.pacer,
            identity=role,
            read_only=self.settings.read_only,
            adapter=self.adapter,
            guard=self.guard,
            ledger=self.ledger,
        )

    def client(self, role: str) -> JetonomyClient:
        """The shared client for ``role``; skips the calling test if the role has no credentials."""
        if not self.has_role(role):
            pytest.skip(self.credentials.missing_reason(role))
        with self._lock:
            if role not in self._clients:
                self._clients[role] = self.new_client(role)
                if self.used_marker is not None:
                    with suppress(OSError):
                        self.used_marker.touch()
            return self._clients[role]

    def route_index(self) -> RouteIndex:
        """The target's namespace index (its own description of its routes), read once per
        process; empty when the target does not answer it."""
        if self._route_index is None:
            role = "admin" if self.has_role("admin") else ANONYMOUS
            response = self.client(role).get("", area="setup")
            body = response.json() if response.status == 200 and response.is_json else None
            self._route_index = RouteIndex.parse(
                body, self.contract.meta.get("namespace", "jetonomy/v1")
            )
        return self._route_index
