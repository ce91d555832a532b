"""Highlighting: find a query's terms in the original text and mark them, escaping the rest."""

from __future__ import annotations

import re
from functools import cached_property
from html import escape  # Django's escape is this plus a lazy-string check per call

from django.utils.safestring import SafeString, mark_safe

from .query import Query, Term
from .tokenize import WORD_CLASS, fold, folds_into, may_fold_into

_SPACE_RE = re.compile(r"\s+")


def term_pattern(term: Term) -> str:
    out = ""
    tokens_prefix = term.tokens[-1].prefix
    for i, piece in enumerate(term.parts):
        if i:
            same_kind = piece.cjk == term.parts[i - 1].cjk
            out += r"[\W_]+" if same_kind else r"[\W_]*?"
        if piece.cjk:
            out += re.escape(piece.text)
        else:
            last = i == len(term.parts) - 1
            out += rf"(?<!{WORD_CLASS}){re.escape(piece.text)}"
            out += rf"{WORD_CLASS}*" if last and tokens_prefix else rf"(?!{WORD_CLASS})"
    return out


class QueryFolder:
    """Folding the texts looked at for one query, each at most once.

    Where the query's terms are runs of CJK characters (most Chinese queries), a text needs
    no folding to be matched if it holds no character that folding turns into one of theirs
    (`folds_into`): then the text matches on its own characters. That is one fast scan
    instead of folding (~4x the time), decided once per text for all terms.
    """

    def __init__(self, query: Query):
        literals = [t.cjk_run for t in query.include if t.cjk_run is not None]
        self.variants = folds_into("".join(literals)) if literals else None
        self.folded: dict[str, str] = {}
        self.plain: dict[str, bool] = {}

    def fold(self, text: str) -> str:
        folded = self.folded.get(text)
        if folded is None:
            folded = self.folded[text] = fold(text)
        return folded

    def unchanged(self, text: str) -> bool:
        """True if folding cannot make any CJK term of the query appear in `text` (or make
        one disappear: folding never changes the folded characters of the terms)."""
        plain = self.plain.get(text)
        if plain is None:
            plain = self.plain[text] = self.variants is not None and not may_fold_into(
                text, self.variants
            )
        return plain


class Highlighter:
    """Marks the included terms of a query in any text (matching on the folded text)."""

    def __init__(self, query: Query, folder: QueryFolder | None = None):
        self.terms = query.include
        self.folder = folder or QueryFolder(query)

    @cached_property
    def regex(self) -> re.Pattern | None:
        if not self.terms:
            return None
        # Longer alternatives first, so that the longest overlapping term wins.
        patterns = sorted((term_pattern(t) for t in self.terms), key=len, reverse=True)
        return re.compile("|".join(f"(?:{p})" for p in patterns))

    @cached_property
    def literal(self) -> bool:
        """Every term is one run of CJK characters."""
        return all(t.cjk_run is not None for t in self.terms)

    def spans(self, text: str) -> list[tuple[int, int]]:
        """(start, end) offsets in `text` of every match."""
        if self.regex is None or not text:
            return []
        if self.literal and self.folder.unchanged(text):
            return [m.span() for m in self.regex.finditer(text)]
        folded = self.folder.fold(text)
        if len(folded) == len(text):
            return [m.span() for m in self.regex.finditer(folded)]
        # Folding changed the length (a ligature, "ß"...): map folded offsets back per char.
        starts: list[int] = []
        parts: list[str] = []
        for i, ch in enumerate(text):
            f = fold(ch)
            parts.append(f)
            starts.extend([i] * len(f))
        folded = "".join(parts)
        starts.append(len(text))
        spans = []
        for m in self.regex.finditer(folded):
            start = starts[m.start()]
            end = starts[m.end() - 1] + 1 if m.end() > m.start() else start
            spans.append((start, end))
        return spans

    def mark(self, text: str) -> SafeString:
        """The whole text, escaped, with every match in <mark>."""
        return _render(text, self.spans(text), 0, len(text))

    def snippet(self, text: str, width: int = 120) -> SafeString:
        """About `width` characters around the first match (or the start), marked; runs of
        white space in it shown as one space."""
        spans = self.spans(text)
        if not spans:
            text = text.lstrip()
            end = min(len(text), width)
            return _render(text, [], 0, end, tail=end < len(text.rstrip()))
        # The window that starts a little before a match and holds the most matches.
        # (Matches come in order and do not overlap, so their ends increase too.)
        best, best_count = spans[0][0], 0
        j = 0
        for i, (start, _) in enumerate(spans):
            j = max(j, i)
            while j < len(spans) and spans[j][1] <= start + width - 20:
                j += 1
            if j - i > best_count:
                best, best_count = start, j - i
        lo = max(0, best - 20)
        hi = min(len(text), lo + width)
        lo = max(0, min(lo, hi - width))
        return _render(
            text, spans, lo, hi, head=bool(text[:lo].strip()), tail=bool(text[hi:].strip())
        )


def _render(
    text: str, spans: list[tuple[int, int]], lo: int, hi: int, head=False, tail=False
) -> SafeString:
    out = ["…" if head else ""]
    pos = lo
    for start, end in spans:
        if end <= pos or start >= hi:
            continue
        start, end = max(start, pos), min(end, hi)
        out.append(escape(_SPACE_RE.sub(" ", text[pos:start])))
        out.append(f"<mark>{escape(text[start:end])}</mark>")
        pos = end
    out.append(escape(_SPACE_RE.sub(" ", text[pos:hi])))
    if tail:
        out.append("…")
    if not head:
        out[1] = out[1].lstrip()  # (out[0] is the head marker, "" here)
    if not tail:
        out[-1] = out[-1].rstrip()
    return mark_safe("".join(out))
