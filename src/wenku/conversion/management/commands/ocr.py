"""`wenku ocr --missing [--document N]`: recognise the text of pages converted without it.

For documents converted before OCR existed, while it was switched off (site setting), or whose
recognition overran its time limit: every ready document's pages with no usable text layer, a
picture to read and no recognised text yet (`wenku.conversion.ocr.needs_ocr`) are read from the
document's PDF and their text saved as recognised. The pages checked are those with little or
no text; those without a picture are checked again by the next run, but not read.

A published document is then re-announced through `wenku.library.signals.document_changed`
(with `text=True`), so that the search index, the keywords and the near-duplicate signature
follow, as at publication; conversion imports neither search nor discovery. A document
re-converted meanwhile keeps its new pages.
"""

import shutil
import sys
import tempfile
from pathlib import Path

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models.functions import Length
from tqdm import tqdm

from wenku.conversion import ocr
from wenku.library.models import Document, Page
from wenku.library.signals import document_changed

# A page with MIN_LAYER_CHARS meaningful characters is rarely longer than this; longer pages
# are not even read from the database.
CANDIDATE_LENGTH = 400


class Command(BaseCommand):
    help = "识别已转换文档中没有文字层的页面（OCR）：--missing 所有文档，--document N 一篇。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--missing",
            action="store_true",
            help="every ready document's pages with no usable text and no OCR yet",
        )
        parser.add_argument("--document", type=int, help="only the document with this number")

    def handle(self, *args, missing=False, document=None, **options):
        if not missing and document is None:
            raise CommandError("say --missing (every document) or --document N (one document)")
        if not ocr.available():
            raise CommandError("OCR is not installed (tesserocr and tesseract-ocr-chi-sim etc.)")
        pages = Page.objects.filter(
            document__status=Document.Status.READY, text_source=Page.TextSource.LAYER
        ).annotate(length=Length("text"))
        pages = pages.filter(length__lt=CANDIDATE_LENGTH)
        if document is not None:
            if not Document.objects.filter(number=document).exists():
                raise CommandError(f"no document {document}")
            pages = pages.filter(document__number=document)
        todo: dict[int, int] = {}
        for document_id, text in pages.values_list("document_id", "text").iterator():
            if ocr.needs_ocr(text):
                todo[document_id] = todo.get(document_id, 0) + 1
        bar = tqdm(total=sum(todo.values()), desc="识别文字", unit="页", file=sys.stderr)
        recognised = late = changed = 0
        with bar:
            for document_id in sorted(todo):
                one = Document.objects.get(pk=document_id)
                found, over = self._document(one, bar, todo[document_id])
                recognised, late = recognised + found, late + over
                changed += bool(found)
        self.stdout.write(
            f"checked {sum(todo.values())} pages with little or no text in {len(todo)} "
            f"documents: {recognised} recognised in {changed} documents, {late} over the time "
            "limit"
        )

    def _document(self, document: Document, bar: tqdm, expected: int) -> tuple[int, int]:
        pages = list(document.pages.order_by("number"))
        layer = {page.pk for page in pages if page.text_source == Page.TextSource.LAYER}
        folder = Path(tempfile.mkdtemp(prefix=f"ocr-{document.pk}-"))
        try:
            pdf = _local_pdf(document, folder)
            done = [0]

            def progress(count: int, total: int) -> None:
                bar.update(count - done[0])
                done[0] = count

            late = ocr.recognise_pages(pdf, pages, on_progress=progress)
            bar.update(max(expected - done[0], 0))
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        found = [p for p in pages if p.text_source == Page.TextSource.OCR and p.pk in layer]
        with transaction.atomic():
            current = Document.objects.select_for_update().get(pk=document.pk)
            saved = sum(
                Page.objects.filter(
                    pk=page.pk, document=current, text_source=Page.TextSource.LAYER
                ).update(text=page.text, text_source=Page.TextSource.OCR)
                for page in found
            )
            if saved and current.is_published:
                document_changed.send(sender=Document, document=current, text=True)
        return saved, len(late)


def _local_pdf(document: Document, folder: Path) -> Path:
    """The document's PDF as a local file: the stored file itself, or a copy of it when the
    storage is remote (S3)."""
    name = document.pdf.name or document.original.name
    try:
        return Path(default_storage.path(name))
    except NotImplementedError:
        local = folder / Path(name).name
        with default_storage.open(name) as src, local.open("wb") as dst:
            shutil.copyfileobj(src, dst, 1024 * 1024)
        return local
