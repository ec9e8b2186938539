"""pytest-jetonomy: a pytest plugin and conformance suite for the Jetonomy REST API."""

from __future__ import annotations

from .client import ApiResponse, JetonomyClient
from .contract import Contract, load_contract

__version__ = "0.1.0"

__all__ = ["ApiResponse", "Contract", "JetonomyClient", "__version__", "load_contract"]
