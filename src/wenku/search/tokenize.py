"""Text -> search tokens, the same way for indexing and for queries.

Every text is first *folded*: NFKC for the characters where it matters (full-width letters and
digits become half-width, compatibility ideographs unified ones), traditional Chinese characters
mapped to simplified ones character by character, and case-folded. Then:

- each run of CJK characters (Han, kana, Hangul) ``ABCD`` becomes the overlapping bigrams plus
  the run's last character on its own: ``AB BC CD D``. Any substring of two or more characters
  is then the phrase of its bigrams, and a single character is the prefix query ``"D"*``: every
  occurrence of a character starts some token. The trailing single character also stops a
  phrase from matching across punctuation: ``土地，批复`` gives ``土地 地 批复 复``, which has no
  ``地批``, so it is not a hit for 土地批复.
- everything else that is a letter or digit forms words (``Sputtering`` -> ``sputtering``).

Traditional -> simplified is a character table (OpenCC's TSCharacters, first choice of each
entry, from the `opencc-python-reimplemented` package) applied with ``str.translate``: folding
both the index and the query the same way makes the search insensitive to the script at C
speed. Full phrase-level OpenCC conversion (``opencc.OpenCC("t2s")``) would fix a handful of
one-to-many characters in context but runs in pure Python, orders of magnitude slower (see the
report in bench/search.py's docstring), and gains nothing for matching since both sides fold
the same way.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from operator import add
from pathlib import Path

# Characters indexed as bigrams: CJK ideographs (with extensions and compatibility forms),
# the ideographic zero, kana, Hangul.
CJK_CLASS = (
    "\u1100-\u11ff"  # Hangul Jamo
    "\u3005-\u3007"  # 々 〆 〇
    "\u3040-\u309f"  # Hiragana
    "\u30a0-\u30ff"  # Katakana
    "\u3130-\u318f"  # Hangul compatibility Jamo
    "\u31f0-\u31ff"  # Katakana phonetic extensions
    "\u3400-\u4dbf"  # CJK extension A
    "\u4e00-\u9fff"  # CJK unified ideographs
    "\ua960-\ua97f"  # Hangul Jamo extended A
    "\uac00-\ud7af"  # Hangul syllables
    "\ud7b0-\ud7ff"  # Hangul Jamo extended B
    "\uf900-\ufaff"  # CJK compatibility ideographs
    "\U00020000-\U0003134f"  # CJK extensions B-G
)
_TOKEN_RE = re.compile(rf"([{CJK_CLASS}]+)|([^\W_{CJK_CLASS}]+)")
CJK_RE = re.compile(rf"[{CJK_CLASS}]")
# A word character of the Latin (non-CJK) kind, for highlighting word boundaries.
WORD_CLASS = rf"[^\W_{CJK_CLASS}]"

# A token that never comes out of tokenize(): put between fields so that no phrase spans them.
GAP = "\u2063"


@cache
def _t2s_table() -> dict[str, str]:
    import opencc

    path = Path(opencc.__file__).parent / "dictionary" / "TSCharacters.txt"
    table: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        source, _, targets = line.partition("\t")
        target = targets.split(" ")[0] if targets else ""
        if len(source) == 1 and len(target) == 1 and source != target:
            table[source] = target
    return table


@cache
def _t2s_res() -> tuple[re.Pattern, re.Pattern]:
    """Character classes of the traditional characters in the BMP, and of all of them. The
    BMP class compiles to a bitmap and scans at hundreds of MB/s; with astral characters in
    it, every character is a linear search through ranges (~1 MB/s), so that one is only
    used on the rare text that has astral characters."""
    chars = sorted(_t2s_table())

    def cls(part: list[str]) -> re.Pattern:
        return re.compile("[" + "".join(re.escape(ch) for ch in part) + "]")

    return cls([c for c in chars if c <= "\uffff"]), cls(chars)


# What NFKC changes that matters for tokens: full-width letters and digits, half-width katakana,
# compatibility ideographs, ligatures, circled and parenthesized numbers and letters, squared
# units. Normalizing only these (full-width punctuation is left alone: it is no token) keeps
# folding fast on Chinese text, where NFKC over every character costs ~200 ns per character.
_COMPAT_BMP = (
    "\u2150-\u218f\u2460-\u24ff\u3200-\u33ff\uf900-\ufaff\ufb00-\ufb4f"
    "\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\uff61-\uffdc"
)
_COMPAT_RE = re.compile(f"[{_COMPAT_BMP}\U0002f800-\U0002fa1f]+")
# Without the astral range the class is a bitmap: ~10x faster on text without astral chars.
_COMPAT_BMP_RE = re.compile(f"[{_COMPAT_BMP}]+")


def _nfkc(match: re.Match) -> str:
    return unicodedata.normalize("NFKC", match.group())


def fold(text: str) -> str:
    """Full-width -> half-width (NFKC), traditional -> simplified, case-folded."""
    if text.isascii():
        return text.casefold()
    astral = _ASTRAL_RE.search(text) is not None
    compat = _COMPAT_RE if astral else _COMPAT_BMP_RE
    if compat.search(text):
        text = compat.sub(_nfkc, text)
        astral = astral or _ASTRAL_RE.search(text) is not None
    # Most text has no traditional character: finding the few that occur (one regex scan over
    # a character class) and replacing them is many times faster than str.translate.
    bmp, every = _t2s_res()
    traditional = every if astral else bmp
    if traditional.search(text):
        text = traditional.sub(_simplified, text)  # one pass: no character is mapped twice
    return text.casefold()


_ASTRAL_RE = re.compile("[\U00010000-\U0010ffff]")


@cache
def _unfolded() -> dict[str, str]:
    """For each simplified character, the traditional characters that fold into it."""
    out: dict[str, str] = {}
    for source, target in _t2s_table().items():
        out[target] = out.get(target, "") + source
    return out


def folds_into(text: str) -> re.Pattern:
    """A pattern of the characters that folding may turn into characters of CJK `text`
    (already folded): their traditional forms, and the compatibility characters of the BMP
    that NFKC turns into CJK ones (one character class: a bitmap, one fast scan)."""
    table = _unfolded()
    variants = "".join(sorted({v for ch in set(text) for v in table.get(ch, "")}))
    return re.compile(f"[{re.escape(variants)}{_CJK_COMPAT_BMP}]")


def may_fold_into(text: str, variants: re.Pattern) -> bool:
    """Whether folding `text` could make a CJK string appear in it that is not there already,
    `variants` being `folds_into` of that string: only if the text holds one of its
    traditional forms or a compatibility character that NFKC turns into CJK ones."""
    return bool(
        variants.search(text) or (_ASTRAL_RE.search(text) and _CJK_COMPAT_ASTRAL_RE.search(text))
    )


# The compatibility characters that NFKC turns into CJK ones (of `_COMPAT_BMP`: enclosed and
# squared CJK, compatibility ideographs, half-width katakana and Hangul); full-width letters
# and digits, common in Chinese text, only ever become ASCII.
_CJK_COMPAT_BMP = "\u3200-\u33ff\uf900-\ufaff\uff61-\uffdc"
_CJK_COMPAT_ASTRAL_RE = re.compile("[\U0002f800-\U0002fa1f]")


def _simplified(match: re.Match) -> str:
    return _t2s_table()[match.group()]


def token_string(text: str, chars: set[str] | None = None) -> str:
    """The index tokens of a text (folded first), separated by single spaces; with `chars`,
    also adds every character of the folded text to that set (see `cjk_chars`).

    The same tokens as `tokens`, built without a Python object per token where it can: this
    is the hot loop of indexing.
    """
    folded = fold(text)
    if chars is not None:
        chars.update(folded)
    out: list[str] = []
    append = out.append
    for cjk, word in _TOKEN_RE.findall(folded):
        if cjk:
            if len(cjk) > 1:
                append(" ".join(map(add, cjk, cjk[1:])))  # the bigrams
            append(cjk[-1])  # and the run's last character
        else:
            append(word)
    return " ".join(out)


def tokens(text: str) -> list[str]:
    """The index tokens of a text (folded first)."""
    string = token_string(text)
    return string.split(" ") if string else []


def cjk_chars(chars: set[str]) -> str:
    """The CJK characters of a set of folded characters, sorted and space-separated: the
    index entries a one-character query looks up (instead of a prefix query over every
    bigram, which needs a prefix index as large as the bigram index itself)."""
    return " ".join(sorted(CJK_RE.findall("".join(chars))))


def index_text(*parts: str) -> str:
    """Space-separated tokens of the parts, with a GAP token between non-empty parts."""
    return f" {GAP} ".join(" ".join(t) for t in map(tokens, parts) if t)


@dataclass(frozen=True)
class Piece:
    """A run of CJK characters or one Latin word of a query term, already folded."""

    text: str
    cjk: bool


def pieces(text: str) -> list[Piece]:
    """The runs and words of a (query) text, in order, folded."""
    return [
        Piece(cjk or word, bool(cjk)) for cjk, word in _TOKEN_RE.findall(fold(text)) if cjk or word
    ]


@dataclass(frozen=True)
class PhraseToken:
    text: str
    prefix: bool = False


# Latin words at least this long (and not all digits) also match longer words they begin:
# "target" finds "targets", "sputter" finds "sputtering".
LATIN_PREFIX_MIN = 3


def phrase_tokens(parts: list[Piece], *, latin_prefix: bool = True) -> list[PhraseToken]:
    """The index tokens a phrase of pieces must match, consecutively, in the index.

    A CJK run that is followed by another piece ends in the text too (a non-CJK character
    follows it), so its trailing single character is part of the phrase; the last run of the
    phrase drops it, and a last run of one character becomes a prefix token. Only the last
    token may be a prefix (the limit of FTS5's phrase syntax, kept on PostgreSQL too).
    """
    out: list[PhraseToken] = []
    for i, piece in enumerate(parts):
        last = i == len(parts) - 1
        if piece.cjk:
            run = piece.text
            if last and len(run) == 1:
                out.append(PhraseToken(run, prefix=True))
            elif last:
                out.extend(PhraseToken(run[j : j + 2]) for j in range(len(run) - 1))
            else:
                out.extend(PhraseToken(run[j : j + 2]) for j in range(len(run)))
        else:
            prefix = (
                latin_prefix
                and last
                and len(piece.text) >= LATIN_PREFIX_MIN
                and not piece.text.isdigit()
            )
            out.append(PhraseToken(piece.text, prefix=prefix))
    return out
