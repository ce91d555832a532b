"""Highlighting: find a query's terms in the original text and mark them, escaping the rest."""

from __future__ import annotations

import re
from functools import cached_property

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .query import Query, Term
from .tokenize import WORD_CLASS, fold

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


class Highlighter:
    """Marks the included terms of a query in any text (matching on the folded text)."""

    def __init__(self, query: Query):
        self.terms = query.include

    @cached_property
    def regex(self) -> re.Pattern | None:
        if not self.terms:
            return None
        # Longer alternatives first, so that the longest overlapping term wins.
        patterns = sorted((term_pattern(t) for t in self.terms), key=len, reverse=True)
        return re.compile("|".join(f"(?:{p})" for p in patterns))

    def spans(self, text: str) -> list[tuple[int, int]]:
        """(start, end) offsets in `text` of every match."""
        if self.regex is None or not text:
            return []
        folded = fold(text)
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
        """About `width` characters around the first match (or the start), marked."""
        text = _SPACE_RE.sub(" ", text).strip()
        spans = self.spans(text)
        if not spans:
            end = min(len(text), width)
            return _render(text, [], 0, end, tail=end < len(text))
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
        return _render(text, spans, lo, hi, head=lo > 0, tail=hi < len(text))


def _render(
    text: str, spans: list[tuple[int, int]], lo: int, hi: int, head=False, tail=False
) -> SafeString:
    out = ["…" if head else ""]
    pos = lo
    for start, end in spans:
        if end <= pos or start >= hi:
            continue
        start, end = max(start, pos), min(end, hi)
        out.append(escape(text[pos:start]))
        out.append(f"<mark>{escape(text[start:end])}</mark>")
        pos = end
    out.append(escape(text[pos:hi]))
    if tail:
        out.append("…")
    return mark_safe("".join(out))
