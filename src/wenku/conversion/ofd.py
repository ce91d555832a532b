"""OFD (GB/T 33190, China's fixed-layout format) packages: their parts, and what is refused.

An OFD is a zip. `OFD.xml` names each document's `Document.xml` (DocBody/DocRoot), which lists
the pages (Pages/Page BaseLoc), the templates (CommonData/TemplatePage), the resource files
(PublicRes, DocumentRes: fonts, colour spaces, draw parameters, images, composite units), the
default page size (CommonData/PageArea/PhysicalBox) and the annotations. `OFD.xml` may name the
signatures: each Signature.xml places a seal on a page (StampAnnot) whose picture is kept in the
signed value or the seal file (ASN.1: a PNG, JPEG or GIF, or a small OFD of its own).
Lengths are millimetres with the origin at the top-left corner. Every part is parsed with
defusedxml and named only inside the package; `ofd_draw` draws the pages.
"""

from __future__ import annotations

import io
import logging
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element

from defusedxml import ElementTree as SafeET
from django.utils.translation import gettext as _

from .errors import RejectedFile

log = logging.getLogger("wenku.conversion")

MAX_PAGES = 2000
MAX_PAGE_MM = 5000.0  # 5 m: no printer, screen or sheet of paper is larger
MAX_PART_BYTES = 64 * 1024**2  # one part read into memory
# A seal whose picture is itself an OFD: a few kilobytes in practice.
MAX_SEAL_BYTES = 8 * 1024**2
MAX_SEAL_MEMBERS = 200
A4 = (0.0, 0.0, 210.0, 297.0)
PICTURE_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"BM", b"PK\x03\x04")
_ROOT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)[\s>/]")
_PHYSICAL_BOX = re.compile(rb"PhysicalBox[^>]*>([^<]*)<")
_CONTENT_TAG = re.compile(rb"<(?:[\w.-]+:)?Content[\s>]")


def floats(text: str | None) -> list[float]:
    out = []
    for token in (text or "").replace(",", " ").split():
        try:
            out.append(float(token))
        except ValueError:
            continue
    return out


def box(text: str | None) -> tuple[float, float, float, float] | None:
    values = floats(text)
    return (values[0], values[1], values[2], values[3]) if len(values) >= 4 else None


def _decoded_name(info: zipfile.ZipInfo) -> str:
    """The member's name as its writer meant it: zips without the UTF-8 flag hold UTF-8 or
    GBK bytes that Python decoded as code page 437."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        raw = info.filename.encode("cp437")
    except UnicodeEncodeError:
        return info.filename
    for encoding in ("utf-8", "gbk"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return info.filename


def _strip_namespaces(root: Element) -> Element:
    for el in root.iter():
        if isinstance(el.tag, str) and "}" in el.tag:
            el.tag = el.tag.rsplit("}", 1)[1]
    return root


class OfdPackage:
    """The members of an OFD zip, found by the names its parts use for each other."""

    def __init__(self, zf: zipfile.ZipFile) -> None:
        self.zf = zf
        self._infos: dict[str, zipfile.ZipInfo] = {}
        self._lower: dict[str, str] = {}
        for info in zf.infolist():
            if info.is_dir():
                continue
            name = posixpath.normpath(_decoded_name(info).replace("\\", "/").lstrip("/"))
            self._infos[name] = info
            self._lower.setdefault(name.lower(), name)

    def find(self, base: str, ref: str | None) -> str | None:
        """The member `ref` names, relative to the folder `base` (or to the package when it
        starts with "/"); None when there is none, or when it points outside the package."""
        ref = (ref or "").strip().replace("\\", "/")
        if not ref:
            return None
        candidates = [ref.lstrip("/")] if ref.startswith("/") else [posixpath.join(base, ref), ref]
        for candidate in candidates:
            name = posixpath.normpath(candidate)
            if name == ".." or name.startswith("../"):
                continue
            if name in self._infos:
                return name
            if name.lower() in self._lower:
                return self._lower[name.lower()]
        return None

    def size(self, name: str) -> int:
        return self._infos[name].file_size

    def head(self, name: str, size: int) -> bytes:
        with self.zf.open(self._infos[name]) as member:
            return member.read(size)

    def read(self, name: str, limit: int = MAX_PART_BYTES) -> bytes:
        info = self._infos[name]
        if info.file_size > limit:
            raise RejectedFile(
                _("OFD 文件中的 %(name)s 过大（%(mb).0f MB）。")
                % {"name": name[:60], "mb": info.file_size / 1024**2},
                code="malformed",
            )
        with self.zf.open(info) as member:
            return member.read(limit + 1)[:limit]

    def xml(self, name: str) -> Element:
        data = self.read(name)
        try:
            root = SafeET.fromstring(data)
        except SafeET.ParseError as exc:
            raise RejectedFile(
                _("OFD 文件已损坏或已加密：%(name)s 不是有效的 XML。") % {"name": name[:60]},
                code="malformed",
                detail=str(exc),
            ) from exc
        except Exception as exc:  # defusedxml's EntitiesForbidden, DTDForbidden...
            raise RejectedFile(
                _(
                    "文档的 XML 部件 %(name)s 含有实体声明或外部引用"
                    "（可能用于读取服务器文件的 XXE 攻击），已拒绝。"
                )
                % {"name": name[:60]},
                code="xxe",
                detail=repr(exc),
            ) from exc
        return _strip_namespaces(root)


@dataclass
class FontRes:
    id: str
    name: str
    family: str = ""
    bold: bool = False
    italic: bool = False
    file: str | None = None  # the embedded font's member


@dataclass
class Resources:
    fonts: dict[str, FontRes] = field(default_factory=dict)
    colorspaces: dict[str, tuple[str, int]] = field(default_factory=dict)
    draw_params: dict[str, Element] = field(default_factory=dict)
    media: dict[str, tuple[str, str]] = field(default_factory=dict)  # id: (member, format)
    composites: dict[str, Element] = field(default_factory=dict)
    loaded: set[str] = field(default_factory=set)  # resource files already read


@dataclass
class PageRef:
    id: str
    content: str  # the page's member
    box: tuple[float, float, float, float]


@dataclass
class Stamp:
    """A seal placed on a page by a signature."""

    page_id: str
    boundary: tuple[float, float, float, float]
    clip: tuple[float, float, float, float] | None
    sources: list[str]  # members that may hold its picture: signed value, then seal file


@dataclass
class OfdDocument:
    pkg: OfdPackage
    folder: str  # Document.xml's folder
    pages: list[PageRef]
    templates: dict[str, str]  # TemplatePage ID: member
    res: Resources
    annotations: dict[str, list[str]]  # page ID: annotation members
    stamps: list[Stamp]
    _pictures: dict[int, bytes | None] = field(default_factory=dict)

    def seal_picture(self, stamp: Stamp) -> bytes | None:
        key = id(stamp)
        if key not in self._pictures:
            self._pictures[key] = _seal_picture(self.pkg, stamp)
        return self._pictures[key]


def is_ofd(zf: zipfile.ZipFile) -> bool:
    """A zip whose OFD.xml has an `OFD` root element (the `ofd:` namespace of GB/T 33190)."""
    pkg = OfdPackage(zf)
    name = pkg.find("", "OFD.xml")
    if name is None:
        return False
    head = pkg.head(name, 8192)
    for match in _ROOT.finditer(head):
        if head[match.start() + 1 : match.start() + 2] in (b"?", b"!"):
            continue
        return match.group(1) == b"OFD"
    return False


def check_package(zf: zipfile.ZipFile) -> int:
    """Refuse an OFD whose parts are missing, unreadable, encrypted or absurd; return its page
    count. Only the small parts are parsed; each page's size is read from its first bytes."""
    pkg = OfdPackage(zf)
    if any(posixpath.basename(name).lower() == "encryptions.xml" for name in pkg._infos):
        raise RejectedFile(_encrypted_message(), code="encrypted")
    documents = read_package(pkg)
    pages = 0
    for document in documents:
        for page in document.pages:
            pages += 1
            _check_size(page.box, pages)
            head = pkg.head(page.content, 16384)
            cut = _CONTENT_TAG.search(head)
            own = _PHYSICAL_BOX.search(head[: cut.start()] if cut else head)
            if own is not None:
                own_box = box(own.group(1).decode("ascii", "replace"))
                if own_box is not None:
                    _check_size(own_box, pages)
    return pages


def _encrypted_message() -> str:
    return _("OFD 文件已加密，无法转换。请去除加密后重新上传。")


def _check_size(page_box: tuple[float, float, float, float], number: int) -> None:
    width, height = page_box[2], page_box[3]
    if not (0 < width <= MAX_PAGE_MM and 0 < height <= MAX_PAGE_MM):
        raise RejectedFile(
            _("OFD 第 %(page)s 页的尺寸 %(width)s × %(height)s 毫米不合理（上限 %(max)s 毫米）。")
            % {"page": number, "width": f"{width:g}", "height": f"{height:g}", "max": "5000"},
            code="malformed",
        )


def _missing(name: str) -> RejectedFile:
    return RejectedFile(
        _("OFD 文件已损坏：缺少 %(name)s。") % {"name": (name or "?")[:80]}, code="malformed"
    )


def read_package(pkg: OfdPackage) -> list[OfdDocument]:
    """Every document of the package (usually one), or RejectedFile saying what is wrong."""
    entry = pkg.find("", "OFD.xml")
    if entry is None:
        raise _missing("OFD.xml")
    root = pkg.xml(entry)
    if root.tag != "OFD":
        raise RejectedFile(_("OFD.xml 不是 OFD 入口文件。"), code="malformed")
    if root.find("DocBody/Encryptions") is not None or root.find("Encryptions") is not None:
        raise RejectedFile(_encrypted_message(), code="encrypted")
    bodies = root.findall("DocBody")
    if not bodies:
        raise _missing("DocBody")
    documents = []
    count = 0
    for body in bodies:
        document = _read_document(pkg, body)
        count += len(document.pages)
        if count > MAX_PAGES:
            raise RejectedFile(
                _("OFD 文档超过 %(max)s 页，无法转换。") % {"max": MAX_PAGES}, code="too_many_pages"
            )
        documents.append(document)
    if count == 0:
        raise RejectedFile(_("OFD 文档没有任何页面。"), code="malformed")
    return documents


def _read_document(pkg: OfdPackage, body: Element) -> OfdDocument:
    doc_root = (body.findtext("DocRoot") or "").strip()
    doc_name = pkg.find("", doc_root)
    if doc_name is None:
        raise _missing(doc_root or "Document.xml")
    doc = pkg.xml(doc_name)
    folder = posixpath.dirname(doc_name)
    common = doc.find("CommonData")
    default_box = A4
    templates: dict[str, str] = {}
    res = Resources()
    if common is not None:
        default_box = box(common.findtext("PageArea/PhysicalBox")) or A4
        for tpl in common.findall("TemplatePage"):
            name = pkg.find(folder, tpl.get("BaseLoc"))
            if name is not None:
                templates[tpl.get("ID", "")] = name
        for ref in [*common.findall("PublicRes"), *common.findall("DocumentRes")]:
            load_resources(pkg, res, folder, ref.text)
    pages = []
    for number, page in enumerate(doc.findall("Pages/Page"), start=1):
        if number > MAX_PAGES:
            raise RejectedFile(
                _("OFD 文档超过 %(max)s 页，无法转换。") % {"max": MAX_PAGES}, code="too_many_pages"
            )
        content = pkg.find(folder, page.get("BaseLoc"))
        if content is None:
            raise RejectedFile(
                _("OFD 文件已损坏：缺少第 %(page)s 页的内容 %(name)s。")
                % {"page": number, "name": (page.get("BaseLoc") or "?")[:80]},
                code="malformed",
            )
        pages.append(PageRef(page.get("ID", str(number)), content, default_box))
    annotations = _annotations(pkg, folder, doc.findtext("Annotations"))
    stamps = _stamps(pkg, body.findtext("Signatures"))
    return OfdDocument(pkg, folder, pages, templates, res, annotations, stamps)


def load_resources(pkg: OfdPackage, res: Resources, folder: str, ref: str | None) -> None:
    """Add the fonts, colour spaces, draw parameters, images and composite units of a resource
    file (a document's PublicRes/DocumentRes, or a page's PageRes)."""
    name = pkg.find(folder, ref)
    if name is None:
        if ref:
            log.info("OFD resource file %s is missing", ref)
        return
    if name in res.loaded:
        return
    res.loaded.add(name)
    root = pkg.xml(name)
    here = posixpath.dirname(name)
    base = posixpath.join(here, root.get("BaseLoc", "")) if root.get("BaseLoc") else here

    def member(ref: str | None) -> str | None:
        return pkg.find(base, ref) or pkg.find(here, ref) or pkg.find(folder, ref)

    for font in root.iter("Font"):
        res.fonts[font.get("ID", "")] = FontRes(
            font.get("ID", ""),
            font.get("FontName", ""),
            font.get("FamilyName", ""),
            font.get("Bold") == "true",
            font.get("Italic") == "true",
            member(font.findtext("FontFile")),
        )
    for space in root.iter("ColorSpace"):
        bits = int(floats(space.get("BitsPerComponent", "8"))[0] or 8)
        res.colorspaces[space.get("ID", "")] = (space.get("Type", "RGB").upper(), bits)
    for param in root.iter("DrawParam"):
        res.draw_params[param.get("ID", "")] = param
    for media in root.iter("MultiMedia"):
        file = member(media.findtext("MediaFile"))
        if file is not None:
            res.media[media.get("ID", "")] = (file, (media.get("Format") or "").lower())
    for unit in root.iter("CompositeGraphicUnit"):
        res.composites[unit.get("ID", "")] = unit


def _annotations(pkg: OfdPackage, folder: str, ref: str | None) -> dict[str, list[str]]:
    name = pkg.find(folder, ref)
    if name is None:
        return {}
    found: dict[str, list[str]] = {}
    for page in pkg.xml(name).findall("Page"):
        loc = pkg.find(posixpath.dirname(name), page.findtext("FileLoc"))
        if loc is not None:
            found.setdefault(page.get("PageID", ""), []).append(loc)
    return found


def _stamps(pkg: OfdPackage, ref: str | None) -> list[Stamp]:
    name = pkg.find("", ref)
    if name is None:
        return []
    stamps = []
    for signature in pkg.xml(name).findall("Signature"):
        sig_name = pkg.find(posixpath.dirname(name), signature.get("BaseLoc"))
        if sig_name is None:
            continue
        try:
            sig = pkg.xml(sig_name)
        except RejectedFile:
            log.info("OFD signature %s is unreadable; its seal is not drawn", sig_name)
            continue
        here = posixpath.dirname(sig_name)
        sources = [
            found
            for ref in (sig.findtext("SignedValue"), sig.findtext("SignedInfo/Seal/BaseLoc"))
            if (found := pkg.find(here, (ref or "").strip())) is not None
        ]
        for annot in sig.iter("StampAnnot"):
            boundary = box(annot.get("Boundary"))
            if boundary is not None:
                stamps.append(
                    Stamp(annot.get("PageRef", ""), boundary, box(annot.get("Clip")), sources)
                )
    return stamps


def _seal_picture(pkg: OfdPackage, stamp: Stamp) -> bytes | None:
    """The seal's picture: an image file, or the bytes of a small OFD package."""
    for source in stamp.sources:
        if pkg.size(source) > MAX_SEAL_BYTES:
            continue
        data = pkg.read(source, MAX_SEAL_BYTES)
        found = _der_picture(data, 0, len(data), 0)
        if found is None:
            found = _png_in(data)
        if found is not None:
            return found
    return None


def _der_picture(data: bytes, start: int, end: int, depth: int) -> bytes | None:
    """The first OCTET STRING of a DER structure (a GM/T 0031 seal or signature) that holds a
    picture; constructed values and OCTET STRINGs that hold DER themselves are searched too."""
    i = start
    while i + 2 <= end:
        tag = data[i]
        i += 1
        if tag & 0x1F == 0x1F:  # a tag number in more bytes
            while i < end and data[i] & 0x80:
                i += 1
            i += 1
        if i >= end:
            return None
        length = data[i]
        i += 1
        if length & 0x80:
            size = length & 0x7F
            if not 0 < size <= 4 or i + size > end:
                return None
            length = int.from_bytes(data[i : i + size], "big")
            i += size
        if i + length > end:
            return None
        if tag & 0x20 and depth < 16:
            found = _der_picture(data, i, i + length, depth + 1)
            if found is not None:
                return found
        elif tag == 0x04:
            value = data[i : i + length]
            if value.startswith(PICTURE_MAGIC):
                return value
            if value[:1] == b"\x30" and depth < 16:
                found = _der_picture(data, i, i + length, depth + 1)
                if found is not None:
                    return found
        i += length
    return None


def _png_in(data: bytes) -> bytes | None:
    start = data.find(b"\x89PNG\r\n\x1a\n")
    end = data.find(b"IEND", start)
    return data[start : end + 8] if start >= 0 and end > start else None


def seal_package(data: bytes) -> OfdPackage | None:
    """A seal whose picture is an OFD: its package, within small limits, or None."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, OSError):
        return None
    total = sum(info.file_size for info in infos)
    if (
        len(infos) > MAX_SEAL_MEMBERS
        or total > MAX_SEAL_BYTES
        or any(info.flag_bits & 0x1 for info in infos)
    ):
        return None
    return OfdPackage(zf)
