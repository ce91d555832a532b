"""Fidelity benchmark: does every kind of real file convert right, or get refused for its reason?

The corpus is built here, in code, so that the text and the right outcome of every file are
known (see `wenku.samples`, `tests.samples.realworld` and `tests.samples.hostile`):

- every accepted format: DOCX, DOC, ODT, RTF (Chinese report with known paragraphs), PPTX, PPT,
  ODP, XLSX, XLS, ODS, CSV, PDF, EPUB — DOC/ODT/PPT/ODP/XLS/ODS written by LibreOffice itself
  from the generated DOCX/PPTX/XLSX;
- the classes of real files that broke conversion before: Western and Chinese fonts, TXT in
  nine encodings (Extension B included), LibreOffice's own DOCTYPEs (formula, Basic), an HTML
  altChunk, Office's default password, a filled-in form, a PDF with a broken page, a wide CSV,
  Word/Excel 2003 XML named .doc/.xls, plain text named .doc, EPUB with XHTML entities, an
  untidy EPUB (%-encoded names, a chapter that is not XML, one missing), an ODF template, a
  DOCX whose main part has another name;
- files that must be refused, each with its reason (code): empty, random bytes, zip bomb, XXE,
  encrypted DOCX/XLSX/ODT/PDF, DRM EPUB, XFA-only form, web pages (named .doc and .html), an
  executable, a DOCX LibreOffice cannot load (fails once, without a retry).

Each file goes through `ingest()` and `run_conversion()` in this process with one warm
LibreOffice, as a worker runs it. Reported per format:

- **outcome**: share of files with the right outcome — published, or refused/failed with the
  expected code — and with a message free of paths and raw tool output;
- **pages**: share of converted files whose page count equals a plain `soffice --convert-to pdf`
  with the same fonts (one soffice process for all files, given our fontconfig file, which maps
  only Chinese font names) or, for PDFs, pdfium's own count. CSV is not compared: plain
  LibreOffice lays it out with default column widths (cells cut off), which is the defect we
  fix by giving the sheet widths, so its page count differs on purpose;
- **recall**: for files whose text is known, the share of the known text's character bigrams
  found in the published page text;
- time per file, and LibreOffice's resident memory after each file.

Targets (issue 12): outcome 100%, page counts equal >= 97%, recall >= 0.99. The script exits 1
when one is missed. The last line printed is one line of JSON with every figure.

    .venv/bin/python bench/fidelity.py [--quick] [--keep]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
TARGET_OUTCOME = 1.0
TARGET_PAGES = 0.97
TARGET_RECALL = 0.99
RAW_OUTPUT = re.compile(r"(/tmp/|/var/|/work/|\.py\b|Traceback|Pdfium|Warning:|Error:|javaldx)")


@dataclass
class Case:
    name: str  # file name as uploaded
    group: str  # the format (or class) it is reported under
    build: Callable[[Path], Path]
    expect: str = "ready"  # or the refusal's code
    text: str = ""  # known text, for recall
    compare_pages: bool = True


@dataclass
class Result:
    case: Case
    outcome_ok: bool
    status: str
    message: str = ""
    pages: int = 0
    plain_pages: int | None = None
    recall: float | None = None
    seconds: float = 0.0
    office_rss_mb: float = 0.0


@dataclass
class Corpus:
    cases: list[Case] = field(default_factory=list)

    def add(self, *args: Any, **kwargs: Any) -> None:
        self.cases.append(Case(*args, **kwargs))


def build_corpus(quick: bool, converter: Any) -> Corpus:
    from tests.samples import hostile, realworld

    from wenku.samples.epub import make_epub
    from wenku.samples.office import make_csv, make_docx, make_pptx, make_rtf, make_xlsx
    from wenku.samples.pdf import make_pdf
    from wenku.samples.text import chinese_paragraphs

    corpus = Corpus()
    paragraphs = chinese_paragraphs(12 if quick else 40, seed=21)
    report_text = "".join(paragraphs)

    def report(path: Path) -> Path:
        return make_docx(path, title="土地批复报告", paragraphs=paragraphs)

    def via_libreoffice(builder: Callable[[Path], Path], fmt: str) -> Callable[[Path], Path]:
        def build(path: Path) -> Path:
            source = builder(path.with_name(path.stem + "-source" + _source_suffix(fmt)))
            converter._proxy(120).convert(
                str(source.resolve()), None, str(path.resolve()), fmt, None, [], False, None, None
            )
            source.unlink()
            return path

        return build

    def pptx(path: Path) -> Path:
        return make_pptx(path, title="项目汇报", slides=6 if quick else 15, seed=3)

    def xlsx(path: Path) -> Path:
        return make_xlsx(path, rows=60 if quick else 300, seed=4)

    corpus.add("报告.docx", "docx", report, text=report_text)
    corpus.add("报告.doc", "doc", via_libreoffice(report, "doc"), text=report_text)
    corpus.add("报告.odt", "odt", via_libreoffice(report, "odt"), text=report_text)
    corpus.add(
        "报告.rtf", "rtf", lambda p: make_rtf(p, "土地批复报告", paragraphs), text=report_text
    )
    corpus.add("汇报.pptx", "pptx", pptx)
    corpus.add("汇报.ppt", "ppt", via_libreoffice(pptx, "ppt"))
    corpus.add("汇报.odp", "odp", via_libreoffice(pptx, "odp"))
    corpus.add("表格.xlsx", "xlsx", xlsx)
    corpus.add("表格.xls", "xls", via_libreoffice(xlsx, "xls"))
    corpus.add("表格.ods", "ods", via_libreoffice(xlsx, "ods"))
    corpus.add("名单.csv", "csv", lambda p: make_csv(p, rows=80, seed=5), compare_pages=False)
    corpus.add("报告.pdf", "pdf", lambda p: make_pdf(p, title="报告", pages=12, seed=6))
    corpus.add(
        "书.epub",
        "epub",
        lambda p: make_epub(p, title="书", chapters=[("第一章", paragraphs[:6])]),
        text="".join(paragraphs[:6]),
    )

    # The classes of real files that broke conversion.
    corpus.add("fonts.docx", "docx", realworld.make_font_mix_docx)
    corpus.add("western.docx", "docx", lambda p: realworld.make_western_docx(p, paragraphs=50))
    for encoding in realworld.ENCODED_TEXTS:
        corpus.add(
            f"{encoding}.txt",
            "txt",
            lambda p, e=encoding: realworld.make_encoded_text(p, e),
            text="".join(realworld.encoded_text_lines(encoding)),
        )
    corpus.add(
        "公式.odt",
        "odt",
        lambda p: realworld.make_odt_with_formula_and_macro(p, text="含公式和宏的文档"),
        text="含公式和宏的文档",
    )
    corpus.add(
        "chunk.docx",
        "docx",
        lambda p: realworld.make_docx_with_altchunk(p, text="正文段落内容", chunk_text="网页"),
        text="正文段落内容",
    )
    rows = [["项目", "金额"], ["土地出让金", "1200"]]
    corpus.add(
        "只读.xlsx",
        "xlsx",
        lambda p: realworld.make_encrypted_xlsx(p, password="VelvetSweatshop", rows=rows),
        text="项目金额土地出让金1200",
        compare_pages=False,  # plain soffice converts the encrypted file the same way; skip
    )
    corpus.add("form.pdf", "pdf", lambda p: realworld.make_filled_form_pdf(p, value="Zhang San")[0])
    corpus.add(
        "broken.pdf",
        "pdf",
        lambda p: realworld.make_pdf_with_broken_page(p),
        compare_pages=False,  # one page is left out on purpose
    )
    wide_cells: list[str] = []

    def wide(path: Path) -> Path:
        built, cells = realworld.make_wide_csv(path)
        wide_cells.extend(cells)
        return built

    corpus.add("wide.csv", "csv", wide, text="", compare_pages=False)
    corpus.add(
        "通知.doc",
        "doc",
        lambda p: realworld.make_word2003_xml(p, paragraphs=["关于开展检查工作的通知"]),
        text="关于开展检查工作的通知",
    )
    corpus.add(
        "表.xls",
        "xls",
        lambda p: realworld.make_spreadsheetml(p, rows=[["部门", "人数"], ["教务处", "12"]]),
        text="部门人数教务处12",
    )
    corpus.add(
        "说明.doc",
        "txt",
        lambda p: _write_text(p, "这是一份纯文本说明。\n第二行内容。\n", "gb18030"),
        text="这是一份纯文本说明。第二行内容。",
    )
    corpus.add(
        "entities.epub",
        "epub",
        lambda p: realworld.make_epub_with_entities(p, title="实体", paragraphs=["正文第一段"]),
        text="正文第一段",
        compare_pages=False,  # LibreOffice cannot import EPUB at all
    )
    corpus.add(
        "模板.ott",
        "odt",
        lambda p: realworld.make_odt_template(p, text="模板中的正文"),
        text="模板中的正文",
    )
    corpus.add(
        "gen.docx",
        "docx",
        lambda p: realworld.make_docx_with_renamed_main_part(p, text="生成器写的文档"),
        text="生成器写的文档",
    )
    corpus.add(
        "untidy.epub",
        "epub",
        lambda p: realworld.make_untidy_epub(p, good="第一章的正文", untidy="第二章正文"),
        text="第一章的正文",
    )
    for case in corpus.cases:
        if case.group == "epub":
            case.compare_pages = False

    # Files that must be refused, each for its own reason.
    refused = [
        ("empty.docx", hostile.make_zero_byte, "empty"),
        ("random.docx", hostile.make_random_bytes, "malformed"),
        ("bomb.docx", hostile.make_zip_bomb_docx, "zip_bomb"),
        ("xxe.docx", hostile.make_xxe_docx, "xxe"),
        ("locked.docx", hostile.make_password_docx, "encrypted"),
        ("locked.pdf", hostile.make_encrypted_pdf, "encrypted"),
        ("locked.odt", realworld.make_encrypted_odt, "encrypted"),
        ("locked.xlsx", lambda p: realworld.make_encrypted_xlsx(p, password="x", rows=rows),
         "encrypted"),
        ("xfa.pdf", realworld.make_xfa_only_pdf, "xfa"),
        ("drm.epub", realworld.make_drm_epub, "encrypted"),
        ("page.html", realworld.make_html_named_doc, "unsupported"),
        ("page.doc", realworld.make_html_named_doc, "unsupported"),
        ("tool.exe", hostile.make_exe, "unsupported"),
        ("unloadable.docx", realworld.make_unloadable_docx, "failed"),
    ]  # fmt: skip
    for name, builder, code in refused:
        corpus.add(name, "refused", builder, expect=code, compare_pages=False)
    corpus.wide_cells = wide_cells  # type: ignore[attr-defined]
    return corpus


def _source_suffix(fmt: str) -> str:
    return {"doc": ".docx", "odt": ".docx", "ppt": ".pptx", "odp": ".pptx"}.get(fmt, ".xlsx")


def _write_text(path: Path, text: str, encoding: str) -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def bigram_recall(known: str, found: str) -> float:
    def grams(text: str) -> set[str]:
        text = re.sub(r"\s+", "", text)
        return {text[i : i + 2] for i in range(len(text) - 1)}

    wanted = grams(known)
    return len(wanted & grams(found)) / len(wanted) if wanted else 1.0


def plain_soffice_pages(files: list[Path], workdir: Path) -> dict[str, int]:
    """Page counts of one plain `soffice --convert-to pdf` over all files, with the same fonts."""
    import pypdfium2 as pdfium

    out = workdir / "plain"
    out.mkdir(exist_ok=True)
    from wenku.conversion.office import FONTS_CONF

    # The same fonts: our fontconfig file maps only Chinese names (to Noto CJK) and includes the
    # system's configuration, which gives Western names their metric-compatible fonts.
    env = {**os.environ, "FONTCONFIG_FILE": str(FONTS_CONF), "HOME": str(workdir)}
    office_files = [f for f in files if f.suffix.lower() != ".pdf"]
    if office_files:
        subprocess.run(
            [
                shutil.which("soffice") or "soffice",
                "--headless",
                f"-env:UserInstallation={(workdir / 'plain-profile').resolve().as_uri()}",
                "--convert-to",
                "pdf",
                "--outdir",
                str(out),
                *map(str, office_files),
            ],
            env=env,
            capture_output=True,
            timeout=900,
        )
    counts = {}
    for f in files:
        pdf = f if f.suffix.lower() == ".pdf" else out / (f.stem + ".pdf")
        if pdf.exists():
            counts[f.name.partition("-")[2]] = len(pdfium.PdfDocument(str(pdf)))
    return counts


def run_case(case: Case, path: Path, user: Any, converter: Any) -> tuple[Result, str]:
    """Ingest and convert one file; the result and the published text."""
    from wenku.conversion import runner
    from wenku.conversion.ingest import IngestError, ingest
    from wenku.library.models import Document

    started = time.perf_counter()
    try:
        document = ingest(path, case.name, user)
    except IngestError as exc:
        ok = exc.code == case.expect and not RAW_OUTPUT.search(exc.message)
        return Result(case, ok, exc.code, exc.message, seconds=_since(started)), ""
    runner.run_conversion(document.pk)
    document.refresh_from_db()
    seconds = _since(started)
    text = "\n".join(document.pages.order_by("number").values_list("text", flat=True))
    status = document.status
    clean = not RAW_OUTPUT.search(document.error)
    if case.expect == "ready":
        ok = status == Document.Status.READY and clean
    else:
        ok = status == Document.Status.FAILED and case.expect == "failed" and clean
        ok = ok and document.attempts == 1
    return Result(
        case,
        ok,
        status,
        document.error,
        pages=document.page_count,
        recall=bigram_recall(case.text, text) if case.text and ok else None,
        seconds=seconds,
        office_rss_mb=converter.rss_mb(),
    ), text


def _since(started: float) -> float:
    return time.perf_counter() - started


def setup_environment(data_dir: Path) -> None:
    shutil.rmtree(data_dir, ignore_errors=True)
    data_dir.mkdir(parents=True)
    os.environ["WENKU_DATA_DIR"] = str(data_dir)
    os.environ.pop("WENKU_STORAGE_ROOT", None)
    os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "wenku.settings"
    sys.path.insert(0, str(REPO / "src"))
    sys.path.insert(0, str(REPO))  # tests.samples builds the real-world and hostile files
    import logging

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    logging.getLogger("wenku").setLevel(logging.ERROR)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller documents")
    parser.add_argument("--keep", action="store_true", help="keep the data folder")
    args = parser.parse_args()
    data_dir = REPO / "var" / f"bench-fidelity-{os.getpid()}"
    setup_environment(data_dir)

    from django.contrib.auth import get_user_model

    from wenku.conversion import runner
    from wenku.conversion.office import OfficeConverter

    user = get_user_model().objects.create_user("fidelity", password="fidelity-pw-1")
    converter = OfficeConverter(data_dir / "office")
    converter.start()
    runner.set_worker_identity(runner.WORKER_ID, converter)
    corpus_dir = data_dir / "corpus"
    corpus_dir.mkdir()
    try:
        corpus = build_corpus(args.quick, converter)
        # Files on disk get unique stems (soffice names its PDFs after them); the upload keeps
        # the case's name.
        paths = {
            case.name: case.build(corpus_dir / f"{n:02d}-{case.name}")
            for n, case in enumerate(corpus.cases)
        }
        plain = plain_soffice_pages(
            [paths[c.name] for c in corpus.cases if c.compare_pages], data_dir
        )
        results: list[Result] = []
        for case in corpus.cases:
            result, text = run_case(case, paths[case.name], user, converter)
            if case.name == "wide.csv":
                flat = re.sub(r"\s+", "", text)
                found = sum(1 for cell in corpus.wide_cells if cell in flat)
                result.recall = found / len(corpus.wide_cells)
            if case.compare_pages and result.status == "ready":
                result.plain_pages = plain.get(case.name)
            results.append(result)
            print(
                f"{case.group:8} {case.name:18} {result.status:18} pages {result.pages:3}"
                f" plain {result.plain_pages if result.plain_pages is not None else '-':>3}"
                f" recall {'-' if result.recall is None else f'{result.recall:.3f}':>5}"
                f" {result.seconds:6.2f}s {'ok' if result.outcome_ok else 'WRONG'}"
                + (f"  {result.message[:70]}" if result.message else "")
            )
    finally:
        converter.stop()
        if not args.keep:
            shutil.rmtree(data_dir, ignore_errors=True)
    return report(results)


def report(results: list[Result]) -> int:
    groups: dict[str, list[Result]] = defaultdict(list)
    for result in results:
        groups[result.case.group].append(result)
    summary = {}
    print(f"\n{'format':8} {'files':>5} {'outcome':>8} {'pages=':>7} {'recall':>7} {'s/file':>7}")
    for group, items in groups.items():
        compared = [r for r in items if r.plain_pages is not None]
        recalls = [r.recall for r in items if r.recall is not None]
        summary[group] = {
            "files": len(items),
            "outcome": sum(r.outcome_ok for r in items) / len(items),
            "pages_equal": (
                sum(r.pages == r.plain_pages for r in compared) / len(compared)
                if compared
                else None
            ),
            "recall_min": min(recalls) if recalls else None,
            "seconds_mean": statistics.mean(r.seconds for r in items),
            "office_rss_mb_max": max(r.office_rss_mb for r in items),
        }
        s = summary[group]
        print(
            f"{group:8} {s['files']:5} {s['outcome']:8.0%}"
            f" {'-' if s['pages_equal'] is None else format(s['pages_equal'], '.0%'):>7}"
            f" {'-' if s['recall_min'] is None else format(s['recall_min'], '.3f'):>7}"
            f" {s['seconds_mean']:7.2f}"
        )
    compared = [r for r in results if r.plain_pages is not None]
    recalls = [r.recall for r in results if r.recall is not None]
    wrong = [r for r in results if not r.outcome_ok]
    differ = [r for r in compared if r.pages != r.plain_pages]
    figures = {
        "bench": "fidelity",
        "files": len(results),
        "outcome": sum(r.outcome_ok for r in results) / len(results),
        "pages_equal": sum(r.pages == r.plain_pages for r in compared) / max(len(compared), 1),
        "pages_compared": len(compared),
        "recall_min": min(recalls) if recalls else None,
        "recall_mean": statistics.mean(recalls) if recalls else None,
        "office_rss_mb_max": max(r.office_rss_mb for r in results),
        "wrong": [f"{r.case.name}: {r.status} {r.message[:80]}" for r in wrong],
        "pages_differ": [f"{r.case.name}: {r.pages} vs {r.plain_pages}" for r in differ],
        "groups": summary,
    }
    missed = [
        name
        for name, ok in (
            ("outcome", figures["outcome"] >= TARGET_OUTCOME),
            ("pages_equal", figures["pages_equal"] >= TARGET_PAGES),
            ("recall", (figures["recall_min"] or 0) >= TARGET_RECALL),
        )
        if not ok
    ]
    figures["targets_missed"] = missed
    print(
        f"\noutcome {figures['outcome']:.1%} (target 100%),"
        f" pages equal {figures['pages_equal']:.1%} of {len(compared)} (target >= 97%),"
        f" recall min {figures['recall_min']:.3f}"
        f" (target >= 0.99)" + (f"; MISSED: {', '.join(missed)}" if missed else "")
    )
    print(json.dumps(figures, ensure_ascii=False))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
