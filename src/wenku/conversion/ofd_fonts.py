"""Fonts for OFD text drawn with reportlab: the package's own font files where they serve, else
the system font the font's name maps to, so that text stays text (searchable, selectable).

- An embedded TrueType font (or an OpenType one, converted) is used for the characters its
  character map has (private-use code points included: some writers map every glyph there).
- Chinese names map as `fonts.conf` maps them for LibreOffice: Song, FangSong, Kai, Ming and
  unknown Chinese names to Noto Serif CJK SC, Hei/YaHei/Yuan names to Noto Sans CJK SC, the bold
  face when the text is bold; Western names go through fontconfig (`fc-match` with fonts.conf),
  which gives Liberation/Carlito/Caladea for Times New Roman, Arial, Courier New, Calibri...
- reportlab embeds only TrueType outlines and Noto CJK is CFF: for each conversion the
  characters it needs are cut out of the Noto face with fontTools and made a small TrueType font.
- A character the font lacks is drawn with Noto CJK, then HanaMin A/B (CJK extensions); one no
  font has stays in the text layer, invisible (private-use ones are left out).
"""

from __future__ import annotations

import functools
import io
import logging
import os
import re
import subprocess
import uuid
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from .ofd import FontRes, OfdPackage

log = logging.getLogger("wenku.conversion")

FONTS_CONF = Path(__file__).with_name("fonts.conf")
SERIF = "Noto Serif CJK SC"
SANS = "Noto Sans CJK SC"
EXTENSIONS = ("HanaMinA", "HanaMinB")
_CJK = re.compile(r"[\u3000-\u9fff\uf900-\ufaff]")
# Western spellings of Chinese font names (Windows, Founder, SinoType, Apple).
_CJK_NAMES = (
    "simsun", "simhei", "simkai", "simfang", "kaiti", "fangsong", "nsimsun", "songti", "heiti",
    "stsong", "stkaiti", "stfangsong", "stheiti", "stxihei", "stzhongsong", "yahei", "dengxian",
    "mingliu", "pmingliu", "fzxiaobiaosong", "fzhei", "fzkai", "fzfangsong", "fzshusong",
    "pingfang", "youyuan", "lisu", "sun-extb", "source han", "noto sans cjk", "noto serif cjk",
)  # fmt: skip
_SANS_HINTS = (
    "黑", "雅黑", "圆", "等线", "苹方", "hei", "yahei", "yuan", "gothic", "dengxian", "sans",
)  # fmt: skip


@dataclass
class Face:
    name: str  # as registered with reportlab
    codes: frozenset[int]


def _cjk_name(name: str) -> bool:
    lowered = name.lower()
    return bool(_CJK.search(name)) or any(n in lowered for n in _CJK_NAMES)


def pattern_for(name: str, bold: bool) -> str:
    """The fontconfig pattern for an OFD font name."""
    weight = ":weight=bold" if bold else ""
    if not name or _cjk_name(name):
        lowered = name.lower()
        return (SANS if any(h in lowered for h in _SANS_HINTS) else SERIF) + weight
    return name.replace(":", " ").replace("-", " ") + weight


@functools.cache
def fc_match(pattern: str) -> tuple[str, int, str, str] | None:
    """(file, index in the collection, format, family) of the font fontconfig picks."""
    env = dict(os.environ, FONTCONFIG_FILE=str(FONTS_CONF))
    try:
        out = subprocess.run(
            ["fc-match", "-f", "%{file}\t%{index}\t%{fontformat}\t%{family[0]}", pattern],
            capture_output=True,
            text=True,
            timeout=20,
            env=env,
            check=True,
        ).stdout
        path, index, fmt, family = out.split("\t")
        return path, int(index or 0), fmt, family
    except (OSError, ValueError, subprocess.SubprocessError):
        log.warning("fc-match %r failed", pattern, exc_info=True)
        return None


_SYSTEM: dict[tuple[str, int], Face | None] = {}


def _system_truetype(path: str, index: int) -> Face | None:
    """A TrueType system font, registered with reportlab once per process."""
    key = (path, index)
    if key not in _SYSTEM:
        name = f"wenku-{Path(path).stem}-{index}"
        try:
            font = TTFont(name, path, subfontIndex=index)
            pdfmetrics.registerFont(font)
            _SYSTEM[key] = Face(name, frozenset(font.face.charToGlyph))
        except Exception:  # noqa: BLE001 - reportlab raises TTFError and others
            log.warning("cannot use font %s", path, exc_info=True)
            _SYSTEM[key] = None
    return _SYSTEM[key]


def _private_use(code: int) -> bool:
    return 0xE000 <= code <= 0xF8FF or code >= 0xF0000


class Chooser:
    """The face to draw each character of one text object with."""

    def __init__(self, faces: list[Face], carrier: TTFont | None) -> None:
        self.faces = faces
        self.carrier = carrier
        self._cache: dict[str, tuple[Face, bool] | None] = {}

    def face(self, ch: str) -> tuple[Face, bool] | None:
        """(face, visible): a face that has the character; else a font of this conversion
        that carries it invisibly, so that it stays in the text layer (not a private-use
        character, which means nothing without its own font); else None."""
        if ch not in self._cache:
            code = ord(ch)
            found = next((f for f in self.faces if code in f.codes), None)
            if found is not None:
                self._cache[ch] = (found, True)
            elif self.carrier is not None and not _private_use(code):
                self.carrier.face.charToGlyph.setdefault(code, 0)  # drawn as .notdef
                self._cache[ch] = (Face(self.carrier.fontName, frozenset()), False)
            else:
                self._cache[ch] = None
        return self._cache[ch]


class FontBook:
    """The fonts of one conversion. First `need()` is told every text object's font and text,
    then `prepare()` makes the Noto subsets, then `chooser()` serves the drawing; `close()`
    forgets the fonts registered for this conversion."""

    def __init__(self) -> None:
        self._prefix = f"ofd{uuid.uuid4().hex[:8]}"
        self._chars: dict[tuple[str, int], set[str]] = defaultdict(set)
        self._subsets: dict[tuple[str, int], Face | None] = {}
        self._embedded: dict[tuple[int, str], Face | None] = {}
        self._registered: list[str] = []
        self._choosers: dict[tuple, Chooser] = {}

    def _system(self, font: FontRes | None, bold: bool) -> list[tuple[str, int, str, str]]:
        name = (font.name or font.family) if font else ""
        patterns = [pattern_for(name, bold)]
        sans = any(h in name.lower() for h in _SANS_HINTS)
        patterns.append((SANS if sans else SERIF) + (":weight=bold" if bold else ""))
        patterns.extend(EXTENSIONS)
        found = []
        for pattern in patterns:
            match = fc_match(pattern)
            if match is None or match in found:
                continue
            if pattern in EXTENSIONS and match[3] != pattern:
                continue  # not installed: fontconfig's default instead
            found.append(match)
        return found

    def need(self, font: FontRes | None, bold: bool, text: str) -> None:
        for path, index, fmt, _family in self._system(font, bold):
            if fmt == "CFF":
                self._chars[(path, index)].update(text)

    def prepare(self) -> None:
        for (path, index), chars in self._chars.items():
            try:
                font = self._register(_subset_truetype(path, index, chars))
                self._subsets[(path, index)] = Face(font.fontName, frozenset(font.face.charToGlyph))
            except Exception:  # noqa: BLE001 - fontTools and reportlab raise many kinds
                log.warning("cannot subset %s", path, exc_info=True)
                self._subsets[(path, index)] = None

    def chooser(self, font: FontRes | None, pkg: OfdPackage, bold: bool) -> Chooser:
        key = (id(pkg), font.id if font else None, bold)
        if key not in self._choosers:
            faces = []
            if font is not None and font.file:
                embedded = self._embedded_face(pkg, font.file)
                if embedded is not None:
                    faces.append(embedded)
            for path, index, fmt, _family in self._system(font, bold):
                face = (
                    self._subsets.get((path, index))
                    if fmt == "CFF"
                    else _system_truetype(path, index)
                )
                if face is not None:
                    faces.append(face)
            carrier = pdfmetrics.getFont(self._registered[0]) if self._registered else None
            self._choosers[key] = Chooser(faces, carrier)
        return self._choosers[key]

    def _embedded_face(self, pkg: OfdPackage, member: str) -> Face | None:
        key = (id(pkg), member)
        if key not in self._embedded:
            self._embedded[key] = None
            try:
                data = pkg.read(member)
                if data[:4] == b"OTTO":
                    data = _truetype_from_opentype(data)
                elif data[:4] not in (b"\x00\x01\x00\x00", b"true", b"ttcf"):
                    return None  # bare CFF, Type 1: not for reportlab
                font = self._register(data)
                codes = frozenset(c for c, g in font.face.charToGlyph.items() if g)
                self._embedded[key] = Face(font.fontName, codes) if codes else None
            except Exception:  # noqa: BLE001 - embedded fonts are often partial or odd
                log.info("embedded font %s not usable; its name is mapped instead", member)
        return self._embedded[key]

    def _register(self, data: bytes) -> TTFont:
        """Register a font of this conversion. reportlab shares one font object between fonts
        of the same face name, so each gets a name of its own."""
        name = f"{self._prefix}-{len(self._registered)}"
        font = TTFont(name, io.BytesIO(data))
        font.face.name = font.face.name + b"-" + name.encode()
        pdfmetrics.registerFont(font)
        self._registered.append(name)
        return font

    def close(self) -> None:
        """Forget this conversion's fonts (reportlab has no way to unregister one)."""
        for name in self._registered:
            font = pdfmetrics._fonts.pop(name, None)  # noqa: SLF001
            if font is not None:
                pdfmetrics._dynFaceNames.pop(font.face.name, None)  # noqa: SLF001
        self._registered.clear()


def _subset_truetype(path: str, index: int, chars: set[str]) -> bytes:
    """The characters' glyphs of a CFF font as a small TrueType font."""
    from fontTools import subset  # lazy: fontTools is only needed for OFD text
    from fontTools.ttLib import TTFont as FontToolsFont

    font = FontToolsFont(path, fontNumber=index, lazy=True)
    options = subset.Options()
    options.layout_features = []
    options.hinting = False
    options.desubroutinize = True
    options.notdef_outline = True
    options.name_IDs = ["*"]
    options.drop_tables += ["VORG", "vhea", "vmtx", "BASE", "GSUB", "GPOS", "GDEF", "DSIG"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[ord(c) for c in chars])
    subsetter.subset(font)
    return _to_truetype(font)


def _truetype_from_opentype(data: bytes) -> bytes:
    from fontTools.ttLib import TTFont as FontToolsFont  # lazy: only needed for OFD text

    return _to_truetype(FontToolsFont(io.BytesIO(data)))


def _to_truetype(font) -> bytes:  # noqa: ANN001 - a fontTools TTFont
    """A CFF-flavoured font's outlines as quadratic TrueType glyphs (fontTools' otf2ttf)."""
    from fontTools.pens.cu2quPen import Cu2QuPen  # lazy: only needed for OFD text
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import newTable

    order = font.getGlyphOrder()
    glyphs = font.getGlyphSet()
    outlines = {}
    for name in order:
        pen = TTGlyphPen(glyphs)
        glyphs[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        outlines[name] = pen.glyph()
    font["loca"] = newTable("loca")
    glyf = font["glyf"] = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = outlines
    for table in ("CFF ", "CFF2", "VORG"):
        if table in font:
            del font[table]
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for attr in (
        "maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
        "maxStackElements", "maxSizeOfInstructions", "maxComponentElements",
    ):  # fmt: skip
        setattr(maxp, attr, 1 if attr == "maxZones" else 0)
    for attr in ("maxPoints", "maxContours", "maxCompositePoints", "maxCompositeContours"):
        setattr(maxp, attr, 0)
    maxp.maxComponentDepth = 0
    font["head"].glyphDataFormat = 0
    post = font["post"]
    post.formatType = 3.0
    font.sfntVersion = "\x00\x01\x00\x00"
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()
