"""What both index backends share: the row they index, a candidate they return, the filter
and order of a plain site search."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..filters import Filters, order_sql


@dataclass
class Row:
    """What is indexed for one document, as space-separated token strings."""

    document_id: int
    title: str = ""
    meta: list[str] = field(default_factory=list)  # category, tags, description
    pages: list[str] = field(default_factory=list)  # the text of each page, in order
    meta_chars: str = ""  # distinct CJK characters of title and metadata
    body_chars: str = ""  # distinct CJK characters of the pages


@dataclass
class Candidate:
    document_id: int
    score: float


# The documents site search never lists, as the partial index `search_unlisted` (migrations
# 0004 and 0005) has it: the same expression, so that the database uses that index (a few
# entries) instead of reading the document table. Filters.sql() is the same condition, negated,
# with parameters.
UNLISTED = "NOT (status = 'ready' AND visibility = 'public' AND review IN ('auto', 'approved'))"


def listed() -> tuple[str, list]:
    """Site search's usual filter (listed documents only), as `Filters().sql()` gives it."""
    return Filters().sql()


def default_order() -> str:
    return order_sql("relevance")
