"""Faults of the error envelope and codes (requirements JT-ERR-*)."""

from __future__ import annotations

from . import Fault

FAULTS = [
    Fault(
        "error-data-status-disagrees",
        ("JT-ERR-002",),
        "data.status of every error differs from the HTTP status",
        also=("JT-ERR-001", "JT-ERR-004"),
    ),
]
