"""PostgreSQL: tsvectors over the bigram tokens, GIN-indexed, per document.

- ``search_doc`` (one row per document): ``meta``, the title (weight A) and category, tags and
  description (B) with positions; ``chars``, the distinct CJK characters of the whole document
  without positions (a one-character query is the lexeme ``'亩'``, looked up there instead of
  the prefix query ``'亩':*`` that unions the posting lists of every bigram starting with it).
- ``search_chunk``: the text of all pages as consecutive chunks of at most `CHUNK` tokens
  (a tsvector keeps at most 16,383 positions and 256 per lexeme), overlapping by `OVERLAP`
  tokens so that a phrase of up to that many tokens still matches across a cut; pages are
  separated by an unused position so that no phrase spans two pages. Most documents are one
  chunk.

The vectors are built in Python as tsvector literals: the tokens are already exact, and
PostgreSQL's text parser would only get in the way (and behaves differently by locale).

A term matches a document when it matches its metadata or one of its chunks. A term of one
token needs no recheck of the GIN result (no vector is read); a phrase needs its positions
checked, which reads a document's whole vector. So a search (`search`) first takes the
*candidates* from the GIN indexes alone (every token of every term present), then checks
phrases only on the candidates it shows, and counts exactly up to ``search_rank_cap``
candidates (estimating above, when a phrase is involved). Ranking is `ts_rank` (metadata x10
+ best chunk) up to that cap; above it, the newest `META_CAP` candidates with a metadata hit
come first (ranked on that small vector) and the other matches follow newest first.
`matching` (tests, benchmark) gives the complete, exact set (`matched_sql`).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable

from django.conf import settings
from django.db import connection, transaction

from ..query import Query, Term
from .base import UNLISTED, Candidate, Row, default_order, listed

CHUNK = 4000
OVERLAP = 64
MAX_POS = 16383
MAX_LEXEME_POS = 256
WEIGHTS = "'{0.1, 0.2, 0.4, 1.0}'"
META_CAP = 100


def _single_char(term: Term) -> str | None:
    tokens = term.tokens
    if len(tokens) == 1 and tokens[0].prefix and len(tokens[0].text) == 1:
        return tokens[0].text
    return None


def tsquery(term: Term) -> str:
    parts = []
    for token in term.tokens:
        parts.append(f"'{token.text}':*" if token.prefix else f"'{token.text}'")
    return " <-> ".join(parts)


def tsquery_and(term: Term) -> str:
    """The term's tokens anywhere (a necessary condition for the phrase; no positions)."""
    return " & ".join(f"'{t.text}':*" if t.prefix else f"'{t.text}'" for t in term.tokens)


def tsquery_any(terms: list[Term]) -> str:
    return " | ".join(f"({tsquery(t)})" for t in terms)


def _literal(segments: Iterable[tuple[list[str], str]]) -> str:
    """A tsvector literal; each segment's tokens get consecutive positions and its weight,
    with one unused position between segments (so that no phrase spans two)."""
    positions: dict[str, list[str]] = {}
    pos = 0
    for tokens, weight in segments:
        for token in tokens:
            pos += 1
            if pos > MAX_POS:
                break
            positions.setdefault(token, []).append(f"{pos}{weight}")
        pos += 1
    return " ".join(f"'{t}':{','.join(p[:MAX_LEXEME_POS])}" for t, p in positions.items())


def _chunks(pages: list[str]) -> list[str]:
    """The pages' tokens as chunk literals (page breaks as unused positions)."""
    tokens: list[str | None] = []
    for page in pages:
        if tokens:
            tokens.append(None)  # a page break
        tokens.extend(page.split(" "))
    out = []
    start = 0
    while start < len(tokens):
        part = tokens[start : start + CHUNK]
        positions: dict[str, list[str]] = {}
        for i, token in enumerate(part, 1):
            if token is not None:
                positions.setdefault(token, []).append(str(i))
        out.append(" ".join(f"'{t}':{','.join(p[:MAX_LEXEME_POS])}" for t, p in positions.items()))
        if start + CHUNK >= len(tokens):
            break
        start += CHUNK - OVERLAP
    return out


class PostgresBackend:
    vendor = "postgresql"

    def add(self, rows: Iterable[Row]) -> None:
        docs, chunks = [], []
        for row in rows:
            segments = [(row.title.split(), "A")] + [(m.split(), "B") for m in row.meta if m]
            chars = " ".join(f"'{c}'" for c in row.meta_chars.split() + row.body_chars.split())
            docs.append((row.document_id, _literal(segments), chars))
            for i, literal in enumerate(_chunks([p for p in row.pages if p])):
                chunks.append((row.document_id, i, literal))
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO search_doc (document_id, meta, chars) "
                "VALUES (%s, %s::tsvector, %s::tsvector)",
                docs,
            )
            if chunks:
                cursor.executemany(
                    "INSERT INTO search_chunk (document_id, chunk, vector) "
                    "VALUES (%s, %s, %s::tsvector)",
                    chunks,
                )

    def delete(self, document_ids: Iterable[int]) -> None:
        ids = list(document_ids)
        if ids:
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM search_chunk WHERE document_id = ANY(%s)", [ids])
                cursor.execute("DELETE FROM search_doc WHERE document_id = ANY(%s)", [ids])

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE search_chunk, search_doc")

    def optimize(self) -> None:
        with connection.cursor() as cursor:
            # Bulk inserts leave GIN entries in the indexes' pending lists, which every query
            # then scans linearly: move them into the indexes proper.
            for index in ("search_doc_meta", "search_doc_chars", "search_chunk_vector"):
                cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [index])
            cursor.execute("ANALYZE search_doc")
            cursor.execute("ANALYZE search_chunk")
            cursor.execute("ANALYZE library_document")

    def bulk(self):
        return _Nothing()

    def is_indexed(self, document_id: int) -> bool:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM search_doc WHERE document_id = %s", [document_id])
            return cursor.fetchone() is not None

    # -----------------------------------------------------------------------------------------

    @staticmethod
    def _term(
        term: Term, within: str | None = None, *, exact: bool = True, within_set: bool = False
    ) -> tuple[str, list]:
        """SQL of the documents holding a term (only those in CTE `within`, if given).

        With ``exact=False`` a phrase's positions in the pages are not checked: the GIN index
        alone gives the documents with a chunk holding all its tokens (a superset, no vector
        read); `_verified` checks them later on the few that are shown.
        """
        only = f" AND document_id IN (SELECT document_id FROM {within})" if within else ""
        char = _single_char(term)
        if char is not None:
            return (
                f"SELECT document_id FROM search_doc WHERE chars @@ %s::tsquery{only}",
                [f"'{char}'"],
            )
        q = tsquery(term)
        if len(term.tokens) == 1 or not exact:
            # (With `within_set` a document may come twice, from its metadata and chunks: the
            # INTERSECT it goes into removes duplicates anyway.)
            union = "UNION" if exact or not within_set else "UNION ALL"
            return (
                f"SELECT document_id FROM search_doc WHERE meta @@ %s::tsquery{only} "
                f"{union} SELECT document_id FROM search_chunk WHERE vector @@ %s::tsquery{only}",
                [q, q if len(term.tokens) == 1 else tsquery_and(term)],
            )
        # A phrase: the GIN index alone finds the chunks holding all its tokens (no vector
        # read); the positions are then checked in those documents only, one chunk after
        # the other until one matches. (Left to itself, the planner rechecks the phrase on
        # every chunk holding its tokens before restricting to the documents wanted: it
        # does not count the cost of reading the vectors.)
        return (
            f"SELECT document_id FROM search_doc WHERE meta @@ %s::tsquery{only} "
            "UNION SELECT c.document_id FROM (SELECT DISTINCT document_id FROM search_chunk "
            f"WHERE vector @@ %s::tsquery{only}) c, LATERAL (SELECT 1 FROM search_chunk e "
            "WHERE e.document_id = c.document_id AND ts_match_vq(e.vector, %s::tsquery) "
            "LIMIT 1) x",
            [q, tsquery_and(term), q],
        )

    def matched_sql(self, query: Query) -> tuple[str, list]:
        """SQL of the ids (``document_id``) of the documents matching the query, exactly.

        The terms are taken one after the other, each only among the documents holding the
        ones before: terms of one token first (the GIN index answers them without reading
        a vector), phrases last, so that a phrase's positions are checked (its vectors read)
        only in documents that hold every other term.
        """
        terms = sorted(query.include, key=lambda t: len(t.tokens) > 1)
        ctes, args = [], []
        for i, term in enumerate(terms):
            sql, a = self._term(term, f"t{i - 1}" if i else None)
            ctes.append(f"t{i} AS MATERIALIZED ({sql})")
            args += a
        last = f"t{len(terms) - 1}"
        sql = f"SELECT document_id FROM {last}"
        if query.exclude:
            excluded = []
            for term in query.exclude:
                s, a = self._term(term, last)
                excluded.append(s)
                args += a
            sql = f"{sql} EXCEPT ({' UNION ALL '.join(excluded)})"
        return f"WITH {', '.join(ctes)} {sql}", args

    def candidates_sql(self, query: Query) -> tuple[str, list]:
        """SQL of the candidates (``document_id``): the documents holding every token of
        every included term and no excluded term of one token, from the GIN indexes alone
        (see `_term`); `_verified` checks the rest.

        Each term's documents are found on their own and intersected (a hash set operation).
        (Restricting each term to the documents of the ones before, as `matched_sql` does,
        leads the planner astray here: it estimates one row for an AND of common tokens and
        loops over the other term's documents for each of thousands.)
        """
        parts, args = [], []
        several = len(query.include) > 1
        for term in query.include:
            sql, a = self._term(term, exact=False, within_set=several)
            parts.append(f"({sql})")
            args += a
        sql = " INTERSECT ".join(parts)
        excluded = []
        for term in query.exclude:
            if len(term.tokens) == 1:
                s, a = self._term(term)
                excluded.append(f"({s})")
                args += a
        if excluded:
            sql = f"({sql}) EXCEPT ({' UNION ALL '.join(excluded)})"
        return sql, args

    @staticmethod
    def _verified(query: Query) -> tuple[str, list]:
        """A condition on a document id ``u.id`` that checks what the candidates leave open:
        the positions of every included phrase, and the absence of every excluded one
        ('' when there is nothing to check)."""
        conditions, args = [], []
        for term, negate in [(t, False) for t in query.include] + [
            (t, True) for t in query.exclude
        ]:
            if len(term.tokens) < 2:
                continue
            q = tsquery(term)
            conditions.append(
                ("NOT " if negate else "")
                + "(EXISTS (SELECT 1 FROM search_doc s WHERE s.document_id = u.id "
                "AND ts_match_vq(s.meta, %s::tsquery)) OR EXISTS (SELECT 1 FROM search_chunk e "
                "WHERE e.document_id = u.id AND ts_match_vq(e.vector, %s::tsquery)))"
            )
            args += [q, q]
        return " AND ".join(conditions), args

    def search(
        self,
        query: Query,
        where: str,
        params: list,
        order: str,
        limit: int,
        offset: int,
        *,
        raw: bool = False,
    ) -> tuple[list[Candidate], int, bool]:
        """One page of matching documents (best first), how many match, and whether that
        number is exact.

        The first statement finds the *candidates* from the GIN indexes alone (all tokens of
        every term present; phrases' positions not checked), counts them and returns the first
        of them in the order wanted (for relevance also the newest `META_CAP` with a term in
        the title or metadata). The second checks phrases (`_verified`) on those ids only.

        At most ``search_rank_cap`` candidates: every one is checked and ranked (ts_rank,
        metadata x10 + the best chunk); the count is exact. More (a common word): the
        metadata hits lead, ranked on that small vector, then the other candidates, newest
        first, checked one after the other only until the page is full. Without phrases the
        count is still exact; with one it is estimated (candidates x the share of those
        checked that matched) and shown as "约": checking a phrase reads a document's whole
        vector (~15 us), 300 ms for a common phrase in 20,000 documents, for a number nobody
        reads to the last digit (web search engines estimate theirs the same way). The
        complete, exact set is `matching()`.
        """
        check, check_args = self._verified(query)
        cap = int(settings.WENKU.search_rank_cap)
        relevance = order.startswith("score")
        scan_order = "d.id DESC" if order == default_order() else order.replace("score, ", "")
        window = max(cap, 4 * (offset + limit) + META_CAP)
        with transaction.atomic(), _cursor(raw) as cursor:
            # Nearly every row matches a common word, so the planner prefers a sequential
            # scan, which reads (detoasts) every vector; the GIN index answers without.
            cursor.execute("SET LOCAL enable_seqscan = off")

            def run(sql: str, args: list) -> list[tuple]:
                cursor.execute(sql, args)
                return cursor.fetchall()

            def candidates(skip: int) -> tuple[list[int], list[int], int]:
                return self._candidates(
                    query, where, params, scan_order, window, skip, relevance and not skip, run
                )

            ids, meta, n = candidates(0)
            if not n or (not check and offset >= n):
                return [], n, True
            if n <= cap and len(ids) == n:
                return self._rank_all(query, ids, check, check_args, order, limit, offset, run)

            leading: list[tuple[int, float]] = []
            if meta:
                leading = run(
                    f"SELECT u.id, -10 * ts_rank({WEIGHTS}, s.meta, %s::tsquery) AS score "
                    "FROM unnest(%s::bigint[]) u(id) JOIN search_doc s ON s.document_id = u.id"
                    + (f" WHERE {check}" if check else "")
                    + " ORDER BY score, u.id DESC",
                    [tsquery_any(query.include), meta, *check_args],
                )
            led = {i for i, _ in leading}
            need = offset + limit + len(led)
            found: list[int] = []
            scanned = 0
            while True:
                if check:
                    rows = run(
                        "SELECT id, ord FROM unnest(%s::bigint[]) WITH ORDINALITY u(id, ord) "
                        f"WHERE {check} LIMIT %s",
                        [ids, *check_args, need - len(found)],
                    )
                else:
                    rows = list(zip(ids[: need - len(found)], itertools.count(1), strict=False))
                found += [i for i, _ in rows]
                if len(found) >= need:
                    scanned += rows[-1][1]
                    break
                scanned += len(ids)
                if scanned >= n:
                    break
                ids, _, _ = candidates(scanned)  # rare: few of the first ones matched
                if not ids:
                    break
        if not check:
            total, exact = n, True
        elif len(found) < need or scanned >= n:  # every candidate was checked
            total, exact = len(found), True
        else:
            total, exact = max(len(found), round(n * len(found) / scanned)), False
        page = [Candidate(i, -s) for i, s in leading]
        page += [Candidate(i, 0.0) for i in found if i not in led]
        return page[offset : offset + limit], total, exact

    def _candidates(
        self,
        query: Query,
        where: str,
        params: list,
        order: str,
        window: int,
        skip: int,
        with_meta: bool,
        run,
    ) -> tuple[list[int], list[int], int]:
        """(Up to `window` candidates in `order` after the first `skip`; with `with_meta` the
        newest `META_CAP` of all candidates with a term in the title or metadata; how many
        candidates there are)."""
        terms, args = self.candidates_sql(query)
        if (where, params) == listed():
            # Site search's usual filter: the few unlisted documents are left out through
            # their partial index (migration 0005) instead of reading the document table.
            found = (
                f"SELECT document_id AS id FROM ({terms}) t "
                f"EXCEPT SELECT id FROM library_document WHERE {UNLISTED}"
            )
            filter_args: list = []
        else:
            found = (
                f"SELECT d.id FROM ({terms}) t JOIN library_document d "
                f"ON d.id = t.document_id WHERE {where}"
            )
            filter_args = list(params)
        source = "c d" if order == "d.id DESC" else "c JOIN library_document d ON d.id = c.id"
        sql = (
            f"WITH c AS MATERIALIZED ({found}) "
            f"(SELECT 0, d.id, (SELECT count(*) FROM c) FROM {source} "
            f"ORDER BY {order} LIMIT %s OFFSET %s)"
        )
        sql_args = [*args, *filter_args, window, skip]
        if with_meta:
            sql += (
                " UNION ALL (SELECT 1, c.id, 0 FROM c JOIN search_doc s ON s.document_id = c.id "
                f"WHERE s.meta @@ %s::tsquery ORDER BY c.id DESC LIMIT {META_CAP})"
            )
            sql_args.append(tsquery_any(query.include))
        rows = run(sql, sql_args)
        ordered = [i for kind, i, _ in rows if kind == 0]
        meta = [i for kind, i, _ in rows if kind == 1]
        n = next((count for kind, _, count in rows if kind == 0), None)
        if n is None:  # nothing in the window: count alone
            n = run(
                f"WITH c AS MATERIALIZED ({found}) SELECT count(*) FROM c", [*args, *filter_args]
            )[0][0]
        return ordered, meta, n

    @staticmethod
    def _rank_all(
        query: Query,
        ids: list[int],
        check: str,
        check_args: list,
        order: str,
        limit: int,
        offset: int,
        run,
    ) -> tuple[list[Candidate], int, bool]:
        """Few candidates (all of them in `ids`, in order): check and rank every one."""
        matched = "SELECT u.id, u.ord FROM unnest(%s::bigint[]) WITH ORDINALITY u(id, ord)" + (
            f" WHERE {check}" if check else ""
        )
        if "score" in order:
            anyq = tsquery_any(query.include)
            rows = run(
                f"WITH m AS MATERIALIZED ({matched}) "
                f"SELECT m.id, -(10 * coalesce(ts_rank({WEIGHTS}, s.meta, %s::tsquery), 0) "
                f"+ coalesce((SELECT max(ts_rank({WEIGHTS}, e.vector, %s::tsquery)) "
                "FROM search_chunk e WHERE e.document_id = m.id), 0)) AS score "
                "FROM m LEFT JOIN search_doc s ON s.document_id = m.id "
                f"JOIN library_document d ON d.id = m.id ORDER BY {order}",
                [ids, *check_args, anyq, anyq],
            )
        elif check:
            rows = [(i, 0.0) for i, _ in run(f"{matched} ORDER BY u.ord", [ids, *check_args])]
        else:  # nothing to check or rank: the candidates are the matches, in order
            rows = [(i, 0.0) for i in ids]
        return [Candidate(i, -s) for i, s in rows[offset : offset + limit]], len(rows), True

    def matching(self, query: Query) -> set[int]:
        """Every document id (any status) matching the query: for tests and benchmarks."""
        sql, args = self.matched_sql(query)
        with connection.cursor() as cursor:
            cursor.execute(sql, args)
            return {row[0] for row in cursor.fetchall()}

    def size_bytes(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_total_relation_size('search_doc') "
                "+ pg_total_relation_size('search_chunk')"
            )
            return int(cursor.fetchone()[0])


class _Nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return None


class _cursor:
    """A Django cursor, or with ``raw`` one of the DB-API connection (for the benchmark)."""

    def __init__(self, raw: bool):
        self.raw = raw

    def __enter__(self):
        if self.raw:
            connection.ensure_connection()
            self.cursor = connection.connection.cursor()
        else:
            self.cursor = connection.cursor()
        return self.cursor

    def __exit__(self, *exc):
        self.cursor.close()
