"""The contract as data: loads ``schemas/`` (endpoints, requirements, resource schemas).

Everything the suite knows about the Jetonomy API comes from here; checks are
parametrised from :func:`load_contract`. The data sits at the top of the repository
(``schemas/``) and inside the wheel (``pytest_jetonomy/schemas``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache, cached_property, lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from jsonschema import Draft202012Validator
from referencing import Registry, Resource

PACKAGE_DIR = Path(__file__).resolve().parent
SCHEMA_URN = "urn:jetonomy:"
_NUMBERED = re.compile(r"/\d+(?=/|$)")


def _data_dir(name: str) -> Path:
    """A top-level data directory, inside the installed package or at the repository root."""
    for candidate in (PACKAGE_DIR / name, PACKAGE_DIR.parent.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(
        f"pytest-jetonomy: cannot find its '{name}' directory (looked in {PACKAGE_DIR} and "
        f"{PACKAGE_DIR.parent.parent}); the installation is incomplete"
    )


def contract_dir() -> Path:
    return _data_dir("schemas")


def conformance_dir() -> Path:
    return _data_dir("conformance")


@dataclass(frozen=True)
class Param:
    name: str
    location: str
    type: str
    required: bool | str = False
    enum: tuple[Any, ...] | None = None
    default: Any = None
    minimum: float | None = None
    maximum: float | None = None
    items: str | None = None
    description: str = ""
    documented: bool = True
    """False: the reference names no such parameter; the name is the suite's reading (a
    body the server describes in its route index is learned, see ``bodies.py``)."""

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Param:
        return cls(
            name=data["name"],
            location=data["in"],
            type=data["type"],
            required=data.get("required", False),
            enum=tuple(data["enum"]) if data.get("enum") is not None else None,
            default=data.get("default"),
            minimum=data.get("minimum"),
            maximum=data.get("maximum"),
            items=data.get("items"),
            description=data.get("description", ""),
            documented=data.get("documented", True),
        )


@dataclass(frozen=True)
class Endpoint:
    id: str
    group: str
    method: str
    path: str
    auth: str
    summary: str
    section: str
    params: tuple[Param, ...]
    pagination: dict[str, Any] | None
    response: dict[str, Any]
    example: dict[str, Any]
    caller: str
    denied: tuple[str, ...]
    raw: dict[str, Any] = field(repr=False, compare=False, default_factory=dict)

    @property
    def label(self) -> str:
        """Human-readable id used in test ids: ``POST /spaces/{space_id}/posts``."""
        return f"{self.method} {self.path}"

    @property
    def requires_auth(self) -> bool:
        return self.auth != "public"

    @property
    def paginated(self) -> bool:
        return bool(self.pagination)

    @property
    def cursor(self) -> bool:
        return bool(self.pagination and self.pagination.get("cursor"))

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Endpoint:
        return cls(
            id=data["id"],
            group=data["group"],
            method=data["method"].upper(),
            path=data["path"],
            auth=data["auth"],
            summary=data.get("summary", ""),
            section=data.get("section", ""),
            params=tuple(Param.from_data(p) for p in data.get("params", [])),
            pagination=data.get("pagination"),
            response=data.get("response", {}),
            example=data.get("example", {}),
            caller=data.get("caller", "admin"),
            denied=tuple(data.get("denied", [])),
            raw=data,
        )


BASES = ("stated", "convention", "reading")
"""Where a requirement comes from: the reference says it (``stated``), a WordPress or HTTP
convention the reference points to (``convention``), or the suite's interpretation where the
reference is silent (``reading``). Only ``stated`` requirements are MUST: a failed convention
or reading is a warning, never a reason to call a server not conformant."""


@dataclass(frozen=True)
class Requirement:
    id: str
    level: str
    area: str
    title: str
    section: str
    checks: str = ""
    basis: str = "stated"
    gist: str = ""
    superseded_by: tuple[str, ...] = ()
    withdrawn: str = ""

    @property
    def active(self) -> bool:
        """False for a retired ID (superseded or withdrawn): it stays in the catalogue, since
        IDs are permanent, but no check verifies it and no verdict counts it."""
        return not (self.superseded_by or self.withdrawn)

    @property
    def retired_because(self) -> str:
        if self.superseded_by:
            return "superseded by " + ", ".join(self.superseded_by)
        return f"withdrawn: {self.withdrawn}" if self.withdrawn else ""

    @property
    def headline(self) -> str:
        return f"{self.id} ({self.level}) {self.title} [reference: {self.section}]"


class Contract:
    """The loaded contract data."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.meta: dict[str, Any] = _read_json(directory / "contract.json")
        self.endpoints: tuple[Endpoint, ...] = tuple(
            Endpoint.from_data(e) for e in _read_json(directory / "endpoints.json")["endpoints"]
        )
        self.requirements: dict[str, Requirement] = {}
        for data in _read_json(directory / "requirements.json")["requirements"]:
            req = Requirement(
                id=data["id"],
                level=data["level"],
                area=data["area"],
                title=data["title"],
                section=data["section"],
                checks=data.get("checks", ""),
                basis=data.get("basis", "stated"),
                gist=data.get("gist", ""),
                superseded_by=tuple(data.get("superseded_by", ())),
                withdrawn=data.get("withdrawn", ""),
            )
            self.requirements[req.id] = req
        self.schemas: dict[str, dict[str, Any]] = {
            path.stem: _read_json(path) for path in sorted((directory / "resources").glob("*.json"))
        }

    @property
    def version(self) -> str:
        return str(self.meta.get("version", "unknown"))

    @property
    def base_path(self) -> str:
        return str(self.meta.get("base_path", "/wp-json/jetonomy/v1"))

    @property
    def pagination(self) -> dict[str, Any]:
        return dict(self.meta.get("pagination", {}))

    @property
    def rate_limits(self) -> dict[str, int | None]:
        return dict(self.meta.get("rate_limits", {}).get("per_trust_level", {}))

    @property
    def error_codes(self) -> dict[str, int]:
        return dict(self.meta.get("error_codes", {}))

    @cached_property
    def _route_patterns(self) -> list[tuple[str, re.Pattern[str], str]]:
        patterns = []
        for endpoint in self.endpoints:
            regex = re.escape(endpoint.path)
            regex = re.sub(r"\\\{\w+\\\}", "[^/]+", regex)
            patterns.append((endpoint.method, re.compile(regex + "$"), endpoint.path))
        return sorted(patterns, key=lambda pattern: pattern[2].count("{"))  # literal first

    def route_of(self, method: str, url: str) -> str:
        """``POST http://t/wp-json/jetonomy/v1/spaces/12/posts?x=1`` -> ``POST
        /spaces/{space_id}/posts``: the catalogue route a request was sent to (for one path,
        the same text in every run); numbers replaced by ``{n}`` outside the catalogue."""
        parts = urlsplit(url)
        path = parts.path
        rest_route = parse_qs(parts.query).get("rest_route")
        if rest_route:  # /?rest_route=/jetonomy/v1/... (WordPress without pretty permalinks)
            path = (
                self.base_path.removeprefix("/wp-json")
                + rest_route[0].split(self.base_path.removeprefix("/wp-json"), 1)[-1]
            )
            path = "/wp-json" + path
        if self.base_path in path:
            path = path.split(self.base_path, 1)[1] or "/"
        method = method.upper()
        for route_method, regex, template in self._route_patterns:
            if route_method == method and regex.match(path):
                return f"{method} {template}"
        for _, regex, template in self._route_patterns:
            if regex.match(path):
                return f"{method} {template}"
        return f"{method} {_NUMBERED.sub('/{n}', path)}"

    def endpoint(self, endpoint_id: str) -> Endpoint:
        for endpoint in self.endpoints:
            if endpoint.id == endpoint_id:
                return endpoint
        raise KeyError(endpoint_id)

    def requirement(self, requirement_id: str) -> Requirement:
        return self.requirements[requirement_id]

    @property
    def active_requirements(self) -> dict[str, Requirement]:
        """The requirements checks verify and verdicts count (retired IDs left out)."""
        return {rid: r for rid, r in self.requirements.items() if r.active}

    @cached_property
    def registry(self) -> Registry:
        resources = [
            (schema["$id"], Resource.from_contents(schema))
            for schema in self.schemas.values()
            if "$id" in schema
        ]
        return Registry().with_resources(resources)

    def validator(self, name: str) -> Draft202012Validator:
        return _validator(self, name)


@cache
def _validator(contract: Contract, name: str) -> Draft202012Validator:
    return Draft202012Validator(contract.schemas[name], registry=contract.registry)


def _read_json(path: Path) -> Any:
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


@lru_cache(maxsize=1)
def load_contract(directory: str | None = None) -> Contract:
    return Contract(Path(directory) if directory else contract_dir())
