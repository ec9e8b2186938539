"""Fault variants: switchable deviations from the contract, each breaking one promise.

A conformance suite is worth the failures it can see. Each :class:`Fault` names the
requirement IDs it breaks; the project's self-tests start the reference server with one
fault switched on and check that the suite fails exactly there. The conformant server has
no fault on.

Faults are declared per area in the modules of this package (``FAULTS`` lists) and
switched on by name: ``ReferenceConfig(faults=frozenset({"total-off-by-one"}))``,
``jetonomy-reference serve --fault total-off-by-one``, or the plugin's
``--reference-fault`` option. Server code asks ``config.fault("total-off-by-one")`` at the
one place the behaviour lives.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Fault:
    name: str
    breaks: tuple[str, ...]
    """Requirement IDs this fault breaks (the suite must fail checks carrying them)."""
    description: str
    also: tuple[str, ...] = ()
    """Other requirements the fault may break as a side effect (never used as canaries)."""
    robustness: bool = False
    """A malformed-response fault: the suite must finish with clear failures, no INTERNALERROR."""


@lru_cache(maxsize=1)
def catalogue() -> dict[str, Fault]:
    """Every declared fault by name, from the ``FAULTS`` list of each module here."""
    faults: dict[str, Fault] = {}
    for module_info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        for fault in getattr(module, "FAULTS", ()):
            if fault.name in faults:
                raise ValueError(f"fault {fault.name!r} declared twice")
            faults[fault.name] = fault
    return faults


def check_names(names: list[str] | tuple[str, ...] | frozenset[str]) -> frozenset[str]:
    """Validate fault names; raise ValueError naming the unknown ones."""
    known = catalogue()
    unknown = sorted(set(names) - set(known))
    if unknown:
        raise ValueError(
            f"unknown fault(s): {', '.join(unknown)} (see `jetonomy-reference faults`)"
        )
    return frozenset(names)
