"""Any accepted file to a PDF: the LibreOffice half of the pipeline, free of Django models.
OFD is drawn by our own renderer (`ofd_draw`) and images become pages (`images`), without
LibreOffice."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

from .detect import Detected, decrypt_default_password
from .images import images_to_pdf
from .ofd_draw import ofd_to_pdf
from .office import HTML_FILTER, OfficeConverter, office_timeout
from .prepare import csv_to_xlsx, epub_to_html, txt_to_docx

log = logging.getLogger("wenku.conversion")


def to_pdf(
    src: Path, detected: Detected, workdir: Path, converter: OfficeConverter, *, title: str = ""
) -> Path:
    """Return a PDF for `src` (the file itself when it already is one)."""
    if detected.format == "pdf":
        return src
    if detected.format == "ofd":
        return ofd_to_pdf(src, workdir / "converted.pdf", title=title)
    if detected.format in ("jpg", "png", "tiff"):
        return images_to_pdf(src, workdir / "converted.pdf")
    timeout = office_timeout(src.stat().st_size)
    out = workdir / "converted.pdf"
    fmt = detected.format
    if fmt == "txt":
        docx = txt_to_docx(src, workdir / "text.docx", detected.text_encoding or "utf-8")
        return converter.convert(docx, out, timeout=timeout)
    if fmt == "csv":
        xlsx = csv_to_xlsx(src, workdir / "table.xlsx", detected.text_encoding or "utf-8")
        return converter.convert(xlsx, out, timeout=timeout)
    if fmt == "epub":
        html, _ = epub_to_html(src, workdir / "book.html")
        return converter.convert(html, out, timeout=timeout, infilter=HTML_FILTER)
    # LibreOffice picks its import filter partly by extension: give it the detected one.
    named = workdir / f"source.{detected.suffix}"
    if detected.default_password:
        try:
            src = decrypt_default_password(src, named)
        except Exception:  # noqa: BLE001 - LibreOffice opens the default password by itself
            log.warning("could not decrypt %s with the default password", src.name, exc_info=True)
            shutil.copyfile(src, named)
            src = named
    elif src.suffix.lower() != f".{detected.suffix}":
        shutil.copyfile(src, named)
        src = named
    return converter.convert(src, out, timeout=timeout)
