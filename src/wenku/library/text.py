"""Turning a document's page text into what the document page shows."""

from __future__ import annotations

import re
from collections.abc import Iterable

_SPACES = re.compile(r"\s+")
_CJK = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
# A line break inside Chinese text is layout, not a space: "土地复\n垦" is "土地复垦".
_CJK_BREAK = re.compile(rf"(?<=[{_CJK}])\s+(?=[{_CJK}])")
# Where a chunk may end: after a sentence, else after a clause, else anywhere.
_SENTENCE_END = "。！？!?；;"


def squeeze(text: str) -> str:
    return _SPACES.sub(" ", _CJK_BREAK.sub("", text)).strip()


def chunks(texts: Iterable[str], size: int = 500, limit: int = 30_000) -> tuple[list[str], bool]:
    """The text of the pages, whitespace squeezed, in chunks of about `size` characters that end
    at a sentence where one is near; at most `limit` characters in all.

    Returns the chunks and whether the text was cut at `limit`."""
    whole = squeeze(" ".join(t for t in texts if t))
    truncated = len(whole) > limit
    whole = whole[:limit]
    out: list[str] = []
    start = 0
    while start < len(whole):
        end = min(start + size, len(whole))
        if end < len(whole):
            window = whole[start + size // 2 : end]
            cut = max(window.rfind(mark) for mark in _SENTENCE_END)
            if cut >= 0:
                end = start + size // 2 + cut + 1
        piece = whole[start:end].strip()
        if piece:
            out.append(piece)
        start = end
    return out, truncated


def description(document, texts: Iterable[str], length: int = 150) -> str:
    """A meta description: the uploader's description, else the start of the text."""
    base = squeeze(document.description) or squeeze(" ".join(texts))
    if len(base) > length:
        base = base[: length - 1] + "…"
    return base


def human_size(size: int) -> str:
    """Sizes as document sites show them: "17.93KB", "1.20MB", "512B"."""
    if size < 1024:
        return f"{size}B"
    if size < 1024 * 1024:
        return f"{size / 1024:.2f}KB"
    if size < 1024**3:
        return f"{size / 1024 / 1024:.2f}MB"
    return f"{size / 1024**3:.2f}GB"
