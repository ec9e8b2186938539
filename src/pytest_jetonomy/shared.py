"""Run-wide resources created once, whichever xdist worker asks first.

This is the FileLock pattern from pytest-xdist's documentation: the first process that
needs a resource creates it under a lock and writes it as JSON next to the workers' temp
directories; the others read it. A resource is a precondition of the checks that use it: a
creation failure is stored too, and every dependent check is blocked by that single cause
(``failures.Blocked``) instead of each worker retrying; a skip raised while creating it (a
``--read-only`` run refusing a write) is stored and repeated the same way.
Teardown is not done here: what the creation makes is recorded in the run's ledger by the
client (``ledger.py``), and the controller deletes it at session finish (``cleanup.py``).
``create`` runs inside ``ledger.run_wide()``: run-wide content is never refused as a
throwaway space.
"""

from __future__ import annotations

import json
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from filelock import FileLock

from .expect import blocking
from .failures import Blocked
from .ledger import run_wide

SKIP_KEY = "__jetonomy_skip__"
BLOCKED_KEY = "__jetonomy_blocked__"


def shared_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory shared by the controller's workers (the parent of each worker's basetemp)."""
    return tmp_path_factory.getbasetemp().parent


def controller_file(config: pytest.Config, name: str) -> Path | None:
    """The file ``name`` in the controller's basetemp, where the controller and its xdist
    workers meet (a worker's ``shared_dir``); None without pytest's tmpdir plugin
    (``-p no:tmpdir``). Asked on the controller, which tells its workers (``workerinput``)."""
    factory = getattr(config, "_tmp_path_factory", None)
    if factory is None:
        return None
    return Path(factory.getbasetemp()) / name


def shared_resource(
    tmp_path_factory: pytest.TempPathFactory,
    run_prefix: str,
    name: str,
    create: Callable[[], Any],
) -> Any:
    """Return the JSON-serialisable resource ``name`` for this run, creating it at most once."""
    path = shared_dir(tmp_path_factory) / f"{run_prefix}-{name}.json"
    with FileLock(str(path) + ".lock"):
        if path.is_file():
            data = json.loads(path.read_text(encoding="utf-8"))
        else:
            step = f"setting up the run-wide {name.replace('-', ' ')}"
            try:
                with run_wide():  # run-wide content: never refused as a throwaway space
                    data = create()
            except Blocked as exc:
                data = {BLOCKED_KEY: {**exc.to_dict(), "step": step}}
            except pytest.skip.Exception as exc:
                # e.g. a --read-only run refusing the write that would create it
                data = {SKIP_KEY: f"the run-wide '{name}' cannot be set up: {exc.msg}"}
            except (AssertionError, pytest.fail.Exception) as exc:
                # a failed expectation or an unusable answer while creating it
                data = {BLOCKED_KEY: {**blocking(exc, step).to_dict(), "step": step}}
            except Exception as exc:  # noqa: BLE001 - e.g. an answer of an unexpected shape
                # stored too: every dependent check is blocked by this one cause, no retry
                where = traceback.extract_tb(exc.__traceback__)[-1]
                text = (
                    f"unexpected {type(exc).__name__}: {exc} "
                    f"(at {Path(where.filename).name}:{where.lineno})"
                )
                data = {BLOCKED_KEY: {"by": text, "step": step, "detail": ""}}
            path.write_text(json.dumps(data), encoding="utf-8")
    if isinstance(data, dict) and SKIP_KEY in data:
        pytest.skip(data[SKIP_KEY])
    if isinstance(data, dict) and BLOCKED_KEY in data:
        stored = data[BLOCKED_KEY]
        raise Blocked(stored["by"], stored["step"], stored.get("detail", ""))
    return data
