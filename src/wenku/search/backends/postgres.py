"""PostgreSQL: a tsvector per page over the bigram tokens, GIN-indexed.

The vectors are built in Python as tsvector literals (lexeme -> positions, weights) rather
than by ``to_tsvector``: the tokens are already exact, and PostgreSQL's text parser would
only get in the way (and behaves differently by locale). Metadata rows weight the title A and
the category, tags and description B; page text is D.

A tsvector keeps at most 16,383 positions and 256 positions per lexeme, so a page longer than
`CHUNK` tokens is stored as several rows of the same page that overlap by `OVERLAP` tokens
(a phrase of up to that many tokens still matches across the cut).

Ranking is done in two steps so that a word found in nearly every document stays fast: the
matching documents are found and counted with the GIN index alone, and `ts_rank` only runs
over at most `CONFIG.search_rank_cap` candidate documents (metadata hits first, then the newest);
documents beyond the cap rank after the ranked ones, newest first.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection

from wenku.config import CONFIG

from ..query import Query, Term
from . import Candidate, Row

CHUNK = 4000
OVERLAP = 64
MAX_POS = 16383

WEIGHTS = "'{0.1, 0.2, 0.4, 1.0}'"


def tsquery(term: Term) -> str:
    parts = []
    for token in term.tokens:
        parts.append(f"'{token.text}':*" if token.prefix else f"'{token.text}'")
    return " <-> ".join(parts)


def tsquery_any(terms: list[Term]) -> str:
    return " | ".join(f"({tsquery(t)})" for t in terms)


def tsquery_all(terms: list[Term]) -> str:
    return " & ".join(f"({tsquery(t)})" for t in terms)


def _literal(segments: list[tuple[list[str], str]]) -> str:
    """A tsvector literal; each segment's tokens get consecutive positions and its weight."""
    positions: dict[str, list[str]] = {}
    pos = 0
    for tokens, weight in segments:
        for token in tokens:
            pos += 1
            if pos > MAX_POS:
                break
            positions.setdefault(token, []).append(f"{pos}{weight}")
        pos += 1  # a gap: no phrase spans two fields
    return " ".join(f"'{t}':{','.join(p[:256])}" for t, p in positions.items())


class PostgresBackend:
    vendor = "postgresql"

    def add(self, rows: Iterable[Row]) -> None:
        values = []
        for row in rows:
            if row.page == 0:
                segments = [(row.title, "A")] + [(part, "B") for part in row.meta if part]
                values.append((row.document_id, 0, _literal(segments)))
                continue
            body = row.body
            start = 0
            while True:
                values.append(
                    (row.document_id, row.page, _literal([(body[start : start + CHUNK], "")]))
                )
                if start + CHUNK >= len(body):
                    break
                start += CHUNK - OVERLAP
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO search_entry (document_id, page, vector) "
                "VALUES (%s, %s, %s::tsvector)",
                values,
            )

    def delete(self, document_ids: Iterable[int]) -> None:
        ids = list(document_ids)
        if ids:
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM search_entry WHERE document_id = ANY(%s)", [ids])

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE search_entry")

    def optimize(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE search_entry")
            cursor.execute("ANALYZE library_document")

    def ranking_sql(
        self, query: Query, where: str, params: list, order: str
    ) -> tuple[str, str, list, list]:
        """(page SQL, count SQL, page args, count args) for the documents matching every
        included term and no excluded one; the page SQL ends with LIMIT %s OFFSET %s.

        Step 1 (GIN only): the matching documents, filtered and counted. Step 2: `ts_rank`
        over the rows of at most `CONFIG.search_rank_cap` candidate documents; a document's
        score is the sum over terms of its best row's rank.
        """
        args: list = []
        sets = []
        for term in query.include:
            sets.append("SELECT document_id FROM search_entry WHERE vector @@ %s::tsquery")
            args.append(tsquery(term))
        matched = " INTERSECT ".join(sets)
        if query.exclude:
            matched += " EXCEPT SELECT document_id FROM search_entry WHERE vector @@ %s::tsquery"
            args.append(tsquery_any(query.exclude))
        conditions = ["d.id IN (SELECT document_id FROM m)"]
        if where:
            conditions.append(where)
        where_sql = " AND ".join(conditions)
        # Candidates to rank: documents with a metadata hit first, then the newest.
        rank_terms = tsquery_any(query.include)
        page_sql = f"""
            WITH m AS MATERIALIZED ({matched}),
            docs AS MATERIALIZED (
                SELECT d.id, d.created_at, count(*) OVER () AS total
                FROM library_document d WHERE {where_sql}
            ),
            meta AS MATERIALIZED (
                SELECT document_id FROM search_entry
                WHERE page = 0 AND vector @@ %s::tsquery AND document_id IN (SELECT id FROM docs)
            ),
            cand AS MATERIALIZED (
                SELECT id FROM docs
                ORDER BY (id IN (SELECT document_id FROM meta)) DESC, created_at DESC, id DESC
                LIMIT {int(CONFIG.search_rank_cap)}
            ),
            ranked AS MATERIALIZED (
                SELECT e.document_id AS doc, {self._score(query)} AS s
                FROM search_entry e
                WHERE e.document_id IN (SELECT id FROM cand) AND e.vector @@ %s::tsquery
                GROUP BY e.document_id
            )
            SELECT docs.id, -coalesce(ranked.s, 0) AS score, docs.total
            FROM docs JOIN library_document d ON d.id = docs.id
            LEFT JOIN ranked ON ranked.doc = docs.id
            ORDER BY (ranked.s IS NULL), {order}
            LIMIT %s OFFSET %s
        """
        score_args = [tsquery(t) for t in query.include]
        page_args = [*args, *params, rank_terms, *score_args, rank_terms]
        count_sql = (
            f"WITH m AS ({matched}) SELECT count(*) FROM library_document d WHERE {where_sql}"
        )
        return page_sql, count_sql, page_args, [*args, *params]

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
        page_sql, count_sql, page_args, count_args = self.ranking_sql(query, where, params, order)
        with connection.cursor() as cursor:
            cursor.execute(page_sql, [*page_args, limit, offset])
            rows = cursor.fetchall()
            if rows:
                total = rows[0][2]
            elif offset:
                cursor.execute(count_sql, count_args)
                total = cursor.fetchone()[0]
            else:
                total = 0
        return [Candidate(doc, -score) for doc, score, _ in rows], total

    def matching(self, query: Query) -> set[int]:
        """Every document id (any status) matching the query: for tests and benchmarks."""
        _, count_sql, _, count_args = self.ranking_sql(query, "", [], "d.id")
        sql = count_sql.replace(
            "SELECT count(*) FROM library_document d", "SELECT d.id FROM library_document d"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, count_args)
            return {row[0] for row in cursor.fetchall()}

    @staticmethod
    def _score(query: Query) -> str:
        return " + ".join(f"max(ts_rank({WEIGHTS}, e.vector, %s::tsquery))" for _ in query.include)

    def pages(self, document_id: int, terms: list[Term], *, every: bool) -> list[int]:
        expr = tsquery_all(terms) if every else tsquery_any(terms)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT DISTINCT page FROM search_entry "
                "WHERE document_id = %s AND vector @@ %s::tsquery ORDER BY page",
                [document_id, expr],
            )
            return [r[0] for r in cursor.fetchall()]

    def size_bytes(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_total_relation_size('search_entry')")
            return int(cursor.fetchone()[0])
