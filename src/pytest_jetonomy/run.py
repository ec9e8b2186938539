"""The state of one run in one process: settings, identities, pacer, clients."""

from __future__ import annotations

import threading
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from .client import JetonomyClient
from .contract import Contract, load_contract
from .credentials import ANONYMOUS, Credentials
from .options import Settings
from .pacing import Pacer

RUN_KEY = pytest.StashKey["JetonomyRun"]()


@dataclass
class JetonomyRun:
    settings: Settings
    credentials: Credentials
    pacer: Pacer
    contract: Contract = field(default_factory=load_contract)
    _clients: dict[str, JetonomyClient] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    used_marker: Path | None = None
    """On an xdist worker: the file telling the controller that a worker talked to the
    target, so that it cleans up even when the worker is killed before reporting back."""

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
            list_shape=self.contract.list_shape,
            identity=role,
            read_only=self.settings.read_only,
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
