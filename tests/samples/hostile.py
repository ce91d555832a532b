"""Builders for bad inputs: empty, garbage, malicious, encrypted and broken files.

Each ``make_*`` function writes one file to the given path and returns it as a
``pathlib.Path``. They exist so upload validation, sniffing and the conversion pipeline can
be tested against what real users (and attackers) send, without committing binaries.
"""

import io
import random
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

from wenku.samples.office import docx_bytes
from wenku.samples.pdf import pdf_bytes
from wenku.samples.text import chinese_paragraphs

__all__ = [
    "make_encrypted_pdf",
    "make_exe",
    "make_owner_only_pdf",
    "make_password_docx",
    "make_random_bytes",
    "make_truncated_pdf",
    "make_xxe_docx",
    "make_zero_byte",
    "make_zip_bomb_docx",
]


def _write(path: str | Path, data: bytes) -> Path:
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(data)
    return p


def make_zero_byte(path: str | Path) -> Path:
    """Write an empty file."""
    return _write(path, b"")


def make_random_bytes(path: str | Path, size: int = 64 * 1024, seed: int = 0) -> Path:
    """Write ``size`` pseudo-random bytes (deterministic for a given seed)."""
    return _write(path, random.Random(f"random-bytes-{seed}").randbytes(size))


# ---------------------------------------------------------------------------------------------
# Zip bomb
# ---------------------------------------------------------------------------------------------

_BOMB_CHUNK = 16 * 1024 * 1024
_DOS_TIME, _DOS_DATE = 0, (2024 - 1980) << 9 | 1 << 5 | 1  # 2024-01-01 00:00

_BOMB_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Default Extension="bin" '
    'ContentType="application/vnd.openxmlformats-officedocument.oleObject"/>'
    '<Override PartName="/word/document.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)
_BOMB_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/>'
    "</Relationships>"
)
_BOMB_DOCUMENT = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    "<w:body><w:p><w:r><w:t>季度土地利用情况报告</w:t></w:r></w:p></w:body></w:document>"
)


def _zero_deflate_pieces(size: int) -> Iterator[bytes]:
    """Yield a raw deflate stream for ``size`` zero bytes without compressing them all.

    Each chunk is compressed and ended with Z_FULL_FLUSH, which byte-aligns the output and
    resets the compressor's history, so every full chunk compresses to the very same bytes:
    we compress one chunk and repeat its output. A final empty fixed-Huffman block ends it.
    """

    def compress_alone(n: int) -> bytes:
        c = zlib.compressobj(9, zlib.DEFLATED, -15)
        return c.compress(bytes(n)) + c.flush(zlib.Z_FULL_FLUSH)

    full, rest = divmod(size, _BOMB_CHUNK)
    if full:
        piece = compress_alone(_BOMB_CHUNK)
        for _ in range(full):
            yield piece
    if rest:
        yield compress_alone(rest)
    yield zlib.compressobj(9, zlib.DEFLATED, -15).flush()  # BFINAL block: b"\x03\x00"


def _zero_crc32(size: int) -> int:
    # The true CRC (not a dummy), so a full extraction passes zipfile's integrity check.
    full, rest = divmod(size, _BOMB_CHUNK)
    zeros = bytes(_BOMB_CHUNK if full else rest)
    crc = 0
    for _ in range(full):
        crc = zlib.crc32(zeros, crc)
    return zlib.crc32(zeros[:rest], crc) if rest else crc


def make_zip_bomb_docx(
    path: str | Path,
    *,
    bomb_size: int = 2 * 1024**3,
    bomb_member: str = "word/embeddings/oleObject1.bin",
) -> Path:
    """Write a DOCX-looking zip with one member that inflates to ``bomb_size`` zero bytes.

    The package has a real [Content_Types].xml, _rels/.rels and a tiny valid
    word/document.xml, plus ``bomb_member``: 2 GiB of zeros by default, ~2 MB on disk
    (ratio ~1000:1, deflate's ceiling). Every header and the CRC are truthful, so zipfile
    reports the real sizes and a full extraction really does produce 2 GiB. Built in ~0.5 s
    by streaming; sizes must stay below 4 GiB because no Zip64 records are written.
    """
    if not 0 < bomb_size < 0xFFFFFFFF:
        raise ValueError("bomb_size must be between 1 byte and 4 GiB - 1 (no Zip64 support)")
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    central: list[bytes] = []

    def local_header(name: bytes, crc: int, csize: int, usize: int) -> bytes:
        return struct.pack(
            "<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, 8, _DOS_TIME, _DOS_DATE,
            crc, csize, usize, len(name), 0,
        ) + name  # fmt: skip

    def add_central(name: bytes, crc: int, csize: int, usize: int, offset: int) -> None:
        central.append(
            struct.pack(
                "<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, 20, 0, 8, _DOS_TIME, _DOS_DATE,
                crc, csize, usize, len(name), 0, 0, 0, 0, 0o644 << 16, offset,
            ) + name
        )  # fmt: skip

    with out.open("wb") as f:
        for member, text in (
            ("[Content_Types].xml", _BOMB_CONTENT_TYPES),
            ("_rels/.rels", _BOMB_RELS),
            ("word/document.xml", _BOMB_DOCUMENT),
        ):
            raw = text.encode("utf-8")
            c = zlib.compressobj(9, zlib.DEFLATED, -15)
            data = c.compress(raw) + c.flush()
            name = member.encode()
            crc = zlib.crc32(raw)
            offset = f.tell()
            f.write(local_header(name, crc, len(data), len(raw)))
            f.write(data)
            add_central(name, crc, len(data), len(raw), offset)

        pieces = list(_zero_deflate_pieces(bomb_size))
        csize = sum(len(p) for p in pieces)
        crc = _zero_crc32(bomb_size)
        name = bomb_member.encode()
        offset = f.tell()
        # Sizes are known up front, so no data descriptor is needed: the local header is
        # exactly what a scanner reading only local headers would see.
        f.write(local_header(name, crc, csize, bomb_size))
        for piece in pieces:
            f.write(piece)
        add_central(name, crc, csize, bomb_size, offset)

        cd_offset = f.tell()
        cd = b"".join(central)
        f.write(cd)
        f.write(
            struct.pack(
                "<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(central), len(central), len(cd),
                cd_offset, 0,
            )
        )  # fmt: skip
    return out


# ---------------------------------------------------------------------------------------------
# Malicious / protected Office files
# ---------------------------------------------------------------------------------------------

_XXE_MARKER = "WENKU_XXE_PLACEHOLDER"


def _rewrite_member(data: bytes, member: str, fn: Callable[[bytes], bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info)
            dst.writestr(info, fn(body) if info.filename == member else body)
    return out.getvalue()


def make_xxe_docx(path: str | Path, target: str = "/etc/passwd") -> Path:
    """Write a DOCX whose word/document.xml declares and uses an external entity.

    The document element is preceded by
    ``<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>`` and one text run
    contains ``&xxe;``; a parser that resolves entities would pull the target file into the
    document text. ``target`` may be a filesystem path or a full URL (e.g. ``http://...``).
    """
    uri = target if "://" in target else "file://" + target
    plain = docx_bytes(
        title="季度工作总结",
        paragraphs=[*chinese_paragraphs(2, seed=7), f"附件：{_XXE_MARKER}"],
        pages=None,
        font="宋体",
        heading_font="黑体",
        seed=7,
        with_table=False,
        with_image=False,
    )

    def inject(xml: bytes) -> bytes:
        decl_end = xml.index(b"?>") + 2
        decl = xml[:decl_end].replace(b"standalone='yes'", b"standalone='no'")
        doctype = f'\n<!DOCTYPE w:document [\n  <!ENTITY xxe SYSTEM "{uri}">\n]>'.encode()
        body = xml[decl_end:].replace(_XXE_MARKER.encode(), b"&xxe;")
        return decl + doctype + body

    return _write(path, _rewrite_member(plain, "word/document.xml", inject))


def make_password_docx(path: str | Path, password: str = "secret") -> Path:
    """Write a password-protected DOCX (ECMA-376 agile encryption, as Word does).

    The result is an OLE compound file (magic ``D0 CF 11 E0``) holding EncryptionInfo and
    EncryptedPackage streams, so it is not a zip any more. Output differs per call because
    msoffcrypto-tool draws a random salt; the plaintext inside is deterministic.
    """
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = docx_bytes(
        title="内部资料（加密）",
        paragraphs=chinese_paragraphs(3, seed=11),
        pages=None,
        font="宋体",
        heading_font="黑体",
        seed=11,
        with_table=False,
        with_image=False,
    )
    out = io.BytesIO()
    OOXMLFile(io.BytesIO(plain)).encrypt(password, out)
    return _write(path, out.getvalue())


# ---------------------------------------------------------------------------------------------
# Broken / protected PDFs
# ---------------------------------------------------------------------------------------------


def make_encrypted_pdf(
    path: str | Path, user_password: str = "secret", owner_password: str = "owner-secret"
) -> Path:
    """Write a 3-page AES-256 (R6) encrypted PDF that needs ``user_password`` to open.

    Bytes differ per call: qpdf refuses deterministic IDs for encrypted output.
    """
    import pikepdf

    plain = pdf_bytes(title="涉密文件（测试）", pages=3, seed=21)
    with pikepdf.open(io.BytesIO(plain)) as pdf:
        out = io.BytesIO()
        pdf.save(
            out,
            encryption=pikepdf.Encryption(owner=owner_password, user=user_password, R=6),
        )
    return _write(path, out.getvalue())


def make_owner_only_pdf(path: str | Path, owner_password: str = "owner-secret") -> Path:
    """Write a 3-page AES-256 PDF with only an owner password and restrictive permissions.

    It opens without any password (empty user password), but claims printing, copying and
    editing are forbidden; viewers honour that, renderers like pdfium can still draw it.
    """
    import pikepdf

    plain = pdf_bytes(title="仅限阅读的文件", pages=3, seed=22)
    allow = pikepdf.Permissions(
        extract=False,
        modify_annotation=False,
        modify_assembly=False,
        modify_form=False,
        modify_other=False,
        print_lowres=False,
        print_highres=False,
    )
    with pikepdf.open(io.BytesIO(plain)) as pdf:
        out = io.BytesIO()
        pdf.save(
            out,
            encryption=pikepdf.Encryption(owner=owner_password, user="", R=6, allow=allow),
        )
    return _write(path, out.getvalue())


def make_truncated_pdf(path: str | Path, keep: float = 0.6) -> Path:
    """Write a valid 10-page PDF cut after ``keep`` of its bytes (no xref, no trailer).

    pdfium refuses to load it; note that qpdf/pikepdf may still "repair" it by scanning for
    objects, so a pipeline that repairs before rendering can recover some pages.
    """
    if not 0 < keep < 1:
        raise ValueError("keep must be strictly between 0 and 1")
    data = pdf_bytes(title="被截断的报告", pages=10, seed=23)
    return _write(path, data[: int(len(data) * keep)])


# ---------------------------------------------------------------------------------------------
# Executable
# ---------------------------------------------------------------------------------------------


def _pe_bytes() -> bytes:
    """A minimal but structurally valid PE32 console executable (its code is just ``ret``).

    Content sniffers (libmagic, python-magic, filetype) look at ``MZ``, ``e_lfanew`` and the
    ``PE\\0\\0`` signature; with a real COFF and optional header they report
    "PE32 executable (console) Intel 80386, for MS Windows".
    """
    e_lfanew = 0x80
    dos_header = struct.pack(
        "<2s13H8s2H20sI",
        b"MZ", 0x90, 3, 0, 4, 0, 0xFFFF, 0, 0xB8, 0, 0, 0, 0x40, 0,
        b"\0" * 8, 0, 0, b"\0" * 20, e_lfanew,
    )  # fmt: skip
    dos_stub = (
        b"\x0e\x1f\xba\x0e\x00\xb4\x09\xcd\x21\xb8\x01\x4c\xcd\x21"
        b"This program cannot be run in DOS mode.\r\r\n$"
    )
    head = (dos_header + dos_stub).ljust(e_lfanew, b"\0")
    coff = struct.pack("<HHIIIHH", 0x14C, 1, 0, 0, 0, 0xE0, 0x0102)
    optional = struct.pack(
        "<HBBIIIIIIIIIHHHHHHIIIIHHIIIIII",
        0x10B, 14, 0,  # PE32 magic, linker version
        0x200, 0, 0,  # sizes of code / initialised / uninitialised data
        0x1000, 0x1000, 0x2000,  # entry point, base of code, base of data
        0x400000, 0x1000, 0x200,  # image base, section and file alignment
        6, 0, 0, 0, 6, 0,  # OS, image and subsystem versions
        0, 0x2000, 0x200, 0,  # win32 version, image size, headers size, checksum
        3, 0x8140,  # console subsystem; NX-compatible, dynamic base, TS-aware
        0x100000, 0x1000, 0x100000, 0x1000,  # stack/heap reserve and commit
        0, 16,  # loader flags, number of data directories
    ) + b"\0" * (16 * 8)  # fmt: skip
    section = struct.pack(
        "<8sIIIIIIHHI", b".text", 0x10, 0x1000, 0x200, 0x200, 0, 0, 0, 0, 0x60000020
    )
    headers = (head + b"PE\0\0" + coff + optional + section).ljust(0x200, b"\0")
    code = b"\x31\xc0\xc3".ljust(0x200, b"\xcc")  # xor eax, eax; ret; int3 padding
    return headers + code


def make_exe(path: str | Path) -> Path:
    """Write a 1 KiB Windows executable (``MZ``/``PE`` headers) that sniffs as PE32."""
    return _write(path, _pe_bytes())
