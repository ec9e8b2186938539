"""The alt dialect: a second, equally conformant reading of the API.

Where the API reference is silent, the default dialect takes the readings of
docs/architecture.md; the alt dialect (``ReferenceConfig.dialect = "alt"``) takes other legal
ones, so that a check which leans on an unstated field name or shape fails against one of
the two. Handlers and fault hooks produce the default shape; ``render`` turns a success
answer into the alt one where answers are rendered (``ReferenceApp.finish``):

- every key of every object is renamed snake_case -> PascalCase (``member_count`` ->
  ``MemberCount``), except ``id`` and the keys inside a ``settings`` object; errors, the
  indexes and the ``_envelope`` wrapper keep their names; ``_fields`` takes the alt names;
- embedded objects are flat: ``author`` -> ``author_id``, ``author_username``, ...; ``user``
  -> ``user_id``, ``user_username``, ...; a post's ``tags`` are its tag slugs;
- a list is a bare JSON array; ``Link: <...>; rel="next"`` leads to the next page (``after``
  where the list takes cursors, else ``offset``); ``X-JT-TotalPages`` is 1 for an empty list;
- creations answer 200 (not 201); deletions and ``mark-all-read`` answer 204 without a body;
  the unread count is a bare integer; ``GET /bookmarks`` lists the bookmarked posts.

Small hooks elsewhere, each behind ``ctx.alt``: ``voted`` (a vote answers the voted post or
reply) and ``viewed`` (posts count their reads, ``view_count``) below; ``limit`` above 100 is
refused (``pagination.parse_page``); private and hidden spaces and their content answer 403
to non-members (``Ctx.unseen``); a reply to a closed post is a 400 (``routes/replies.py``);
a space ``type`` is any label of up to 40 characters (``routes/spaces.py``). The namespace
index sends ``"args": []`` for routes without arguments, and the undocumented request bodies
of ``ALT_BODIES`` take other names (``routes``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlencode

from werkzeug.wrappers import Request

from . import serializers as ser
from .context import Ctx, Result
from .params import Arg
from .routing import RouteSpec
from .storage import Row


def _same(args: dict[str, Any]) -> dict[str, Any]:
    return args


@dataclass(frozen=True)
class AltBody:
    """A request body the reference documents no parameter for, read another way."""

    args: tuple[Arg, ...]
    names: dict[str, str]
    """alt name -> the name the handler reads it under."""
    convert: Callable[[dict[str, Any]], dict[str, Any]] = field(default=_same)
    """Values the handler reads otherwise (on the handler's names)."""

    def reads_as(self, parsed: dict[str, Any]) -> dict[str, Any]:
        return self.convert({self.names.get(name, name): value for name, value in parsed.items()})


SUBSCRIPTION = AltBody(
    (
        Arg("kind", required=True, enum=("post", "space"), description="What to follow"),
        Arg("target", "id", required=True, description="Id of the post or space"),
    ),
    {"kind": "object_type", "target": "object_id"},
)
BOOKMARK = AltBody(
    (Arg("post", "id", required=True, description="Id of the post"),),
    {"post": "post_id"},
)
ALT_BODIES: dict[str, AltBody] = {
    "moderation.flag": AltBody(
        (
            Arg("item_type", required=True, enum=("post", "reply"), description="What is flagged"),
            Arg("item", "id", required=True, description="Id of the flagged post or reply"),
            Arg("note", max_length=1000, default="", description="Why it is flagged"),
        ),
        {"item_type": "object_type", "item": "object_id", "note": "reason"},
    ),
    "moderation.ban": AltBody(
        (
            Arg("member", "id", required=True, description="Id of the user to ban"),
            Arg("why", max_length=1000, default="", description="Why the user is banned"),
            Arg("until", "date-time", nullable=True, description="End of the ban (none: never)"),
        ),
        {"member": "user_id", "why": "reason", "until": "expires_at"},
    ),
    "subscriptions.create": SUBSCRIPTION,
    "subscriptions.delete": SUBSCRIPTION,
    "bookmarks.create": BOOKMARK,
    "bookmarks.delete": BOOKMARK,
    "notifications.update": AltBody(
        (Arg("state", required=True, enum=("read", "unread"), description="read or unread"),),
        {"state": "read"},
        lambda args: {**args, "read": args["read"] == "read"},
    ),
}
"""The alt request bodies; the default names of these bodies are not accepted."""

SPACE_TYPE = Arg("type", max_length=40, description="Any label of up to 40 characters")
SPACE_WRITES = ("spaces.create", "spaces.update")
EMBEDDED = ("author", "user")
"""Embedded objects flattened into their parent (``author`` -> ``author_id``, ...)."""
COUNTERS = ("upvotes", "downvotes", "vote_score", "user_vote")


# -- routes and index -----------------------------------------------------------------------
def routes(specs: list[RouteSpec]) -> list[RouteSpec]:
    """The routes with the alt dialect's arguments."""
    out = []
    for spec in specs:
        body = ALT_BODIES.get(spec.endpoint)
        if body is not None:
            spec = replace(spec, args=body.args, reads_as=body.reads_as)
        elif spec.endpoint in SPACE_WRITES:
            spec = replace(
                spec, args=tuple(SPACE_TYPE if a.name == "type" else a for a in spec.args)
            )
        out.append(spec)
    return out


def sent_name(ctx: Ctx, name: str) -> str:
    """The name under which the caller sent the body parameter the handler reads as ``name``."""
    body = ALT_BODIES.get(ctx.spec.endpoint) if ctx.alt else None
    if body is None:
        return name
    return next((alt for alt, read in body.names.items() if read == name), name)


def index(built: dict[str, Any]) -> dict[str, Any]:
    """The namespace index with ``"args": []`` (as WordPress core sends) for no arguments."""
    for entry in built["routes"].values():
        for endpoint in entry["endpoints"]:
            if not endpoint["args"]:
                endpoint["args"] = []
    return built


# -- hooks ----------------------------------------------------------------------------------
def voted(ctx: Ctx, object_type: str, object_id: int, result: Result) -> Result:
    """The answer to a vote: the vote result, or in alt the voted post or reply (with the
    vote result's counters)."""
    if not ctx.alt:
        return result
    if object_type == "post":
        item = ser.post(ctx, ctx.post(object_id))
    else:
        item = ser.reply(ctx, ctx.reply(object_id)[0])
    counters = {key: value for key, value in result.body.items() if key in COUNTERS}
    return Result({**item, **counters}, result.status, result.headers)


def viewed(ctx: Ctx, post: Row) -> Row:
    """A post read by ``GET /posts/{id}``: in alt its view counter goes up by one first."""
    if not ctx.alt or ctx.request.method != "GET":
        return post
    with ctx.db.transaction() as db:
        db.execute("UPDATE posts SET view_count = view_count + 1 WHERE id = ?", (post["id"],))
    return ctx.post(int(post["id"]))


# -- answers --------------------------------------------------------------------------------
def render(request: Request, result: Result) -> Result:
    """A success answer of a route in the alt shape (errors, redirects and indexes as they are)."""
    route, body, status = result.route, result.body, result.status
    if route is None or status >= 300:
        return result
    headers = dict(result.headers)
    if route.endpoint == "notifications.mark_all_read" or _is_deletion(body):
        return Result(None, 204, headers, route)
    if (
        route.endpoint == "notifications.unread_count"
        and isinstance(body, dict)
        and "count" in body
    ):
        body = body["count"]
    if _is_listing(body):
        meta = body["meta"]
        body = body["data"]
        if route.endpoint == "bookmarks.list":
            body = [
                item["post"] if isinstance(item, dict) and "post" in item else item for item in body
            ]
        if headers.get("X-JT-Total") == "0":
            headers["X-JT-TotalPages"] = "1"
        link = _next_page(request, route, meta)
        if link is not None:
            headers["Link"] = f'<{link}>; rel="next"'
    return Result(_alt_names(body), 200 if status == 201 else status, headers, route)


def _alt_names(value: Any) -> Any:
    """``value`` with embedded objects flattened and every key renamed (recursively)."""
    if isinstance(value, list):
        return [_alt_names(item) for item in value]
    if not isinstance(value, dict):
        return value
    out: dict[str, Any] = {}
    for key, item in _flattened(value).items():
        if key == "settings" and isinstance(item, dict):
            out["Settings"] = item  # the user's own keys
        else:
            out[_alt_name(key)] = _alt_names(item)
    return out


def _alt_name(key: str) -> str:
    """snake_case -> PascalCase (``member_count`` -> ``MemberCount``); ``id`` stays ``id``."""
    if key == "id":
        return key
    return "".join(part[:1].upper() + part[1:] for part in key.split("_"))


def _flattened(obj: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in obj.items():
        if key in EMBEDDED and isinstance(value, dict):
            for sub, item in value.items():
                out.setdefault(f"{key}_{sub}", item)  # the parent's own author_id/user_id wins
        elif key == "tags" and isinstance(value, list):
            out[key] = [tag.get("slug") if isinstance(tag, dict) else tag for tag in value]
        else:
            out[key] = value
    return out


def _is_deletion(body: Any) -> bool:
    return isinstance(body, dict) and body.keys() == {"deleted", "id"} and body["deleted"] is True


def _is_listing(body: Any) -> bool:
    return (
        isinstance(body, dict)
        and body.keys() == {"data", "meta"}
        and isinstance(body["data"], list)
        and isinstance(body["meta"], dict)
    )


def _next_page(request: Request, route: RouteSpec, meta: dict[str, Any]) -> str | None:
    """The request's URL with the position of the next page, or None on the last page."""
    if not meta.get("has_more"):
        return None
    query = [(k, v) for k, v in request.args.items(multi=True) if k not in ("after", "offset")]
    cursor = meta.get("cursor_next")
    if cursor and any(arg.name == "after" for arg in route.args):
        query.append(("after", cursor))
    else:
        query.append(("offset", str(int(meta.get("offset") or 0) + int(meta.get("count") or 0))))
    return f"{request.base_url}?{urlencode(query)}"
