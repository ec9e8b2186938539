"""Command-line options, ini keys and environment variables, resolved in one place.

Precedence is CLI > environment > ini > default. ``resolve_settings`` is the one function
that turns a pytest ``Config`` into :class:`Settings`; on pytest-xdist workers the
controller's resolved settings arrive through ``workerinput`` instead, so a value that
only lives in an ini file is never lost on a worker.
"""

from __future__ import annotations

import json
import math
import os
import secrets
from contextlib import suppress
from dataclasses import asdict, dataclass, field, replace
from typing import Any
from urllib.parse import urlsplit

import pytest

from .masking import mask_text, register_secrets

GROUP = "jetonomy"
GROUP_DESCRIPTION = "Jetonomy REST API conformance (pytest-jetonomy)"

ENV_TARGET_URL = "JETONOMY_TARGET_URL"
ENV_CREDENTIALS = "JETONOMY_CREDENTIALS"
ENV_REQUEST_TIMEOUT = "JETONOMY_REQUEST_TIMEOUT"
ENV_READ_ONLY = "JETONOMY_READ_ONLY"

EXISTING_NAMES = (
    "spaces.public",
    "spaces.qa",
    "spaces.private",
    "spaces.hidden",
    "spaces.approval",
    "spaces.invite",
    "posts.public",
    "posts.other",
    "posts.private",
    "posts.hidden",
    "replies.public",
    "category",
)
"""What ``--existing NAME=ID`` can name: the objects the run uses instead of creating them
(a read-only run reads them; a run that writes may also write into them: the user's
consent). See conformance/world.py for what each must be."""

HELP_TARGET_URL = (
    "Root URL of the server under test, e.g. https://example.org (the API is expected under "
    "/wp-json/jetonomy/v1). Also ini 'target_url' and env JETONOMY_TARGET_URL; precedence "
    "CLI > env > ini. Without it the embedded reference server is started."
)
HELP_CREDENTIALS = (
    "TOML file with one table per role (admin, moderator, leader, regular, member, new_member), "
    "each with 'username' and 'application_password', and optionally 'password' (the account "
    "password, used for the cookie login through /wp-login.php: the cookie + nonce checks, "
    "which log in as 'member', skip without it). Also ini 'jetonomy_credentials' and env "
    "JETONOMY_CREDENTIALS. Per-role env overrides (ROLE upper-case, e.g. NEW_MEMBER): "
    "JETONOMY_<ROLE>_USERNAME, JETONOMY_<ROLE>_APPLICATION_PASSWORD, JETONOMY_<ROLE>_PASSWORD."
)
HELP_REQUEST_TIMEOUT = (
    "Timeout in seconds applied to every request sent to the target: greater than 0, at most "
    "3600 (default: 10). Also ini 'jetonomy_request_timeout' and env JETONOMY_REQUEST_TIMEOUT."
)
HELP_REFERENCE_WINDOW = (
    "Rate-limit window in seconds of the embedded reference server: greater than 0, at most "
    "3600 (default: 5, so a run stays short; the reference documents 60). Ignored with "
    "--target-url."
)
HELP_REFERENCE_LATENCY = (
    "Delay in milliseconds the embedded reference server adds to every API request, to mimic "
    "a PHP host: 0 to 60000 (default: 0). Ignored with --target-url."
)
HELP_REFERENCE_FAULT = (
    "Switch on a fault variant of the embedded reference server (repeatable; "
    "`jetonomy-reference faults` lists them). For proving that checks can fail."
)
HELP_REFERENCE_DIALECT = (
    "Reading of the API the embedded reference server takes where the reference is silent: "
    "'default' or 'alt' (other field names and shapes, equally conformant; see the README). "
    "Ignored with --target-url."
)
HELP_LINK_PREVIEW_URL = (
    "With --target-url: a page with Open Graph data that the target can fetch, for the link "
    "preview check (default: the target's own root). An embedded run serves its own page."
)
HELP_REQUIREMENT = (
    "Run only the checks of this requirement ID (repeatable), e.g. --requirement JT-PAGE-004."
)
HELP_MAX_RPS = (
    "Send at most this many requests per second to the target, all xdist workers together: a "
    "number greater than 0 (default: no cap; 0 or less is an error, leave the option out)."
)
HELP_SWEEP_OLDER_THAN = (
    "Before the run, delete spaces that earlier runs of this suite left on the target and that "
    "are older than MINUTES: 0 to 525600, one year (default: 120; 0 disables). Younger ones may "
    "belong to a run going on."
)
HELP_READ_ONLY = (
    "Send no write to the target: only GET/HEAD/OPTIONS requests (and the cookie login) leave "
    "the client; checks that need a write are skipped with the request they needed; the "
    "content read is found on the target or named with --existing. A read-only run cannot "
    "certify. Also env JETONOMY_READ_ONLY=1 and ini 'jetonomy_read_only'."
)
HELP_EXISTING = (
    "Use this existing object of the target instead of creating it (or, with --read-only, "
    "instead of looking for one), e.g. --existing spaces.public=12 (repeatable). Without "
    "--read-only this is your consent that the run writes into it (posts, joins, invites; "
    "what it adds carries the run prefix and is deleted at the end). Names: "
    + ", ".join(EXISTING_NAMES)
    + "."
)
HELP_LIST_REQUIREMENTS = "List the requirement catalogue with the checks that cover it, then exit."
HELP_REPORT_JSON = (
    "Write the certification report as JSON (format pytest-jetonomy-report/1, see "
    "docs/report-format.md) to FILE."
)
HELP_REPORT_HTML = "Write the certification report as one self-contained HTML page to FILE."
HELP_BASELINE = (
    "TOML file of known failures, each with a reason: by signature (what --write-baseline "
    "writes; a failing check is accepted when every breach it carries is listed, and a new "
    "way of failing is a new failure) or, the older form, by requirement ID (accepts every "
    "failure of the requirement, with a warning). See docs/report-format.md."
)
HELP_STRICT_BASELINE = (
    "Fail the run when a baseline entry is no longer needed (a listed signature not seen while "
    "its requirement ran, or a listed requirement that passes)."
)
HELP_WRITE_BASELINE = (
    "Write this run's failures to FILE as a baseline to fill in: their signatures grouped by "
    "the causes of the divergence list, one reason placeholder per cause."
)
HELP_COMPARE_REPORT = (
    "Compare this run with an earlier JSON report (--conformance-report of the last release): "
    "what is new, fixed and unchanged, by signature and by requirement, in the summary, the "
    "JSON report ('diff') and the HTML report; a new failure fails the run. The same as "
    "`jetonomy-report diff OLD.json NEW.json`."
)

DEFAULT_REQUEST_TIMEOUT = 10.0
DEFAULT_REFERENCE_WINDOW = 5.0
MAX_REQUEST_TIMEOUT = 3600.0
MAX_REFERENCE_WINDOW = 3600.0
MAX_REFERENCE_LATENCY_MS = 60_000
MAX_SWEEP_OLDER_THAN = 525_600.0
"""Bounds of the numeric options (an hour; a minute of latency; a year in minutes): a value
beyond them is a mistake, and ``inf`` or ``1e10`` would overflow what the client and the
clock accept."""


@dataclass(frozen=True)
class Settings:
    """Everything the plugin needs to know about the run, identical in every process."""

    target_url: str | None
    target_source: str
    credentials_path: str | None
    credentials_source: str
    request_timeout: float
    run_prefix: str
    reference_window: float = DEFAULT_REFERENCE_WINDOW
    reference_latency_ms: int = 0
    reference_faults: tuple[str, ...] = ()
    reference_dialect: str | None = None
    """The embedded server's dialect, checked when it starts (None: its default)."""
    link_preview_url: str | None = None
    """The page the link preview check asks the target to preview (None: the target's root)."""
    embedded: bool = False
    embedded_credentials: dict[str, dict[str, str]] = field(default_factory=dict)
    read_only: bool = False
    existing: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # however the settings are made (an xdist worker: from the controller's JSON), the
        # password of the target URL is a secret of this process
        register_url_password(self.target_url)

    @property
    def target_root(self) -> str:
        assert self.target_url is not None, "target URL is resolved at session start"
        return self.target_url.rstrip("/")

    def with_embedded(
        self, url: str, credentials: dict[str, dict[str, str]], link_preview_url: str
    ) -> Settings:
        return replace(
            self,
            target_url=url,
            target_source="embedded reference server",
            embedded=True,
            embedded_credentials=credentials,
            link_preview_url=link_preview_url,
        )

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> Settings:
        return cls(**json.loads(text))


def add_options(parser: pytest.Parser) -> None:
    group = parser.getgroup(GROUP, GROUP_DESCRIPTION)
    group.addoption("--target-url", metavar="URL", default=None, help=HELP_TARGET_URL)
    group.addoption("--credentials", metavar="FILE", default=None, help=HELP_CREDENTIALS)
    group.addoption("--request-timeout", metavar="SECONDS", default=None, help=HELP_REQUEST_TIMEOUT)
    group.addoption(
        "--reference-window",
        metavar="SECONDS",
        type=float,
        default=DEFAULT_REFERENCE_WINDOW,
        help=HELP_REFERENCE_WINDOW,
    )
    group.addoption(
        "--reference-latency-ms",
        metavar="MS",
        type=int,
        default=0,
        help=HELP_REFERENCE_LATENCY,
    )
    group.addoption(
        "--reference-dialect",
        metavar="NAME",
        default=None,
        help=HELP_REFERENCE_DIALECT,
    )
    group.addoption("--link-preview-url", metavar="URL", default=None, help=HELP_LINK_PREVIEW_URL)
    group.addoption("--max-rps", metavar="N", type=float, default=None, help=HELP_MAX_RPS)
    group.addoption(
        "--sweep-older-than",
        metavar="MINUTES",
        type=float,
        default=120.0,
        help=HELP_SWEEP_OLDER_THAN,
    )
    group.addoption("--read-only", action="store_true", default=False, help=HELP_READ_ONLY)
    group.addoption(
        "--existing", action="append", default=[], metavar="NAME=ID", help=HELP_EXISTING
    )
    group.addoption(
        "--reference-fault", action="append", default=[], metavar="NAME", help=HELP_REFERENCE_FAULT
    )
    group.addoption(
        "--requirement", action="append", default=[], metavar="ID", help=HELP_REQUIREMENT
    )
    group.addoption(
        "--list-requirements", action="store_true", default=False, help=HELP_LIST_REQUIREMENTS
    )
    report = parser.getgroup(GROUP)
    report.addoption("--conformance-report", metavar="FILE", default=None, help=HELP_REPORT_JSON)
    report.addoption("--conformance-html", metavar="FILE", default=None, help=HELP_REPORT_HTML)
    report.addoption("--baseline", metavar="FILE", default=None, help=HELP_BASELINE)
    report.addoption(
        "--strict-baseline", action="store_true", default=False, help=HELP_STRICT_BASELINE
    )
    report.addoption("--write-baseline", metavar="FILE", default=None, help=HELP_WRITE_BASELINE)
    report.addoption("--compare-report", metavar="OLD.json", default=None, help=HELP_COMPARE_REPORT)
    parser.addini("target_url", HELP_TARGET_URL, default=None)
    parser.addini("jetonomy_credentials", HELP_CREDENTIALS, default=None)
    parser.addini("jetonomy_request_timeout", HELP_REQUEST_TIMEOUT, default=None)
    parser.addini("jetonomy_read_only", HELP_READ_ONLY, type="bool", default=False)


def _pick(config: pytest.Config, option: str, env: str, ini: str) -> tuple[Any, str]:
    """Return (value, where it came from) with CLI > env > ini precedence."""
    value = config.getoption(option)
    if value not in (None, ""):
        return value, f"--{option.replace('_', '-')}"
    value = os.environ.get(env)
    if value not in (None, ""):
        return value, f"env {env}"
    value = config.getini(ini)
    if value not in (None, ""):
        source = f"ini {ini}"
        if config.inipath is not None:
            source += f" in {config.inipath.name}"
        return value, source
    return None, "default"


def register_url_password(url: str | None) -> None:
    """Register the password of ``url`` (``https://ci:secret@staging...``) as a secret, so
    that it is masked in every output of this process, outside a URL too."""
    if not url:
        return
    with suppress(ValueError):  # not a URL urlsplit can read: nothing to register
        password = urlsplit(url).password
        if password:
            register_secrets([password])


def validate_target_url(url: str, source: str) -> str:
    """Return the URL without trailing slash, or raise a one-line UsageError.

    A password in the URL (``https://ci:secret@staging...``) is registered as a secret, so
    it is masked in every output, this function's own errors included."""
    register_url_password(url)
    parts = urlsplit(url)
    url_shown = mask_text(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise pytest.UsageError(
            f"jetonomy: target URL {url_shown!r} (from {source}) is not an http:// or https:// URL "
            "with a host, e.g. https://example.org"
        )
    try:
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        raise pytest.UsageError(
            f"jetonomy: target URL {url_shown!r} (from {source}) has an invalid port"
        ) from None
    return url.rstrip("/")


def _link_preview_url(url: str) -> str:
    """An http(s) URL with a host, or a one-line UsageError."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise pytest.UsageError(
            f"jetonomy: --link-preview-url {url!r} is not an http:// or https:// URL with a host"
        )
    return url


def _timeout(value: Any, source: str) -> float:
    try:
        timeout = float(value)
    except (TypeError, ValueError):
        raise pytest.UsageError(
            f"jetonomy: request timeout {value!r} (from {source}) is not a number of seconds"
        ) from None
    return _bounded(
        timeout, f"request timeout {value!r} (from {source})", high=MAX_REQUEST_TIMEOUT, unit=" s"
    )


def _bounded(
    value: float,
    what: str,
    *,
    high: float | None,
    zero: bool = False,
    unit: str = "",
    note: str = "",
) -> float:
    """``value`` if it is a finite number greater than 0 (0 or more with ``zero``) and at
    most ``high``; otherwise a one-line UsageError saying what the option takes."""
    low = "0 or more" if zero else "greater than 0"
    above = value >= 0 if zero else value > 0
    if not (math.isfinite(value) and above and (high is None or value <= high)):
        bound = "" if high is None else f" and at most {high:g}{unit}"
        note = f"; {note}" if note else ""
        raise pytest.UsageError(f"jetonomy: {what} must be a number {low}{bound}{note}")
    return value


def resolve_settings(config: pytest.Config) -> Settings:
    """Resolve the run's settings; on an xdist worker, take the controller's."""
    workerinput = getattr(config, "workerinput", None)
    if workerinput is not None and "jetonomy" in workerinput:
        return Settings.from_json(workerinput["jetonomy"])

    url, url_source = _pick(config, "target_url", ENV_TARGET_URL, "target_url")
    if url is not None:
        url = validate_target_url(str(url), url_source)
    creds, creds_source = _pick(config, "credentials", ENV_CREDENTIALS, "jetonomy_credentials")
    if creds is not None and creds_source.startswith("ini"):
        # a relative credentials path in an ini file is relative to that file
        creds = _relative_to_ini(config, str(creds))
    timeout_raw, timeout_source = _pick(
        config, "request_timeout", ENV_REQUEST_TIMEOUT, "jetonomy_request_timeout"
    )
    timeout = (
        DEFAULT_REQUEST_TIMEOUT if timeout_raw is None else _timeout(timeout_raw, timeout_source)
    )
    window = float(config.getoption("reference_window"))
    _bounded(window, f"--reference-window {window:g}", high=MAX_REFERENCE_WINDOW, unit=" s")
    latency = int(config.getoption("reference_latency_ms"))
    _bounded(
        latency,
        f"--reference-latency-ms {latency}",
        high=MAX_REFERENCE_LATENCY_MS,
        zero=True,
        unit=" ms",
    )
    max_rps = config.getoption("max_rps")
    if max_rps is not None:  # read where the pacer is made (plugin.py); checked here
        _bounded(
            float(max_rps), f"--max-rps {max_rps:g}", high=None, note="leave it out for no cap"
        )
    older = float(config.getoption("sweep_older_than"))
    _bounded(
        older,
        f"--sweep-older-than {older:g}",
        high=MAX_SWEEP_OLDER_THAN,
        zero=True,
        unit=" minutes (one year)",
        note="0 disables the sweep",
    )
    preview_url = config.getoption("link_preview_url")
    if preview_url is not None:
        preview_url = _link_preview_url(preview_url)
    read_only = _read_only(config)
    existing = parse_existing(config.getoption("existing") or ())
    return Settings(
        read_only=read_only,
        existing=existing,
        target_url=url,
        target_source=url_source,
        credentials_path=None if creds is None else str(creds),
        credentials_source=creds_source,
        request_timeout=timeout,
        run_prefix=new_run_prefix(),
        reference_window=window,
        reference_latency_ms=latency,
        reference_faults=tuple(config.getoption("reference_fault") or ()),
        reference_dialect=config.getoption("reference_dialect"),
        link_preview_url=preview_url,
    )


def _read_only(config: pytest.Config) -> bool:
    if config.getoption("read_only"):
        return True
    value = os.environ.get(ENV_READ_ONLY, "").strip().lower()
    if value:
        if value in ("1", "true", "yes", "on"):
            return True
        if value in ("0", "false", "no", "off"):
            return False
        raise pytest.UsageError(
            f"jetonomy: env {ENV_READ_ONLY}={value!r} is not a boolean (use 1 or 0)"
        )
    return bool(config.getini("jetonomy_read_only"))


def parse_existing(values: Any) -> dict[str, int]:
    """``["spaces.public=12"]`` -> ``{"spaces.public": 12}``, or a one-line UsageError."""
    existing: dict[str, int] = {}
    for value in values:
        name, sep, raw_id = str(value).partition("=")
        name = name.strip()
        if not sep or name not in EXISTING_NAMES:
            raise pytest.UsageError(
                f"jetonomy: --existing {value!r}: expected NAME=ID with NAME one of "
                + ", ".join(EXISTING_NAMES)
            )
        try:
            existing[name] = int(raw_id)
        except ValueError:
            raise pytest.UsageError(
                f"jetonomy: --existing {value!r}: the id {raw_id!r} is not an integer"
            ) from None
    return existing


def _relative_to_ini(config: pytest.Config, path: str) -> str:
    if os.path.isabs(path) or config.inipath is None:
        return path
    return str(config.inipath.parent / path)


def new_run_prefix() -> str:
    """A prefix unique to this run; everything the suite creates on a target carries it."""
    return f"jtc-{secrets.token_hex(4)}"
