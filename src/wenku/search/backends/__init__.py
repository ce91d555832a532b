"""Index backends: SQLite FTS5 and PostgreSQL tsvector, chosen by the database vendor.

Both index one row per document (title, metadata, the text of every page, and the set of its
CJK characters) in the same database as the documents. A backend answers, in SQL, which
documents match every included term and none of the excluded ones: one page of them, ranked,
filtered, and how many match in all. Which pages of a hit hold the terms is found afterwards,
in Python, on the few documents shown (`wenku.search.index`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import connection


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
    from ..index import Filters

    return Filters().sql()


def default_order() -> str:
    from ..index import _order

    return _order("relevance")


def get_backend():
    if connection.vendor == "postgresql":
        from .postgres import PostgresBackend

        return PostgresBackend()
    if connection.vendor == "sqlite":
        from .sqlite import SQLiteBackend

        return SQLiteBackend()
    raise NotImplementedError(f"no search backend for {connection.vendor}")
