"""Robustness faults: malformed or missing answers (tests/faults/test_robustness.py).

They break no requirement in particular; they break the conversation. With any of them on,
the suite must finish, report failures with clear messages, and never end in an
INTERNALERROR or hang. The hooks live in ``reference/app.py``: ``__call__`` (stops
answering), ``rest`` (the 500 page) and ``finish`` (the bodies).
"""

from __future__ import annotations

from . import Fault

FAULTS = [
    Fault(
        "json-body-invalid",
        (),
        "success bodies start with a PHP notice: they are not JSON",
        robustness=True,
    ),
    Fault(
        "json-body-truncated",
        (),
        "every JSON body is cut in the middle",
        robustness=True,
    ),
    Fault(
        "server-error-one-in-ten",
        (),
        "every 10th API request answers 500 with WordPress's HTML critical-error page",
        robustness=True,
    ),
    Fault(
        "stops-answering",
        (),
        "after 40 requests the server accepts connections but never answers",
        robustness=True,
    ),
]
