"""Page images past the preview, made on the first request of a reader who may see them (the
uploader, staff, a buyer): most documents are never bought, so the worker renders only the
previewable pages, and the rest are rendered here once and stored like the others.

Invariant: such an image is stored under a random name, referenced by its Page row, and served
only through the access-checked page view (never a public URL); two readers asking for the same
page at once store it once (the row is updated only while it has no image; the loser's file is
deleted).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import threading
import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from wenku.library.models import Document, Page
from wenku.storage import save_new

from .pdf import encode_webp, open_pdf, render_page

# pdfium is not thread-safe, and web processes serve requests from several threads.
_PDFIUM = threading.Lock()
# PDFs fetched from object storage, kept on this node's disk for the next pages of the reader.
CACHED_PDFS = 16


def _cache_dir() -> Path:
    return Path(settings.DATA_DIR) / "cache" / "pdfs"


def local_pdf(document: Document) -> Path:
    """A path on this machine to the document's PDF: the storage's own, or a cached copy."""
    name = document.pdf.name
    try:
        return Path(default_storage.path(name))
    except NotImplementedError:
        pass
    folder = _cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    cached = folder / (hashlib.sha256(name.encode()).hexdigest()[:32] + ".pdf")
    if cached.exists():
        os.utime(cached)  # most recently used
        return cached
    fd, partial = tempfile.mkstemp(dir=folder, suffix=".part")
    with os.fdopen(fd, "wb") as dst, default_storage.open(name) as src:
        shutil.copyfileobj(src, dst, 1024 * 1024)
    os.replace(partial, cached)
    _prune(folder)
    return cached


def _prune(folder: Path) -> None:
    files = sorted(folder.glob("*.pdf"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in files[CACHED_PDFS:]:
        old.unlink(missing_ok=True)


def page_image(document: Document, number: int) -> Page:
    """The Page `number` of `document` with its image, rendered and stored now if it has none.
    The caller has checked that the reader may see it."""
    page = Page.objects.get(document=document, number=number)
    if page.image:
        return page
    source = local_pdf(document)
    with _PDFIUM:
        pdf, opened = open_pdf(source)
        try:
            image = render_page(pdf[number - 1], settings.WENKU.preview_width)
        finally:
            pdf.close()
            if opened != source:
                opened.unlink(missing_ok=True)
    data = encode_webp(image)
    name = save_new(
        default_storage,
        f"pages/{document.pk}/{uuid.uuid4().hex[:12]}-{number}.webp",
        ContentFile(data),
    )
    won = Page.objects.filter(pk=page.pk, image="").update(
        image=name, image_width=image.width, image_height=image.height, image_bytes=len(data)
    )
    if not won:
        default_storage.delete(name)
    page.refresh_from_db()
    return page
