"""Cluster benchmark: web and worker nodes as processes on PostgreSQL + S3 (moto) + Redis.

It starts the cluster of `tests/cluster/cluster.py` (each node its own data folder, a fresh
database on the PostgreSQL server of `--database-url`) and measures, in one run:

- conversion throughput with 1 worker node, then with 2 (each `wenku worker -n 1`): documents
  (a mix of 3-page DOCX and TXT, each with its own text) uploaded through a web node, timed
  from the first upload to the last document ready; the scaling is the ratio of the two;
- the cost of object storage per document against the local disk: the same documents converted
  by one worker node of a cluster on S3 (moto's server on this machine) and of a cluster whose
  nodes share a local folder, alternating `--rounds` times; the difference of the best times
  per document, as a share of the local one. Target: <= 10%. Also printed: the storage work of
  a conversion (read the original, write the PDF and every page image) replayed one write
  after the other through both backends, i.e. what S3 would cost without the worker's
  background writes;
- document-page requests per second (wrk, 16 connections, the anonymous cached page) through
  2 web nodes (8 connections each, at once) against 1 (16 connections).

All nodes run on this one machine (`nproc` cores): two worker nodes or two web nodes share its
cores, so the scaling says what a second process adds here, not what a second machine would.
The script exits 1 when a target is missed; the last line is one line of JSON.

    .venv/bin/python bench/cluster.py [--docs 12] [--duration 10] [--rounds 3] [--quick]
        [--database-url postgres://postgres@127.0.0.1:5432/postgres]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "src")]

TARGET_S3_SHARE = 0.10
CONNECTIONS = 16


def make_documents(folder: Path, count: int, start: int) -> list[Path]:
    from wenku.samples.office import make_docx, make_txt
    from wenku.samples.text import chinese_paragraphs

    paths = []
    for i in range(start, start + count):
        text = [f"第{i}篇 bench{i:03d}word。", *chinese_paragraphs(14, seed=5000 + i)]
        if i % 2 == 0:
            paths.append(make_docx(folder / f"d{i}.docx", title=f"基准{i}", paragraphs=text,
                                   pages=3, seed=i))  # fmt: skip
        else:
            paths.append(make_txt(folder / f"t{i}.txt", text))
    return paths


def convert_batch(cluster, web, paths: list[Path]) -> tuple[float, list[int]]:
    """Seconds from the first upload to the last of `paths` ready; their document ids."""
    started = time.perf_counter()
    numbers = [cluster.upload(web, path, title=path.stem)["id"] for path in paths]
    deadline = time.monotonic() + 600
    while True:
        rows = cluster.sql(
            "SELECT status, count(*) FROM library_document WHERE number = ANY(%s) GROUP BY 1",
            numbers,
        )
        counts = dict(rows)
        if counts.get("failed"):
            raise SystemExit(f"{counts['failed']} conversion(s) failed")
        if counts.get("ready", 0) == len(numbers):
            break
        if time.monotonic() > deadline:
            raise SystemExit(f"not converted in 600 s: {counts}")
        time.sleep(0.05)
    elapsed = time.perf_counter() - started
    ids = [r[0] for r in cluster.sql("SELECT id FROM library_document WHERE number = ANY(%s)",
                                     numbers)]  # fmt: skip
    return elapsed, ids


def moto_cpu_seconds(cluster) -> float:
    """CPU seconds the S3 server (moto, a Python process on this machine) has used so far."""
    port = cluster.bucket.endpoint.rsplit(":", 1)[1]
    pids = subprocess.run(["pgrep", "-f", f"moto.server -H 127.0.0.1 -p {port}"],
                          capture_output=True, text=True).stdout.split()  # fmt: skip
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    return total


def storage_replay(cluster, ids: list[int], scratch: Path) -> dict:
    """Seconds the storage work of converting `ids` takes on S3 and on the local disk."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import storages

    from wenku.storage import backend_for_url, local_backend

    # The backends WENKU_STORAGE_URL and the default local folder configure.
    s3 = storages.create_storage(backend_for_url(cluster.bucket.url))
    local = storages.create_storage(local_backend(scratch / "local"))
    work = []
    for doc_id in ids:
        original, pdf = cluster.sql(
            "SELECT original, pdf FROM library_document WHERE id = %s", doc_id
        )[0]
        images = [r[0] for r in cluster.sql(
            "SELECT image FROM library_page WHERE document_id = %s AND image <> ''", doc_id
        )]  # fmt: skip
        files = {name: s3.open(name).read() for name in [original, pdf, *images]}
        for name, body in files.items():
            local.save(name, ContentFile(body))
        work.append((original, {n: b for n, b in files.items() if n != original}))
    seconds = {}
    for label, storage in (("local", local), ("s3", s3)):
        started = time.perf_counter()
        for original, made in work:
            with storage.open(original) as f:  # the worker fetches the original
                f.read()
            for name, body in made.items():  # and stores what it made
                storage.save(f"replay-{label}/{name}", ContentFile(body))
        seconds[label] = time.perf_counter() - started
    return seconds


def wrk(urls: list[str], duration: int) -> float:
    """Requests/s of wrk runs against `urls` at once, CONNECTIONS shared among them."""
    each = CONNECTIONS // len(urls)
    runs = [
        subprocess.Popen(
            ["wrk", "-t", "1", "-c", str(each), "-d", f"{duration}s", url],
            stdout=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        for url in urls
    ]
    total = 0.0
    for run in runs:
        out = run.communicate()[0]
        if "Non-2xx" in out or "Socket errors" in out:
            raise SystemExit(f"errors under load:\n{out}")
        total += float(out.split("Requests/sec:")[1].split()[0])
    return total


def pages(cluster, web1, web2, duration: int) -> tuple[float, float]:
    """Best requests/s of the cached document page through 1 web node and through 2."""
    number = cluster.sql("SELECT number FROM library_document LIMIT 1")[0][0]
    one, two = web1.url + f"/doc/{number}/", web2.url + f"/doc/{number}/"
    wrk([one, two], 2)  # warm both caches and processes
    single, double = [], []
    for _ in range(2):
        single.append(wrk([one], duration))
        double.append(wrk([one, two], duration))
    return max(single), max(double)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=12, help="documents per batch")
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=3, help="local/S3 alternations")
    parser.add_argument("--quick", action="store_true", help="6 documents, 4 s runs, 1 round")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("WENKU_TEST_DATABASE_URL")
        or "postgres://postgres@127.0.0.1:5432/postgres",
        help="a PostgreSQL server (the cluster makes and drops its own database there)",
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.docs, args.duration, args.rounds = 6, 4, 1
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install wrk (make setup installs it)")
    root = Path(tempfile.mkdtemp(prefix="wenku-bench-cluster-"))
    os.environ.update(
        DJANGO_SETTINGS_MODULE="wenku.settings", WENKU_DATA_DIR=str(root / "bench"),
        DATABASE_URL="", AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing",
        AWS_EC2_METADATA_DISABLED="true",
    )  # fmt: skip
    import django

    django.setup()
    from tests.cluster.cluster import Cluster

    docs = root / "docs"
    docs.mkdir()
    first = make_documents(docs, args.docs, 0)
    second = make_documents(docs, args.docs, args.docs)
    per_storage: dict[str, list[float]] = {"local": [], "s3": []}
    moto_cpu: list[float] = []
    try:
        for n in range(args.rounds):
            for kind in ("local", "s3"):
                with Cluster(root / f"{kind}-{n}", args.database_url, storage=kind) as cluster:
                    web = cluster.add_web()
                    cluster.add_worker(1)
                    cpu = moto_cpu_seconds(cluster) if kind == "s3" else 0.0
                    elapsed, ids = convert_batch(cluster, web, first)
                    if kind == "s3":
                        moto_cpu.append((moto_cpu_seconds(cluster) - cpu) / args.docs)
                    per_storage[kind].append(elapsed / args.docs)
                    last = n == args.rounds - 1
                    if kind == "s3" and last:
                        one = elapsed
                        storage = storage_replay(cluster, ids, root)
                        cluster.add_worker(1)
                        two, _ = convert_batch(cluster, web, second)
                        web2 = cluster.add_web()
                        rps1, rps2 = pages(cluster, web, web2, args.duration)
    finally:
        shutil.rmtree(root, ignore_errors=True)

    local, s3 = min(per_storage["local"]), min(per_storage["s3"])
    share = (s3 - local) / local
    figures = {
        "cores": os.cpu_count(),
        "docs_per_batch": args.docs,
        "throughput_1_worker_node_docs_s": round(args.docs / one, 3),
        "throughput_2_worker_nodes_docs_s": round(args.docs / two, 3),
        "worker_scaling": round(one / two, 3),
        "conversion_s_per_doc_local": round(local, 4),
        "conversion_s_per_doc_s3": round(s3, 4),
        "s3_share_of_conversion": round(share, 4),
        "s3_server_cpu_s_per_doc": round(min(moto_cpu), 4),
        "serial_storage_s_per_doc_local": round(storage["local"] / args.docs, 4),
        "serial_storage_s_per_doc_s3": round(storage["s3"] / args.docs, 4),
        "target_s3_share": TARGET_S3_SHARE,
        "page_rps_1_web_node": round(rps1, 1),
        "page_rps_2_web_nodes": round(rps2, 1),
        "web_scaling": round(rps2 / rps1, 3),
    }
    print(f"conversion: 1 worker node {figures['throughput_1_worker_node_docs_s']} docs/s, "
          f"2 nodes {figures['throughput_2_worker_nodes_docs_s']} docs/s "
          f"(x{figures['worker_scaling']} on {os.cpu_count()} cores)")  # fmt: skip
    print(f"conversion per document, 1 worker node: local folder {local:.3f} s, S3 {s3:.3f} s: "
          f"S3 adds {share:+.1%} (target <= {TARGET_S3_SHARE:.0%}), while the S3 server itself "
          f"(moto, Python, on these cores) used {min(moto_cpu) * 1000:.0f} ms of CPU per "
          f"document; the storage work one write "
          f"after the other: local {figures['serial_storage_s_per_doc_local']} s, "
          f"S3 {figures['serial_storage_s_per_doc_s3']} s")  # fmt: skip
    print(f"document page: 1 web node {rps1:.0f} req/s, 2 web nodes {rps2:.0f} req/s "
          f"(x{rps2 / rps1:.2f})")  # fmt: skip
    ok = share <= TARGET_S3_SHARE
    figures["ok"] = ok
    print(json.dumps(figures, ensure_ascii=False))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
