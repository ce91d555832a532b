"""PDF sample documents: ``make_pdf`` (paged Chinese text) and ``make_blank_pdf`` (thousands of
near-identical pages, fast).

Both write one file to the given path and return it as a ``pathlib.Path``; they use
invariant/deterministic modes, so the same arguments give the same bytes. ``pdf_bytes`` is
the unwritten ``make_pdf`` output, for builders that damage or encrypt it.
"""

import io
from pathlib import Path

from .files import write_bytes
from .text import chinese_paragraphs

__all__ = ["make_blank_pdf", "make_pdf", "pdf_bytes"]


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Greedy per-character wrapping; fine for CJK, where any character may start a line."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    lines: list[str] = []
    current = ""
    current_w = 0.0
    for ch in text:
        w = stringWidth(ch, font, size)
        if current and current_w + w > width:
            lines.append(current)
            current, current_w = "", 0.0
        current += ch
        current_w += w
    if current:
        lines.append(current)
    return lines


def pdf_bytes(*, title: str, pages: int, seed: int) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen.canvas import Canvas

    if pages < 1:
        raise ValueError("pages must be >= 1")
    font = "STSong-Light"
    # A built-in CID font is referenced, not embedded, so the PDF stays tiny and needs no
    # font file on the machine; PDF readers supply the glyphs from their own CJK fonts.
    if font not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(font))

    paras = chinese_paragraphs(2 * pages, seed)
    buf = io.BytesIO()
    # invariant=True pins the creation date and document ID, making the bytes reproducible.
    canvas = Canvas(buf, pagesize=A4, invariant=True)
    canvas.setTitle(title)
    canvas.setAuthor("Wenku")
    width, height = A4
    margin = 64
    text_width = width - 2 * margin
    for page in range(1, pages + 1):
        y = height - margin
        canvas.setFont(font, 16)
        for line in _wrap(title, font, 16, text_width):
            canvas.drawString(margin, y, line)
            y -= 24
        canvas.setFont(font, 13)
        canvas.drawString(margin, y, f"第{page}页")
        y -= 26
        canvas.setFont(font, 11)
        for text in paras[2 * (page - 1) : 2 * page]:
            for line in _wrap("　　" + text, font, 11, text_width):
                canvas.drawString(margin, y, line)
                y -= 17
            y -= 8
        canvas.setFont("Helvetica", 9)
        canvas.drawCentredString(width / 2, 36, f"- {page} / {pages} -")
        canvas.showPage()
    canvas.save()
    return buf.getvalue()


def make_pdf(path: str | Path, *, title: str, pages: int = 20, seed: int = 0) -> Path:
    """Write an A4 PDF with Chinese text (STSong-Light CID font), one page per ``pages``.

    Page N shows the title, a line "第N页", two distinct generated paragraphs and a footer
    "- N / total -", so per-page text extraction can be checked.
    """
    return write_bytes(path, pdf_bytes(title=title, pages=pages, seed=seed))


def make_blank_pdf(path: str | Path, pages: int) -> Path:
    """Write a PDF with ``pages`` near-identical A4 pages, fast (5,000 pages in ~0.05 s).

    Every page shares one content stream (a rule and "Wenku sample page" in Helvetica) and
    one resource dictionary, so the file size and build time grow only with the page objects.
    """
    import pikepdf
    from pikepdf import Array, Dictionary, Name

    if pages < 1:
        raise ValueError("pages must be >= 1")
    pdf = pikepdf.new()
    font = pdf.make_indirect(
        Dictionary(
            Type=Name.Font,
            Subtype=Name.Type1,
            BaseFont=Name.Helvetica,
            Encoding=Name.WinAnsiEncoding,
        )
    )
    resources = pdf.make_indirect(Dictionary(Font=Dictionary(F1=font)))
    content = pdf.make_stream(
        b"0.5 w 72 770 m 523 770 l S\nBT /F1 14 Tf 72 780 Td (Wenku sample page) Tj ET\n"
    )
    media_box = pdf.make_indirect(Array([0, 0, 595, 842]))
    # Fill the page tree's Kids directly: going through pdf.pages.append() makes qpdf
    # revalidate the tree on every call and is ~25x slower for thousands of pages.
    tree = pdf.Root.Pages
    kids = [
        pdf.make_indirect(
            Dictionary(
                Type=Name.Page,
                Parent=tree,
                MediaBox=media_box,
                Contents=content,
                Resources=resources,
            )
        )
        for _ in range(pages)
    ]
    tree.Kids = Array(kids)
    tree.Count = pages
    buf = io.BytesIO()
    pdf.save(buf, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return write_bytes(path, buf.getvalue())
