"""Typed request parameters: declared once per route, used for validation and the index."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from . import clock
from .errors import invalid_param, missing_params

INT_MIN = -(2**63)
INT_MAX = 2**63 - 1
_INT_RE = re.compile(r"^\s*[+-]?\d{1,25}\s*$")
_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off", ""}
DEFAULT_MAX_LENGTH = 65535
MAX_ARRAY_ITEMS = 100


@dataclass(frozen=True)
class Arg:
    """One documented parameter of a route.

    ``type`` is one of ``integer``, ``id`` (positive integer), ``string``, ``boolean``,
    ``array``, ``object``, ``date-time``. ``validate=False`` marks arguments that are
    parsed elsewhere (pagination) and only appear in the namespace index.
    """

    name: str
    type: str = "string"
    required: bool | str = False
    enum: tuple[str, ...] | None = None
    default: Any = None
    description: str = ""
    max_length: int = DEFAULT_MAX_LENGTH
    nullable: bool = False
    items: str = "string"
    validate: bool = True

    def schema(self) -> dict[str, Any]:
        """The WordPress style ``args`` entry of the namespace index."""
        wp_type = {"id": "integer", "date-time": "string"}.get(self.type, self.type)
        out: dict[str, Any] = {"required": self.required is True, "type": wp_type}
        if self.nullable:
            out["type"] = [wp_type, "null"]
        if self.description:
            out["description"] = self.description
        if self.enum:
            out["enum"] = list(self.enum)
        if self.default is not None:
            out["default"] = self.default
        if self.type == "id":
            out["minimum"] = 1
        if self.type == "date-time":
            out["format"] = "date-time"
        if self.type == "array":
            out["items"] = {"type": "integer" if self.items == "integer" else "string"}
        if self.required == "conditional":
            out["conditional"] = True
        return out


def to_int(name: str, value: Any, minimum: int | None = None) -> int:
    """Strict integer coercion: ints, integral floats and digit strings."""
    if isinstance(value, bool):
        raise invalid_param(name, "must be an integer")
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and _INT_RE.match(value):
        number = int(value)
    else:
        raise invalid_param(name, "must be an integer")
    if number < INT_MIN or number > INT_MAX:
        raise invalid_param(name, "is out of range")
    if minimum is not None and number < minimum:
        raise invalid_param(name, f"must be >= {minimum}")
    return number


def to_bool(name: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    raise invalid_param(name, "must be a boolean")


def to_str(name: str, value: Any, max_length: int = DEFAULT_MAX_LENGTH) -> str:
    if not isinstance(value, str):
        raise invalid_param(name, "must be a string")
    if "\x00" in value:
        raise invalid_param(name, "must not contain NUL characters")
    if len(value) > max_length:
        raise invalid_param(name, f"must be at most {max_length} characters")
    return value


def to_datetime(name: str, value: Any) -> datetime:
    if not isinstance(value, str):
        raise invalid_param(name, "must be an ISO 8601 date-time string")
    try:
        return clock.parse_iso(value)
    except (ValueError, OverflowError):
        raise invalid_param(name, "must be an ISO 8601 date-time string") from None


def _to_list(arg: Arg, value: Any) -> list[Any]:
    if isinstance(value, str):
        value = [part.strip() for part in value.split(",") if part.strip()]
    elif isinstance(value, Mapping):
        value = list(value.values())
    if not isinstance(value, list):
        raise invalid_param(arg.name, "must be an array")
    if len(value) > MAX_ARRAY_ITEMS:
        raise invalid_param(arg.name, f"must have at most {MAX_ARRAY_ITEMS} items")
    out: list[Any] = []
    for item in value:
        if arg.items == "integer":
            out.append(to_int(arg.name, item, minimum=1))
        elif arg.items == "string-or-integer":
            if isinstance(item, bool) or not isinstance(item, (str, int)):
                raise invalid_param(arg.name, "items must be strings or integers")
            if isinstance(item, int):
                out.append(to_int(arg.name, item, minimum=1))
            else:
                out.append(to_str(arg.name, item, 200))
        else:
            out.append(to_str(arg.name, item, 200))
    return out


def coerce(arg: Arg, value: Any) -> Any:
    """Convert one provided (non-null) value or raise 400."""
    kind = arg.type
    if kind in ("integer", "id"):
        return to_int(arg.name, value, minimum=1 if kind == "id" else None)
    if kind == "boolean":
        return to_bool(arg.name, value)
    if kind == "date-time":
        return to_datetime(arg.name, value)
    if kind == "array":
        return _to_list(arg, value)
    if kind == "object":
        if not isinstance(value, Mapping):
            raise invalid_param(arg.name, "must be an object")
        if len(repr(value)) > DEFAULT_MAX_LENGTH:
            raise invalid_param(arg.name, "is too large")
        return dict(value)
    text = to_str(arg.name, value, arg.max_length)
    if arg.enum is not None and text not in arg.enum:
        raise invalid_param(arg.name, "must be one of " + ", ".join(arg.enum))
    if arg.required is True and not text.strip():
        raise invalid_param(arg.name, "must not be empty")
    return text


def parse_args(args: Sequence[Arg], raw: Mapping[str, Any]) -> dict[str, Any]:
    """Validate the declared arguments present in ``raw``.

    Required arguments not sent are refused first, all together (``data.params`` lists
    them); then the first invalid one is refused. The result holds the provided arguments
    (a provided ``null`` is kept only for ``nullable`` arguments) and the defaults of absent
    ones.
    """
    missing = [
        arg.name
        for arg in args
        if arg.validate
        and arg.required is True
        and raw.get(arg.name) is None
        and not (arg.nullable and arg.name in raw)
    ]
    if missing:
        raise missing_params(missing)
    out: dict[str, Any] = {}
    for arg in args:
        if not arg.validate:
            continue
        present = arg.name in raw
        value = raw.get(arg.name)
        if present and value is None and arg.nullable:
            out[arg.name] = None
            continue
        if not present or value is None:
            if arg.default is not None:
                out[arg.name] = arg.default
            continue
        out[arg.name] = coerce(arg, value)
    return out


def page_args() -> tuple[Arg, ...]:
    """The pagination arguments, for the namespace index."""
    return (
        Arg("limit", "integer", default=20, description="Items per page (1-100).", validate=False),
        Arg("offset", "integer", default=0, description="Items to skip.", validate=False),
    )


def cursor_args() -> tuple[Arg, ...]:
    return (*page_args(), Arg("after", "string", description="Opaque cursor.", validate=False))
