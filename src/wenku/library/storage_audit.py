"""What is stored against what the database refers to: orphans and missing files.

Invariant kept by the conversion and ingest paths: every stored original, PDF and page image is
referenced by a Document or Page row, except for a short while during a conversion (page images
are stored as they are rendered and referenced when the document is published). A crash, a
killed worker or a lost database connection can still leave files behind, or a disk can lose
some: `audit()` finds both, through the storage API only (no local paths: the same works on
object storage), and `remove_orphans()` deletes the orphans old enough not to belong to a
conversion under way.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from .models import Document, Page

# The folders Wenku writes into: originals by SHA-256, PDFs, page images per document.
STORED_FOLDERS = ("originals", "pdfs", "pdf", "pages")


@dataclass
class Audit:
    stored: int = 0
    referenced: int = 0
    orphans: list[str] = field(default_factory=list)
    missing: list[tuple[str, int]] = field(default_factory=list)  # (name, document number)
    stale_temp: list[Path] = field(default_factory=list)


def stored_files(folder: str = "") -> Iterator[str]:
    """Every file under `folder` of the default storage (recursively), as storage names."""
    try:
        folders, files = default_storage.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return
    for name in files:
        yield f"{folder}/{name}" if folder else name
    for sub in folders:
        yield from stored_files(f"{folder}/{sub}" if folder else sub)


def referenced_files() -> dict[str, int]:
    """Storage name -> document number, for every original, PDF and page image in use."""
    names: dict[str, int] = {}
    for number, original, pdf in Document.objects.values_list("number", "original", "pdf"):
        for name in (original, pdf):
            if name:
                names[name] = number
    pages = Page.objects.exclude(image="").values_list("image", "document__number")
    for image, number in pages.iterator(chunk_size=5000):
        names[image] = number
    return names


def audit(*, grace: dt.timedelta = dt.timedelta(hours=6)) -> Audit:
    """Orphans (stored, referenced by nothing, older than `grace` and not an image of a document
    being converted), missing files (referenced, not stored) and stale temporary folders."""
    referenced = referenced_files()
    converting = {
        f"pages/{pk}/"
        for pk in Document.objects.filter(status=Document.Status.CONVERTING).values_list(
            "pk", flat=True
        )
    }
    result = Audit(referenced=len(referenced))
    seen: set[str] = set()
    cutoff = _store_now() - grace
    for folder in STORED_FOLDERS:
        for name in stored_files(folder):
            result.stored += 1
            seen.add(name)
            if name in referenced or any(name.startswith(p) for p in converting):
                continue
            # No grace (0) means no age test at all: the clock of a file's store may differ
            # from this process's, and "now" must not hide an orphan.
            if grace > dt.timedelta(0) and _modified(name) > cutoff:
                continue  # may belong to an upload or a conversion under way
            result.orphans.append(name)
    result.missing = sorted((n, number) for n, number in referenced.items() if n not in seen)
    temp = Path(settings.DATA_DIR) / "tmp"
    if temp.is_dir():
        deadline = _folder_now(temp) - grace.total_seconds()
        result.stale_temp = sorted(
            p for p in temp.iterdir() if not grace or p.stat().st_mtime < deadline
        )
    return result


def _store_now() -> dt.datetime:
    """ "Now" by the clock that stamps the store's files (an S3 server's, a file server's), which
    may differ from this process's: ages are only comparable on one clock. Read by writing a
    tiny probe and asking its modification time."""
    probe = default_storage.save(f"clock-probe/{uuid.uuid4().hex}", ContentFile(b""))
    try:
        return _modified(probe)
    finally:
        default_storage.delete(probe)


def _folder_now(folder: Path) -> float:
    """The same for a local folder (its file system's clock)."""
    with tempfile.NamedTemporaryFile(dir=folder, prefix=".clock-probe-") as probe:
        return os.fstat(probe.fileno()).st_mtime


def _modified(name: str) -> dt.datetime:
    try:
        return default_storage.get_modified_time(name)
    except (NotImplementedError, OSError):
        return timezone.now()  # unknown: treat as new, never delete it


def remove_orphans(found: Audit) -> int:
    """Delete the orphans and stale temporary folders of `found`; returns how many."""
    removed = 0
    for name in found.orphans:
        if not Document.objects.filter(original=name).exists():  # re-check: ingest may race
            default_storage.delete(name)
            removed += 1
    for path in found.stale_temp:
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
        removed += 1
    return removed
