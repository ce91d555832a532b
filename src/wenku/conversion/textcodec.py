"""Which encoding a plain-text upload is in, or that it is not text at all.

People upload TXT and CSV files in whatever their system wrote: UTF-8 (with or without a BOM),
UTF-16, GBK/GB18030, Big5, Shift-JIS, EUC-KR, cp1252/Latin-1, cp866/cp1251. The order of the
checks below is the order of their certainty:

1. A byte-order mark decides (UTF-8, UTF-16/32 LE/BE).
2. Bytes that decode as strict UTF-8 are UTF-8: other encodings almost never do, past a few
   characters.
3. NUL bytes without a BOM mean binary (or BOM-less UTF-16, which charset-normalizer finds).
4. charset-normalizer ranks the legacy encodings. Two corrections, each for a mistake it made on
   our samples:
   - **CJK**: on short texts it confuses Big5, GB18030 and Shift-JIS (23 bytes of Big5 were
     "cp932"). Every CJK candidate that decodes strictly is scored by how plausible its
     characters are (`_cjk_score`: common hanzi of GB2312 or Big5 level 1, kana, hangul), and the
     best wins; GBK and GB2312 are read as their superset GB18030.
   - **Western single-byte**: for French and German it answered iso8859_14, cp1250 or cp1006,
     which turn "è" into "č". When its pick is a Latin single-byte code page and cp1252 decodes
     the bytes, cp1252 is taken (the code page Windows writes for Western languages, a superset
     of Latin-1's printable characters) unless the text reads as a Central European language
     and the two code pages read it differently.
5. A text is refused as binary when, once decoded, more than 1% of its characters are control
   characters (other than tab, line breaks and form feed).

`decode()` turns the bytes into text with the detected encoding; characters outside the BMP
(CJK Extension B in UTF-8 or GB18030's four-byte sequences) survive it.
"""

from __future__ import annotations

import codecs
import functools
import unicodedata

import charset_normalizer

# How much of a file is looked at to decide (the whole file is decoded strictly afterwards).
SAMPLE_BYTES = 256 * 1024
CJK_ENCODINGS = ("gb18030", "big5", "cp932", "cp949")
# charset-normalizer's names for encodings read as a superset.
SUPERSETS = {
    "gb2312": "gb18030", "gbk": "gb18030", "cp936": "gb18030", "hz": "gb18030",
    "big5hkscs": "big5", "cp950": "big5", "shift_jis": "cp932", "euc_kr": "cp949",
    "ascii": "utf-8", "latin_1": "cp1252", "iso8859_1": "cp1252",
}  # fmt: skip
LATIN_SINGLE_BYTE = {
    "cp1250", "cp1252", "cp1254", "cp1257", "cp1258", "cp437", "cp850", "cp858", "cp1006",
    "mac_roman", "mac_latin2", "iso8859_2", "iso8859_3", "iso8859_4", "iso8859_9",
    "iso8859_10", "iso8859_13", "iso8859_14", "iso8859_15", "iso8859_16",
}  # fmt: skip
CENTRAL_EUROPEAN = {"Czech", "Polish", "Hungarian", "Slovak", "Slovene", "Croatian", "Romanian"}
MAX_CONTROL_SHARE = 0.01


def detect_encoding(data: bytes) -> str | None:
    """The encoding of `data` as a Python codec name, or None when it is not text."""
    if not data:
        return "utf-8"
    for bom, name in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return name if _is_text(data, name) else None
    if _is_text(data, "utf-8"):
        return "utf-8"
    sample = data[:SAMPLE_BYTES]
    best = charset_normalizer.from_bytes(sample).best()
    if best is None:
        return _fallback(data)
    encoding = SUPERSETS.get(best.encoding, best.encoding)
    has_nul = b"\x00" in sample
    if has_nul and not encoding.startswith(("utf_16", "utf_32")):
        return None
    if encoding.startswith(("utf_16", "utf_32")) and not has_nul:
        # BOM-less UTF-16 of CJK text is possible but rare; a short legacy CJK text that
        # happens to pair up is far more likely (12 bytes of Big5 were "UTF-16-BE").
        encoding = _best_cjk(sample, "gb18030")
    elif encoding in CJK_ENCODINGS:
        encoding = _best_cjk(sample, encoding)
    elif encoding in LATIN_SINGLE_BYTE and _decodes(sample, "cp1252"):
        same = _decode_prefix(sample, "cp1252") == _decode_prefix(sample, encoding)
        if same or best.language not in CENTRAL_EUROPEAN:
            encoding = "cp1252"
    return encoding if _is_text(data, encoding) else _fallback(data)


def decode(data: bytes, encoding: str) -> str:
    """`data` as text; undecodable bytes (there should be none) become U+FFFD, not an error."""
    return data.decode(encoding, errors="replace")


def _fallback(data: bytes) -> str | None:
    for encoding in ("gb18030", "cp1252"):
        if _is_text(data, encoding):
            return encoding
    return None


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        _decode_prefix(data, encoding)
    except UnicodeDecodeError:
        return False
    return True


def _decode_prefix(data: bytes, encoding: str) -> str:
    """Decode strictly, forgiving only a multi-byte character cut at the end of a sample."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    return decoder.decode(data, final=False)


def _is_text(data: bytes, encoding: str) -> bool:
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return False
    sample = text[:65536]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\r\n\t\f\x1a")
    controls += sample.count("\x7f")
    return controls <= MAX_CONTROL_SHARE * max(len(sample), 1) and "\x00" not in sample


def _best_cjk(sample: bytes, guess: str) -> str:
    # Ties go to the detector's guess on a long text, where it is reliable; on a short one to
    # GB18030, then Big5 (this is a Chinese site), before Japanese and Korean.
    long_text = sum(1 for b in sample[:4096] if b >= 0x80) >= 64
    candidates = (guess, *CJK_ENCODINGS) if long_text else (*CJK_ENCODINGS, guess)
    scored = []
    for order, encoding in enumerate(dict.fromkeys(candidates)):
        try:
            text = _decode_prefix(sample, encoding)
        except (UnicodeDecodeError, LookupError):
            continue
        scored.append((_cjk_score(text), -order, encoding))
    return max(scored)[2] if scored else guess


def _cjk_score(text: str) -> float:
    """The share of non-ASCII characters that a real CJK text would be made of."""
    total = plausible = 0.0
    for ch in text:
        if ch < "\x80":
            continue
        total += 1
        plausible += _plausibility(ch)
    return plausible / total if total else 0.0


@functools.lru_cache(maxsize=65536)
def _plausibility(ch: str) -> float:
    code = ord(ch)
    if 0x3040 <= code <= 0x30FF or 0xAC00 <= code <= 0xD7A3:  # kana, hangul syllables
        return 1.0
    if 0x3000 <= code <= 0x303F or 0xFF01 <= code <= 0xFF5E:  # CJK and full-width punctuation
        return 1.0
    if 0x4E00 <= code <= 0x9FFF:
        return 1.0 if _common_hanzi(ch) else 0.3
    if ch in "“”‘’—…·、《》【】" or unicodedata.category(ch) == "Zs":
        return 1.0
    return 0.0


def _common_hanzi(ch: str) -> bool:
    """In GB2312's 6,763 hanzi or Big5's 5,401 frequent ones (level 1)."""
    try:
        gb = ch.encode("gb2312")
        if len(gb) == 2 and gb[0] >= 0xB0:
            return True
    except UnicodeEncodeError:
        pass
    try:
        big5 = ch.encode("big5")
        return len(big5) == 2 and 0xA440 <= int.from_bytes(big5) <= 0xC67E
    except UnicodeEncodeError:
        return False
