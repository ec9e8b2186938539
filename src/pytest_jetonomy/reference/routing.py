"""The route registry: every endpoint declares its method, path, auth class and args."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from werkzeug.routing import BaseConverter, Map, Rule

from .params import INT_MAX, Arg

NAMESPACE = "jetonomy/v1"

# auth classes, as named by the contract data
PUBLIC = "public"
REQUIRED = "required"
AUTHOR_OR_MODERATOR = "author_or_moderator"
POST_AUTHOR = "post_author"
MODERATOR = "moderator"
SPACE_ADMIN = "space_admin"
ADMIN = "admin"


class IdConverter(BaseConverter):
    """Digits only; ids beyond a signed 64-bit integer become 0 (never found -> 404)."""

    regex = r"\d+"
    weight = 50

    def to_python(self, value: str) -> int:
        if len(value) > 19:
            return 0
        number = int(value)
        return number if number <= INT_MAX else 0

    def to_url(self, value: Any) -> str:
        return str(value)


class LooseIdConverter(IdConverter):
    """Fault variant ``non-numeric-path-id-crashes``: any segment matches, ``int()`` fails."""

    regex = r"[^/]+"


@dataclass(frozen=True)
class RouteSpec:
    endpoint: str
    method: str
    rule: str
    handler: Callable[..., Any]
    auth: str
    args: tuple[Arg, ...]
    reads_as: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    """Maps the validated ``args`` onto the names the handler reads, when a dialect
    declares other ``args`` for the route (``reference/dialect.py``)."""

    def wp_pattern(self) -> str:
        """The route as WordPress prints it: ``/jetonomy/v1/spaces/(?P<id>[\\d]+)``."""

        def convert(match: re.Match[str]) -> str:
            converter, name = match.group(1), match.group(2)
            return f"(?P<{name}>[\\d]+)" if converter == "id" else f"(?P<{name}>[^/]+)"

        return f"/{NAMESPACE}" + re.sub(r"<(?:(\w+):)?(\w+)>", convert, self.rule)


REGISTRY: list[RouteSpec] = []


def route(
    method: str, rule: str, *, auth: str, args: Sequence[Arg] = (), name: str | None = None
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a handler ``handler(ctx, **path_values)``."""

    def register(handler: Callable[..., Any]) -> Callable[..., Any]:
        group = handler.__module__.rsplit(".", 1)[-1]
        REGISTRY.append(
            RouteSpec(
                f"{group}.{name or handler.__name__}", method, rule, handler, auth, tuple(args)
            )
        )
        return handler

    return register


def build_map(specs: Sequence[RouteSpec], loose_ids: bool = False) -> Map:
    rules = [
        Rule(spec.rule, endpoint=index, methods=[spec.method]) for index, spec in enumerate(specs)
    ]
    converter = LooseIdConverter if loose_ids else IdConverter
    return Map(rules, converters={"id": converter}, strict_slashes=False, merge_slashes=False)


def namespace_index(specs: Sequence[RouteSpec]) -> dict[str, Any]:
    """``GET /wp-json/jetonomy/v1``: every route with its methods and args."""
    routes: dict[str, Any] = {
        f"/{NAMESPACE}": {
            "namespace": NAMESPACE,
            "methods": ["GET"],
            "endpoints": [{"methods": ["GET"], "args": {}}],
        }
    }
    for spec in specs:
        entry = routes.setdefault(
            spec.wp_pattern(), {"namespace": NAMESPACE, "methods": [], "endpoints": []}
        )
        entry["methods"].append(spec.method)
        entry["endpoints"].append(
            {"methods": [spec.method], "args": {arg.name: arg.schema() for arg in spec.args}}
        )
    return {"namespace": NAMESPACE, "routes": routes}
