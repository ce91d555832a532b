"""Index backends: SQLite FTS5 and PostgreSQL tsvector, chosen by the database vendor.

Both index one row per document (title, metadata, the text of every page, and the set of its
CJK characters) in the same database as the documents. A backend answers, in SQL, which
documents match every included term and none of the excluded ones: one page of them, ranked,
filtered, and how many match in all. Which pages of a hit hold the terms is found afterwards,
in Python, on the few documents shown (`wenku.search.index`).
"""

from __future__ import annotations

from django.db import connection

from .base import UNLISTED, Candidate, Row, default_order, listed
from .postgres import PostgresBackend
from .sqlite import SQLiteBackend

__all__ = ["UNLISTED", "Candidate", "Row", "default_order", "get_backend", "listed"]


def get_backend():
    if connection.vendor == "postgresql":
        return PostgresBackend()
    if connection.vendor == "sqlite":
        return SQLiteBackend()
    raise NotImplementedError(f"no search backend for {connection.vendor}")
