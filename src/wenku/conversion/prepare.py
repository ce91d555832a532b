"""Turn formats LibreOffice reads badly into ones it reads well, before conversion.

- TXT: decoded by us (UTF-8, UTF-16 or GB18030 as detected) and written as HTML, so no guess of
  LibreOffice's decides the encoding of Chinese text.
- CSV: decoded by us and written as an XLSX sheet, so columns and encoding are right.
- EPUB: LibreOffice cannot import EPUB. We read the book's spine and join its chapters into one
  HTML file (text, headings, lists, tables and the book's own images), which LibreOffice Writer
  paginates. Scripts, styles and anything pointing outside the book are dropped; parsing goes
  through defusedxml, so entities cannot be expanded.
"""

from __future__ import annotations

import csv
import html
import io
import posixpath
import zipfile
from pathlib import Path
from xml.etree.ElementTree import Element

from defusedxml import ElementTree as SafeET

from .errors import ConversionError

HTML_HEAD = (
    "<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title>"
    "<style>body{{font-family:'Noto Serif CJK SC',serif;font-size:12pt;line-height:1.6}}"
    "h1,h2,h3{{font-family:'Noto Sans CJK SC',sans-serif}} img{{max-width:100%}}</style>"
    "</head><body>"
)


def txt_to_html(src: Path, dst: Path, encoding: str, title: str) -> Path:
    text = src.read_bytes().decode(encoding, errors="replace")
    paragraphs = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    body = "".join(f"<p>{html.escape(p) or '&nbsp;'}</p>" for p in paragraphs)
    dst.write_text(HTML_HEAD.format(title=html.escape(title)) + body + "</body></html>", "utf-8")
    return dst


def csv_to_xlsx(src: Path, dst: Path, encoding: str) -> Path:
    from openpyxl import Workbook

    text = src.read_bytes().decode(encoding, errors="replace")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Sheet1")
    for row in csv.reader(io.StringIO(text), dialect):
        ws.append([_cell(value) for value in row])
    wb.save(dst)
    return dst


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
    """Write the book as one HTML file next to its images; return the file and the book title."""
    try:
        with zipfile.ZipFile(src) as zf:
            container = _parse(zf, "META-INF/container.xml")
            rootfile = container.find(f".//{CONTAINER}rootfile")
            if rootfile is None:
                raise ConversionError("EPUB 缺少 container.xml 中的 rootfile。")
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
            for ref in opf.iterfind(f".//{OPF}itemref"):
                href = manifest.get(ref.get("idref"))
                if not href:
                    continue
                chapter = posixpath.normpath(posixpath.join(base, href.split("#")[0]))
                parts.append(_chapter_html(zf, chapter, media_dir))
    except (zipfile.BadZipFile, KeyError) as exc:
        raise ConversionError(f"EPUB 结构损坏：{exc}") from exc
    if not parts:
        raise ConversionError("EPUB 中没有任何章节。")
    body = "<br style='page-break-before:always'>".join(parts)
    dst.write_text(HTML_HEAD.format(title=html.escape(title)) + body + "</body></html>", "utf-8")
    return dst, title


def _parse(zf: zipfile.ZipFile, name: str) -> Element:
    try:
        return SafeET.fromstring(zf.read(name), forbid_dtd=False)
    except SafeET.ParseError as exc:
        raise ConversionError(f"EPUB 中的 {name} 不是有效的 XML：{exc}") from exc
    except Exception as exc:  # defusedxml's EntitiesForbidden and friends
        raise ConversionError(f"EPUB 中的 {name} 含有被禁止的实体声明。") from exc


def _chapter_html(zf: zipfile.ZipFile, name: str, media_dir: Path) -> str:
    root = _parse(zf, name)
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
    name = posixpath.normpath(posixpath.join(base, src))
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
