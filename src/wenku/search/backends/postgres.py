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

A term matches a document when it matches its metadata or one of its chunks; the terms are
taken one after the other, each among the documents holding the previous ones (see
`matched_sql`). A term of one token needs no recheck of the GIN result (no vector is read);
a phrase's positions are checked only in documents holding all its tokens. Ranking is
`ts_rank` (metadata x10 + best chunk) when at most `CONFIG.search_rank_cap` documents match;
when more match, the newest `META_CAP` documents with a metadata hit come first (ranked on
that small vector) and the other matches follow newest first.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection, transaction

from wenku.config import CONFIG

from ..query import Query, Term
from . import Candidate, Row

CHUNK = 4000
OVERLAP = 64
MAX_POS = 16383
MAX_LEXEME_POS = 256
WEIGHTS = "'{0.1, 0.2, 0.4, 1.0}'"
META_CAP = 100


def _default_order() -> str:
    from ..index import _order

    return _order("relevance")


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
    def _term(term: Term, within: str | None = None) -> tuple[str, list]:
        """SQL of the documents holding a term (only those in CTE `within`, if given)."""
        only = f" AND document_id IN (SELECT document_id FROM {within})" if within else ""
        char = _single_char(term)
        if char is not None:
            return (
                f"SELECT document_id FROM search_doc WHERE chars @@ %s::tsquery{only}",
                [f"'{char}'"],
            )
        q = tsquery(term)
        if len(term.tokens) == 1:
            return (
                f"SELECT document_id FROM search_doc WHERE meta @@ %s::tsquery{only} "
                f"UNION SELECT document_id FROM search_chunk WHERE vector @@ %s::tsquery{only}",
                [q, q],
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
        """SQL of the ids (``document_id``) of the documents matching the query.

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
    ) -> tuple[list[Candidate], int]:
        """One page of matching documents (best first) and how many match in all."""
        matched, margs = self.matched_sql(query)
        where_sql = f" WHERE {where}" if where else ""
        head = (
            f"WITH m AS MATERIALIZED ({matched}), "
            "f AS MATERIALIZED (SELECT d.id FROM m JOIN library_document d "
            f"ON d.id = m.document_id{where_sql}) "
        )
        args = [*margs, *params]
        with transaction.atomic(), _cursor(raw) as cursor:
            # Nearly every row matches a common word, so the planner prefers a sequential
            # scan, which reads (detoasts) every vector; the GIN index answers a one-token
            # term without reading any.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"{head}SELECT count(*) FROM f", args)
            total = cursor.fetchone()[0]
            if not total or offset >= total:
                return [], total
            cap = int(CONFIG.search_rank_cap)
            if "score" not in order or not order.startswith("score"):
                order = order.replace("score, ", "")
                cursor.execute(
                    f"{head}SELECT d.id FROM f JOIN library_document d ON d.id = f.id "
                    f"ORDER BY {order} LIMIT %s OFFSET %s",
                    [*args, limit, offset],
                )
                return [Candidate(i, 0.0) for (i,) in cursor.fetchall()], total
            anyq = tsquery_any(query.include)
            body_rank = (
                f" + coalesce((SELECT max(ts_rank({WEIGHTS}, e.vector, %s::tsquery)) "
                "FROM search_chunk e WHERE e.document_id = c.id), 0)"
            )
            if total <= cap:  # rank every match: metadata x10 + its best chunk
                cand, cand_args, rank_args = "SELECT id FROM f", [], [anyq, anyq]
            else:
                # A common word: ts_rank reads the vector of every document it ranks. The
                # newest `META_CAP` documents with a term in the title or metadata come
                # first (ranked on that small vector), then every other match, newest first.
                cand = (
                    "SELECT f.id FROM f JOIN search_doc s ON s.document_id = f.id "
                    f"WHERE s.meta @@ %s::tsquery ORDER BY f.id DESC LIMIT {META_CAP}"
                )
                cand_args, rank_args, body_rank = [anyq], [anyq], ""
            cursor.execute(
                f"{head}, c AS MATERIALIZED ({cand}), "
                "r AS MATERIALIZED (SELECT c.id, "
                f"10 * coalesce(ts_rank({WEIGHTS}, s.meta, %s::tsquery), 0){body_rank} AS rank "
                "FROM c LEFT JOIN search_doc s ON s.document_id = c.id) "
                "SELECT d.id, -r.rank AS score FROM r JOIN library_document d ON d.id = r.id "
                f"ORDER BY {order}",
                [*args, *cand_args, *rank_args],
            )
            ranked = cursor.fetchall()
            out = [Candidate(i, -s) for i, s in ranked[offset : offset + limit]]
            if len(out) < limit and offset + limit > len(ranked):
                rest_order = (
                    "d.id DESC" if order == _default_order() else order.replace("score, ", "")
                )
                cursor.execute(
                    f"{head}SELECT d.id FROM f JOIN library_document d ON d.id = f.id "
                    f"WHERE NOT (d.id = ANY(%s)) ORDER BY {rest_order} LIMIT %s OFFSET %s",
                    [
                        *args,
                        [i for i, _ in ranked],
                        limit - len(out),
                        max(0, offset - len(ranked)),
                    ],
                )
                out += [Candidate(i, 0.0) for (i,) in cursor.fetchall()]
        return out, total

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
