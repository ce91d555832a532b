"""OFD benchmark: does our renderer give every page, with each page's text?

For each OFD file (default: the samples copied into tests/data/ofd; pass a folder or files to
measure others, e.g. ../shared/reference/ofd) the file is checked as an upload is
(`detect.check_package`), drawn into a PDF (`ofd_draw.ofd_to_pdf`), and pdfium reads back each
page's text as the worker stores it (`pdf.page_text`). Reported per file:

- **pages**: the PDF's page count equals the package's (Document.xml's Pages);
- **text**: the page's text equals, ignoring whitespace, the text of the TextCodes drawn on it
  (templates, content, annotations, a seal that is an OFD), in the file's order (`exact`) or
  as the same characters in any order (`chars`: pdfium orders the cells of one line by their
  position). Private-use characters (glyph codes of embedded fonts) are left out of both;
- seconds per file.

Targets: pages equal for every file; `chars` for every page of the files whose text is Unicode
(no private-use code points). Exits 1 when one is missed; the last line is one line of JSON.

    .venv/bin/python bench/ofd.py [FOLDER_OR_FILES...] [--png OUT_FOLDER]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import time
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PRIVATE = re.compile("[\ue000-\uf8ff\U000f0000-\U0010ffff]")


def setup() -> None:
    sys.path.insert(0, str(REPO / "src"))
    sys.path.insert(0, str(REPO))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wenku.settings")
    os.environ.setdefault("WENKU_DATA_DIR", str(REPO / "var" / "bench-ofd"))
    import django

    django.setup()


def norm(text: str) -> str:
    return PRIVATE.sub("", re.sub(r"\s+", "", text))


def expected_pages(path: Path) -> list[str]:
    """The text of the TextCodes drawn on each page, in drawing order."""
    from wenku.conversion.ofd import OfdPackage, read_package, seal_package

    def texts(root) -> str:  # noqa: ANN001
        return "".join(code.text or "" for code in root.iter("TextCode"))

    def page_text(doc, page) -> str:  # noqa: ANN001
        root = doc.pkg.xml(page.content)
        order = [
            (t.get("TemplateID"), t.get("ZOrder", "Background")) for t in root.findall("Template")
        ]
        parts = [
            texts(doc.pkg.xml(doc.templates[t]))
            for t, z in order
            if z != "Foreground" and t in doc.templates
        ]
        content = root.find("Content")
        if content is not None:
            layers = sorted(
                content.findall("Layer"),
                key=lambda el: {"Background": 0, "Foreground": 2}.get(el.get("Type", ""), 1),
            )
            parts += [texts(layer) for layer in layers]
        parts += [
            texts(doc.pkg.xml(doc.templates[t]))
            for t, z in order
            if z == "Foreground" and t in doc.templates
        ]
        parts += [texts(doc.pkg.xml(name)) for name in doc.annotations.get(page.id, [])]
        for stamp in doc.stamps:
            data = doc.seal_picture(stamp) if stamp.page_id == page.id else None
            seal = seal_package(data) if data and data.startswith(b"PK") else None
            if seal is not None:
                inner = read_package(seal)[0]
                parts.append(texts(inner.pkg.xml(inner.pages[0].content)))
        return "".join(parts)

    with zipfile.ZipFile(path) as zf:
        return [page_text(doc, page) for doc in read_package(OfdPackage(zf)) for page in doc.pages]


def measure(path: Path, out: Path, png: Path | None) -> dict:
    import pypdfium2 as pdfium

    from wenku.conversion.ofd import check_package
    from wenku.conversion.ofd_draw import ofd_to_pdf
    from wenku.conversion.pdf import page_text

    started = time.monotonic()
    with zipfile.ZipFile(path) as zf:
        pages = check_package(zf)
    ofd_to_pdf(path, out, title=path.stem)
    seconds = time.monotonic() - started
    expected = expected_pages(path)
    pdf = pdfium.PdfDocument(str(out))
    try:
        got = [page_text(pdf[i]) for i in range(len(pdf))]
        if png is not None:
            for i in range(len(pdf)):
                pdf[i].render(scale=1.5).to_pil().save(png / f"{path.stem}-{i + 1}.png")
    finally:
        pdf.close()
    exact = sum(1 for a, b in zip(expected, got, strict=False) if norm(a) == norm(b))
    chars = sum(
        1 for a, b in zip(expected, got, strict=False) if sorted(norm(a)) == sorted(norm(b))
    )
    return {
        "file": path.name,
        "pages": pages,
        "pdf_pages": len(got),
        "text_exact": exact,
        "text_chars": chars,
        "unicode": not any(PRIVATE.search(t) for t in expected),
        "seconds": round(seconds, 3),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument("--png", type=Path, help="also write each page as a PNG here")
    args = parser.parse_args()
    setup()
    paths = args.paths or [REPO / "tests" / "data" / "ofd"]
    files = sorted(f for p in paths for f in ([p] if p.is_file() else p.glob("*.ofd")))
    if args.png:
        args.png.mkdir(parents=True, exist_ok=True)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for file in files:
            rows.append(measure(file, Path(tmp) / "out.pdf", args.png))
    print(f"{'file':44} {'pages':>5} {'pdf':>4} {'exact':>5} {'chars':>5} {'seconds':>8}")
    for row in rows:
        note = "" if row["unicode"] else "  (private-use)"
        print(
            f"{row['file'][:44]:44} {row['pages']:5} {row['pdf_pages']:4} {row['text_exact']:5} "
            f"{row['text_chars']:5} {row['seconds']:8.2f}{note}"
        )
    pages_ok = sum(1 for r in rows if r["pages"] == r["pdf_pages"])
    unicode_rows = [r for r in rows if r["unicode"]]
    text_pages = sum(r["pages"] for r in unicode_rows)
    summary = {
        "files": len(rows),
        "pages_equal_files": pages_ok,
        "pages": sum(r["pages"] for r in rows),
        "unicode_text_pages": text_pages,
        "text_exact_pages": sum(r["text_exact"] for r in unicode_rows),
        "text_chars_pages": sum(r["text_chars"] for r in unicode_rows),
        "seconds_per_file": round(sum(r["seconds"] for r in rows) / max(len(rows), 1), 3),
        "seconds_max": max((r["seconds"] for r in rows), default=0),
    }
    ok = pages_ok == len(rows) and summary["text_chars_pages"] == text_pages
    summary["ok"] = ok
    print(json.dumps(summary, ensure_ascii=False))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
