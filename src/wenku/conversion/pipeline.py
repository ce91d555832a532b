"""Any accepted file to a PDF: the LibreOffice half of the pipeline, free of Django models."""

from __future__ import annotations

import shutil
from pathlib import Path

from .detect import Detected
from .office import HTML_FILTER, OfficeConverter, office_timeout
from .prepare import csv_to_xlsx, epub_to_html, txt_to_html


def to_pdf(
    src: Path, detected: Detected, workdir: Path, converter: OfficeConverter, *, title: str = ""
) -> Path:
    """Return a PDF for `src` (the file itself when it already is one)."""
    if detected.format == "pdf":
        return src
    timeout = office_timeout(src.stat().st_size)
    out = workdir / "converted.pdf"
    fmt = detected.format
    if fmt == "txt":
        html = txt_to_html(src, workdir / "text.html", detected.text_encoding or "utf-8", title)
        return converter.convert(html, out, timeout=timeout, infilter=HTML_FILTER)
    if fmt == "csv":
        xlsx = csv_to_xlsx(src, workdir / "table.xlsx", detected.text_encoding or "utf-8")
        return converter.convert(xlsx, out, timeout=timeout)
    if fmt == "epub":
        html, _ = epub_to_html(src, workdir / "book.html")
        return converter.convert(html, out, timeout=timeout, infilter=HTML_FILTER)
    # LibreOffice picks its import filter partly by extension: give it the detected one.
    named = workdir / f"source.{fmt}"
    if src.suffix.lower() != f".{fmt}":
        shutil.copyfile(src, named)
        src = named
    return converter.convert(src, out, timeout=timeout)
