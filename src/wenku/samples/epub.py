"""EPUB sample books: ``make_epub`` writes an EPUB 3 book (zh-CN), one XHTML file per chapter.

The zip members carry ``ZIP_DATE_TIME`` and the book ID derives from the title, so the same
arguments give the same bytes.
"""

import html
import io
import uuid
import zipfile
from collections.abc import Sequence
from pathlib import Path

from .files import FIXED_TIMESTAMP, ZIP_DATE_TIME, write_bytes

__all__ = ["make_epub"]

_CONTAINER_XML = """<?xml version="1.0" encoding="UTF-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles>
    <rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>
  </rootfiles>
</container>
"""

_EPUB_CSS = """body {
  font-family: "Songti SC", "SimSun", "Noto Serif CJK SC", serif;
  line-height: 1.6;
}
h1 { font-family: "Heiti SC", "SimHei", "Noto Sans CJK SC", sans-serif; text-align: center; }
p { text-indent: 2em; margin: 0.4em 0; }
"""


def _xhtml(title: str, body: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html>\n'
        '<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops"'
        ' xml:lang="zh-CN" lang="zh-CN">\n<head>\n<meta charset="UTF-8"/>\n'
        f"<title>{html.escape(title)}</title>\n"
        '<link rel="stylesheet" type="text/css" href="style.css"/>\n</head>\n'
        f"<body>\n{body}</body>\n</html>\n"
    )


def make_epub(
    path: str | Path, *, title: str, chapters: Sequence[tuple[str, Sequence[str]]]
) -> Path:
    """Write an EPUB 3 book: one XHTML file per ``(chapter_title, paragraphs)`` pair.

    The ``mimetype`` entry is first and stored uncompressed, as the OCF spec requires for
    readers that sniff the first bytes of the archive.
    """
    if not chapters:
        raise ValueError("an EPUB needs at least one chapter")
    book_id = uuid.uuid5(uuid.NAMESPACE_URL, "wenku-sample:" + title)
    modified = FIXED_TIMESTAMP.strftime("%Y-%m-%dT%H:%M:%SZ")
    esc = html.escape

    files: list[tuple[str, str]] = [("OEBPS/style.css", _EPUB_CSS)]
    manifest = [
        '<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>',
        '<item id="css" href="style.css" media-type="text/css"/>',
    ]
    spine = []
    toc = []
    for i, (chapter_title, paras) in enumerate(chapters, start=1):
        name = f"chapter{i:03d}.xhtml"
        body = f'<section epub:type="chapter">\n<h1>{esc(chapter_title)}</h1>\n'
        body += "".join(f"<p>{esc(p)}</p>\n" for p in paras) + "</section>\n"
        files.append((f"OEBPS/{name}", _xhtml(chapter_title, body)))
        manifest.append(f'<item id="ch{i}" href="{name}" media-type="application/xhtml+xml"/>')
        spine.append(f'<itemref idref="ch{i}"/>')
        toc.append(f'<li><a href="{name}">{esc(chapter_title)}</a></li>')

    nav_body = (
        '<nav epub:type="toc" id="toc">\n<h1>目录</h1>\n<ol>\n'
        + "\n".join(toc)
        + "\n</ol>\n</nav>\n"
    )
    files.append(("OEBPS/nav.xhtml", _xhtml(title, nav_body)))

    nl = "\n    "
    opf = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<package xmlns="http://www.idpf.org/2007/opf" version="3.0"'
        ' unique-identifier="bookid" xml:lang="zh-CN">\n'
        '  <metadata xmlns:dc="http://purl.org/dc/elements/1.1/">\n'
        f'    <dc:identifier id="bookid">urn:uuid:{book_id}</dc:identifier>\n'
        f"    <dc:title>{esc(title)}</dc:title>\n"
        "    <dc:language>zh-CN</dc:language>\n"
        "    <dc:creator>Wenku</dc:creator>\n"
        f'    <meta property="dcterms:modified">{modified}</meta>\n'
        "  </metadata>\n"
        f"  <manifest>\n    {nl.join(manifest)}\n  </manifest>\n"
        f"  <spine>\n    {nl.join(spine)}\n  </spine>\n"
        "</package>\n"
    )
    files.append(("OEBPS/content.opf", opf))

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        mimetype = zipfile.ZipInfo("mimetype", date_time=ZIP_DATE_TIME)
        mimetype.compress_type = zipfile.ZIP_STORED
        zf.writestr(mimetype, "application/epub+zip")
        for name, text in [("META-INF/container.xml", _CONTAINER_XML), *files]:
            zi = zipfile.ZipInfo(name, date_time=ZIP_DATE_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            zf.writestr(zi, text.encode("utf-8"))
    return write_bytes(path, buf.getvalue())
