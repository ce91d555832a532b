"""`wenku reindex`: rebuild the search index from every published document, with a progress bar.

`--missing` only adds published documents the index lacks (what `make setup` runs after an
upgrade, when new index tables start empty)."""

from django.core.management.base import BaseCommand
from tqdm import tqdm

from wenku.library.models import Document
from wenku.search.backends import get_backend
from wenku.search.index import index_document, rebuild


class Command(BaseCommand):
    help = "清空并重建全文搜索索引（所有已发布文档）；--missing 只补上索引中缺少的文档。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--missing", action="store_true", help="only index published documents not indexed"
        )

    def handle(self, *args, missing=False, **options):
        if missing:
            backend = get_backend()
            todo = [d for d in Document.objects.published() if not backend.is_indexed(d.pk)]
            for document in tqdm(todo, unit="doc", desc="reindex", file=self.stderr._out):
                index_document(document)
            self.stdout.write(f"indexed {len(todo)} documents")
            return
        total = Document.objects.published().count()
        with tqdm(total=total, unit="doc", desc="reindex", file=self.stderr._out) as bar:
            done = rebuild(progress=bar.update)
        self.stdout.write(f"indexed {done} documents")
