"""Turn formats LibreOffice reads badly into ones it reads well, before conversion.

- TXT: decoded by us (in the encoding `textcodec` detected) and written as a DOCX, so no guess
  of LibreOffice's decides the encoding.
- CSV: decoded by us and written as an XLSX sheet with column widths, so columns, encoding and
  every cell's whole text are right.
- EPUB: LibreOffice cannot import EPUB. We read the book's spine and join its chapters into one
  HTML file (text, headings, lists, tables and the book's own images), which LibreOffice Writer
  paginates. Scripts, styles and anything pointing outside the book are dropped; parsing goes
  through defusedxml, so declared entities cannot be expanded (XHTML's named ones are written
  as character references first).
"""

from __future__ import annotations

import csv
import html
import io
import logging
import posixpath
import re
import unicodedata
import zipfile
from html.entities import name2codepoint
from pathlib import Path
from urllib.parse import unquote
from xml.etree.ElementTree import Element

import lxml.etree
import lxml.html
from defusedxml import ElementTree as SafeET
from django.utils.translation import gettext as _

from .errors import ConversionError
from .textcodec import decode

log = logging.getLogger("wenku.conversion")

HTML_HEAD = (
    "<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title>"
    "<style>body{{font-family:'Noto Serif CJK SC',serif;font-size:12pt;line-height:1.6}}"
    "h1,h2,h3{{font-family:'Noto Sans CJK SC',sans-serif}} img{{max-width:100%}}</style>"
    "</head><body>"
)


def txt_to_docx(src: Path, dst: Path, encoding: str) -> Path:
    """The text as a DOCX: a paragraph per line, form feeds as page breaks.

    A DOCX rather than HTML because LibreOffice's HTML import loses some characters outside the
    BMP (U+20000 and U+20001 vanished, as characters and as `&#131072;`), and because runs of
    such characters can be given a font that has them (HanaMinB) instead of leaving them to
    glyph fallback, which LibreOffice writes at the end of the line in the PDF's text order.
    The XML is written directly: python-docx takes seconds for a novel-length text.
    """
    text = decode(src.read_bytes(), encoding).replace("\r\n", "\n").replace("\r", "\n")
    body: list[str] = []
    for line in text.split("\n"):
        runs = []
        for page, chunk in enumerate(line.split("\f")):
            if page:
                runs.append('<w:r><w:br w:type="page"/></w:r>')
            runs.extend(_runs(chunk))
        body.append(f"<w:p>{''.join(runs)}</w:p>")
    document = DOCX_DOCUMENT.format(body="".join(body))
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", DOCX_CONTENT_TYPES)
        zf.writestr("_rels/.rels", DOCX_RELS)
        zf.writestr("word/_rels/document.xml.rels", DOCX_DOCUMENT_RELS)
        zf.writestr("word/styles.xml", DOCX_STYLES)
        zf.writestr("word/document.xml", document)
    return dst


# Characters XML 1.0 cannot hold (controls other than tab and line breaks).
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0e-\x1f\ufffe\uffff]")
# Runs outside the BMP (CJK Extension B and beyond) get a font that has them.
_ASTRAL = re.compile("([\U00010000-\U0010ffff]+)")
ASTRAL_FONT = "HanaMinB"
_TAB = "</w:t><w:tab/><w:t xml:space='preserve'>"


def _runs(text: str) -> list[str]:
    runs = []
    for i, part in enumerate(_ASTRAL.split(_XML_INVALID.sub("", text))):
        if not part:
            continue
        escaped = html.escape(part, quote=False).replace(
            "\t", "</w:t><w:tab/><w:t xml:space='preserve'>"
        )
        font = (
            f'<w:rPr><w:rFonts w:ascii="{ASTRAL_FONT}" w:hAnsi="{ASTRAL_FONT}"'
            f' w:eastAsia="{ASTRAL_FONT}" w:cs="{ASTRAL_FONT}"/></w:rPr>'
            if i % 2
            else ""
        )
        runs.append(f"<w:r>{font}<w:t xml:space='preserve'>{escaped}</w:t></w:r>")
    return runs


_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
DOCX_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels"'
    ' ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.wordprocessingml.document.main+xml"/>'
    '<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.wordprocessingml.styles+xml"/></Types>'
)
DOCX_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)
DOCX_DOCUMENT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/styles" Target="styles.xml"/></Relationships>'
)
# 12 pt, 1.5 lines, Noto Serif CJK for CJK and Liberation Serif for Latin/Cyrillic.
DOCX_STYLES = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:styles {_W}>'
    '<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Liberation Serif"'
    ' w:hAnsi="Liberation Serif" w:eastAsia="Noto Serif CJK SC" w:cs="Liberation Serif"/>'
    '<w:sz w:val="24"/><w:lang w:val="en-US" w:eastAsia="zh-CN"/></w:rPr></w:rPrDefault>'
    '<w:pPrDefault><w:pPr><w:spacing w:after="0" w:line="360" w:lineRule="auto"/></w:pPr>'
    "</w:pPrDefault></w:docDefaults></w:styles>"
)
# A4 with 2.5 cm margins.
DOCX_DOCUMENT = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {_W}><w:body>'
    '{body}<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1417" w:right="1417"'
    ' w:bottom="1417" w:left="1417" w:header="720" w:footer="720" w:gutter="0"/></w:sectPr>'
    "</w:body></w:document>"
)


def csv_to_xlsx(src: Path, dst: Path, encoding: str) -> Path:
    """A sheet LibreOffice paginates with every cell readable.

    Columns are as wide as their longest cell (CJK characters count double), up to
    `MAX_COLUMN_WIDTH`; longer cells wrap inside that width instead of being cut at the next
    column. A table wider than a portrait page is laid out landscape, and one wider than that
    is scaled to the page's width (down to about half size) rather than split across pages.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment
    from openpyxl.utils import get_column_letter

    text = decode(src.read_bytes(), encoding)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    widths: list[int] = []
    for row in csv.reader(io.StringIO(text), dialect):
        for index, value in enumerate(row):
            width = display_width(value)
            if index == len(widths):
                widths.append(width)
            elif width > widths[index]:
                widths[index] = width
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Sheet1")
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = min(width + 2, MAX_COLUMN_WIDTH)
    total = sum(min(w + 2, MAX_COLUMN_WIDTH) for w in widths)
    if total > PORTRAIT_WIDTH:
        ws.page_setup.orientation = "landscape"
    if total > LANDSCAPE_WIDTH:
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in csv.reader(io.StringIO(text), dialect):
        cells = []
        for value in row:
            if display_width(value) + 2 > MAX_COLUMN_WIDTH:
                cell = WriteOnlyCell(ws, value=value)
                cell.alignment = wrap
                cells.append(cell)
            else:
                cells.append(_cell(value))
        ws.append(cells)
    wb.save(dst)
    return dst


# Column widths in Excel's units (about one Latin character of the default font).
MAX_COLUMN_WIDTH = 60
PORTRAIT_WIDTH = 95
LANDSCAPE_WIDTH = 140


def display_width(value: str) -> int:
    """Width of a cell's text in Latin characters: wide (CJK, full-width) ones count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in value)


def _cell(value: str) -> str | int | float:
    # Keep leading zeros and long digit strings (IDs, phone numbers) as text.
    if value.isdigit() and not value.startswith("0") and len(value) < 15:
        return int(value)
    try:
        if value and value.strip() == value and "." in value:
            return float(value)
    except ValueError:
        pass
    return value


XHTML = "{http://www.w3.org/1999/xhtml}"
OPF = "{http://www.idpf.org/2007/opf}"
DC = "{http://purl.org/dc/elements/1.1/}"
CONTAINER = "{urn:oasis:names:tc:opendocument:xmlns:container}"
KEEP_TAGS = {
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "table", "thead", "tbody",
    "tr", "td", "th", "blockquote", "pre", "em", "strong", "b", "i", "u", "sub", "sup",
    "br", "hr", "img", "span", "div", "section", "article", "figure", "figcaption", "a", "code",
}  # fmt: skip
IMAGE_TYPES = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".bmp"}


def epub_to_html(src: Path, dst: Path) -> tuple[Path, str]:
    """Write the book as one HTML file next to its images; return the file and the book title.

    A chapter the manifest names but the book lacks is skipped; one that is not well-formed XML
    (common in real books) is read by lxml's forgiving HTML parser instead of failing the book.
    """
    try:
        with zipfile.ZipFile(src) as zf:
            container = _parse(zf, "META-INF/container.xml")
            rootfile = container.find(f".//{CONTAINER}rootfile")
            if rootfile is None:
                raise ConversionError(
                    _("EPUB 结构损坏：找不到书的目录文件（content.opf）。"),
                    detail="container.xml has no rootfile",
                )
            opf_path = rootfile.get("full-path", "")
            opf = _parse(zf, opf_path)
            base = posixpath.dirname(opf_path)
            title_el = opf.find(f".//{DC}title")
            title = (title_el.text or "").strip() if title_el is not None else ""
            manifest = {
                item.get("id"): item.get("href", "") for item in opf.iterfind(f".//{OPF}item")
            }
            media_dir = dst.parent / (dst.stem + "_media")
            media_dir.mkdir(exist_ok=True)
            parts = []
            names = set(zf.namelist())
            for ref in opf.iterfind(f".//{OPF}itemref"):
                href = manifest.get(ref.get("idref"))
                if not href:
                    continue
                chapter = _book_path(base, href)
                if chapter not in names:
                    log.info("EPUB chapter %s is missing; skipped", chapter)
                    continue
                parts.append(_chapter_html(zf, chapter, media_dir))
    except zipfile.BadZipFile as exc:
        raise ConversionError(_("EPUB 文件已损坏。"), detail=str(exc)) from exc
    except KeyError as exc:
        raise ConversionError(
            _("EPUB 结构损坏：缺少书中列出的文件。"), detail=f"missing {exc}"
        ) from exc
    if not any(part.strip() for part in parts):
        raise ConversionError(_("EPUB 中没有任何可显示的章节。"), detail="empty spine")
    body = "<br style='page-break-before:always'>".join(parts)
    dst.write_text(HTML_HEAD.format(title=html.escape(title)) + body + "</body></html>", "utf-8")
    return dst, title


def _book_path(base: str, href: str) -> str:
    """The zip name of a manifest or image reference (relative, maybe %-encoded, maybe #id)."""
    return posixpath.normpath(posixpath.join(base, unquote(href.split("#")[0])))


def _parse(zf: zipfile.ZipFile, name: str) -> Element:
    try:
        return SafeET.fromstring(_numeric_entities(zf.read(name)), forbid_dtd=False)
    except SafeET.ParseError as exc:
        raise ConversionError(
            _("EPUB 结构损坏：%(name)s 不是有效的 XML。") % {"name": name[:60]}, detail=str(exc)
        ) from exc
    except Exception as exc:  # defusedxml's EntitiesForbidden and friends
        raise ConversionError(
            _("EPUB 中的 %(name)s 含有被禁止的实体声明。") % {"name": name[:60]},
            detail=repr(exc),
        ) from exc


def _parse_chapter(zf: zipfile.ZipFile, name: str) -> Element | None:
    """A chapter's tree: strict XML first, else lxml's HTML parser (no network, no entities)."""
    try:
        return _parse(zf, name)
    except ConversionError as exc:
        if "实体" in exc.message:
            raise
    try:
        return lxml.html.document_fromstring(zf.read(name))
    except (ValueError, lxml.etree.ParserError):
        return None


XML_ENTITIES = {"amp", "lt", "gt", "quot", "apos"}
NAMED_ENTITY = re.compile(rb"&([A-Za-z][A-Za-z0-9]{1,31});")


def _numeric_entities(data: bytes) -> bytes:
    """XHTML's named entities (&nbsp; &copy; &mdash;...) as character references.

    They are legal in an EPUB's XHTML (its DTD declares them) but an XML parser that reads no
    DTD knows only the five of XML itself and stops at the first `&nbsp;`."""

    def numeric(match: re.Match[bytes]) -> bytes:
        name = match.group(1).decode()
        if name in XML_ENTITIES or name not in name2codepoint:
            return match.group(0)
        return b"&#%d;" % name2codepoint[name]

    return NAMED_ENTITY.sub(numeric, data)


def _chapter_html(zf: zipfile.ZipFile, name: str, media_dir: Path) -> str:
    root = _parse_chapter(zf, name)
    if root is None:
        return ""
    body = root.find(f"{XHTML}body")
    if body is None:
        body = root.find("body")
    if body is None:
        return ""
    out: list[str] = []
    _emit(body, zf, posixpath.dirname(name), media_dir, out)
    return "".join(out)


def _emit(el: Element, zf: zipfile.ZipFile, base: str, media: Path, out: list[str]) -> None:
    for child in el:
        tag = child.tag.replace(XHTML, "") if isinstance(child.tag, str) else ""
        if tag in KEEP_TAGS:
            attrs = ""
            if tag == "img":
                attrs = _image_attr(child, zf, base, media)
                if not attrs:
                    out.append(html.escape(child.tail or ""))
                    continue
            if tag in ("td", "th") and child.get("colspan", "").isdigit():
                attrs = f" colspan='{child.get('colspan')}'"
            out.append(f"<{tag}{attrs}>")
            out.append(html.escape(child.text or ""))
            _emit(child, zf, base, media, out)
            if tag not in ("br", "hr", "img"):
                out.append(f"</{tag}>")
        elif tag not in ("script", "style", "head", "iframe", "object", "embed", "form"):
            out.append(html.escape(child.text or ""))
            _emit(child, zf, base, media, out)
        out.append(html.escape(child.tail or ""))


def _image_attr(img: Element, zf: zipfile.ZipFile, base: str, media: Path) -> str:
    src = img.get("src", "")
    if not src or ":" in src:  # only images inside the book, never a URL
        return ""
    name = _book_path(base, src)
    suffix = posixpath.splitext(name)[1].lower()
    if suffix not in IMAGE_TYPES or name.startswith(".."):
        return ""
    try:
        data = zf.read(name)
    except KeyError:
        return ""
    target = media / f"{len(list(media.iterdir()))}{suffix}"
    target.write_bytes(data)
    alt = html.escape(img.get("alt", ""), quote=True)
    return f" src='{media.name}/{target.name}' alt='{alt}'"
