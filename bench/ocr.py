"""OCR engines side by side on pages of known text: character error rate, time per page on one
core and peak memory, at 150, 200 and 300 dpi.

Pages: A4 PDF pages made with reportlab from `wenku.samples.text` (simplified Chinese in the
STSong-Light CID font; traditional Chinese, the same generator through OpenCC s2t, in
MSung-Light; English in Times-Roman; body text 10.5 pt, 五号, the common size of Chinese
documents), rendered by pdfium to greyscale images at each dpi: clean printed pages, what a
good scanner gives. The truth is the text drawn on the page.

Engines (each skipped, and said so, when it is not installed):

- `tesseract`: Debian's tesseract-ocr CLI, a process per page (`-l chi_sim+chi_tra+eng`);
- `tesserocr`: the same traineddata through the tesserocr wheel (its own libtesseract), the
  models loaded once;
- `rapidocr-onnxruntime`: the PP-OCRv3 models its wheel ships (1.2.3 is the last release for
  Python 3.13), on onnxruntime;
- `rapidocr`: its successor's 2.1 wheel, which ships PP-OCRv4 mobile models (3.x downloads
  them at run time, which Wenku may not do);
- `wenku`: `wenku.conversion.ocr.recognise`, the chosen engine as the worker calls it.

Each engine and dpi runs in its own child process, pinned to one CPU, with OMP_NUM_THREADS=1,
OMP_THREAD_LIMIT=1 (tesseract) and one intra-op thread (onnxruntime): the models are loaded
(timed apart), one page recognised as a warm-up, then every page. Figures: CER per language =
edit distance / length of the truth, both with whitespace removed and NFKC-normalised (a
full-width comma and a half-width one are one character); seconds per page, CPU time of the
child and its children (wall time alongside: on a busy machine it is the CPU time that
measures the engine); peak resident memory of the child and its children (`wait4`'s rusage).

Targets (the chosen engine, `wenku`, at 200 dpi): CER <= 3% on simplified Chinese, <= 2 s per
page. The last line is one JSON object; the exit status is 1 when a target is missed.

    .venv/bin/python bench/ocr.py [--quick] [--pages N] [--dpi 150,200,300] [--engines a,b]

On 2 cores: `--quick` (one page per language, wenku and tesseract at 200 dpi) ~30 s; the full
run (three pages per language, every engine and dpi) ~10 min.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ENGINES = ("tesseract", "tesserocr", "rapidocr-onnxruntime", "rapidocr", "wenku")
LANGUAGES = ("zh-hans", "zh-hant", "en")
TESSERACT_LANGS = "chi_sim+chi_tra+eng"
TARGET_CER = 0.03
TARGET_SECONDS = 2.0
TARGET_DPI = 200
FONT_SIZE = 10.5
ONE_THREAD = {"OMP_NUM_THREADS": "1", "OMP_THREAD_LIMIT": "1", "MKL_NUM_THREADS": "1"}


# --- the pages ------------------------------------------------------------------------------


def _wrap(words: list[str], sep: str, font: str, width: float) -> list[str]:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    lines: list[str] = []
    current = ""
    for word in words:
        candidate = f"{current}{sep}{word}" if current else word
        if current and stringWidth(candidate, font, FONT_SIZE) > width:
            lines.append(current)
            candidate = word
        current = candidate
    if current:
        lines.append(current)
    return lines


def make_pages(pages_per_language: int) -> tuple[bytes, list[tuple[str, str]]]:
    """A PDF of `pages_per_language` pages per language and, per page, (language, truth)."""
    import opencc
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen.canvas import Canvas

    from wenku.samples.text import chinese_paragraphs, english_paragraphs

    for name in ("STSong-Light", "MSung-Light"):
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(UnicodeCIDFont(name))
    to_traditional = opencc.OpenCC("s2t")
    n = pages_per_language
    paragraphs = {
        "zh-hans": chinese_paragraphs(3 * n, seed=11),
        "zh-hant": [to_traditional.convert(p) for p in chinese_paragraphs(3 * n, seed=12)],
        "en": english_paragraphs(4 * n, seed=13),
    }
    fonts = {"zh-hans": "STSong-Light", "zh-hant": "MSung-Light", "en": "Times-Roman"}
    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=A4, invariant=True)
    width, height = A4
    truths: list[tuple[str, str]] = []
    for language in LANGUAGES:
        per_page = len(paragraphs[language]) // n
        for page in range(n):
            chosen = paragraphs[language][page * per_page : (page + 1) * per_page]
            canvas.setFont(fonts[language], FONT_SIZE)
            y = height - 72
            for text in chosen:
                words, sep = (text.split(" "), " ") if language == "en" else (list(text), "")
                for line in _wrap(words, sep, fonts[language], width - 144):
                    canvas.drawString(72, y, line)
                    y -= FONT_SIZE * 1.55
                y -= FONT_SIZE
            canvas.showPage()
            truths.append((language, " ".join(chosen)))
    canvas.save()
    return buf.getvalue(), truths


def render(pdf_bytes: bytes, dpi: int, folder: Path) -> list[Path]:
    """Greyscale PNGs of every page at `dpi` (the resolution written into the file)."""
    import pypdfium2 as pdfium

    folder.mkdir(parents=True, exist_ok=True)
    pdf = pdfium.PdfDocument(pdf_bytes)
    paths = []
    try:
        for index in range(len(pdf)):
            page = pdf[index]
            bitmap = page.render(scale=dpi / 72, grayscale=True)
            image = bitmap.to_pil().convert("L")
            path = folder / f"page-{index + 1:03}.png"
            image.save(path, dpi=(dpi, dpi))
            paths.append(path)
            bitmap.close()
            page.close()
    finally:
        pdf.close()
    return paths


# --- the measure ----------------------------------------------------------------------------


def _normal(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance, bit-parallel (Myers 1999, Hyyrö 2001): a page of 800 characters
    against its recognition in a few milliseconds."""
    if not a:
        return len(b)
    if not b:
        return len(a)
    peq: dict[str, int] = {}
    for i, ch in enumerate(a):
        peq[ch] = peq.get(ch, 0) | (1 << i)
    mask = (1 << len(a)) - 1
    last = 1 << (len(a) - 1)
    pv, mv, score = mask, 0, len(a)
    for ch in b:
        eq = peq.get(ch, 0)
        xv = eq | mv
        xh = (((eq & pv) + pv) ^ pv) | eq
        ph = (mv | ~(xh | pv)) & mask
        mh = pv & xh
        if ph & last:
            score += 1
        elif mh & last:
            score -= 1
        ph = ((ph << 1) | 1) & mask
        mh = (mh << 1) & mask
        pv = (mh | ~(xv | ph)) & mask
        mv = ph & xv
    return score


def cer(truth: str, found: str) -> tuple[int, int]:
    """(edits, length of the truth), whitespace removed and NFKC-normalised."""
    t, f = _normal(truth), _normal(found)
    return edit_distance(t, f), len(t)


# --- a child: one engine, one dpi -----------------------------------------------------------


def _one_thread_onnx(module) -> None:
    """rapidocr-onnxruntime 1.2 has no thread option: give its sessions one intra-op thread."""
    import onnxruntime

    class OneThread(onnxruntime.SessionOptions):
        def __init__(self) -> None:
            super().__init__()
            self.intra_op_num_threads = 1
            self.inter_op_num_threads = 1

    module.SessionOptions = OneThread


def load_engine(engine: str, dpi: int):
    """A function recognising one page image file, with the engine's models loaded."""
    if engine == "tesseract":
        command = ["tesseract", "{}", "stdout", "-l", TESSERACT_LANGS, "--dpi", str(dpi)]

        def run(path: Path) -> str:
            argv = [str(path) if a == "{}" else a for a in command]
            return subprocess.run(argv, capture_output=True, text=True, check=True).stdout

        return run
    if engine == "tesserocr":
        import tesserocr
        from PIL import Image

        api = tesserocr.PyTessBaseAPI(path=_tessdata(), lang=TESSERACT_LANGS)

        def run(path: Path) -> str:
            with Image.open(path) as image:
                api.SetImage(image)
                api.SetSourceResolution(dpi)
                return api.GetUTF8Text()

        return run
    if engine == "rapidocr-onnxruntime":
        import rapidocr_onnxruntime.utils
        from rapidocr_onnxruntime import RapidOCR

        _one_thread_onnx(rapidocr_onnxruntime.utils)
        ocr = RapidOCR()

        def run(path: Path) -> str:
            result, _ = ocr(str(path))
            return "\n".join(line[1] for line in result or [])

        return run
    if engine == "rapidocr":
        import logging

        from rapidocr import RapidOCR

        logging.getLogger("RapidOCR").setLevel(logging.WARNING)
        ocr = RapidOCR(
            params={
                "EngineConfig.onnxruntime.intra_op_num_threads": 1,
                "EngineConfig.onnxruntime.inter_op_num_threads": 1,
            }
        )

        def run(path: Path) -> str:
            return "\n".join(ocr(str(path)).txts or [])

        return run
    if engine == "wenku":
        import django
        from PIL import Image

        django.setup()
        from wenku.conversion import ocr

        ocr.engine()

        def run(path: Path) -> str:
            with Image.open(path) as image:
                image.load()
            return ocr.recognise(image, dpi=dpi, timeout=600)

        return run
    raise SystemExit(f"unknown engine {engine}")


def _tessdata() -> str:
    for folder in ("/usr/share/tesseract-ocr/5/tessdata", "/usr/share/tesseract-ocr/4.00/tessdata"):
        if Path(folder, "chi_sim.traineddata").exists():
            return folder
    raise SystemExit("no tessdata with chi_sim: apt-get install tesseract-ocr-chi-sim")


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def child(engine: str, dpi: int, folder: Path) -> None:
    paths = sorted(folder.glob("page-*.png"))
    started = time.perf_counter()
    cpu = _cpu()
    run = load_engine(engine, dpi)
    load = {"wall": time.perf_counter() - started, "cpu": _cpu() - cpu}
    run(paths[0])  # warm-up: first-call allocations, lazily built tables
    pages = []
    for path in paths:
        started, cpu = time.perf_counter(), _cpu()
        text = run(path)
        pages.append({"text": text, "wall": time.perf_counter() - started, "cpu": _cpu() - cpu})
    grandchildren = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(json.dumps({"load": load, "pages": pages, "children_kb": grandchildren}))


# --- the parent -----------------------------------------------------------------------------


def available(engine: str) -> str | None:
    """Why `engine` cannot run here, or None."""
    import importlib.util

    if engine == "tesseract":
        if not shutil.which("tesseract"):
            return "tesseract-ocr not installed"
        langs = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True)
        missing = set(TESSERACT_LANGS.split("+")) - set(langs.stdout.split())
        return f"no traineddata for {', '.join(sorted(missing))}" if missing else None
    module = {
        "tesserocr": "tesserocr",
        "rapidocr-onnxruntime": "rapidocr_onnxruntime",
        "rapidocr": "rapidocr",
        "wenku": "wenku.conversion.ocr",
    }[engine]
    try:
        found = importlib.util.find_spec(module)
    except ModuleNotFoundError:
        found = None
    return None if found else f"{module} not installed"


def measure(engine: str, dpi: int, folder: Path, truths: list[tuple[str, str]], cpu: int):
    env = {**os.environ, **ONE_THREAD, "PYTHONPATH": str(REPO / "src")}
    # The wenku engine sets Django up: its own data folder (a secret key), no database.
    env.update(DJANGO_SETTINGS_MODULE="wenku.settings", WENKU_DATA_DIR=str(folder.parent / "data"))
    argv = [sys.executable, __file__, "--child", engine, "--dpi", str(dpi), str(folder)]
    with tempfile.TemporaryFile() as err:
        # Not communicate(): it would reap the child before wait4 could read its rusage.
        proc = subprocess.Popen(
            argv,
            env=env,
            stdout=subprocess.PIPE,
            stderr=err,
            preexec_fn=lambda: os.sched_setaffinity(0, {cpu}),
        )
        out = proc.stdout.read()
        proc.stdout.close()
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode:
            err.seek(0)
            message = err.read().decode(errors="replace")[-2000:]
            raise SystemExit(f"{engine} at {dpi} dpi failed:\n{message}")
    result = json.loads(out.decode().strip().splitlines()[-1])
    peak_kb = max(result["children_kb"], usage.ru_maxrss)
    per_language: dict[str, list[int]] = {lang: [0, 0] for lang in LANGUAGES}
    seconds: dict[str, list[float]] = {lang: [] for lang in LANGUAGES}
    for (language, truth), page in zip(truths, result["pages"], strict=True):
        edits, length = cer(truth, page["text"])
        per_language[language][0] += edits
        per_language[language][1] += length
        seconds[language].append(page["cpu"])
    n = len(result["pages"])
    return {
        **{f"cer_{lang}": round(e / max(t, 1), 4) for lang, (e, t) in per_language.items()},
        "s_per_page": round(sum(p["cpu"] for p in result["pages"]) / n, 3),
        **{f"s_{lang}": round(sum(s) / len(s), 3) for lang, s in seconds.items()},
        "wall_s_per_page": round(sum(p["wall"] for p in result["pages"]) / n, 3),
        "load_s": round(result["load"]["cpu"], 2),
        "peak_mb": round(peak_kb / 1024),
        "sample": result["pages"][0]["text"][:60],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one page each, 200 dpi")
    parser.add_argument("--pages", type=int, default=3, help="pages per language")
    parser.add_argument("--dpi", default="150,200,300")
    parser.add_argument("--engines", default=",".join(ENGINES))
    parser.add_argument("--cpu", type=int, default=None, help="the CPU to pin children to")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("folder", nargs="?", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(REPO / "src"))
    dpis = [int(d) for d in args.dpi.split(",")]
    if args.child:
        child(args.child, dpis[0], Path(args.folder))
        return 0
    if args.quick:
        args.pages, dpis = 1, [TARGET_DPI]
        if args.engines == ",".join(ENGINES):
            args.engines = "tesseract,wenku"
    cpu = args.cpu if args.cpu is not None else max(os.sched_getaffinity(0))
    engines = [e for e in args.engines.split(",") if e]
    pdf, truths = make_pages(args.pages)
    figures: dict[str, dict] = {}
    skipped: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="wenku-bench-ocr-") as tmp:
        folders = {dpi: Path(tmp) / str(dpi) for dpi in dpis}
        for dpi, folder in folders.items():
            render(pdf, dpi, folder)
        header = (
            f"{'engine':22} {'dpi':>4} {'CER 简':>7} {'CER 繁':>7} {'CER en':>7} "
            f"{'s/page':>7} {'简/繁/en s':>14} {'wall':>6} {'load s':>6} {'peak MB':>7}"
        )
        print(f"{len(truths)} pages ({args.pages} per language), one core (CPU {cpu})")
        print(header)
        for engine in engines:
            reason = available(engine)
            if reason:
                skipped[engine] = reason
                print(f"{engine:22} skipped: {reason}")
                continue
            for dpi, folder in folders.items():
                row = measure(engine, dpi, folder, truths, cpu)
                figures[f"{engine}@{dpi}"] = row
                by_language = f"{row['s_zh-hans']:.2f}/{row['s_zh-hant']:.2f}/{row['s_en']:.2f}"
                print(
                    f"{engine:22} {dpi:>4} {row['cer_zh-hans']:>7.2%} {row['cer_zh-hant']:>7.2%} "
                    f"{row['cer_en']:>7.2%} {row['s_per_page']:>7.2f} {by_language:>14} "
                    f"{row['wall_s_per_page']:>6.2f} {row['load_s']:>6.2f} {row['peak_mb']:>7}",
                    flush=True,
                )
    chosen = figures.get(f"wenku@{TARGET_DPI}")
    met = None
    if chosen is not None:
        met = {
            "cer": chosen["cer_zh-hans"] <= TARGET_CER,
            "seconds": chosen["s_per_page"] <= TARGET_SECONDS,
        }
    for row in figures.values():
        row.pop("sample", None)
    summary = {
        "pages": len(truths),
        "cpu": cpu,
        "figures": figures,
        "skipped": skipped,
        "targets": {"cer": TARGET_CER, "s_per_page": TARGET_SECONDS, "dpi": TARGET_DPI},
        "targets_met": met,
    }
    print(json.dumps(summary, ensure_ascii=False))
    return 1 if met and not all(met.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
