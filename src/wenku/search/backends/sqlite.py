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

from wenku.config import CONFIG

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

    def ranking_sql(
        self, query: Query, where: str, params: list, order: str
    ) -> tuple[str, str, list]:
        """(page SQL, count SQL, args): the documents matching every included term and no
        excluded one. The page SQL takes two more arguments, LIMIT and OFFSET, and returns
        (document id, score, total).

        Matching is exact and per document (a document may have its terms on different pages
        or in its title): the document sets of the terms are intersected. Ranking is capped,
        since bm25 costs a docsize lookup per row: each term scores its newest
        `CONFIG.search_rank_cap` rows and every metadata (title/tags/description) hit; a
        document's score is the sum over terms of its best row's bm25. Documents with no
        scored row rank after the others (by ``order``: newest first). ``where``/``order``
        are SQL over the document table aliased ``d``; ``order`` may use ``score`` (lower is
        better: bm25 is negative).
        """
        cap = int(CONFIG.search_rank_cap)
        ctes, args, parts = [], [], []
        for i, term in enumerate(query.include):
            phrase = fts_phrase(term)
            # Membership: one row per matching document (exact).
            ctes.append(
                f"m{i} AS (SELECT DISTINCT rowid >> {PAGE_BITS} AS doc FROM search_fts "
                "WHERE search_fts MATCH %s)"
            )
            # Scores: the newest `cap` rows and every metadata hit; bm25() cannot be called
            # inside an aggregate, so the rows are scored first.
            ctes.append(
                f"r{i} AS MATERIALIZED ("
                f"SELECT * FROM (SELECT rowid >> {PAGE_BITS} AS doc,"
                f" bm25(search_fts, {WEIGHTS}) AS s FROM search_fts WHERE search_fts MATCH %s"
                f" ORDER BY rowid DESC LIMIT {cap}) UNION ALL "
                f"SELECT rowid >> {PAGE_BITS}, bm25(search_fts, {WEIGHTS}) FROM search_fts"
                " WHERE search_fts MATCH %s)"
            )
            args += [phrase, phrase, "{title meta} : " + phrase]
            parts.append(f"SELECT doc, {i} AS t, NULL AS s FROM m{i}")
            parts.append(f"SELECT doc, -1, min(s) FROM r{i} GROUP BY doc")
        n = len(query.include)
        conditions = []
        if query.exclude:
            ctes.append(
                f"x AS (SELECT rowid >> {PAGE_BITS} AS doc FROM search_fts "
                "WHERE search_fts MATCH %s)"
            )
            args.append(fts_any(query.exclude))
            conditions.append("doc NOT IN (SELECT doc FROM x)")
        # A document matches when every term's membership row is there; its score is the
        # sum of its per-term best scores (documents without any: NULL, ranked last).
        ctes.append(
            f"matched AS (SELECT doc, sum(s) AS score FROM ({' UNION ALL '.join(parts)}) "
            f"GROUP BY doc HAVING count(DISTINCT t) - max(t = -1) = {n})"
        )
        if where:
            conditions.append(where)
        args += params
        head = f"WITH {', '.join(ctes)} "
        body = "FROM matched JOIN library_document d ON d.id = matched.doc"
        body += f" WHERE {' AND '.join(conditions)}" if conditions else ""
        page_sql = (
            f"{head}SELECT d.id, coalesce(score, 0) AS score, count(*) OVER () {body} "
            f"ORDER BY (matched.score IS NULL), {order} LIMIT %s OFFSET %s"
        )
        count_sql = f"{head}SELECT count(*) {body}"
        return page_sql, count_sql, args

    def search(
        self,
        query: Query,
        where: str,
        params: list,
        order: str,
        limit: int,
        offset: int,
    ) -> tuple[list[Candidate], int]:
        """One page of matching documents (best first) and how many match in all."""
        page_sql, count_sql, args = self.ranking_sql(query, where, params, order)
        with connection.cursor() as cursor:
            cursor.execute(page_sql, [*args, limit, offset])
            rows = cursor.fetchall()
            if rows:
                total = rows[0][2]
            elif offset:
                cursor.execute(count_sql, args)
                total = cursor.fetchone()[0]
            else:
                total = 0
        return [Candidate(doc, -score) for doc, score, _ in rows], total

    def matching(self, query: Query) -> set[int]:
        """Every document id (any status) matching the query: for tests and benchmarks."""
        page_sql, _, args = self.ranking_sql(query, "", [], "d.id")
        with connection.cursor() as cursor:
            cursor.execute(page_sql, [*args, -1, 0])
            return {row[0] for row in cursor.fetchall()}

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
