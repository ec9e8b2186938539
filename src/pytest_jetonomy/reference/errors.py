"""API errors and the WordPress style error envelope."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """An error answered as ``{"code", "message", "data": {"status", ...}}``."""

    def __init__(self, status: int, code: str, message: str, **data: Any) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.data = data
        self.headers: dict[str, str] = {}

    def body(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "message": self.message,
            "data": {"status": self.status, **self.data},
        }


def invalid_param(name: str, reason: str) -> ApiError:
    """An invalid parameter: ``data.params`` is ``{name: why}`` (WordPress's rest_invalid_param)."""
    return ApiError(
        400, "jetonomy_invalid_param", f"Invalid parameter(s): {name}", params={name: reason}
    )


def body_too_large(limit: int) -> ApiError:
    """A request body over the server's limit, whatever its transfer encoding: 413, naming
    the body like an invalid parameter (``data.params``)."""
    return ApiError(
        413,
        "jetonomy_invalid_param",
        "Invalid parameter(s): body",
        params={"body": f"is too large (at most {limit} bytes)"},
    )


def missing_params(names: list[str]) -> ApiError:
    """Required parameters not sent: ``data.params`` lists their names (WordPress's
    rest_missing_callback_param)."""
    return ApiError(
        400,
        "jetonomy_invalid_param",
        f"Missing parameter(s): {', '.join(names)}",
        params=list(names),
    )


def not_logged_in(message: str = "You must be logged in.") -> ApiError:
    return ApiError(401, "jetonomy_not_logged_in", message)


def forbidden(message: str = "You are not allowed to do that.") -> ApiError:
    return ApiError(403, "jetonomy_forbidden", message)


def not_found(what: str = "Resource") -> ApiError:
    return ApiError(404, "jetonomy_not_found", f"{what} not found.")


def rate_limited(retry_after: int) -> ApiError:
    err = ApiError(429, "jetonomy_rate_limited", "Rate limit exceeded. Try again later.")
    err.headers["Retry-After"] = str(retry_after)
    return err


def no_route() -> ApiError:
    return ApiError(404, "rest_no_route", "No route was found matching the URL and request method.")


def invalid_json(message: str = "Invalid JSON body passed.") -> ApiError:
    return ApiError(400, "rest_invalid_json", message)


def invalid_nonce() -> ApiError:
    return ApiError(403, "rest_cookie_invalid_nonce", "Cookie check failed")


def internal_error() -> ApiError:
    return ApiError(500, "jetonomy_internal_error", "An unexpected error occurred.")
