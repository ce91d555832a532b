"""Index backends: SQLite FTS5 and PostgreSQL tsvector, chosen by the database vendor.

Both store one row per page of a document plus one row (page 0) for its metadata (title,
tags, category, description), in the same database as the documents. A backend answers three
questions in SQL: which documents match every included term and none of the excluded ones
(ranked, filtered, one page of them and the total), and which pages of one document match.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import connection


@dataclass
class Row:
    """The tokens of one index row: page 0 is the document's metadata, 1.. its pages."""

    document_id: int
    page: int
    title: list[str] = field(default_factory=list)
    meta: list[list[str]] = field(default_factory=list)  # category, tags, description
    body: list[str] = field(default_factory=list)


@dataclass
class Candidate:
    document_id: int
    score: float


def get_backend():
    if connection.vendor == "postgresql":
        from .postgres import PostgresBackend

        return PostgresBackend()
    if connection.vendor == "sqlite":
        from .sqlite import SQLiteBackend

        return SQLiteBackend()
    raise NotImplementedError(f"no search backend for {connection.vendor}")
