"""SQLite FTS5 over bigram tokens.

``search_fts`` is a contentless FTS5 table (tokenizer ``ascii``: our tokens are separated by
spaces and contain no ASCII punctuation, so FTS5 keeps them exactly) with three columns weighted
by bm25: title 10, meta (category, tags, description) 4, body 1. Its rowid encodes the
document and the page: ``document_id << 16 | page`` (page 0 = metadata), so the document of a
hit is arithmetic, not a lookup, and one document's rows are one rowid range.

A contentless table needs the indexed values to delete a row, so ``search_row`` keeps them
(zlib-compressed tokens) by the same rowid. ``prefix='1'`` adds an index of one-character
prefixes, which makes the single-character query ``"亩"*`` one doclist read.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable

from django.db import connection

from ..query import Query, Term
from ..tokenize import GAP
from . import Candidate, Row

PAGE_BITS = 16
MAX_PAGE = (1 << PAGE_BITS) - 1
WEIGHTS = "10.0, 4.0, 1.0"


def fts_phrase(term: Term) -> str:
    tokens = term.tokens
    body = " ".join(t.text for t in tokens)
    return f'"{body}"*' if tokens[-1].prefix else f'"{body}"'


def fts_any(terms: list[Term]) -> str:
    return " OR ".join(fts_phrase(t) for t in terms)


def fts_all(terms: list[Term]) -> str:
    return " AND ".join(fts_phrase(t) for t in terms)


def _range(document_id: int) -> tuple[int, int]:
    return document_id << PAGE_BITS, (document_id << PAGE_BITS) | MAX_PAGE


class SQLiteBackend:
    vendor = "sqlite"

    def add(self, rows: Iterable[Row]) -> None:
        fts, side = [], []
        for row in rows:
            if row.page > MAX_PAGE:
                continue
            rowid = (row.document_id << PAGE_BITS) | row.page
            values = (
                " ".join(row.title),
                f" {GAP} ".join(" ".join(part) for part in row.meta if part),
                " ".join(row.body),
            )
            fts.append((rowid, *values))
            side.append((rowid, zlib.compress("\x00".join(values).encode(), 1)))
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO search_fts(rowid, title, meta, body) VALUES (%s, %s, %s, %s)", fts
            )
            cursor.executemany("INSERT INTO search_row(id, data) VALUES (%s, %s)", side)

    def delete(self, document_ids: Iterable[int]) -> None:
        with connection.cursor() as cursor:
            for document_id in document_ids:
                lo, hi = _range(document_id)
                cursor.execute(
                    "SELECT id, data FROM search_row WHERE id BETWEEN %s AND %s", [lo, hi]
                )
                old = [
                    (rowid, *zlib.decompress(data).decode().split("\x00"))
                    for rowid, data in cursor.fetchall()
                ]
                if not old:
                    continue
                cursor.executemany(
                    "INSERT INTO search_fts(search_fts, rowid, title, meta, body) "
                    "VALUES ('delete', %s, %s, %s, %s)",
                    old,
                )
                cursor.execute("DELETE FROM search_row WHERE id BETWEEN %s AND %s", [lo, hi])

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('delete-all')")
            cursor.execute("DELETE FROM search_row")

    def optimize(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('optimize')")

    def search(
        self,
        query: Query,
        where: str,
        params: list,
        order: str,
        limit: int,
        offset: int,
    ) -> tuple[list[Candidate], int]:
        """One page of the documents matching every included term and no excluded one.

        Each included term is matched on its own (a document may have its terms on different
        pages or in its title); a document's score is the sum over terms of its best row's
        bm25. ``where``/``order`` are SQL over the document table aliased ``d``; ``order`` may
        use ``score`` (lower is better: bm25 is negative).
        """
        ctes, args = [], []
        for i, term in enumerate(query.include):
            # bm25() cannot be called inside an aggregate: score the rows first.
            ctes.append(
                f"r{i} AS MATERIALIZED (SELECT rowid >> {PAGE_BITS} AS doc, "
                f"bm25(search_fts, {WEIGHTS}) AS s FROM search_fts WHERE search_fts MATCH %s), "
                f"t{i} AS (SELECT doc, min(s) AS s FROM r{i} GROUP BY doc)"
            )
            args.append(fts_phrase(term))
        joins = " ".join(f"JOIN t{i} ON t{i}.doc = t0.doc" for i in range(1, len(ctes)))
        score = " + ".join(f"t{i}.s" for i in range(len(ctes)))
        conditions = [where] if where else []
        if query.exclude:
            conditions.append(
                f"t0.doc NOT IN (SELECT rowid >> {PAGE_BITS} FROM search_fts "
                "WHERE search_fts MATCH %s)"
            )
        where_sql = " AND ".join(conditions) or "1"
        sql = (
            f"WITH {', '.join(ctes)} "
            f"SELECT t0.doc, {score} AS score, count(*) OVER () "
            f"FROM t0 {joins} JOIN library_document d ON d.id = t0.doc "
            f"WHERE {where_sql} ORDER BY {order} LIMIT %s OFFSET %s"
        )
        args += params
        if query.exclude:
            args.append(fts_any(query.exclude))
        with connection.cursor() as cursor:
            cursor.execute(sql, [*args, limit, offset])
            rows = cursor.fetchall()
            if rows:
                total = rows[0][2]
            elif offset:
                cursor.execute(
                    f"WITH {', '.join(ctes)} SELECT count(*) FROM t0 {joins} "
                    f"JOIN library_document d ON d.id = t0.doc WHERE {where_sql}",
                    args,
                )
                total = cursor.fetchone()[0]
            else:
                total = 0
        return [Candidate(doc, -score) for doc, score, _ in rows], total

    def pages(self, document_id: int, terms: list[Term], *, every: bool) -> list[int]:
        """Page numbers (page 0 = metadata) of one document matching all / any of the terms."""
        lo, hi = _range(document_id)
        expr = fts_all(terms) if every else fts_any(terms)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT rowid & {MAX_PAGE} FROM search_fts "
                "WHERE search_fts MATCH %s AND rowid BETWEEN %s AND %s ORDER BY rowid",
                [expr, lo, hi],
            )
            return [r[0] for r in cursor.fetchall()]

    def size_bytes(self) -> int:
        with connection.cursor() as cursor:
            try:
                cursor.execute(
                    "SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'search\\_%%' ESCAPE '\\'"
                )
                return int(cursor.fetchone()[0] or 0)
            except Exception:  # dbstat is not compiled in every SQLite
                return 0
