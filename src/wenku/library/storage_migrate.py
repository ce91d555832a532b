"""Copying a library from one storage to another (`wenku storage migrate --to URL`).

What is copied: every file a Document or Page refers to (`storage_audit.referenced_files`:
originals, PDFs, page images), under the same name; orphans stay behind. Any direction works
(folder -> S3, S3 -> folder, S3 -> S3): both sides are used through the storage API only, and no
code here assumes a stored object has a local path.

Invariants:
- Resumable: a file already in the target with the same size and SHA-256 is left alone, so the
  command can run while the site runs, again once it stops writing (copying only what came
  meanwhile), and again after any interruption.
- A copy counts only once it has been read back from the target and found equal to the source
  in size and SHA-256; a target file that differs is replaced, never kept.
- Nothing is deleted from the source, and the database is only read.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import Storage
from django.utils.module_loading import import_string

from wenku.storage import LOCAL_BACKEND, backend_for_url

CHUNK = 1024 * 1024
# A file up to this size is copied through memory, a larger one through the temporary folder.
SPOOL_IN_MEMORY = 8 * 1024 * 1024

COPIED, PRESENT, VERIFIED, FAILED = "copied", "present", "verified", "failed"


class MissingInSource(Exception):
    pass


@dataclass(frozen=True)
class Outcome:
    name: str
    status: str  # COPIED, PRESENT (already there, equal), VERIFIED (--verify-only) or FAILED
    size: int = 0
    error: str = ""


@dataclass
class Summary:
    total: int = 0
    copied: int = 0
    present: int = 0
    verified: int = 0
    bytes_copied: int = 0
    failed: list[Outcome] = field(default_factory=list)

    def add(self, outcome: Outcome) -> None:
        if outcome.status == COPIED:
            self.copied += 1
            self.bytes_copied += outcome.size
        elif outcome.status == PRESENT:
            self.present += 1
        elif outcome.status == VERIFIED:
            self.verified += 1
        else:
            self.failed.append(outcome)


def storage_spec(where: str) -> dict:
    """The STORAGES entry for `--to`: an `s3://` or `file://` URL, or a plain folder path."""
    if "://" not in where:
        where = Path(where).expanduser().resolve().as_uri()
    return backend_for_url(where)


def build_storage(spec: dict) -> Storage:
    """A storage instance from a STORAGES entry, as Django builds `default_storage`."""
    storage = import_string(spec["BACKEND"])(**spec.get("OPTIONS", {}))
    if spec["BACKEND"] == LOCAL_BACKEND:
        Path(spec["OPTIONS"]["location"]).mkdir(parents=True, exist_ok=True)
    return storage


def migrate(
    source: Storage,
    target: Storage,
    names: Iterable[str],
    *,
    verify_only: bool = False,
    jobs: int = 4,
    on_done: Callable[[Outcome], None] | None = None,
) -> Summary:
    """Copy (or, with `verify_only`, only compare) every file of `names` from `source` to
    `target`; `on_done` is called in this thread after each file (for a progress bar)."""
    work = copy_one if not verify_only else verify_one
    names = sorted(set(names))
    summary = Summary(total=len(names))
    # Most files are small page images: the time goes in round trips, so several at once.
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        for outcome in pool.map(lambda name: work(source, target, name), names):
            summary.add(outcome)
            if on_done is not None:
                on_done(outcome)
    return summary


def copy_one(source: Storage, target: Storage, name: str) -> Outcome:
    """Copy one file unless the target already has it, then read it back to check it."""
    try:
        with _spool(source, name) as (data, size, digest):
            if _digest_if_size(target, name, size) == digest:
                return Outcome(name, PRESENT, size)
            if target.exists(name):
                target.delete(name)  # a partial or different copy: replaced, never kept
            data.seek(0)
            stored = target.save(name, File(data, name=name))
            if stored != name:  # something else took the name meanwhile: keep it, fail
                target.delete(stored)
                return Outcome(name, FAILED, size, "the target stored it under another name")
        copied = _digest_if_size(target, name, size)
        if copied != digest:
            return Outcome(name, FAILED, size, "the copy read back differs from the source")
        return Outcome(name, COPIED, size)
    except MissingInSource:
        return Outcome(name, FAILED, error="missing in the source")
    except Exception as exc:  # noqa: BLE001 - one file's failure is reported, the rest go on
        return Outcome(name, FAILED, error=f"{type(exc).__name__}: {exc}"[:300])


def verify_one(source: Storage, target: Storage, name: str) -> Outcome:
    """Compare one file on both sides (size, then SHA-256) without copying anything."""
    try:
        size, digest = sha256_of(source, name)
    except FileNotFoundError:
        return Outcome(name, FAILED, error="missing in the source")
    except Exception as exc:  # noqa: BLE001
        return Outcome(name, FAILED, error=f"{type(exc).__name__}: {exc}"[:300])
    try:
        target_size = target.size(name)
        if target_size != size:
            return Outcome(name, FAILED, size, f"size differs: {target_size} != {size} bytes")
        if sha256_of(target, name)[1] != digest:
            return Outcome(name, FAILED, size, "SHA-256 differs")
    except FileNotFoundError:
        return Outcome(name, FAILED, size, "missing in the target")
    except Exception as exc:  # noqa: BLE001
        return Outcome(name, FAILED, size, f"{type(exc).__name__}: {exc}"[:300])
    return Outcome(name, VERIFIED, size)


def sha256_of(storage: Storage, name: str) -> tuple[int, str]:
    """Size and SHA-256 of a stored file, read as a stream."""
    digest, size = hashlib.sha256(), 0
    with storage.open(name, "rb") as f:
        for chunk in iter(lambda: f.read(CHUNK), b""):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def _digest_if_size(storage: Storage, name: str, size: int) -> str | None:
    """The SHA-256 of `name` in `storage` if it is there with this size (else None): the size
    is asked first, so a missing or different file costs no read."""
    try:
        if storage.size(name) != size:
            return None
        found_size, digest = sha256_of(storage, name)
    except FileNotFoundError:
        return None
    return digest if found_size == size else None


@contextmanager
def _spool(storage: Storage, name: str) -> Iterator[tuple[IO[bytes], int, str]]:
    """The file read once into memory or the temporary folder (an unlinked file, gone when
    closed), with its size and SHA-256 computed on the way."""
    with tempfile.SpooledTemporaryFile(
        max_size=SPOOL_IN_MEMORY, dir=settings.FILE_UPLOAD_TEMP_DIR
    ) as data:
        digest, size = hashlib.sha256(), 0
        try:
            f = storage.open(name, "rb")
        except FileNotFoundError:
            raise MissingInSource(name) from None
        with f:
            for chunk in iter(lambda: f.read(CHUNK), b""):
                digest.update(chunk)
                size += len(chunk)
                data.write(chunk)
        yield data, size, digest.hexdigest()
