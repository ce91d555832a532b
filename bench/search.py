"""Search benchmark: the app's search() against the bare index SQL, on a generated library.

1. Generates `--docs` documents (20,000 by default) of about 3,000 Chinese characters, each
   three pages, from a deterministic seed: report-style paragraphs from
   `wenku.samples.text.chinese_paragraphs` (a small, very repetitive vocabulary: many
   words are in every document) with words of a long-tail vocabulary (Zipf-distributed,
   2-4 characters) mixed in, the way real libraries have a few very common and many rare
   words. Titles mix both. Rows are written with bulk_create (untimed).
2. Indexes them through `wenku.search.index.index_many` (timed: build time, characters per
   second, index size on disk).
3. Runs `--queries` queries (200; 1 to 3 terms, most of two characters, some single
   characters and 3-4 character words, half common and half long-tail words), each through
   - the app: `search(q)` -> the first page of 20 ranked results with snippets, documents,
     page numbers, highlighted titles, and
   - the bare SQL: the statements the backend runs for that page (count, ranking), on the
     raw DB-API connection (no ORM, no documents, no snippets),
   alternating, after an untimed warm-up round of other queries (never the measured ones);
   p50/p95 of each and the ratio of p95s.
4. Checks recall/precision against the truth (folded substring search over every field and
   page of every document): the backend's complete match set per query, and the app's total.
   Both must be 1.0: they are targets like the times, and the script exits 1 when any target
   is missed.

It runs in its own data folder (`var/bench-search`, a fresh SQLite database) unless
`--database-url` names a PostgreSQL database (dropped and created anew).
The last line printed is one JSON object with every figure.

    .venv/bin/python bench/search.py [--docs 20000] [--queries 200] [--quick] [--database-url URL]

Traditional->simplified folding cost (measured here, see --t2s): the character table used by
the tokenizer (`str.translate`) against OpenCC's phrase-level converter on the same text.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TARGET_P95_MS = {"sqlite": 30.0, "postgresql": 60.0}
TARGET_RATIO = 1.5
TARGET_CHARS_PER_S = 500_000


def setup_django(args: argparse.Namespace) -> None:
    data = REPO / "var" / "bench-search"
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
        _create_pg_database(args.database_url)
    else:
        os.environ["DATABASE_URL"] = ""
        shutil.rmtree(data, ignore_errors=True)
    data.mkdir(parents=True, exist_ok=True)
    os.environ["WENKU_DATA_DIR"] = str(data)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wenku.settings")
    sys.path.insert(0, str(REPO / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _create_pg_database(url: str) -> None:
    import dj_database_url
    import psycopg

    cfg = dj_database_url.parse(url)
    admin = psycopg.connect(
        host=cfg["HOST"],
        port=cfg["PORT"] or 5432,
        user=cfg["USER"],
        password=cfg["PASSWORD"],
        dbname="postgres",
        autocommit=True,
    )
    with admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{cfg["NAME"]}"')
        admin.execute(f'CREATE DATABASE "{cfg["NAME"]}"')


# ---------------------------------------------------------------------------------------------
# Corpus
# ---------------------------------------------------------------------------------------------


class Corpus:
    def __init__(self, seed: int, docs: int, chars: int):
        from wenku.samples.text import chinese_paragraphs

        self.rng = random.Random(seed)
        self.paragraphs = chinese_paragraphs(3000, seed=seed)
        charset = sorted({c for p in self.paragraphs for c in p if "\u4e00" <= c <= "\u9fff"})
        extra = [chr(self.rng.randint(0x4E00, 0x7FFF)) for _ in range(1500)]
        pool = charset + extra
        seen: set[str] = set()
        self.vocab: list[str] = []
        while len(self.vocab) < 40_000:
            word = "".join(self.rng.choices(pool, k=self.rng.choice((2, 2, 3, 4))))
            if word not in seen:
                seen.add(word)
                self.vocab.append(word)
        weights = [1.0 / (rank + 10) for rank in range(len(self.vocab))]
        self.cum = []
        total = 0.0
        for w in weights:
            total += w
            self.cum.append(total)
        self.docs = docs
        self.chars = chars

    def rare_words(self, k: int) -> list[str]:
        return self.rng.choices(self.vocab, cum_weights=self.cum, k=k)

    def document(self) -> tuple[str, str, list[str]]:
        rng = self.rng
        pages, length = [], 0
        page: list[str] = []
        while length < self.chars:
            para = rng.choice(self.paragraphs)
            cut = rng.randrange(len(para))
            words = "、".join(self.rare_words(rng.randint(1, 4)))
            para = f"{para[:cut]}，{words}，{para[cut:]}"
            page.append(para)
            length += len(para)
            if sum(map(len, page)) >= self.chars // 3:
                pages.append("\n".join(page))
                page = []
        if page:
            pages.append("\n".join(page))
        title = "".join(self.rare_words(2)) + rng.choice(("报告", "方案", "研究", "说明书"))
        description = "关于" + "、".join(self.rare_words(3)) + "的材料"
        return title, description, pages

    def queries(self, n: int) -> list[str]:
        rng = self.rng
        common = sorted(
            {
                p[i : i + rng.choice((2, 2, 3, 4))]
                for p in self.paragraphs[:50]
                for i in range(0, len(p) - 4, 7)
            }
        )
        common = [w for w in common if all("\u4e00" <= c <= "\u9fff" for c in w)]

        def word() -> str:
            kind = rng.random()
            source = common if rng.random() < 0.5 else None
            if kind < 0.15:  # one character
                return rng.choice(rng.choice(common) if source else rng.choice(self.vocab[:5000]))
            w = rng.choice(source) if source else rng.choice(self.vocab[: rng.choice((500, 20000))])
            if kind < 0.75:  # most words: two characters
                start = rng.randrange(max(1, len(w) - 1))
                return w[start : start + 2]
            return w

        out = []
        for _ in range(n):
            terms = rng.choices((1, 2, 3), weights=(5, 3, 2))[0]
            out.append(" ".join(word() for _ in range(terms)))
        return out


def build_library(corpus: Corpus) -> tuple[list[int], dict[int, list[str]]]:
    """Documents and pages (untimed); returns ids and each document's folded fields."""
    from django.db import transaction

    from wenku.accounts.models import User
    from wenku.library.models import Category, Document, Page
    from wenku.search.tokenize import fold

    user, _ = User.objects.get_or_create(username="bench")
    categories = [Category.from_path(p) for p in ("政务/土地", "工业/新材料", "教育/教学")]
    fields: dict[int, list[str]] = {}
    ids: list[int] = []
    batch = 500
    for start in range(0, corpus.docs, batch):
        docs, contents = [], []
        for i in range(start, min(corpus.docs, start + batch)):
            title, description, pages = corpus.document()
            docs.append(
                Document(
                    # Explicit: 20,000 random numbers collide once in five runs.
                    number=100_000_000 + i,
                    title=title,
                    description=description,
                    uploader=user,
                    category=categories[i % 3],
                    original_filename=f"{i}.docx",
                    format="docx",
                    size=1,
                    sha256=hashlib.sha256(f"bench-{i}".encode()).hexdigest(),
                    original=f"bench/{i}.docx",
                    status=Document.Status.READY,
                    page_count=len(pages),
                    preview_page_count=0,
                )
            )
            contents.append(pages)
        with transaction.atomic():
            Document.objects.bulk_create(docs)
            Page.objects.bulk_create(
                [
                    Page(document=d, number=n, text=t)
                    for d, pages in zip(docs, contents, strict=True)
                    for n, t in enumerate(pages, 1)
                ],
                batch_size=2000,
            )
        for d, pages in zip(docs, contents, strict=True):
            ids.append(d.pk)
            fields[d.pk] = [fold(x) for x in (d.title, d.description, d.category.path, *pages)]
    return ids, fields


def truth(query: str, fields: dict[int, list[str]]) -> set[int]:
    from wenku.search.query import parse

    q = parse(query)
    terms = [t.text.replace(" ", "") for t in q.include]
    return {d for d, texts in fields.items() if all(any(t in x for x in texts) for t in terms)}


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, max(0, round(p / 100 * len(values)) - 1))]


def measure_t2s() -> dict:
    import opencc

    from wenku.samples.text import chinese_paragraphs
    from wenku.search.tokenize import _t2s_table

    text = "\n".join(chinese_paragraphs(200, seed=3))
    table = str.maketrans(_t2s_table())
    t = time.perf_counter()
    for _ in range(20):
        text.translate(table)
    table_cps = 20 * len(text) / (time.perf_counter() - t)
    converter = opencc.OpenCC("t2s")
    t = time.perf_counter()
    converter.convert(text)
    opencc_cps = len(text) / (time.perf_counter() - t)
    return {"t2s_table_chars_per_s": round(table_cps), "t2s_opencc_chars_per_s": round(opencc_cps)}


def run(args: argparse.Namespace) -> dict:
    from django.db import connection

    from wenku.library.models import Document
    from wenku.search.backends import get_backend
    from wenku.search.index import Filters, _order, index_many, search
    from wenku.search.query import parse

    vendor = connection.vendor
    backend = get_backend()
    t = time.perf_counter()
    corpus = Corpus(args.seed, args.docs, args.chars)
    ids, fields = build_library(corpus)
    print(f"generated {len(ids)} documents in {time.perf_counter() - t:.1f} s", flush=True)

    t = time.perf_counter()
    chars = index_many(Document(pk=pk) for pk in ids)
    backend.optimize()
    build = time.perf_counter() - t
    size = backend.size_bytes()
    print(
        f"indexed {chars:,} chars in {build:.1f} s ({chars / build:,.0f} chars/s), "
        f"index {size / 1e6:.0f} MB",
        flush=True,
    )

    # The warm-up runs queries of their own: replaying the measured ones first would time
    # answers the database (and the app's caches) have just computed.
    warm_up = corpus.queries(max(20, args.queries // 4))
    queries = corpus.queries(args.queries)
    where, params = Filters().sql()
    order = _order("relevance")

    def bare(q: str) -> None:
        backend.search(parse(q), where, params, order, 20, 0, raw=True)

    def app(q: str):
        return search(q, page=1, per_page=20)

    for q in warm_up:
        bare(q)
        app(q)
    app_ms, bare_ms, totals = [], [], []
    for q in queries:
        t = time.perf_counter()
        bare(q)
        bare_ms.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        results = app(q)
        app_ms.append((time.perf_counter() - t) * 1000)
        totals.append(results.total)
        assert len(results.hits) == min(20, results.total)

    tp = fp = fn = 0
    app_exact = 0
    slowest = sorted(zip(app_ms, queries, strict=True), reverse=True)[:5]
    for q, total in zip(queries, totals, strict=True):
        expected = truth(q, fields)
        found = backend.matching(parse(q))
        tp += len(found & expected)
        fp += len(found - expected)
        fn += len(expected - found)
        app_exact += total == len(expected)
        if found != expected:
            print(
                f"mismatch for {q!r}: {len(found - expected)} false, {len(expected - found)} "
                "missed",
                flush=True,
            )
    figures = {
        "database": vendor,
        "documents": len(ids),
        "chars": chars,
        "build_s": round(build, 1),
        "chars_per_s": round(chars / build),
        "index_mb": round(size / 1e6, 1),
        "queries": len(queries),
        "app_p50_ms": round(statistics.median(app_ms), 2),
        "app_p95_ms": round(percentile(app_ms, 95), 2),
        "bare_p50_ms": round(statistics.median(bare_ms), 2),
        "bare_p95_ms": round(percentile(bare_ms, 95), 2),
        "ratio_p95": round(percentile(app_ms, 95) / percentile(bare_ms, 95), 2),
        "ratio_p50": round(statistics.median(app_ms) / statistics.median(bare_ms), 2),
        "recall": round(tp / (tp + fn), 4) if tp + fn else 1.0,
        "precision": round(tp / (tp + fp), 4) if tp + fp else 1.0,
        "app_total_exact": f"{app_exact}/{len(queries)}",
        "median_hits": statistics.median(totals),
        "slowest": [[q, round(ms, 1)] for ms, q in slowest],
        **measure_t2s(),
    }
    figures["targets_met"] = {
        "p95": figures["app_p95_ms"] <= TARGET_P95_MS.get(vendor, 60.0),
        # The ratio is a target at the library size it was set for (20,000 documents): on a
        # small one the bare SQL takes under a millisecond and the app's fixed cost per page of
        # results (documents, snippets) is the whole ratio. Reported, not judged, below that.
        "ratio": figures["ratio_p95"] <= TARGET_RATIO if len(ids) >= 20_000 else None,
        "chars_per_s": figures["chars_per_s"] >= TARGET_CHARS_PER_S,
        # Speed means nothing if the answers are wrong: the match sets equal the truth.
        "recall": figures["recall"] >= 1.0,
        "precision": figures["precision"] >= 1.0,
    }
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2,000 documents, 100 queries")
    parser.add_argument("--docs", type=int, default=20_000)
    parser.add_argument("--chars", type=int, default=3_000, help="characters per document")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--database-url", default="", help="PostgreSQL URL (default: SQLite)")
    args = parser.parse_args()
    if args.quick:
        args.docs, args.queries = 2_000, 100
    setup_django(args)
    figures = run(args)
    for key, value in figures.items():
        if key != "slowest":
            print(f"{key:>24}: {value}")
    print(json.dumps(figures, ensure_ascii=False))
    return 1 if any(ok is False for ok in figures["targets_met"].values()) else 0


if __name__ == "__main__":
    sys.exit(main())
