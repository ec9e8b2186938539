"""The per-request context handed to every route: caller, params, access rules."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from werkzeug.wrappers import Request

from . import clock, queries
from .auth import Identity
from .config import ReferenceConfig
from .errors import ApiError, forbidden, not_found, not_logged_in
from .pagination import Page, parse_page
from .params import parse_args
from .routing import RouteSpec
from .storage import Row, Storage


@dataclass
class Result:
    """What a handler answers: a JSON-able body, a status and extra headers."""

    body: Any
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    route: RouteSpec | None = None
    """The route that answered (set by the dispatcher); None for the indexes and errors."""


class Ctx:
    def __init__(
        self,
        *,
        db: Storage,
        config: ReferenceConfig,
        identity: Identity,
        request: Request,
        spec: RouteSpec,
        params: dict[str, Any],
        base_url: str,
    ) -> None:
        self.db = db
        self.config = config
        self.identity = identity
        self.request = request
        self.spec = spec
        self.params = params
        self.base_url = base_url
        self._memberships: dict[int, Row] | None = None

    # -- params ---------------------------------------------------------------------------
    def args(self) -> dict[str, Any]:
        """The route's declared arguments, validated (400 naming the missing ones, or the
        first bad one), under the names the handler reads."""
        args = parse_args(self.spec.args, self.params)
        return self.spec.reads_as(args) if self.spec.reads_as else args

    def page(self) -> Page:
        raw = self.params
        if self.fault("negative-offset-read-as-zero"):
            offset = self.params.get("offset")
            if isinstance(offset, (int, str)) and str(offset).strip().startswith("-"):
                raw = {**self.params, "offset": 0}
        return parse_page(raw, self.fault, refuse_over_max=self.alt)

    def fault(self, name: str) -> bool:
        return self.config.fault(name)

    @property
    def alt(self) -> bool:
        """True when the server speaks the alt dialect (``reference/dialect.py``)."""
        return self.config.alt

    # -- caller ---------------------------------------------------------------------------
    @property
    def user_id(self) -> int:
        return self.identity.user_id

    def require_login(self) -> None:
        if self.identity.anonymous:
            raise not_logged_in()

    @staticmethod
    def require(condition: bool, message: str = "You are not allowed to do that.") -> None:
        if not condition:
            raise forbidden(message)

    def memberships(self) -> dict[int, Row]:
        if self._memberships is None:
            rows = (
                self.db.all("SELECT * FROM members WHERE user_id = ?", (self.user_id,))
                if not self.identity.anonymous
                else []
            )
            self._memberships = {int(row["space_id"]): row for row in rows}
        return self._memberships

    def is_member(self, space_id: int) -> bool:
        row = self.memberships().get(space_id)
        return row is not None and row["status"] == "joined"

    def space_role(self, space_id: int) -> str | None:
        row = self.memberships().get(space_id)
        return row["role"] if row is not None and row["status"] == "joined" else None

    def is_space_admin(self, space_id: int) -> bool:
        return self.identity.is_admin or self.space_role(space_id) == "admin"

    def can_edit(self, author_id: int, space_id: int) -> bool:
        """Author, site moderator, or moderator/admin of the space."""
        if self.identity.anonymous:
            return False
        return (
            author_id == self.user_id
            or self.identity.can_moderate
            or self.space_role(space_id) in ("moderator", "admin")
        )

    # -- visibility -----------------------------------------------------------------------
    def can_see_space(self, space: Row) -> bool:
        if space["visibility"] == "public" or self.identity.can_moderate:
            return True
        return self.is_member(int(space["id"]))

    def can_see_status(self, status: str, author_id: int) -> bool:
        mine = not self.identity.anonymous and author_id == self.user_id
        if status == "publish":
            return True
        if status == "draft":
            return mine or self.fault("drafts-readable-by-link")
        if status == "pending":
            return mine or self.identity.can_moderate
        return self.identity.can_moderate  # spam, trash

    def can_see_post(self, post: Row, space: Row | None = None) -> bool:
        if space is None:
            space = self.db.one("SELECT * FROM spaces WHERE id = ?", (post["space_id"],))
        if space is None or not self.can_see_space(space):
            return False
        if not self.can_see_status(post["status"], int(post["author_id"])):
            return False
        if post["status"] == "publish" and not self.is_live(post):
            return int(post["author_id"]) == self.user_id or self.identity.can_moderate
        return True

    @staticmethod
    def is_live(post: Row) -> bool:
        """Published and not scheduled for later."""
        published = post["published_at"]
        return post["status"] == "publish" and (not published or published <= clock.now_iso())

    def can_see_reply(self, reply: Row, post: Row | None = None) -> bool:
        if post is None:
            post = queries.post_row(self.db, int(reply["post_id"]))
        if post is None or not self.can_see_post(post):
            return False
        return self.can_see_status(reply["status"], int(reply["author_id"]))

    # -- loaders (404 when missing or invisible) ---------------------------------------------
    def unseen(self, what: str, space_id: int | None) -> ApiError:
        """The refusal of something the caller may not see: 404, as if it did not exist; in
        the alt dialect 403 when it is (in) a private or hidden space the caller is not a
        member of."""
        if self.alt and space_id is not None:
            space = queries.space_row(self.db, space_id)
            if space is not None and not self.can_see_space(space):
                where = "this space" if what == "Space" else f"the space of this {what.lower()}"
                return forbidden(f"You are not a member of {where}.")
        return not_found(what)

    def space(self, space_id: int) -> Row:
        row = queries.space_row(self.db, space_id)
        if row is None or not self.can_see_space(row):
            raise self.unseen("Space", None if row is None else space_id)
        return row

    def post(self, post_id: int) -> Row:
        row = queries.post_row(self.db, post_id)
        if row is None or not self.can_see_post(row):
            if self.fault("unknown-post-code-is-rest-post-invalid-id"):
                raise ApiError(404, "rest_post_invalid_id", "Invalid post ID.")
            raise self.unseen("Post", None if row is None else int(row["space_id"]))
        return row

    def reply(self, reply_id: int) -> tuple[Row, Row]:
        row = queries.reply_row(self.db, reply_id)
        post = queries.post_row(self.db, int(row["post_id"])) if row is not None else None
        if row is None or post is None or not self.can_see_reply(row, post):
            raise self.unseen("Reply", None if post is None else int(post["space_id"]))
        return row, post

    def user(self, user_id: int) -> Row:
        row = self.db.one("SELECT * FROM users WHERE id = ?", (user_id,))
        if row is None:
            raise not_found("User")
        return row

    def url(self, path: str) -> str:
        return self.base_url.rstrip("/") + path
