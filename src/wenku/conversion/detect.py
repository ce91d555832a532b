"""Decide what a file is from its bytes, and refuse what must never reach LibreOffice.

The extension is only a hint: a DOCX is a zip with `word/document.xml`, a PDF starts with
`%PDF-`. Everything refused here is refused with a message that names the problem, before the
file is stored or a converter sees it (LibreOffice takes a minute to reject a zip bomb and turns
random bytes into pages of garbage).
"""

from __future__ import annotations

import codecs
import logging
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import msoffcrypto
import olefile
from django.conf import settings
from django.utils.translation import gettext as _

from . import ofd
from .errors import RejectedFile
from .images import IMAGE_MAGIC, check_image
from .pdf import open_pdf
from .textcodec import decode, detect_encoding

log = logging.getLogger("wenku.conversion")

ACCEPTED_EXTENSIONS = {
    "docx", "doc", "odt", "rtf", "txt", "pptx", "ppt", "odp",
    "xlsx", "xls", "ods", "csv", "pdf", "epub", "ofd", "jpg", "jpeg", "png", "tif", "tiff",
}  # fmt: skip
TEXT_EXTENSIONS = {"txt": "txt", "csv": "csv", "text": "txt", "md": "txt", "log": "txt"}
# Plain text under a document's name: Word opens it as text, and so do we.
TEXT_AS_DOCUMENT = {"doc", "docx", "rtf", "odt", "wps"}
ODF_MIMETYPES = {
    b"application/vnd.oasis.opendocument.text": "odt",
    b"application/vnd.oasis.opendocument.spreadsheet": "ods",
    b"application/vnd.oasis.opendocument.presentation": "odp",
    # Templates open as the documents they make.
    b"application/vnd.oasis.opendocument.text-template": "odt",
    b"application/vnd.oasis.opendocument.spreadsheet-template": "ods",
    b"application/vnd.oasis.opendocument.presentation-template": "odp",
    b"application/epub+zip": "epub",
}
OOXML_MAIN_PARTS = {
    "word/document.xml": "docx",
    "ppt/presentation.xml": "pptx",
    "xl/workbook.xml": "xlsx",
}
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
EXECUTABLE_MAGIC = (b"MZ", b"\x7fELF", b"\xfe\xed\xfa", b"\xcf\xfa\xed\xfe", b"#!")
XML_SUFFIXES = (".xml", ".rels", ".opf", ".ncx", ".xhtml", ".html", ".htm", ".svg", ".xsl", ".dtd")
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
PROLOG_BYTES = 65536
# The root element of an XML document, after its prolog (declaration, comments, PIs, DOCTYPE).
XML_ROOT = re.compile(r"<([A-Za-z_][\w.:-]*)[\s>/]")
DOCTYPE = re.compile(
    rb"<!DOCTYPE\s+[^\s>\[]+"
    rb"(?:\s+SYSTEM\s+(?P<system>\"[^\"]*\"|'[^']*')"
    rb"|\s+PUBLIC\s+(?:\"[^\"]*\"|'[^']*')(?:\s+(?P<public_system>\"[^\"]*\"|'[^']*'))?)?",
    re.IGNORECASE,
)
# Office treats a file encrypted with this password as not protected at all (Excel writes it
# for "read-only recommended" workbooks); Office and LibreOffice open it without asking.
DEFAULT_PASSWORD = "VelvetSweatshop"


@dataclass(frozen=True)
class Detected:
    """What a file is. `format` is what users see (the family they uploaded: a Word 2003 XML file
    named .doc is a "doc"); `office_suffix` is the extension LibreOffice must be shown to pick the
    right import filter; `default_password` marks an Office file encrypted only with Office's
    well-known default password, which opens without a prompt and is decrypted before conversion.
    """

    format: str
    text_encoding: str | None = None
    office_suffix: str | None = None
    default_password: bool = False

    @property
    def suffix(self) -> str:
        return self.office_suffix or self.format


def extension_of(filename: str) -> str:
    return filename.rsplit(".", 1)[-1].lower() if "." in filename else ""


def detect(path: Path, filename: str) -> Detected:
    """Return the format of the file at `path`, or raise RejectedFile saying why not."""
    size = path.stat().st_size
    ext = extension_of(filename)
    if size == 0:
        raise RejectedFile(_("文件为空（0 字节）。"), code="empty")
    with path.open("rb") as f:
        head = f.read(8192)

    if head.startswith(EXECUTABLE_MAGIC):
        raise RejectedFile(_("不支持的文件类型：可执行文件或脚本。"), code="unsupported")
    if b"%PDF-" in head[:1024]:
        check_pdf(path)
        return Detected("pdf")
    if head.startswith(IMAGE_MAGIC):
        return Detected(check_image(path))
    if head.startswith(b"PK\x03\x04"):
        return Detected(_zip_format(path, ext))
    if head.startswith(OLE_MAGIC):
        return _ole_format(path, ext)
    if head.startswith(b"{\\rtf"):
        return Detected("rtf")
    encoding = detect_encoding(path.read_bytes())
    if encoding is not None:
        return _text_format(path, ext, encoding)
    if ext and ext not in ACCEPTED_EXTENSIONS:
        raise RejectedFile(_unsupported(ext), code="unsupported")
    if ext:
        raise RejectedFile(
            _("文件扩展名为 .%(ext)s，但内容不是有效的 %(name)s 文档（文件已损坏或类型不符）。")
            % {"ext": ext, "name": ext.upper()},
            code="malformed",
        )
    raise RejectedFile(
        _("无法识别的文件内容，请上传 Office、PDF、EPUB 或文本文档。"), code="malformed"
    )


def _unsupported(ext: str) -> str:
    shown = f".{ext}" if ext else _("（无扩展名）")
    accepted = "、".join(sorted(e.upper() for e in ACCEPTED_EXTENSIONS))
    return _("不支持的文件类型 %(ext)s。支持的格式：%(accepted)s。") % {
        "ext": shown,
        "accepted": accepted,
    }


def _text_format(path: Path, ext: str, encoding: str) -> Detected:
    """A text file: plain text or CSV, or one of the XML formats Office and LibreOffice write.

    Word and Excel 2003 XML and flat ODF are text, often named .doc or .xls by the systems that
    export them, and LibreOffice opens them: they keep the family their name says. Plain text
    named as an Office document is what Word would show it as: text. Web pages are refused
    with their own reason (LibreOffice would fetch whatever they link to).
    """
    text = decode(path.read_bytes()[:65536], encoding).lstrip("\ufeff \t\r\n")
    if text.startswith("<"):
        xml_kind = _xml_kind(text)
        if xml_kind is not None:
            _check_xml_prolog(text.encode("utf-8"), path.name)
            return Detected(xml_kind[0], text_encoding=encoding, office_suffix=xml_kind[1])
        if re.match(r"(?is)(<!--.*?-->\s*)*<(!doctype\s+html|html)\b", text):
            if ext in ("htm", "html", "xhtml", "mht", "mhtml") or not ext:
                raise RejectedFile(
                    _("不支持网页（HTML）文件。请在浏览器或 Word 中另存为 PDF 或 DOCX 后上传。"),
                    code="unsupported",
                )
            raise RejectedFile(
                _(
                    "文件内容是网页（HTML），不是 %(name)s 文档。请在 Word 或 WPS 中打开后"
                    "另存为 DOCX 或 PDF 再上传。"
                )
                % {"name": (ext or "Office").upper()},
                code="unsupported",
            )
    if ext in TEXT_EXTENSIONS:
        return Detected(TEXT_EXTENSIONS[ext], text_encoding=encoding)
    if ext in TEXT_AS_DOCUMENT:
        return Detected("txt", text_encoding=encoding)
    raise RejectedFile(_unsupported(ext), code="unsupported")


def _xml_kind(text: str) -> tuple[str, str] | None:
    """(format, suffix for LibreOffice) of an Office XML file, from its root element."""
    match = XML_ROOT.search(text[:16384])
    if match is None:
        return None
    root, rest = match.group(1), text[match.start() : match.start() + 4096]
    if root.endswith(":wordDocument") or 'progid="Word.Document"' in text[:2048]:
        return "doc", "xml"
    if root == "Workbook" or 'progid="Excel.Sheet"' in text[:2048]:
        return "xls", "xml"
    if root == "office:document":
        mimetype = re.search(r'office:mimetype="([^"]+)"', rest)
        if mimetype:
            fmt = ODF_MIMETYPES.get(mimetype.group(1).encode())
            if fmt in ("odt", "ods", "odp"):
                return fmt, "f" + fmt
    return None


def _zip_format(path: Path, ext: str) -> str:
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            _check_zip_bomb(infos, path.stat().st_size)
            if any(info.flag_bits & 0x1 for info in infos):
                raise RejectedFile(
                    _("文档设有密码保护（压缩包已加密），无法转换。"), code="encrypted"
                )
            names = {info.filename for info in infos}
            fmt = None
            if "mimetype" in names:
                fmt = ODF_MIMETYPES.get(zf.read("mimetype").strip())
            if fmt is None and "[Content_Types].xml" in names:
                fmt = next((f for part, f in OOXML_MAIN_PARTS.items() if part in names), None)
                fmt = fmt or _ooxml_by_content_type(zf.read("[Content_Types].xml"))
            if fmt is None and ofd.is_ofd(zf):
                fmt = "ofd"
            if fmt is None:
                raise RejectedFile(
                    _("压缩包不是受支持的文档（DOCX、XLSX、PPTX、ODT、ODS、ODP、EPUB 或 OFD）。"),
                    code="unsupported" if ext not in ACCEPTED_EXTENSIONS else "malformed",
                )
            _check_xml_parts(zf, infos)
            if fmt == "ofd":
                ofd.check_package(zf)
            if fmt in ("odt", "ods", "odp") and _odf_encrypted(zf, names):
                raise RejectedFile(ENCRYPTED_MESSAGE(), code="encrypted")
            if fmt == "epub" and _epub_drm(zf, names):
                raise RejectedFile(
                    _("EPUB 受数字版权保护（DRM，内容已加密），无法转换。"), code="encrypted"
                )
            return fmt
    except zipfile.BadZipFile as exc:
        log.info("%s: not a readable zip: %s", path.name, exc)
        raise RejectedFile(
            _("文件已损坏：不是有效的压缩文档（DOCX、XLSX、PPTX、ODF 和 EPUB 都是压缩文档）。"),
            code="malformed",
        ) from exc


# The main part's content type, for packages whose main part is not at its usual name
# (generators write word/document2.xml, macro-enabled and template variants have their own).
OOXML_CONTENT_TYPES = {
    b"wordprocessingml.document.main": "docx",
    b"wordprocessingml.template.main": "docx",
    b"ms-word.document.macroenabled.main": "docx",
    b"ms-word.template.macroenabledtemplate.main": "docx",
    b"spreadsheetml.sheet.main": "xlsx",
    b"spreadsheetml.template.main": "xlsx",
    b"ms-excel.sheet.macroenabled.main": "xlsx",
    b"presentationml.presentation.main": "pptx",
    b"presentationml.slideshow.main": "pptx",
    b"presentationml.template.main": "pptx",
    b"ms-powerpoint.presentation.macroenabled.main": "pptx",
    b"ms-powerpoint.slideshow.macroenabled.main": "pptx",
}


def _ooxml_by_content_type(content_types: bytes) -> str | None:
    lowered = content_types.lower()
    return next((f for marker, f in OOXML_CONTENT_TYPES.items() if marker in lowered), None)


def ENCRYPTED_MESSAGE() -> str:  # noqa: N802 - a message, translated when it is shown
    return _("文档设有打开密码，无法转换。请去除密码后重新上传。")


def _odf_encrypted(zf: zipfile.ZipFile, names: set[str]) -> bool:
    """An ODF package whose parts are encrypted (a document saved with a password).

    The manifest lists an `encryption-data` element for every encrypted part; the mimetype and
    manifest themselves are never encrypted."""
    if "META-INF/manifest.xml" not in names:
        return False
    manifest = zf.read("META-INF/manifest.xml")
    return b"encryption-data" in manifest


# Font obfuscation (IDPF, Adobe) encrypts only embedded fonts: the text stays readable.
FONT_OBFUSCATION = (b"http://www.idpf.org/2008/embedding", b"http://ns.adobe.com/pdf/enc#RC")


def _epub_drm(zf: zipfile.ZipFile, names: set[str]) -> bool:
    """An EPUB whose content (not just its fonts) is encrypted: DRM."""
    if "META-INF/encryption.xml" not in names:
        return False
    algorithms = re.findall(rb'Algorithm="([^"]+)"', zf.read("META-INF/encryption.xml"))
    # Key transport (RSA) names how a content key is wrapped, not what is encrypted.
    return any(a not in FONT_OBFUSCATION and b"rsa" not in a.lower() for a in algorithms)


def _check_zip_bomb(infos: list[zipfile.ZipInfo], archive_size: int) -> None:
    if len(infos) > settings.WENKU.max_zip_members:
        raise RejectedFile(
            _("压缩文档包含 %(count)s 个条目，超过上限。") % {"count": len(infos)},
            code="zip_bomb",
        )
    declared = sum(info.file_size for info in infos)
    if declared > settings.WENKU.max_unzipped_bytes:
        raise RejectedFile(
            _("疑似压缩炸弹：解压后将达 %(mb).0f MB，上限为 %(max)s MB。")
            % {"mb": declared / 1024**2, "max": settings.WENKU.max_unzipped_mb},
            code="zip_bomb",
        )
    for info in infos:
        # Office XML compresses 5-30x; a member far beyond that is made to explode.
        if info.file_size > 10 * 1024**2 and info.file_size > settings.WENKU.max_zip_ratio * max(
            info.compress_size, 1
        ):
            ratio = info.file_size / max(info.compress_size, 1)
            raise RejectedFile(
                _("疑似压缩炸弹：条目 %(name)s 压缩比为 %(ratio).0f:1。")
                % {"name": info.filename[:60], "ratio": ratio},
                code="zip_bomb",
            )


def _check_xml_parts(zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> None:
    """Refuse XML parts that declare entities or point their DTD outside the file (XXE, billion
    laughs) before any parser sees them. A DOCTYPE alone is harmless and common: LibreOffice
    writes one into formula objects ("math.dtd") and Basic macros ("module.dtd"), SVG images
    carry the W3C's, and an altChunk's HTML its own."""
    for info in infos:
        if not info.filename.lower().endswith(XML_SUFFIXES):
            continue
        with zf.open(info) as member:
            prolog = member.read(PROLOG_BYTES)
        if prolog.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            prolog = prolog.decode("utf-16", errors="ignore").encode()
        _check_xml_prolog(prolog, info.filename, html=info.filename.lower().endswith(HTML_SUFFIXES))


def _check_xml_prolog(prolog: bytes, name: str, *, html: bool = False) -> None:
    lowered = prolog.lower()
    refused = b"<!entity" in lowered
    if not refused and not html:
        doctype = DOCTYPE.search(prolog)
        if doctype is not None:
            system_id = (doctype.group("system") or doctype.group("public_system") or b"")[1:-1]
            refused = not _harmless_system_id(system_id)
    if refused:
        raise RejectedFile(
            _(
                "文档的 XML 部件 %(name)s 含有实体声明或外部引用"
                "（可能用于读取服务器文件的 XXE 攻击），已拒绝。"
            )
            % {"name": name[:60]},
            code="xxe",
        )


def _harmless_system_id(system_id: bytes) -> bool:
    """A DTD named relative to the file itself (never fetched), or one of the W3C's."""
    sid = system_id.strip().lower()
    if sid.startswith((b"http://www.w3.org/", b"https://www.w3.org/")):
        return True
    return b":" not in sid and not sid.startswith((b"/", b"\\", b"%"))


def _ole_format(path: Path, ext: str) -> Detected:
    try:
        with olefile.OleFileIO(str(path)) as ole:
            if ole.exists("EncryptionInfo") or ole.exists("EncryptedPackage"):
                return _encrypted_ooxml(path)
            if ole.exists("WordDocument"):
                fmt = "doc"
            elif ole.exists("Workbook") or ole.exists("Book"):
                fmt = "xls"
            elif ole.exists("PowerPoint Document"):
                fmt = "ppt"
            else:
                raise RejectedFile(
                    _("不支持的 OLE 复合文档（不是 DOC、XLS 或 PPT）。"), "unsupported"
                )
    except OSError as exc:
        log.info("%s: unreadable OLE file: %s", path.name, exc)
        raise RejectedFile(_("文件已损坏：无法读取 Office 97-2003 文档。"), "malformed") from exc
    encrypted = _legacy_encryption(path)
    if encrypted == "password":
        raise RejectedFile(ENCRYPTED_MESSAGE(), "encrypted")
    return Detected(fmt, default_password=encrypted == "default")


def _office_file(f):  # noqa: ANN202 - msoffcrypto's own types
    return msoffcrypto.OfficeFile(f)


def _legacy_encryption(path: Path) -> str | None:
    """None, "default" (Office's default password only: opens without a prompt) or "password"."""
    try:
        with path.open("rb") as f:
            office = _office_file(f)
            if not office.is_encrypted():
                return None
            return "default" if _opens_with_default_password(office) else "password"
    except Exception:  # noqa: BLE001 - msoffcrypto raises many kinds on odd files
        # Unknown to msoffcrypto is not proof of encryption; LibreOffice will decide.
        return None


def _opens_with_default_password(office) -> bool:  # noqa: ANN001
    try:
        office.load_key(password=DEFAULT_PASSWORD, verify_password=True)
    except Exception:  # noqa: BLE001 - a wrong password is reported in several ways
        return False
    return True


def _encrypted_ooxml(path: Path) -> Detected:
    """A DOCX/XLSX/PPTX saved with a password is an OLE file holding the encrypted package.

    With Office's default password it opens without a prompt: decrypt it to learn its format;
    with any other password it is refused."""
    encrypted = _legacy_encryption(path)
    if encrypted != "default":
        raise RejectedFile(ENCRYPTED_MESSAGE(), "encrypted")
    plain = path.with_name(path.name + ".decrypted")
    try:
        decrypt_default_password(path, plain)
        return Detected(_zip_format(plain, ""), default_password=True)
    finally:
        plain.unlink(missing_ok=True)


def decrypt_default_password(src: Path, dst: Path) -> Path:
    """Write the decrypted file of an Office file encrypted with the default password."""
    with src.open("rb") as f, dst.open("wb") as out:
        office = _office_file(f)
        office.load_key(password=DEFAULT_PASSWORD, verify_password=True)
        office.decrypt(out)
    return dst


def check_pdf(path: Path) -> None:
    """Refuse encrypted PDFs, XFA-only forms and PDFs that cannot be opened even after a repair."""
    pdf, opened = open_pdf(path)
    try:
        if len(pdf) == 0:
            raise RejectedFile(_("PDF 没有任何页面。"), code="malformed")
    finally:
        pdf.close()
        if opened != path:
            opened.unlink(missing_ok=True)
