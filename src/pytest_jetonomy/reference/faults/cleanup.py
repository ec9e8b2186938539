"""Faults of deleting a space: a target the suite's cleanup cannot take at its word.

``DELETE /spaces/{id}`` is where a run's cleanup relies on the target: these faults make it
not delete, as some implementations do (a space handed over or archived rather than
deleted). The checks report the broken promise; the run's cleanup reads every deletion
back, lists what it could not delete, and deletes with the mode the route index describes
when there is one (``tests/faults/test_cleanup_faults.py``).

- ``space-delete-does-nothing``: the DELETE answers as a deletion does (200 and the deletion
  body) and deletes nothing.
- ``space-delete-needs-mode``: the DELETE answers 409 unless ``mode=delete`` is given; the
  route index describes ``mode`` (enum ``archive``, ``delete``); ``mode=archive`` answers
  200 and keeps the space.

Hooks: ``routes/spaces.py: delete_space`` asks :func:`keeps_space`; ``app.py`` gives the
route its ``mode`` argument (:func:`with_delete_mode`).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from ..errors import ApiError
from ..params import Arg
from . import Fault

if TYPE_CHECKING:  # pragma: no cover
    from ..context import Ctx
    from ..routing import RouteSpec

FAULTS = [
    Fault(
        "space-delete-does-nothing",
        ("JT-BEHAV-027",),
        "DELETE /spaces/{id} answers 200 as if it deleted the space, and deletes nothing",
    ),
    Fault(
        "space-delete-needs-mode",
        ("JT-EP-008", "JT-EP-010", "JT-AUTH-014"),
        "DELETE /spaces/{id} answers 409 unless mode=delete is given (the route index "
        "describes mode: archive or delete; mode=archive answers 200 and keeps the space)",
        also=("JT-BEHAV-027",),
    ),
]

MODE = Arg(
    "mode",
    enum=("archive", "delete"),
    description="archive: hide the space and keep its content; delete: delete the space and "
    "its content",
)


def with_delete_mode(spec: RouteSpec) -> RouteSpec:
    """``space-delete-needs-mode``: DELETE /spaces/{id} takes (and its index describes)
    ``mode``."""
    return replace(spec, args=(*spec.args, MODE))


def keeps_space(ctx: Ctx) -> bool:
    """Whether ``DELETE /spaces/{id}`` keeps the space under this module's faults (the
    answer is then a deletion's all the same); 409 when a mode is needed and none given."""
    if ctx.fault("space-delete-does-nothing"):
        return True
    if not ctx.fault("space-delete-needs-mode"):
        return False
    mode = ctx.args().get("mode")
    if mode is None:
        raise ApiError(
            409,
            "jetonomy_delete_mode_required",
            "Spaces are archived or deleted: send mode=archive or mode=delete.",
        )
    return mode != "delete"
