"""Near-duplicate benchmark: precision, recall and lookup time of the detector, in one run.

The library: `--docs` generated Chinese reports (default 20,000; 6-16 paragraphs, ~1,300-3,600
characters, a year in the first sentence), of which a tenth are hard negatives: 20 templates,
each with fixed headings and a boilerplate block (1-3 paragraphs) shared by all its documents,
around bodies of their own (boilerplate is 15-65% of such a document). Then `--copies` altered
copies (default 500) of distinct, randomly chosen documents, each with its year changed and one
of four alterations:

- swap: 10% of the words replaced by synonyms (wenku.discovery.samples.swap_synonyms);
- reorder: paragraphs shuffled, plus 5% of the words swapped;
- truncate: the last paragraphs dropped, keeping at least 88% of the text;
- swap+reorder: 10% of the words swapped and the paragraphs shuffled.

Every document goes through the service functions the publisher uses (`store_signature`, then
`check_duplicate`, which runs the LSH query and records a `NearDuplicate`), in publication
order, into a fresh database (SQLite in var/bench-dedupe unless `--database-url`). Truth: a
copy's original is the document it was made from; any other recorded match is a false positive.

Figures: precision and recall; the exact Jaccard of each copy with its source (how many fall
below the threshold); for the copies, published once the library is full, the time of each
lookup (`find_matches`: LSH query, candidates' signatures, estimate; p50/p95, target <= 20 ms)
and of the whole check (`check_duplicate`: lookup, choosing the original, recording the match),
and the LSH candidates per lookup; and, in the same run, two
baselines over a sample of copies: a brute-force exact-Jaccard scan of every document's shingle
set, and a scan of every stored signature in memory. The last line is one JSON object.

    .venv/bin/python bench/dedupe.py [--docs 20000] [--copies 500] [--database-url URL]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
TARGETS = {"recall": 0.95, "precision": 0.99, "lookup_p95_ms": 20.0}
TEMPLATES = 20
HEADINGS = ["一、基本情况", "二、主要做法", "三、存在问题", "四、下一步工作打算"]


@dataclass
class Doc:
    key: int
    title: str
    paragraphs: list[str]
    source: int | None = None  # for a copy: the document it was made from
    kind: str = ""

    @property
    def text(self) -> str:
        return "\n".join(self.paragraphs)


def setup_environment(data_dir: Path, database_url: str | None) -> None:
    shutil.rmtree(data_dir, ignore_errors=True)
    data_dir.mkdir(parents=True)
    os.environ["WENKU_DATA_DIR"] = str(data_dir)
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "wenku.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from wenku.library.models import Document

    if Document.objects.exists():
        raise SystemExit("bench/dedupe.py needs an empty database; this one has documents")


# -- corpus ------------------------------------------------------------------------------------


def generate_library(count: int, rng: random.Random) -> list[Doc]:
    from wenku.samples.documents import chinese_paragraphs

    boilerplates = [chinese_paragraphs(1 + t % 3, seed=900_000 + t) for t in range(TEMPLATES)]
    docs = []
    for key in range(count):
        year = rng.randint(2015, 2025)
        if key % 10 == 9:  # a hard negative: a template's headings and boilerplate
            t = rng.randrange(TEMPLATES)
            body = chinese_paragraphs(rng.randint(2, 6), seed=key)
            paragraphs = [f"关于{year}年度第{t}类工作情况的报告"]
            for i, para in enumerate(body):
                paragraphs += [HEADINGS[min(i, len(HEADINGS) - 1)], para]
            paragraphs += boilerplates[t] + ["特此报告。"]
            title = f"{year}年度工作情况报告（{key}）"
        else:
            paragraphs = chinese_paragraphs(rng.randint(6, 16), seed=key)
            paragraphs[0] = f"{year}年，{paragraphs[0]}"
            title = f"{year}年工作报告（{key}）"
        docs.append(Doc(key, title, paragraphs))
    return docs


def alter(doc: Doc, key: int, kind: str, rng: random.Random) -> Doc:
    from wenku.discovery.samples import change_years, swap_synonyms

    paragraphs = list(doc.paragraphs)
    if kind == "truncate":
        total = sum(map(len, paragraphs))
        while len(paragraphs) > 1 and sum(map(len, paragraphs[:-1])) >= 0.88 * total:
            paragraphs.pop()
    if kind in ("reorder", "swap+reorder"):
        rng.shuffle(paragraphs)
    fraction = {"swap": 0.10, "swap+reorder": 0.10, "reorder": 0.05}.get(kind, 0.0)
    if fraction:
        text, _ = swap_synonyms("\n".join(paragraphs), fraction, seed=key)
        paragraphs = text.split("\n")
    paragraphs = [change_years(p) for p in paragraphs]
    return Doc(key, change_years(doc.title) + "（修订）", paragraphs, source=doc.key, kind=kind)


# -- run ---------------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def run(args: argparse.Namespace) -> dict[str, Any]:
    import numpy as np
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.utils import timezone

    from wenku.discovery import minhash, services
    from wenku.discovery.models import LshBand, NearDuplicate, Signature
    from wenku.library.models import Document

    rng = random.Random(args.seed)
    started = time.perf_counter()
    library = generate_library(args.docs, rng)
    kinds = ["swap", "reorder", "truncate", "swap+reorder"]
    sources = rng.sample(range(args.docs), args.copies)
    copies = [
        alter(library[s], args.docs + i, kinds[i % len(kinds)], rng) for i, s in enumerate(sources)
    ]
    generate_s = time.perf_counter() - started
    print(f"generated {len(library)} documents and {len(copies)} copies in {generate_s:.1f}s")

    user = get_user_model().objects.create_user("bench", password="bench-password-1")
    base = timezone.now()
    all_docs = library + copies
    rows = Document.objects.bulk_create(
        [
            Document(
                number=100_000_000 + d.key,  # random numbers could collide in a bulk insert
                title=d.title[:200],
                uploader=user,
                original_filename=f"{d.key}.docx",
                format="docx",
                size=1,
                sha256=f"{d.key:064x}",
                original=f"originals/{d.key}.docx",
                status=Document.Status.READY,
                converted_at=base + dt.timedelta(milliseconds=d.key),
            )
            for d in all_docs
        ],
        batch_size=1000,
    )
    pk_of = {d.key: row.pk for d, row in zip(all_docs, rows, strict=True)}
    key_of = {pk: key for key, pk in pk_of.items()}

    lookup_ms: list[float] = []
    check_ms: list[float] = []
    sig_ms: list[float] = []
    shingle_sets: dict[int, np.ndarray] = {}
    batch = 200
    insert_started = time.perf_counter()
    for start in range(0, len(all_docs), batch):
        with transaction.atomic():
            for d in all_docs[start : start + batch]:
                document = rows[d.key]
                text = d.text
                t0 = time.perf_counter()
                sig = services.store_signature(document, text)
                t1 = time.perf_counter()
                if d.source is not None and sig is not None:
                    # The lookup alone (LSH query, signatures, estimate), as a reader of
                    # near_duplicates_of() pays it; check_duplicate below repeats it.
                    services.find_matches(document, sig)
                    lookup_ms.append((time.perf_counter() - t1) * 1000)
                t2 = time.perf_counter()
                if sig is not None:
                    services.check_duplicate(document, sig)
                t3 = time.perf_counter()
                sig_ms.append((t1 - t0) * 1000)
                if d.source is not None:
                    check_ms.append((t3 - t2) * 1000)
                if d.source is None or d.key < args.docs + args.baseline_sample:
                    shingle_sets[d.key] = minhash.shingles(text)
        done = min(start + batch, len(all_docs))
        if done % 2000 == 0 or done == len(all_docs):
            print(f"  {done} published, {time.perf_counter() - insert_started:.0f}s")
    insert_s = time.perf_counter() - insert_started

    # Precision and recall.
    matches = dict(NearDuplicate.objects.values_list("document_id", "original_id"))
    copy_keys = {c.key: c for c in copies}
    true_pos = sum(
        1
        for pk, orig in matches.items()
        if key_of[pk] in copy_keys and copy_keys[key_of[pk]].source == key_of[orig]
    )
    false_pos = [
        (key_of[pk], key_of[orig])
        for pk, orig in matches.items()
        if not (key_of[pk] in copy_keys and copy_keys[key_of[pk]].source == key_of[orig])
    ]
    precision = true_pos / len(matches) if matches else 1.0
    recall = true_pos / len(copies)
    by_kind = {}
    for kind in kinds:
        of_kind = [c for c in copies if c.kind == kind]
        caught = sum(1 for c in of_kind if key_of.get(matches.get(pk_of[c.key], -1)) == c.source)
        by_kind[kind] = round(caught / len(of_kind), 4)

    # Exact Jaccard of each copy with its source (does the alteration stay in the >= 0.8 band?).
    exact = [
        minhash.jaccard(minhash.shingles(library[c.source].text), minhash.shingles(c.text))
        for c in copies
    ]
    threshold = services.SiteSettings.current().duplicate_threshold
    missed_exact = [
        round(j, 3) for c, j in zip(copies, exact, strict=True) if matches.get(pk_of[c.key]) is None
    ]

    # Candidates per lookup (sample of copies) and the baselines.
    sample = copies[: args.baseline_sample]
    candidate_counts = []
    for c in copies[:200]:
        document = rows[c.key]
        sig = minhash.from_bytes(Signature.objects.get(document=document).values)
        candidate_counts.append(len(services.lsh_candidates(document, sig)))
    library_keys = [d.key for d in library]
    brute_ms, brute_agree = [], 0
    for c in sample:
        mine = shingle_sets[c.key]
        t0 = time.perf_counter()
        best = max(
            ((minhash.jaccard(mine, shingle_sets[k]), k) for k in library_keys),
            key=lambda pair: pair[0],
        )
        brute_ms.append((time.perf_counter() - t0) * 1000)
        found = matches.get(pk_of[c.key])
        brute_agree += (best[0] >= threshold) == (found is not None)
    sigs = dict(Signature.objects.values_list("document_id", "values"))
    matrix = np.stack([minhash.from_bytes(sigs[pk_of[k]]) for k in library_keys])
    scan_ms = []
    for c in sample:
        sig = minhash.from_bytes(sigs[pk_of[c.key]])
        t0 = time.perf_counter()
        scores = minhash.similarities(sig, matrix)
        _ = np.flatnonzero(scores >= threshold)
        scan_ms.append((time.perf_counter() - t0) * 1000)

    figures = {
        "database": connection.vendor,
        "documents": len(library),
        "copies": len(copies),
        "hard_negatives": sum(1 for d in library if d.key % 10 == 9),
        "threshold": threshold,
        "num_perm": minhash.NUM_PERM,
        "bands": minhash.BANDS,
        "rows": minhash.ROWS,
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "recall_by_kind": by_kind,
        "false_positives": len(false_pos),
        "false_positive_pairs": false_pos[:10],
        "copies_exact_jaccard_min": round(min(exact), 4),
        "copies_exact_jaccard_median": round(statistics.median(exact), 4),
        "copies_exact_jaccard_below_threshold": sum(1 for j in exact if j < threshold),
        "missed_copies_exact_jaccard": sorted(missed_exact)[:20],
        "lookup_ms_p50": round(percentile(lookup_ms, 50), 2),
        "lookup_ms_p95": round(percentile(lookup_ms, 95), 2),
        "lookup_ms_max": round(max(lookup_ms), 2),
        "check_and_record_ms_p50": round(percentile(check_ms, 50), 2),
        "check_and_record_ms_p95": round(percentile(check_ms, 95), 2),
        "lsh_candidates_mean": round(statistics.mean(candidate_counts), 1),
        "lsh_candidates_p95": percentile(candidate_counts, 95),
        "signature_ms_p50": round(percentile(sig_ms, 50), 2),
        "brute_force_exact_jaccard_ms_p50": round(percentile(brute_ms, 50), 1),
        "brute_force_sample": len(sample),
        "brute_force_agrees_with_detector": brute_agree,
        "signature_scan_in_memory_ms_p50": round(percentile(scan_ms, 50), 2),
        "lsh_band_rows": LshBand.objects.count(),
        "generate_s": round(generate_s, 1),
        "publish_s": round(insert_s, 1),
        "targets_met": recall >= TARGETS["recall"]
        and precision >= TARGETS["precision"]
        and percentile(lookup_ms, 95) <= TARGETS["lookup_p95_ms"],
    }
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--docs", type=int, default=20_000, help="library size (default 20000)")
    parser.add_argument("--copies", type=int, default=500, help="altered copies (default 500)")
    parser.add_argument("--database-url", default=None, help="e.g. postgres://user@host/db")
    parser.add_argument("--baseline-sample", type=int, default=20, help="brute-force lookups")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--data-dir", type=Path, default=REPO / "var" / "bench-dedupe")
    args = parser.parse_args()
    if args.copies > args.docs:
        parser.error("--copies must not exceed --docs")
    sys.path.insert(0, str(REPO / "src"))
    setup_environment(args.data_dir, args.database_url)
    figures = run(args)
    print(
        f"precision {figures['precision']:.4f}  recall {figures['recall']:.4f}  "
        f"(by kind {figures['recall_by_kind']})  false positives {figures['false_positives']}"
    )
    print(
        f"lookup p50 {figures['lookup_ms_p50']} ms  p95 {figures['lookup_ms_p95']} ms  "
        f"(LSH candidates mean {figures['lsh_candidates_mean']}); check and record p95 "
        f"{figures['check_and_record_ms_p95']} ms; brute-force exact Jaccard "
        f"{figures['brute_force_exact_jaccard_ms_p50']} ms per lookup"
    )
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
