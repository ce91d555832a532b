"""Where originals, PDFs and page images live: a storage URL becomes a Django storage.

`WENKU_STORAGE_URL` (and `wenku storage migrate --to`) name a storage in one of two forms:

- `s3://BUCKET/PREFIX?endpoint_url=http://127.0.0.1:9000&region_name=us-east-1` — any
  S3-compatible service through django-storages (`wenku.storage.s3.S3Storage`). Options:
  `endpoint_url` (empty: AWS itself), `region_name`, `addressing_style` (`path` for MinIO and
  moto, `virtual`, `auto`). Credentials are never part of the URL: boto3 reads them from the
  usual `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` / `AWS_SESSION_TOKEN` variables (or
  `~/.aws`, or an instance role).
- `file:///absolute/folder` — a folder on this machine (what an empty URL means, in the data
  folder or `WENKU_STORAGE_ROOT`).

Invariant for every caller: no code path assumes a stored object has a local path. Files are
read and written through the storage API only (save/open/exists/delete/listdir/size/
get_modified_time); a worker that needs a file on disk copies it into its own temporary folder
and removes the folder when it is done.

This module imports nothing heavy: the settings parse the URL at start, and a malformed one is
refused there, before anything runs.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

S3_BACKEND = "wenku.storage.s3.S3Storage"
LOCAL_BACKEND = "django.core.files.storage.FileSystemStorage"
S3_OPTIONS = ("endpoint_url", "region_name", "addressing_style")
ADDRESSING_STYLES = ("auto", "path", "virtual")
# S3's own rule for bucket names (MinIO and the others follow it): 3-63 characters, lowercase
# letters, digits, dots and hyphens, starting and ending with a letter or digit.
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")


def local_backend(folder: Path) -> dict:
    """The STORAGES entry for a folder on this machine."""
    return {
        "BACKEND": LOCAL_BACKEND,
        "OPTIONS": {"location": str(folder), "base_url": None},
    }


def backend_for_url(url: str) -> dict:
    """The STORAGES entry (`BACKEND`, `OPTIONS`) named by a storage URL.

    Raises ValueError, with a sentence for the operator, for anything but a well-formed
    `s3://` or `file://` URL; the caller names the variable or option it came from."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme == "s3":
        return _s3(parts)
    if scheme == "file":
        return _file(parts)
    raise ValueError(
        f"unsupported storage URL {url!r}: expected s3://BUCKET/PREFIX?endpoint_url=...&"
        "region_name=... or file:///absolute/folder"
    )


def _s3(parts) -> dict:
    if "@" in parts.netloc:
        raise ValueError(
            "credentials do not belong in the storage URL: set AWS_ACCESS_KEY_ID and "
            "AWS_SECRET_ACCESS_KEY instead"
        )
    bucket = parts.netloc
    if not _BUCKET.match(bucket):
        raise ValueError(
            f"not an S3 bucket name: {bucket!r} (3-63 lowercase letters, digits, dots, hyphens)"
        )
    if parts.fragment:
        raise ValueError(f"unexpected fragment #{parts.fragment} in the storage URL")
    prefix = unquote(parts.path).strip("/")
    if prefix and any(segment in ("", ".", "..") for segment in prefix.split("/")):
        raise ValueError(f"the prefix {prefix!r} has empty, '.' or '..' segments")
    try:
        query = parse_qs(parts.query, keep_blank_values=True, strict_parsing=bool(parts.query))
    except ValueError as exc:
        raise ValueError(f"malformed query in the storage URL: {exc}") from None
    unknown = sorted(set(query) - set(S3_OPTIONS))
    if unknown:
        raise ValueError(
            f"unknown option(s) {', '.join(unknown)}; allowed: {', '.join(S3_OPTIONS)}"
        )
    options: dict[str, str] = {"bucket_name": bucket, "location": prefix}
    for key, values in query.items():
        if len(values) != 1 or not values[0]:
            raise ValueError(f"option {key} must be given once, with a value")
        options[key] = values[0]
    endpoint = options.get("endpoint_url")
    if endpoint is not None:
        endpoint_parts = urlsplit(endpoint)
        if endpoint_parts.scheme not in ("http", "https") or not endpoint_parts.netloc:
            raise ValueError(f"endpoint_url must be an http(s) URL, not {endpoint!r}")
    style = options.get("addressing_style")
    if style is not None and style not in ADDRESSING_STYLES:
        raise ValueError(
            f"addressing_style must be one of {', '.join(ADDRESSING_STYLES)}, not {style!r}"
        )
    return {"BACKEND": S3_BACKEND, "OPTIONS": options}


def _file(parts) -> dict:
    if parts.netloc not in ("", "localhost"):
        raise ValueError(f"a file:// URL names a folder on this machine, not on {parts.netloc!r}")
    if parts.query or parts.fragment:
        raise ValueError("a file:// URL takes no options")
    folder = Path(unquote(parts.path))
    if not folder.is_absolute() or str(folder) == "/":
        raise ValueError("a file:// URL needs an absolute folder: file:///srv/wenku/storage")
    return local_backend(folder)


def describe(spec: dict) -> str:
    """A short name of a storage for messages: `s3://bucket/prefix (endpoint)` or the folder."""
    options = spec["OPTIONS"]
    if spec["BACKEND"] == LOCAL_BACKEND:
        return str(options["location"])
    where = f"s3://{options['bucket_name']}/{options.get('location', '')}".rstrip("/")
    if options.get("endpoint_url"):
        where += f" ({options['endpoint_url']})"
    return where


def save_new(storage, name: str, content) -> str:
    """Store `content` under `name`, which holds a fresh random part (a page image, a PDF of one
    conversion attempt) and so cannot be taken: without `Storage.save`'s check for a free name,
    which on object storage is one more request (a HEAD) per file. Returns the stored name."""
    return storage._save(storage.generate_filename(name), content)
