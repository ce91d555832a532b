"""SQLite FTS5 over bigram tokens, one row per document.

``search_doc`` is a contentless FTS5 table (tokenizer ``ascii``: our tokens are separated by
spaces and contain no ASCII punctuation, so FTS5 keeps them exactly) whose rowid is the
document id, with five columns weighted by bm25:

- ``title`` 10, ``meta`` (category, tags, description) 4, ``body`` (every page, a GAP token
  between pages so that no phrase spans two pages) 1: the bigram tokens;
- ``tchars`` 5 and ``bchars`` 1: the distinct CJK characters of title/metadata and of the
  pages. A one-character query is the token ``亩`` over every column (in the bigram columns it
  finds the last character of a run, in these two every occurrence). This replaces FTS5's
  ``prefix='1'`` index, which cost 35% of the build time and 70% of the index size for the
  query ``"亩"*``. Phrases of several tokens are restricted to the bigram columns, since two
  characters that are neighbours in a character list are not neighbours in the text.

One row per document makes the per-document AND of terms FTS5's own AND, and a count of
matches one doclist merge. A contentless table needs the indexed values to delete a row, so
``search_tokens`` keeps them (zlib-compressed tokens) by document id.

Ranking: bm25 costs a few microseconds per matching row (a docsize lookup and the phrase
positions), and its IDF reads every match of each phrase again, so a query matching at most
`settings.WENKU.search_rank_cap` documents is ranked by bm25; above that, the newest `META_CAP`
documents with a term in the title or metadata (found in the small ``search_meta`` table,
which repeats those three columns, and checked against the whole query in the same pass that
counts the matches) come first by their bm25 there, and the other matches follow newest
first (by document id).
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable

from django.conf import settings
from django.db import connection

from ..query import Query, Term
from ..tokenize import GAP
from .base import UNLISTED, Candidate, Row, default_order, listed

WEIGHTS = "10.0, 4.0, 1.0, 5.0, 1.0"
META_WEIGHTS = "10.0, 4.0, 5.0"
META_CAP = 100
TEXT_COLUMNS = "{title meta body}"
META_COLUMNS = "{title meta}"
SEP = "\x00"


def fts_phrase(term: Term, columns: str = TEXT_COLUMNS) -> str:
    tokens = term.tokens
    if len(tokens) == 1 and tokens[0].prefix and len(tokens[0].text) == 1:
        # One CJK character (a one-character Latin word is never a prefix): every column.
        return f'"{tokens[0].text}"'  # every column (of search_doc or search_meta)
    body = " ".join(t.text for t in tokens)
    phrase = f'"{body}"*' if tokens[-1].prefix else f'"{body}"'
    return f"{columns} : {phrase}"


def fts_query(query: Query) -> str:
    """The FTS5 expression of the documents matching the query."""
    expr = " AND ".join(f"({fts_phrase(t)})" for t in query.include)
    if query.exclude:
        expr = f"({expr}) NOT ({' OR '.join(f'({fts_phrase(t)})' for t in query.exclude)})"
    return expr


def fts_meta_query(query: Query) -> str:
    """The documents of search_meta with an included term in the title or metadata."""
    return " OR ".join(f"({fts_phrase(t, META_COLUMNS)})" for t in query.include)


class SQLiteBackend:
    vendor = "sqlite"

    def add(self, rows: Iterable[Row]) -> None:
        fts, side = [], []
        for row in rows:
            values = (
                row.title,
                f" {GAP} ".join(part for part in row.meta if part),
                f" {GAP} ".join(row.pages),
                row.meta_chars,
                row.body_chars,
            )
            fts.append((row.document_id, *values))
            side.append((row.document_id, zlib.compress(SEP.join(values).encode(), 1)))
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO search_doc(rowid, title, meta, body, tchars, bchars) "
                "VALUES (%s, %s, %s, %s, %s, %s)",
                fts,
            )
            cursor.executemany(
                "INSERT INTO search_meta(rowid, title, meta, tchars) VALUES (%s, %s, %s, %s)",
                [(doc, title, meta, tchars) for doc, title, meta, _, tchars, _ in fts],
            )
            cursor.executemany("INSERT INTO search_tokens(id, data) VALUES (%s, %s)", side)

    def delete(self, document_ids: Iterable[int]) -> None:
        ids = list(document_ids)
        if not ids:
            return
        with connection.cursor() as cursor:
            for start in range(0, len(ids), 500):
                part = json.dumps(ids[start : start + 500])
                cursor.execute(
                    "SELECT id, data FROM search_tokens "
                    "WHERE id IN (SELECT value FROM json_each(%s))",
                    [part],
                )
                old = [
                    (rowid, *zlib.decompress(data).decode().split(SEP))
                    for rowid, data in cursor.fetchall()
                ]
                if not old:
                    continue
                cursor.executemany(
                    "INSERT INTO search_doc(search_doc, rowid, title, meta, body, tchars, bchars) "
                    "VALUES ('delete', %s, %s, %s, %s, %s, %s)",
                    old,
                )
                cursor.executemany(
                    "INSERT INTO search_meta(search_meta, rowid, title, meta, tchars) "
                    "VALUES ('delete', %s, %s, %s, %s)",
                    [(doc, title, meta, tchars) for doc, title, meta, _, tchars, _ in old],
                )
                cursor.execute(
                    "DELETE FROM search_tokens WHERE id IN (SELECT value FROM json_each(%s))",
                    [part],
                )

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO search_doc(search_doc) VALUES ('delete-all')")
            cursor.execute("INSERT INTO search_meta(search_meta) VALUES ('delete-all')")
            cursor.execute("DELETE FROM search_tokens")

    def optimize(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO search_doc(search_doc) VALUES ('optimize')")
            cursor.execute("INSERT INTO search_meta(search_meta) VALUES ('optimize')")

    def bulk(self):
        """A context for indexing many documents (see `_Bulk`)."""
        return _Bulk()

    def is_indexed(self, document_id: int) -> bool:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM search_tokens WHERE id = %s", [document_id])
            return cursor.fetchone() is not None

    # -----------------------------------------------------------------------------------------

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
        """One page of matching documents (best first), how many match in all, and True (the
        count is always exact here).

        ``where``/``order`` are SQL over the document table aliased ``d``; ``order`` may use
        ``score`` (lower is better: bm25 is negative). ``raw`` runs the statements on the
        DB-API connection (for the benchmark's bare-SQL figures).
        """
        run = _raw if raw else _django
        expr = fts_query(query)
        where_sql = f" AND {where}" if where else ""
        base = (
            "FROM search_doc CROSS JOIN library_document d ON d.id = search_doc.rowid "
            f"WHERE search_doc MATCH %s{where_sql}"
        )
        cap = int(settings.WENKU.search_rank_cap)
        meta: list[tuple[int, float]] = []
        if order.startswith("score"):
            # The newest `META_CAP` documents with a term in the title or metadata, from the
            # small search_meta table: ranked first when too many match to rank them all.
            meta = run(
                f"SELECT rowid, bm25(search_meta, {META_WEIGHTS}) FROM search_meta "
                f"WHERE search_meta MATCH %s ORDER BY rowid DESC LIMIT {META_CAP}",
                [fts_meta_query(query)],
            )
        # One pass over the matches counts them and tells which of those match the query.
        # Without filters beyond "listed", the matches are counted without reading the
        # document table: minus those among the (few, partially indexed) unlisted documents.
        if (where, params) == listed():
            count_from = (
                "FROM search_doc WHERE search_doc MATCH %s AND search_doc.rowid NOT IN "
                f"(SELECT id FROM library_document WHERE {UNLISTED})"
            )
            count_args = [expr]
        else:
            count_from, count_args = base, [expr, *params]
        total, verified = run(
            "SELECT count(*), json_group_array(search_doc.rowid) FILTER "
            f"(WHERE search_doc.rowid IN (SELECT value FROM json_each(%s))) {count_from}",
            [json.dumps([doc for doc, _ in meta]), *count_args],
        )[0]
        if not total or offset >= total:
            return [], total, True
        if "score" not in order:
            rows = run(
                f"SELECT d.id, 0 {base} ORDER BY {order} LIMIT %s OFFSET %s",
                [expr, *params, limit, offset],
            )
            return [Candidate(i, 0.0) for i, _ in rows], total, True
        if total <= cap or not order.startswith("score"):
            if total > cap:  # ranking every match costs too much: order without the score
                order = order.replace("score, ", "")
            rows = run(
                f"SELECT d.id, bm25(search_doc, {WEIGHTS}) AS score {base} "
                f"ORDER BY {order} LIMIT %s OFFSET %s",
                [expr, *params, limit, offset],
            )
            return [Candidate(i, -s) for i, s in rows], total, True
        # Many matches (a common word): bm25 would score every one of them, and its IDF alone
        # reads every matching row again. The metadata hits that match the whole query come
        # first, by their bm25 in search_meta; then every other match, newest first.
        matched_meta = set(json.loads(verified))
        ranked = [(score, -doc) for doc, score in meta if doc in matched_meta]
        ranked.sort()
        out = [Candidate(-doc, -score) for score, doc in ranked[offset : offset + limit]]
        if len(out) < limit:
            rest_order = (
                "search_doc.rowid DESC"
                if order == default_order()
                else order.replace("score, ", "")
            )
            rest = run(
                f"SELECT d.id {base} AND search_doc.rowid NOT IN "
                f"(SELECT value FROM json_each(%s)) ORDER BY {rest_order} LIMIT %s OFFSET %s",
                [
                    expr,
                    *params,
                    json.dumps([-doc for _, doc in ranked]),
                    limit - len(out),
                    max(0, offset - len(ranked)),
                ],
            )
            out += [Candidate(i, 0.0) for (i,) in rest]
        return out, total, True

    def matching(self, query: Query) -> set[int]:
        """Every document id (any status) matching the query: for tests and benchmarks."""
        rows = _django("SELECT rowid FROM search_doc WHERE search_doc MATCH %s", [fts_query(query)])
        return {r[0] for r in rows}

    def size_bytes(self) -> int:
        with connection.cursor() as cursor:
            try:
                cursor.execute(
                    "SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'search\\_%%' ESCAPE '\\'"
                )
                return int(cursor.fetchone()[0] or 0)
            except Exception:  # dbstat is not compiled in every SQLite
                return 0


def _django(sql: str, args: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, args)
        return cursor.fetchall()


def _raw(sql: str, args: list) -> list[tuple]:
    connection.ensure_connection()
    return connection.connection.execute(sql.replace("%s", "?"), args).fetchall()


class _Bulk:
    """Indexing many documents: a larger page cache (FTS5 merges segments while inserting,
    and SQLite's default 2 MB cache makes every merge of a large index read from disk again)
    and fewer intermediate merges (``automerge`` 16 instead of 4: each token's data is
    rewritten about half as often; `optimize` merges everything at the end)."""

    def __enter__(self):
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size")
            self.old = cursor.fetchone()[0]
            cursor.execute("PRAGMA cache_size = -262144")  # 256 MB
            for table in ("search_doc", "search_meta"):
                cursor.execute(f"INSERT INTO {table}({table}, rank) VALUES ('automerge', 16)")

    def __exit__(self, *exc):
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(self.old)}")
            for table in ("search_doc", "search_meta"):
                cursor.execute(f"INSERT INTO {table}({table}, rank) VALUES ('automerge', 4)")
