"""The query language: terms ANDed, "quoted phrases", -excluded terms, CJK and Latin mixed.

- ``土地 批复``: documents containing both (anywhere: title, tags, description or any page).
- ``"sputtering target"``: the words in this order; punctuation and spaces between the words
  of a phrase do not matter, as everywhere in full-text search.
- ``-草案`` / ``-"征求意见稿"``: leave out documents containing it.
- Unquoted text that mixes scripts or contains punctuation (``ITO靶材``, ``covid-19``) is one
  phrase term.
- Latin words of three or more letters match words that begin with them (``target`` finds
  ``targets``); a single CJK character matches wherever it occurs.

Full-width/half-width, letter case and traditional/simplified characters do not matter
(see `wenku.search.tokenize.fold`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from .tokenize import PhraseToken, Piece, phrase_tokens, pieces

MAX_QUERY_CHARS = 200
MAX_TERMS = 8

_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "「": '"', "」": '"', "『": '"', "』": '"'})
_PART_RE = re.compile(r'(-?)"([^"]*)"?|(\S+)')


@dataclass(frozen=True)
class Term:
    """One thing that must (or must not) occur: a word or a phrase, as folded pieces."""

    parts: tuple[Piece, ...]
    quoted: bool = False

    @property
    def tokens(self) -> list[PhraseToken]:
        return phrase_tokens(list(self.parts))

    @property
    def cjk_run(self) -> str | None:
        """The term's text if it is one run of CJK characters (most Chinese terms), else None."""
        return self.parts[0].text if len(self.parts) == 1 and self.parts[0].cjk else None

    @property
    def key(self) -> str:
        """Canonical text of the term: its folded pieces separated by spaces."""
        out = " ".join(piece.text for piece in self.parts)
        return f'"{out}"' if self.quoted and len(self.parts) > 1 else out

    @property
    def text(self) -> str:
        return self.key.strip('"')


@dataclass
class Query:
    raw: str
    include: list[Term] = field(default_factory=list)
    exclude: list[Term] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.include)

    @property
    def normalized(self) -> str:
        """The query in canonical form (for the log and related searches)."""
        return " ".join([t.key for t in self.include] + [f"-{t.key}" for t in self.exclude])

    @property
    def terms(self) -> list[str]:
        """The texts of the included terms (to show or highlight)."""
        return [t.text for t in self.include]


def parse(raw: str) -> Query:
    text = unicodedata.normalize("NFKC", raw or "")[:MAX_QUERY_CHARS].translate(_QUOTES)
    query = Query(raw=raw or "")
    seen: set[tuple[bool, str]] = set()
    for m in _PART_RE.finditer(text):
        minus, quoted, bare = m.group(1), m.group(2), m.group(3)
        if quoted is not None:
            negative, body, is_quoted = bool(minus), quoted, True
        else:
            negative = bare.startswith("-") and len(bare) > 1
            body, is_quoted = (bare[1:] if negative else bare), False
        parts = tuple(pieces(body))
        if not parts:
            continue
        term = Term(parts, quoted=is_quoted)
        key = (negative, term.key.strip('"'))
        if key in seen:
            continue
        seen.add(key)
        target = query.exclude if negative else query.include
        if len(target) < MAX_TERMS:
            target.append(term)
    return query
