"""Decide what a file is from its bytes, and refuse what must never reach LibreOffice.

The extension is only a hint: a DOCX is a zip with `word/document.xml`, a PDF starts with
`%PDF-`. Everything refused here is refused with a message that names the problem, before the
file is stored or a converter sees it (LibreOffice takes a minute to reject a zip bomb and turns
random bytes into pages of garbage).
"""

from __future__ import annotations

import codecs
import zipfile
from dataclasses import dataclass
from pathlib import Path

import olefile
import pypdfium2 as pdfium

from wenku.config import CONFIG

from .errors import RejectedFile

ACCEPTED_EXTENSIONS = {
    "docx", "doc", "odt", "rtf", "txt", "pptx", "ppt", "odp",
    "xlsx", "xls", "ods", "csv", "pdf", "epub",
}  # fmt: skip
TEXT_EXTENSIONS = {"txt": "txt", "csv": "csv", "text": "txt", "md": "txt", "log": "txt"}
ODF_MIMETYPES = {
    b"application/vnd.oasis.opendocument.text": "odt",
    b"application/vnd.oasis.opendocument.spreadsheet": "ods",
    b"application/vnd.oasis.opendocument.presentation": "odp",
    b"application/epub+zip": "epub",
}
OOXML_MAIN_PARTS = {
    "word/document.xml": "docx",
    "ppt/presentation.xml": "pptx",
    "xl/workbook.xml": "xlsx",
}
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
EXECUTABLE_MAGIC = (b"MZ", b"\x7fELF", b"\xfe\xed\xfa", b"\xcf\xfa\xed\xfe", b"#!")
XML_SUFFIXES = (".xml", ".rels", ".opf", ".ncx", ".xhtml", ".html", ".htm", ".svg")


@dataclass(frozen=True)
class Detected:
    format: str
    text_encoding: str | None = None


def extension_of(filename: str) -> str:
    return filename.rsplit(".", 1)[-1].lower() if "." in filename else ""


def detect(path: Path, filename: str) -> Detected:
    """Return the format of the file at `path`, or raise RejectedFile saying why not."""
    size = path.stat().st_size
    ext = extension_of(filename)
    if size == 0:
        raise RejectedFile("文件为空（0 字节）。", code="empty")
    with path.open("rb") as f:
        head = f.read(8192)

    if head.startswith(EXECUTABLE_MAGIC):
        raise RejectedFile("不支持的文件类型：可执行文件或脚本。", code="unsupported")
    if b"%PDF-" in head[:1024]:
        check_pdf(path)
        return Detected("pdf")
    if head.startswith(b"PK\x03\x04"):
        return Detected(_zip_format(path, ext))
    if head.startswith(OLE_MAGIC):
        return Detected(_ole_format(path, ext))
    if head.startswith(b"{\\rtf"):
        return Detected("rtf")
    encoding = _text_encoding(path, head)
    if encoding is not None:
        if ext not in TEXT_EXTENSIONS:
            raise RejectedFile(_unsupported(ext), code="unsupported")
        return Detected(TEXT_EXTENSIONS[ext], text_encoding=encoding)
    if ext and ext not in ACCEPTED_EXTENSIONS:
        raise RejectedFile(_unsupported(ext), code="unsupported")
    if ext:
        raise RejectedFile(
            f"文件扩展名为 .{ext}，但内容不是有效的 {ext.upper()} 文档（文件已损坏或类型不符）。",
            code="malformed",
        )
    raise RejectedFile(
        "无法识别的文件内容，请上传 Office、PDF、EPUB 或文本文档。", code="malformed"
    )


def _unsupported(ext: str) -> str:
    shown = f".{ext}" if ext else "（无扩展名）"
    accepted = "、".join(sorted(e.upper() for e in ACCEPTED_EXTENSIONS))
    return f"不支持的文件类型 {shown}。支持的格式：{accepted}。"


def _text_encoding(path: Path, head: bytes) -> str | None:
    """The encoding of a plain-text file, or None when the bytes are not text."""
    if head.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]
    else:
        if b"\x00" in head:
            return None
        candidates = ["utf-8", "gb18030"]
    data = path.read_bytes()
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        controls = sum(1 for ch in text[:8192] if ord(ch) < 32 and ch not in "\r\n\t\f")
        if controls == 0:
            return encoding
    return None


def _zip_format(path: Path, ext: str) -> str:
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            _check_zip_bomb(infos, path.stat().st_size)
            if any(info.flag_bits & 0x1 for info in infos):
                raise RejectedFile("文档设有密码保护（压缩包已加密），无法转换。", code="encrypted")
            names = {info.filename for info in infos}
            fmt = None
            if "mimetype" in names:
                fmt = ODF_MIMETYPES.get(zf.read("mimetype").strip())
            if fmt is None and "[Content_Types].xml" in names:
                fmt = next((f for part, f in OOXML_MAIN_PARTS.items() if part in names), None)
            if fmt is None:
                raise RejectedFile(
                    "压缩包不是受支持的文档（DOCX、XLSX、PPTX、ODT、ODS、ODP 或 EPUB）。",
                    code="unsupported" if ext not in ACCEPTED_EXTENSIONS else "malformed",
                )
            _check_xml_parts(zf, infos, allow_doctype=fmt == "epub")
            return fmt
    except zipfile.BadZipFile as exc:
        raise RejectedFile(f"文件已损坏：不是有效的压缩文档（{exc}）。", code="malformed") from exc


def _check_zip_bomb(infos: list[zipfile.ZipInfo], archive_size: int) -> None:
    if len(infos) > CONFIG.max_zip_members:
        raise RejectedFile(f"压缩文档包含 {len(infos)} 个条目，超过上限。", code="zip_bomb")
    declared = sum(info.file_size for info in infos)
    if declared > CONFIG.max_unzipped_bytes:
        raise RejectedFile(
            f"疑似压缩炸弹：解压后将达 {declared / 1024**2:.0f} MB，"
            f"上限为 {CONFIG.max_unzipped_mb} MB。",
            code="zip_bomb",
        )
    for info in infos:
        # Office XML compresses 5-30x; a member far beyond that is made to explode.
        if info.file_size > 10 * 1024**2 and info.file_size > CONFIG.max_zip_ratio * max(
            info.compress_size, 1
        ):
            ratio = info.file_size / max(info.compress_size, 1)
            raise RejectedFile(
                f"疑似压缩炸弹：条目 {info.filename[:60]} 压缩比为 {ratio:.0f}:1。",
                code="zip_bomb",
            )


def _check_xml_parts(zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo], *, allow_doctype: bool):
    """Refuse XML parts that declare entities (XXE, billion laughs) before any parser sees them."""
    for info in infos:
        if not info.filename.lower().endswith(XML_SUFFIXES):
            continue
        with zf.open(info) as member:
            # The DOCTYPE of a well-formed XML document can only stand in its prolog.
            prolog = member.read(16384)
        lowered = prolog.lower()
        if prolog.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            lowered = prolog.decode("utf-16", errors="ignore").lower().encode()
        if b"<!entity" in lowered or (not allow_doctype and b"<!doctype" in lowered):
            raise RejectedFile(
                f"文档的 XML 部件 {info.filename[:60]} 含有 DOCTYPE/实体声明"
                "（可能用于读取服务器文件的 XXE 攻击），已拒绝。",
                code="xxe",
            )


def _ole_format(path: Path, ext: str) -> str:
    try:
        with olefile.OleFileIO(str(path)) as ole:
            if ole.exists("EncryptionInfo") or ole.exists("EncryptedPackage"):
                raise RejectedFile(
                    "文档设有打开密码，无法转换。请去除密码后重新上传。", "encrypted"
                )
            if ole.exists("WordDocument"):
                fmt = "doc"
            elif ole.exists("Workbook") or ole.exists("Book"):
                fmt = "xls"
            elif ole.exists("PowerPoint Document"):
                fmt = "ppt"
            else:
                raise RejectedFile("不支持的 OLE 复合文档（不是 DOC、XLS 或 PPT）。", "unsupported")
    except OSError as exc:
        raise RejectedFile(
            f"文件已损坏：无法读取 Office 97-2003 文档（{exc}）。", "malformed"
        ) from exc
    if _legacy_encrypted(path):
        raise RejectedFile("文档设有打开密码，无法转换。请去除密码后重新上传。", "encrypted")
    return fmt


def _legacy_encrypted(path: Path) -> bool:
    import msoffcrypto

    try:
        with path.open("rb") as f:
            return bool(msoffcrypto.OfficeFile(f).is_encrypted())
    except Exception:  # noqa: BLE001 - msoffcrypto raises many kinds on odd files
        # Unknown to msoffcrypto is not proof of encryption; LibreOffice will decide.
        return False


def check_pdf(path: Path) -> None:
    """Refuse encrypted PDFs and PDFs that cannot be opened even after a repair."""
    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) == 4:
            raise RejectedFile(
                "PDF 已加密，需要密码才能打开。请去除密码后重新上传。", "encrypted"
            ) from exc
        from .pdf import repair_pdf

        try:
            repaired = repair_pdf(path, path.with_name(path.name + ".repaired.pdf"))
        except RejectedFile:
            raise
        repaired.unlink(missing_ok=True)
        return
    try:
        if len(pdf) == 0:
            raise RejectedFile("PDF 没有任何页面。", code="malformed")
    finally:
        pdf.close()
