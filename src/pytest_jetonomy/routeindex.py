"""The server's own description of its routes: the WordPress namespace index.

``GET /wp-json/jetonomy/v1`` answers, by WordPress convention (seed 000, "discovery"),
``{"namespace": ..., "routes": {"/jetonomy/v1/spaces/(?P<id>[\\d]+)": {"methods": [...],
"endpoints": [{"methods": ["PATCH"], "args": {"name": {"type": "string", ...}}}]}}}``.
The suite reads it to learn what the reference leaves undocumented (request bodies) and to
check that every documented route is listed. Route keys are PCRE patterns; WordPress core
sends ``args`` as ``[]`` when a route takes none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

NAMESPACE = "jetonomy/v1"


def route_regex(key: str, namespace: str = NAMESPACE) -> re.Pattern[str] | None:
    """A route key as a regular expression over paths after the namespace (None if the key
    is not in the namespace)."""
    prefix = "/" + namespace
    if not key.startswith(prefix):
        return None
    pattern = key[len(prefix) :] or "/"
    pattern = re.sub(r"\(\?<(?=[A-Za-z_])", "(?P<", pattern)  # PCRE named groups
    try:
        return re.compile(pattern.rstrip("$").lstrip("^"), re.IGNORECASE)
    except re.error:
        return re.compile(re.escape(re.sub(r"\(\?P<\w+>[^/]*\)", "x", pattern)))


def _methods(entry: dict[str, Any]) -> set[str]:
    methods = {str(m).upper() for m in entry.get("methods", []) or []}
    for sub in entry.get("endpoints", []) or []:
        if isinstance(sub, dict):
            methods |= {str(m).upper() for m in sub.get("methods", []) or []}
    return methods


@dataclass
class Route:
    key: str
    regex: re.Pattern[str]
    methods: set[str]
    args_by_method: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)

    @property
    def path_params(self) -> set[str]:
        return set(self.regex.groupindex)


@dataclass
class RouteIndex:
    routes: list[Route]

    @classmethod
    def parse(cls, body: Any, namespace: str = NAMESPACE) -> RouteIndex:
        routes: list[Route] = []
        table = body.get("routes") if isinstance(body, dict) else None
        for key, entry in (table or {}).items() if isinstance(table, dict) else ():
            regex = route_regex(str(key), namespace)
            if regex is None or not isinstance(entry, dict):
                continue
            route = Route(str(key), regex, _methods(entry))
            for sub in entry.get("endpoints", []) or []:
                if not isinstance(sub, dict):
                    continue
                args = sub.get("args")
                described = {
                    str(name): spec if isinstance(spec, dict) else {}
                    for name, spec in (args.items() if isinstance(args, dict) else ())
                }
                for method in sub.get("methods", []) or []:
                    route.args_by_method.setdefault(str(method).upper(), {}).update(described)
            routes.append(route)
        return cls(routes)

    def matching(self, concrete_path: str) -> list[Route]:
        """The routes whose pattern matches a concrete path (``/spaces/12``) in full."""
        return [route for route in self.routes if route.regex.fullmatch(concrete_path)]

    def args(self, method: str, concrete_path: str) -> dict[str, dict[str, Any]] | None:
        """The described arguments of ``method`` on the route of ``concrete_path``, path
        parameters left out; None when the index does not describe that route and method."""
        for route in self.matching(concrete_path):
            if method.upper() in route.args_by_method:
                described = route.args_by_method[method.upper()]
                return {k: v for k, v in described.items() if k not in route.path_params}
        return None
