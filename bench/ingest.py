"""Ingest benchmark: the real pipeline against the bare tools, side by side in one run.

What it measures (all on one machine, in one run, because machines are noisy):

1. A fixed set of generated documents (5-page Chinese DOCX, 50-page Chinese DOCX, PPTX, XLSX,
   20-page PDF) goes through
   - the bare tools: one warm unoserver (`OfficeConverter`, started once, untimed) converts the
     file to PDF, then a pypdfium2 loop extracts the text of every page and renders + WebP-encodes
     the previewable pages with the pipeline's own `render_page`/`encode_webp` (same width,
     quality and method), and
   - the real pipeline: `ingest()` (hashing, detection, storing the original, DB rows, queued
     task) followed by `runner.run_conversion()` in this process with the same warm converter
     (claim, detection, conversion, page extraction, page images in storage, PDF copy, publish).
   Bare and pipeline runs alternate per document after one untimed warm-up of each; the figure
   per document is the best of `--repeat` runs (interference from other load only ever adds
   time, so the fastest run is the steadiest estimate of the work itself). Between pipeline
   runs every document, task and stored file is deleted, since the library refuses the same
   bytes twice.
2. Cold soffice (`convert_cold`, one process per file, with a profile made by one untimed call)
   for the 5-page DOCX against its warm unoserver conversion, best of `--repeat` each.
3. Ten small documents imported with `wenku import --wait --json` while `wenku worker -n 2` runs
   (timed once both slots have written their `ready` file), against the same ten bare runs
   (warm conversion + page loop) split over two processes at once, each with its own warm
   LibreOffice: what the machine itself does with two cores (target: import <= 1.5x that; the
   sequential sum is printed too). Then ten other small documents
   go through the same, now used, workers: not a target, but it separates the cost of a worker's
   first documents from the fixed cost of the command. The database times of each document and
   task split the import into start-up, ingest, converting and exit. The script exits 1 when a
   target is missed.

It runs in its own data folder (`var/bench-ingest-<pid>`, SQLite unless `--database-url`),
deleted at the end unless `--keep`. The last line printed is one line of JSON with every figure.

    .venv/bin/python bench/ingest.py [--repeat 3] [--keep] [--skip-import]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from wenku.conversion.office import OfficeConverter

REPO = Path(__file__).resolve().parent.parent
TARGET_PIPELINE_OVER_BARE = 1.15
TARGET_WARM_SPEEDUP = 2.0
# The import of ten small documents by two workers against the same ten bare runs split over
# two processes at once (the machine's own two-core floor), not against their sequential sum:
# two workers run in parallel, so a sequential baseline would flatter the import.
TARGET_IMPORT_RATIO = 1.5
IMPORT_WORKERS = 2
READY_TIMEOUT = 90.0
IMPORT_TIMEOUT = 600.0


@dataclass
class Sample:
    key: str
    title: str
    path: Path


@dataclass
class BareRun:
    convert_s: float
    pages_s: float
    pages: int

    @property
    def total_s(self) -> float:
        return self.convert_s + self.pages_s


@dataclass
class PipelineRun:
    total_s: float
    ingest_s: float
    office_s: float
    pdfium_s: float
    pages: int

    @property
    def rest_s(self) -> float:
        """Everything but ingest, LibreOffice and pdfium: storage, DB writes, bookkeeping."""
        return self.total_s - self.ingest_s - self.office_s - self.pdfium_s


@dataclass
class DocResult:
    sample: Sample
    bare: list[BareRun] = field(default_factory=list)
    pipeline: list[PipelineRun] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return self.bare[0].pages if self.bare else 0

    @property
    def best_bare(self) -> BareRun:
        return min(self.bare, key=lambda r: r.total_s)

    @property
    def best_pipeline(self) -> PipelineRun:
        return min(self.pipeline, key=lambda r: r.total_s)

    @property
    def bare_s(self) -> float:
        return self.best_bare.total_s

    @property
    def pipeline_s(self) -> float:
        return self.best_pipeline.total_s

    @property
    def ratio(self) -> float:
        return self.pipeline_s / self.bare_s


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


# -- environment -------------------------------------------------------------------------------


def setup_environment(data_dir: Path, database_url: str | None) -> None:
    """Point Wenku at a fresh data folder, then start Django and migrate (before any import)."""
    shutil.rmtree(data_dir, ignore_errors=True)
    data_dir.mkdir(parents=True)
    os.environ["WENKU_DATA_DIR"] = str(data_dir)
    os.environ.pop("WENKU_STORAGE_ROOT", None)
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "wenku.settings"

    import django

    django.setup()
    import logging

    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from wenku.library.models import Document

    if Document.objects.exists():
        # The bench deletes every document between runs: never do that to a real library.
        raise SystemExit("bench/ingest.py needs an empty database; this one has documents")
    # run_conversion logs one INFO line per document; keep the report readable.
    logging.getLogger("wenku").setLevel(logging.WARNING)


def make_user() -> Any:
    from django.contrib.auth import get_user_model

    user_model = get_user_model()
    user = user_model.objects.filter(username="bench").first()
    return user or user_model.objects.create_superuser("bench", "bench@example.com", "bench-pw")


def reset_library() -> None:
    """Delete every document, queued task and stored file (a fresh library for the next run)."""
    from django.conf import settings
    from django_tasks_db.models import DBTaskResult

    from wenku.config import CONFIG
    from wenku.library.models import Document

    Document.objects.all().delete()
    DBTaskResult.objects.all().delete()
    storage = CONFIG.storage_dir.resolve()
    if storage.exists():
        shutil.rmtree(storage)
    storage.mkdir(parents=True)
    for leftover in (Path(settings.DATA_DIR) / "tmp").glob("doc-*"):
        shutil.rmtree(leftover, ignore_errors=True)


# -- documents ---------------------------------------------------------------------------------


def build_fixed_set(folder: Path) -> list[Sample]:
    from wenku.samples.office import make_docx, make_pptx, make_xlsx
    from wenku.samples.pdf import make_pdf
    from wenku.samples.text import chinese_paragraphs

    folder.mkdir(parents=True, exist_ok=True)
    samples = [
        Sample("docx5", "土地利用年度报告（5页）", folder / "土地利用年度报告-5页.docx"),
        Sample("docx50", "溅射靶材项目可行性研究报告（50页）", folder / "可研报告-50页.docx"),
        Sample("pptx", "职业教育改革工作汇报", folder / "工作汇报.pptx"),
        Sample("xlsx", "建设项目台账", folder / "建设项目台账.xlsx"),
        Sample("pdf20", "政务服务年度资料汇编（20页）", folder / "资料汇编-20页.pdf"),
    ]
    docx5, docx50, pptx, xlsx, pdf20 = samples
    make_docx(
        docx5.path,
        title=docx5.title,
        paragraphs=chinese_paragraphs(15, seed=101),
        pages=5,
        seed=101,
        with_table=True,
        with_image=True,
    )
    make_docx(
        docx50.path,
        title=docx50.title,
        paragraphs=chinese_paragraphs(150, seed=102),
        pages=50,
        seed=102,
    )
    make_pptx(pptx.path, title=pptx.title, slides=12, seed=103)
    make_xlsx(xlsx.path, rows=200, seed=104)
    make_pdf(pdf20.path, title=pdf20.title, pages=20, seed=105)
    return samples


def build_import_set(folder: Path, seed_base: int, prefix: str) -> list[Sample]:
    """Ten small, distinct documents: four 1-3 page DOCX, three PPTX, three XLSX."""
    from wenku.samples.office import make_docx, make_pptx, make_xlsx
    from wenku.samples.text import chinese_paragraphs

    folder.mkdir(parents=True, exist_ok=True)
    samples: list[Sample] = []
    for i in range(10):
        seed = seed_base + i
        kind = ("docx", "pptx", "xlsx")[i % 3]
        title = f"{prefix}小文档{i + 1:02d}"
        path = folder / f"{prefix}-{i + 1:02d}.{kind}"
        if kind == "docx":
            pages = 1 + i % 3
            make_docx(
                path,
                title=f"{title}：工作简报",
                paragraphs=chinese_paragraphs(3 * pages, seed=seed),
                pages=pages,
                seed=seed,
            )
        elif kind == "pptx":
            make_pptx(path, title=f"{title}：项目进展汇报", slides=3, seed=seed)
        else:
            make_xlsx(path, rows=30 + i, seed=seed)
        samples.append(Sample(f"{prefix}{i + 1:02d}", title, path))
    return samples


# -- the bare tools ----------------------------------------------------------------------------


def preview_limit(count: int) -> int:
    """How many pages the pipeline renders for a document without its own limit."""
    from wenku.config import CONFIG

    limit = CONFIG.preview_pages
    if count and CONFIG.preview_percent < 100:
        limit = min(limit, max(1, count * CONFIG.preview_percent // 100))
    return min(count, limit)


def bare_run(sample: Sample, converter: OfficeConverter, workdir: Path) -> BareRun:
    """Warm LibreOffice to PDF, then text of every page and WebP of the previewable ones."""
    import pypdfium2 as pdfium

    from wenku.config import CONFIG
    from wenku.conversion.office import office_timeout
    from wenku.conversion.pdf import encode_webp, page_text, render_page

    workdir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    if sample.path.suffix.lower() == ".pdf":
        pdf_path = sample.path
    else:
        pdf_path = workdir / "bare.pdf"
        timeout = office_timeout(sample.path.stat().st_size)
        converter.convert(sample.path, pdf_path, timeout=timeout)
    converted = time.perf_counter()
    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        count = len(pdf)
        render_upto = preview_limit(count)
        image = None
        for index in range(count):
            page = pdf[index]
            try:
                page.get_size()
                page_text(page)
                if index < render_upto:
                    # Hold the image until the next page renders, as extract_pages does.
                    # Freeing it first lets glibc hand its ~4.5 MB back to the kernel, and the
                    # next render faults it in again: about 20% slower, which would flatter
                    # the pipeline.
                    image = render_page(page, CONFIG.preview_width)
                    encode_webp(image)
            finally:
                page.close()
        del image
    finally:
        pdf.close()
    done = time.perf_counter()
    return BareRun(converted - started, done - converted, count)


# -- the pipeline ------------------------------------------------------------------------------


class StepClock:
    """Times `runner.to_pdf` and the `runner.extract_pages` generator inside run_conversion."""

    def __init__(self) -> None:
        self.office_s = 0.0
        self.pdfium_s = 0.0

    def install(self) -> None:
        from wenku.conversion import runner

        original_to_pdf = runner.to_pdf
        original_extract = runner.extract_pages

        def to_pdf(*args: Any, **kwargs: Any) -> Path:
            started = time.perf_counter()
            try:
                return original_to_pdf(*args, **kwargs)
            finally:
                self.office_s += time.perf_counter() - started

        def extract_pages(*args: Any, **kwargs: Any) -> Iterator[Any]:
            generator = original_extract(*args, **kwargs)
            while True:
                started = time.perf_counter()
                try:
                    item = next(generator)
                except StopIteration:
                    self.pdfium_s += time.perf_counter() - started
                    return
                self.pdfium_s += time.perf_counter() - started
                yield item

        runner.to_pdf = to_pdf  # type: ignore[assignment]
        runner.extract_pages = extract_pages  # type: ignore[assignment]

    def reset(self) -> None:
        self.office_s = self.pdfium_s = 0.0


def pipeline_run(sample: Sample, user: Any, clock: StepClock) -> PipelineRun:
    """`ingest()` then `run_conversion()` in this process, from a library without the file."""
    from wenku.conversion import runner
    from wenku.conversion.ingest import Metadata, ingest

    reset_library()
    clock.reset()
    started = time.perf_counter()
    document = ingest(sample.path, sample.path.name, user, Metadata(title=sample.title))
    ingested = time.perf_counter()
    result = runner.run_conversion(document.pk)
    done = time.perf_counter()
    if result.get("status") != "ready":
        document.refresh_from_db()
        raise RuntimeError(f"{sample.key}: pipeline ended {result} ({document.error})")
    return PipelineRun(
        total_s=done - started,
        ingest_s=ingested - started,
        office_s=clock.office_s,
        pdfium_s=clock.pdfium_s,
        pages=int(result["pages"]),
    )


# -- cold soffice ------------------------------------------------------------------------------


def cold_runs(sample: Sample, workdir: Path, repeat: int) -> list[float]:
    """`soffice --convert-to pdf` per call, with a profile made by one untimed first call."""
    from wenku.conversion.office import convert_cold

    workdir.mkdir(parents=True, exist_ok=True)
    profile = workdir / "profile"
    dst = workdir / "cold.pdf"
    convert_cold(sample.path, dst, profile, 300)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        convert_cold(sample.path, dst, profile, 300)
        times.append(time.perf_counter() - started)
    return times


# -- wenku import with wenku worker -------------------------------------------------------------


def wenku_command() -> list[str]:
    script = Path(sys.executable).with_name("wenku")
    return [str(script)] if script.exists() else [sys.executable, "-m", "wenku.cli"]


def _is_ours(pid: int) -> bool:
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
    return b"wenku" in cmdline or b"unoserver" in cmdline or b"soffice" in cmdline


def _kill_group(pid: int) -> None:
    if _is_ours(pid):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGKILL)


def stop_workers(proc: subprocess.Popen[bytes], child_pids: list[int], run_dir: Path) -> None:
    """SIGTERM the supervisor; SIGKILL what is left of it, its children and their unoservers."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
    # The children and their unoservers run in sessions of their own.
    for pid in child_pids:
        _kill_group(pid)
    for pidfile in run_dir.glob("worker-*/unoserver.pid"):
        with contextlib.suppress(OSError, ValueError):
            _kill_group(int(pidfile.read_text()))


@dataclass
class ImportResult:
    """One timed `wenku import --wait --json` and where its wall time went (from DB times)."""

    seconds: float
    rows: list[dict[str, Any]]
    problems: str = ""
    startup_s: float = 0.0  # launch to the first document row (Python, Django, first ingest)
    ingest_s: float = 0.0  # first to last document row
    pickup_s: float = 0.0  # first document row to the first conversion start
    convert_s: float = 0.0  # first conversion start to the last conversion end
    tail_s: float = 0.0  # last conversion end to the command's exit
    busy_s: list[float] = field(default_factory=list)  # each task's run time in a worker

    @property
    def ok(self) -> bool:
        return not self.problems and all(r.get("status") == "ready" for r in self.rows)


def _breakdown(result: ImportResult, samples: list[Sample], launched: float, exited: float) -> None:
    from django_tasks_db.models import DBTaskResult

    from wenku.library.models import Document

    names = [s.path.name for s in samples]
    docs = list(Document.objects.filter(original_filename__in=names))
    tasks = list(DBTaskResult.objects.filter(id__in=[d.task_id for d in docs if d.task_id]))
    starts = [t.started_at.timestamp() for t in tasks if t.started_at]
    ends = [t.finished_at.timestamp() for t in tasks if t.finished_at]
    created = [d.created_at.timestamp() for d in docs]
    if not (docs and starts and ends):
        return
    result.startup_s = min(created) - launched
    result.ingest_s = max(created) - min(created)
    result.pickup_s = min(starts) - min(created)
    result.convert_s = max(ends) - min(starts)
    result.tail_s = exited - max(ends)
    result.busy_s = [
        t.finished_at.timestamp() - t.started_at.timestamp()
        for t in tasks
        if t.started_at and t.finished_at
    ]


def import_batch(samples: list[Sample]) -> ImportResult:
    launched = time.time()
    started = time.perf_counter()
    done = subprocess.run(
        [*wenku_command(), "import", *(str(s.path) for s in samples), "--wait", "--json"],
        env=dict(os.environ),
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=IMPORT_TIMEOUT,
    )
    elapsed = time.perf_counter() - started
    exited = time.time()
    rows = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    result = ImportResult(elapsed, rows)
    if done.returncode != 0 or len(rows) != len(samples):
        result.problems = (
            f"exit {done.returncode}, {len(rows)} rows; stderr: {done.stderr.strip()[-500:]}"
        )
    _breakdown(result, samples, launched, exited)
    return result


def import_run(batches: list[list[Sample]], data_dir: Path) -> list[ImportResult]:
    """Start `wenku worker -n 2`, wait until both slots say ready, then import each batch."""
    run_dir = data_dir / "run"
    ready_files = [run_dir / f"worker-{slot}" / "ready" for slot in range(IMPORT_WORKERS)]
    log = (data_dir / "worker.log").open("wb")
    worker = subprocess.Popen(
        [*wenku_command(), "worker", "-n", str(IMPORT_WORKERS)],
        env=dict(os.environ),
        cwd=REPO,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    log.close()
    child_pids: list[int] = []
    try:
        deadline = time.monotonic() + READY_TIMEOUT
        while not all(f.exists() for f in ready_files):
            if worker.poll() is not None:
                raise RuntimeError(f"wenku worker exited with {worker.returncode}; see worker.log")
            if time.monotonic() > deadline:
                raise RuntimeError(f"worker slots not ready within {READY_TIMEOUT:.0f} s")
            time.sleep(0.1)
        for f in ready_files:
            pid = f.read_text().split(":")[1]
            if pid.isdigit():
                child_pids.append(int(pid))
        return [import_batch(batch) for batch in batches]
    finally:
        stop_workers(worker, child_pids, run_dir)


# -- report ------------------------------------------------------------------------------------


def fmt(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("MET" if ok else "MISSED")


def progress(message: str) -> None:
    sys.stdout.flush()
    print(message, file=sys.stderr, flush=True)


def measure_documents(
    samples: list[Sample],
    converter: OfficeConverter,
    user: Any,
    workdir: Path,
    repeat: int,
) -> list[DocResult]:
    clock = StepClock()
    clock.install()
    results = []
    for sample in samples:
        progress(f"  {sample.key}: warm-up")
        bare_run(sample, converter, workdir)
        pipeline_run(sample, user, clock)
        result = DocResult(sample)
        for i in range(repeat):
            progress(f"  {sample.key}: run {i + 1}/{repeat}")
            # Alternate which goes first, so neither always inherits the other's warm caches.
            if i % 2 == 0:
                result.bare.append(bare_run(sample, converter, workdir))
                result.pipeline.append(pipeline_run(sample, user, clock))
            else:
                result.pipeline.append(pipeline_run(sample, user, clock))
                result.bare.append(bare_run(sample, converter, workdir))
        if result.pipeline[0].pages != result.pages:
            raise RuntimeError(
                f"{sample.key}: pipeline made {result.pipeline[0].pages} pages, bare {result.pages}"
            )
        results.append(result)
    reset_library()
    return results


def measure_bare_sum(
    samples: list[Sample], converter: OfficeConverter, workdir: Path, repeat: int
) -> tuple[float, list[BareRun]]:
    per_doc = []
    for sample in samples:
        bare_run(sample, converter, workdir)  # warm-up, untimed
        runs = [bare_run(sample, converter, workdir) for _ in range(repeat)]
        per_doc.append(min(runs, key=lambda r: r.total_s))
    return sum(r.total_s for r in per_doc), per_doc


def _bare_share(
    samples: list[Sample], workdir: Path, barrier: Any, results: Any, repeat: int
) -> None:
    """One of `IMPORT_WORKERS` processes of `measure_bare_parallel`."""
    from wenku.conversion.office import OfficeConverter

    converter = OfficeConverter(workdir / "office")
    try:
        converter.start()
        for sample in samples:
            bare_run(sample, converter, workdir)  # warm-up, untimed
        spans = []
        for _ in range(repeat):
            barrier.wait()
            started = time.time()
            for sample in samples:
                bare_run(sample, converter, workdir)
            spans.append((started, time.time()))
        results.put(spans)
    finally:
        converter.stop()


def measure_bare_parallel(
    samples: list[Sample], bare: list[BareRun], workdir: Path, repeat: int
) -> float:
    """The bare runs of a batch on both cores at once: `IMPORT_WORKERS` processes, each with
    its own warm LibreOffice, the documents split longest first to the least loaded (by their
    sequential bare times); wall time from the common start to the last one done, best of
    `repeat`. What the machine itself gains from running two at once, without Wenku."""
    import multiprocessing

    shares: list[list[Sample]] = [[] for _ in range(IMPORT_WORKERS)]
    loads = [0.0] * IMPORT_WORKERS
    for sample, run in sorted(zip(samples, bare, strict=True), key=lambda p: -p[1].total_s):
        k = loads.index(min(loads))
        shares[k].append(sample)
        loads[k] += run.total_s
    ctx = multiprocessing.get_context("fork")  # (the children never touch the database)
    barrier = ctx.Barrier(IMPORT_WORKERS)
    results = ctx.Queue()
    procs = [
        ctx.Process(
            target=_bare_share, args=(share, workdir / f"par-{k}", barrier, results, repeat)
        )
        for k, share in enumerate(shares)
    ]
    for proc in procs:
        proc.start()
    spans = [results.get(timeout=IMPORT_TIMEOUT) for _ in procs]
    for proc in procs:
        proc.join(timeout=60)
    return min(
        max(end for _, end in runs) - min(start for start, _ in runs)
        for runs in zip(*spans, strict=True)
    )


def r3(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def doc_figures(d: DocResult) -> dict[str, Any]:
    return {
        "pages": d.pages,
        "bare_s": r3(d.bare_s),
        "pipeline_s": r3(d.pipeline_s),
        "ratio": r3(d.ratio),
        "bare_office_s": r3(d.best_bare.convert_s),
        "bare_pdfium_s": r3(d.best_bare.pages_s),
        "pipeline_ingest_s": r3(d.best_pipeline.ingest_s),
        "pipeline_office_s": r3(d.best_pipeline.office_s),
        "pipeline_pdfium_s": r3(d.best_pipeline.pdfium_s),
        "pipeline_rest_s": r3(d.best_pipeline.rest_s),
    }


def print_documents(docs: list[DocResult]) -> None:
    head = (
        f"{'document':<8} {'pages':>5} {'bare s':>7} {'pipeline s':>10} {'ratio':>6} |"
        f" {'bare: office':>12} {'pdfium':>6} | {'pipeline: ingest':>16} {'office':>6}"
        f" {'pdfium':>6} {'rest':>6}"
    )
    print(head)
    print("-" * len(head))
    for d in docs:
        f = doc_figures(d)
        print(
            f"{d.sample.key:<8} {d.pages:>5} {fmt(d.bare_s, 3):>7} {fmt(d.pipeline_s, 3):>10}"
            f" {fmt(d.ratio):>6} | {fmt(f['bare_office_s'], 3):>12}"
            f" {fmt(f['bare_pdfium_s'], 3):>6} | {fmt(f['pipeline_ingest_s'], 3):>16}"
            f" {fmt(f['pipeline_office_s'], 3):>6} {fmt(f['pipeline_pdfium_s'], 3):>6}"
            f" {fmt(f['pipeline_rest_s'], 3):>6}"
        )


def print_import(label: str, result: ImportResult, bare: list[BareRun]) -> None:
    bare_sum = sum(r.total_s for r in bare)
    print(
        f"{label}: wenku import {fmt(result.seconds, 3)} s; sum of bare warm runs "
        f"{fmt(bare_sum, 3)} s (office {fmt(sum(r.convert_s for r in bare), 3)} s + pdfium "
        f"{fmt(sum(r.pages_s for r in bare), 3)} s); ratio {fmt(result.seconds / bare_sum)}"
    )
    print(
        f"    startup {fmt(result.startup_s, 3)} s, ingest {fmt(result.ingest_s, 3)} s, "
        f"converting {fmt(result.convert_s, 3)} s, exit {fmt(result.tail_s, 3)} s; "
        f"time in workers {fmt(sum(result.busy_s), 3)} s "
        f"(per document median {fmt(median(result.busy_s), 3)} s, max "
        f"{fmt(max(result.busy_s, default=0.0), 3)} s; bare median "
        f"{fmt(median([r.total_s for r in bare]), 3)} s); first pick-up after "
        f"{fmt(result.pickup_s, 3)} s"
    )
    statuses = ", ".join(str(r.get("status")) for r in result.rows)
    note = f"; {result.problems}" if result.problems else ""
    print(f"    statuses: {statuses or '-'}{note}")


def import_figures(result: ImportResult, bare: list[BareRun]) -> dict[str, Any]:
    bare_sum = sum(r.total_s for r in bare)
    return {
        "import_s": r3(result.seconds),
        "bare_sum_s": r3(bare_sum),
        "ratio": r3(result.seconds / bare_sum),
        "ok": result.ok,
        "startup_s": r3(result.startup_s),
        "ingest_s": r3(result.ingest_s),
        "pickup_s": r3(result.pickup_s),
        "converting_s": r3(result.convert_s),
        "exit_s": r3(result.tail_s),
        "worker_busy_sum_s": r3(sum(result.busy_s)),
    }


def run(args: argparse.Namespace, data_dir: Path) -> dict[str, Any]:
    from wenku.config import CONFIG
    from wenku.conversion import runner
    from wenku.conversion.office import OfficeConverter

    load_start = os.getloadavg()[0]
    user = make_user()
    samples_dir = data_dir / "samples"
    progress("generating documents")
    fixed = build_fixed_set(samples_dir / "fixed")
    batches: list[list[Sample]] = []
    if not args.skip_import:
        # The first batch is the target; the second, imported into the same (now used)
        # workers, shows how much of the first one's time is the workers' first documents.
        batches = [
            build_import_set(samples_dir / "import-a", 200, "a"),
            build_import_set(samples_dir / "import-b", 300, "b"),
        ]

    converter = OfficeConverter(data_dir / "run" / "bench-office")
    progress("starting unoserver (untimed)")
    converter.start()
    runner.set_worker_identity(runner.WORKER_ID, converter)
    bare_dir = data_dir / "bare"
    try:
        progress("bare tools and pipeline, interleaved")
        docs = measure_documents(fixed, converter, user, bare_dir, args.repeat)
        bare_batches: list[list[BareRun]] = []
        for batch in batches:
            progress(f"bare runs of the small documents {batch[0].key}..{batch[-1].key}")
            bare_batches.append(measure_bare_sum(batch, converter, bare_dir, args.repeat)[1])
    finally:
        converter.stop()

    progress("cold soffice for docx5")
    docx5 = next(d for d in docs if d.sample.key == "docx5")
    cold = cold_runs(docx5.sample, data_dir / "cold", args.repeat)
    cold_s = min(cold)
    warm_s = min(r.convert_s for r in docx5.bare)

    bare_parallel_s = None
    if batches:
        progress(
            f"bare runs of {batches[0][0].key}..{batches[0][-1].key}, {IMPORT_WORKERS} at once"
        )
        bare_parallel_s = measure_bare_parallel(
            batches[0], bare_batches[0], data_dir / "bare-parallel", args.repeat
        )

    imports: list[ImportResult] = []
    if batches:
        progress(f"wenku import with wenku worker -n {IMPORT_WORKERS}")
        imports = import_run(batches, data_dir)

    pipeline_max = max(d.ratio for d in docs)
    warm_speedup = cold_s / warm_s
    import_ratio = None
    if imports and bare_parallel_s:
        import_ratio = imports[0].seconds / bare_parallel_s
    met: dict[str, bool | None] = {
        "pipeline_over_bare": pipeline_max <= TARGET_PIPELINE_OVER_BARE,
        "warm_speedup": warm_speedup >= TARGET_WARM_SPEEDUP,
        "import_ratio": None
        if import_ratio is None
        else (import_ratio <= TARGET_IMPORT_RATIO and imports[0].ok),
    }

    print(
        f"Wenku ingest benchmark: best of {args.repeat} runs; {os.cpu_count()} CPUs, "
        f"load average {load_start:.2f} at start; previews {CONFIG.preview_pages} pages "
        f"at {CONFIG.preview_width}px, WebP q{CONFIG.webp_quality} m{CONFIG.webp_method}"
    )
    print()
    print_documents(docs)
    print()
    print(
        f"docx5 to PDF: cold soffice {fmt(cold_s, 3)} s "
        f"(runs {', '.join(fmt(c, 3) for c in cold)}), warm unoserver {fmt(warm_s, 3)} s: "
        f"warm is {fmt(warm_speedup)}x faster"
    )
    if imports:
        print()
        print_import("10 small documents", imports[0], bare_batches[0])
        print_import("10 more, same workers", imports[1], bare_batches[1])
        if bare_parallel_s:
            bare_sum = sum(r.total_s for r in bare_batches[0])
            print(
                f"bare runs of the first 10, {IMPORT_WORKERS} processes at once: "
                f"{fmt(bare_parallel_s, 3)} s = {fmt(bare_parallel_s / bare_sum)} x their sum "
                f"(the machine's own floor for the import ratio, before any start-up)"
            )
    print()
    print("targets:")
    print(
        f"  pipeline / bare <= {TARGET_PIPELINE_OVER_BARE} (worst document): "
        f"{fmt(pipeline_max)}  {verdict(met['pipeline_over_bare'])}"
    )
    print(
        f"  warm docx5 >= {TARGET_WARM_SPEEDUP:g}x faster than cold soffice: "
        f"{fmt(warm_speedup)}x  {verdict(met['warm_speedup'])}"
    )
    print(
        f"  wenku import of 10 small documents <= {TARGET_IMPORT_RATIO} x the bare runs on "
        f"{IMPORT_WORKERS} cores: "
        f"{fmt(import_ratio)}  {verdict(met['import_ratio'])}"
    )

    figures: dict[str, Any] = {
        "bench": "ingest",
        "repeat": args.repeat,
        "cpus": os.cpu_count(),
        "loadavg_start": round(load_start, 2),
        "documents": {d.sample.key: doc_figures(d) for d in docs},
        "pipeline_over_bare_max": r3(pipeline_max),
        "cold_soffice_docx5_s": r3(cold_s),
        "warm_docx5_s": r3(warm_s),
        "warm_speedup": r3(warm_speedup),
        "import10_s": None,
        "bare10_sum_s": None,
        "import_ratio": r3(import_ratio),
    }
    if imports:
        figures["import10_s"] = r3(imports[0].seconds)
        figures["bare10_sum_s"] = r3(sum(r.total_s for r in bare_batches[0]))
        figures["import"] = import_figures(imports[0], bare_batches[0])
        figures["import"]["bare_parallel_s"] = r3(bare_parallel_s)
        figures["import"]["bare_parallel_ratio"] = r3(
            bare_parallel_s / figures["bare10_sum_s"] if bare_parallel_s else None
        )
        figures["import_again"] = import_figures(imports[1], bare_batches[1])
    figures["targets_met"] = met
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per document")
    parser.add_argument("--keep", action="store_true", help="keep the data folder")
    parser.add_argument("--skip-import", action="store_true", help="skip the wenku import test")
    parser.add_argument(
        "--database-url",
        help="an empty, disposable database to use instead of a fresh SQLite file",
    )
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")

    data_dir = REPO / "var" / f"bench-ingest-{os.getpid()}"
    database_ready = False
    try:
        setup_environment(data_dir, args.database_url)
        database_ready = True
        figures = run(args, data_dir)
    finally:
        if database_ready:
            from django.db import connections

            if args.database_url:
                reset_library()
            connections.close_all()
        if args.keep:
            progress(f"data kept in {data_dir}")
        else:
            shutil.rmtree(data_dir, ignore_errors=True)
    print(json.dumps(figures, ensure_ascii=False))
    return 1 if any(ok is False for ok in figures["targets_met"].values()) else 0


if __name__ == "__main__":
    sys.exit(main())
