"""Every knob Wenku reads from the environment, typed, in one place.

`wenku.settings` reads `CONFIG` once and exposes it as `settings.WENKU`; code reads that at call
time (`settings.WENKU.max_upload_mb`), so a test changes a value with `override_settings` (or
pytest-django's `settings` fixture) and nothing copies a value at import. Nothing else looks
at `os.environ` for `WENKU_*`. Defaults are chosen so that one machine works with no
configuration at all: data in the checkout's `var`, SQLite in the data folder, files on the
local disk.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path


def _env(name: str) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else None


def _bool(value: str) -> bool:
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ValueError(f"not a boolean: {value!r}")


def _list(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


PACKAGE_DIR = Path(__file__).resolve().parent


def default_data_dir() -> Path:
    """`var` in the source checkout Wenku runs from (the folder holding pyproject.toml); for an
    installed package, `$XDG_DATA_HOME/wenku` (`~/.local/share/wenku`). Never a folder that
    depends on where a command was started: `cd src/wenku && wenku compilemessages` once wrote
    a secret key into the package."""
    checkout = PACKAGE_DIR.parents[1]
    if (checkout / "pyproject.toml").exists():
        return checkout / "var"
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home) / "wenku"


@dataclass(frozen=True)
class Config:
    """Values of the `WENKU_*` variables (the field name, upper-cased, after `WENKU_`)."""

    data_dir: Path = field(default_factory=lambda: default_data_dir())
    # DATABASE_URL is the conventional name, so it is read without the prefix.
    database_url: str = ""
    storage_root: Path | None = None
    # Object storage for originals, PDFs and page images, e.g.
    # s3://BUCKET/PREFIX?endpoint_url=http://127.0.0.1:9000&region_name=us-east-1 (credentials
    # from the AWS_* variables); parsed in the settings (wenku.storage). Empty: the local folder.
    storage_url: str = ""
    # A shared cache for several nodes (page cache, stamps, site settings):
    # redis://host:port/db. Empty: each process's own memory (one machine).
    cache_url: str = ""
    secret_key: str = ""
    debug: bool = False
    allowed_hosts: list[str] = field(default_factory=lambda: ["127.0.0.1", "localhost"])
    csrf_trusted_origins: list[str] = field(default_factory=list)
    language: str = "zh-hans"
    time_zone: str = "Asia/Shanghai"
    site_name: str = "Wenku 文库"
    # Served over HTTPS through a proxy: secure cookies, HSTS, redirect http to https.
    https: bool = False
    hsts_seconds: int = 31536000

    # Uploads
    max_upload_mb: int = 100
    # Uploads per hour per uploader and per address, through the web and the API (0: no limit;
    # staff and `wenku import` are not limited).
    uploads_per_hour: int = 60
    # A zip container (DOCX, XLSX, EPUB, ...) is refused when the sum of its declared member sizes
    # or its compression ratio says it is a bomb.
    max_unzipped_mb: int = 1024
    max_zip_ratio: int = 200
    max_zip_members: int = 20000

    # What may hold a converted document for a moderator, in order: dotted paths of functions
    # taking the document and returning the reasons (wenku.library.publication).
    publish_checks: list[str] = field(
        default_factory=lambda: [
            "wenku.moderation.checks.sensitive_words",
            "wenku.discovery.checks.near_duplicate",
            "wenku.moderation.checks.review_mode",
        ]
    )

    # Conversion time limits, scaled by the size of the file.
    office_timeout_base: float = 60.0
    office_timeout_per_mb: float = 20.0
    office_timeout_max: float = 900.0
    render_timeout_per_page: float = 10.0
    text_timeout_per_page: float = 1.0
    # OCR of pages without a text layer (wenku.conversion.ocr): time limit per page, and the
    # resolution pages are rendered at for it.
    ocr_timeout_per_page: float = 20.0
    ocr_dpi: int = 200
    max_attempts: int = 3
    retry_backoff: float = 5.0

    # Previews: the site default (pages and share of the document); a document may override it.
    preview_pages: int = 20
    preview_percent: int = 100
    preview_width: int = 900
    webp_quality: int = 75
    webp_method: int = 2

    # Anonymous visitors get the document page from the cache for this long (0: never); an edit
    # of the document or of the site settings shows at once, counters within this time.
    page_cache_seconds: int = 300
    # How long a process trusts its last look at a document's stamp before asking the database
    # again (every cached view asks otherwise; a takedown then shows within this time).
    page_stamp_seconds: float = 1.0

    # Accounts: failed logins allowed in the window, per (user name, address) pair and per address.
    login_window_minutes: int = 15
    login_failures_per_user: int = 5
    login_failures_per_ip: int = 20
    # Past this many failures of one account from all addresses in the window, a browser that has
    # never logged in to it waits 1 s, 2 s, 4 s ... (at most the max delay) after each failure.
    login_failures_per_account: int = 10
    login_max_delay_seconds: int = 60
    # Password-reset mails per hour: requests per address, mails per account.
    password_reset_per_ip: int = 10
    password_reset_per_account: int = 3
    # API tokens expire this many days after they are issued (0: never).
    api_token_days: int = 90
    # Number of reverse proxies in front of the server whose X-Forwarded-For may be trusted.
    trusted_proxy_hops: int = 0
    # Mail: the console unless an SMTP host is set.
    email_host: str = ""
    email_port: int = 25
    email_host_user: str = ""
    email_host_password: str = ""
    email_use_tls: bool = False
    default_from_email: str = "wenku@localhost"

    # Workers
    workers: int = 0  # 0 means one per CPU core
    # This node's name in conversion leases (default: the host name); unique per worker node
    # (containers that share a host name set it), without ":".
    node_name: str = ""
    worker_poll_interval: float = 0.1
    lease_seconds: float = 60.0
    unoserver: bool = True
    unoserver_recycle_after: int = 200
    # A warm LibreOffice grew to 733 MB after some documents: it is restarted between documents
    # once its processes hold more than this (resident memory, MB).
    office_max_rss_mb: int = 600
    soffice: str = "soffice"
    uno_python: str = "/usr/bin/python3"

    # Search
    search_per_page: int = 20
    search_snippet_chars: int = 120
    # Queries matching at most this many documents are ranked by bm25 / ts_rank; above it,
    # documents with a term in the title or metadata come first, then the others newest first.
    search_rank_cap: int = 500
    search_log: bool = True

    @property
    def storage_dir(self) -> Path:
        return self.storage_root or self.data_dir / "storage"

    @property
    def max_upload_bytes(self) -> int:
        return self.max_upload_mb * 1024 * 1024

    @property
    def max_unzipped_bytes(self) -> int:
        return self.max_unzipped_mb * 1024 * 1024

    @property
    def worker_count(self) -> int:
        return self.workers or max(1, os.cpu_count() or 1)


def load() -> Config:
    """Build a Config from the environment, with a clear error for a malformed value."""
    values: dict[str, object] = {}
    for f in fields(Config):
        name = "DATABASE_URL" if f.name == "database_url" else f"WENKU_{f.name.upper()}"
        raw = _env(name)
        if raw is None:
            continue
        kind = str(f.type)
        try:
            if "Path" in kind:
                values[f.name] = Path(raw).expanduser()
            elif kind == "bool":
                values[f.name] = _bool(raw)
            elif kind == "int":
                values[f.name] = int(raw)
            elif kind == "float":
                values[f.name] = float(raw)
            elif kind.startswith("list"):
                values[f.name] = _list(raw)
            else:
                values[f.name] = raw
        except ValueError as exc:
            raise SystemExit(f"{name}: {exc}") from None
    config = Config(**values)  # type: ignore[arg-type]
    data_dir = config.data_dir.resolve()
    if data_dir == PACKAGE_DIR or PACKAGE_DIR in data_dir.parents:
        raise SystemExit(f"WENKU_DATA_DIR must not be inside the package ({PACKAGE_DIR})")
    return config


CONFIG = load()
