"""Faults that break a precondition of most checks (issue 11: one failure, one cause).

A server that refuses what the suite needs for its own setup must not fail the whole run:
the refused request fails once, against its own requirement, and the rest of the run goes
on (adapted, when the server says what it wants instead) or is reported blocked by it
(``tests/faults/test_preconditions.py``). The hooks: ``reference/app.py`` (the routes of
``spaces-create-wants-title``, from ``routes/spaces.py: title_instead_of_name``; the
dispatcher for ``every-write-refused``).
"""

from __future__ import annotations

from . import Fault

FAULTS = [
    Fault(
        "spaces-create-wants-title",
        # every check that sends POST /spaces with the documented body: the valid example
        # (as admin: also JT-AUTH-014, and its creation answer: JT-EP-009), a member's
        # (400 before the 403: JT-AUTH-029), and each documented optional parameter
        # (JT-PARAM-006); the rest of the run goes on with `title` (an adaptation)
        ("JT-EP-008", "JT-AUTH-029", "JT-AUTH-014", "JT-PARAM-006", "JT-EP-009"),
        "POST /spaces refuses the documented body (`name`) with 400 jetonomy_invalid_param "
        "naming `title` in data.params, and takes `title` instead (its route index describes "
        "`title`, not `name`)",
    ),
    Fault(
        "every-write-refused",
        # what a run reports failed: the checks whose subject is a write that needs no
        # content of the run (the valid example, an allowed caller, a documented parameter,
        # a parameter refused with 400, an unknown id with 404, a malformed body with 400);
        # every check that needs content the run could not create is blocked by its creation
        (
            "JT-EP-008",
            "JT-EP-009",
            "JT-AUTH-009",
            "JT-AUTH-011",
            "JT-AUTH-012",
            "JT-AUTH-014",
            "JT-PARAM-001",
            "JT-PARAM-003",
            "JT-PARAM-006",
            "JT-ERR-003",
            "JT-CONV-006",
        ),
        "every POST, PATCH and DELETE to the API answers 403 jetonomy_forbidden (reads work; "
        "an anonymous caller still gets 401 where the route needs a login)",
    ),
]
