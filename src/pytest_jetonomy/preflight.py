"""Pre-flight: each role's credentials tried once, before any check.

A credentials file with one wrong role would otherwise turn every check that needs that role
into a failure charged to the server. ``GET /users/me`` as each role: a role the target
refuses while it accepts another, or two roles the target takes for one user while it tells
the others apart, is a mistake of the credentials, said in one line (a usage error). When the
target refuses every role, or takes every role for one user, the fault is the target's
authentication (JT-AUTH-003 and the checks say so): the run goes on.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .client import UnusableAnswer
from .run import JetonomyRun


@dataclass
class Preflight:
    verified: list[str] = field(default_factory=list)
    """Roles whose ``GET /users/me`` answered 200 with their own integer id."""
    refused: dict[str, str] = field(default_factory=dict)
    """Role -> what came back instead."""
    ids: dict[str, int] = field(default_factory=dict)

    def problem(self, run: JetonomyRun) -> str | None:
        """The one line of a usage error, or None."""
        if self.refused and self.ids:
            role, answer = next(iter(self.refused.items()))
            credential = run.credentials[role]
            return (
                f"the credentials of role '{role}' (username {credential.username!r}, from "
                f"{run.credentials.source}) were refused: GET /users/me answered {answer}, "
                f"while {', '.join(sorted(self.ids))} were accepted"
            )
        by_id: dict[int, list[str]] = {}
        for role, user_id in self.ids.items():
            by_id.setdefault(user_id, []).append(role)
        shared = [roles for roles in by_id.values() if len(roles) > 1]
        if shared and len(by_id) > 1:
            roles = shared[0]
            return (
                f"the credentials of roles {', '.join(repr(r) for r in roles)} (from "
                f"{run.credentials.source}) are one user (id {self.ids[roles[0]]}): each role "
                "needs a user of its own"
            )
        return None

    def summary(self) -> str:
        if not self.refused and len(set(self.ids.values())) == len(self.ids):
            return f"verified: {', '.join(self.verified) or 'none'}"
        if self.refused and not self.ids:
            return (
                "every role was refused by GET /users/me (wrong credentials, or a server that "
                "drops the Authorization header): the checks will say what this blocks"
            )
        return "every role answered as one user: the checks will say what this breaks"


def preflight(run: JetonomyRun) -> Preflight:
    """Try each role's credentials once with ``GET /users/me``."""
    result = Preflight()
    for role in run.credentials:
        try:
            response = run.client(role).get("/users/me", area="setup")
        except UnusableAnswer as exc:
            result.refused[role] = str(exc).splitlines()[0]
            continue
        body = response.json() if response.is_json else None
        user_id = body.get("id") if isinstance(body, dict) else None
        if response.status == 200 and isinstance(user_id, int) and not isinstance(user_id, bool):
            result.ids[role] = user_id
            result.verified.append(role)
            continue
        code = body.get("code") if isinstance(body, dict) else None
        result.refused[role] = f"{response.status}" + (f" {code}" if code else "")
    return result
