"""`wenku reindex`: rebuild the search index from every ready document, with a progress bar."""

from django.core.management.base import BaseCommand
from tqdm import tqdm

from wenku.library.models import Document
from wenku.search.index import rebuild


class Command(BaseCommand):
    help = "清空并重建全文搜索索引（所有已就绪文档）。"

    def handle(self, *args, **options):
        total = Document.objects.filter(status=Document.Status.READY).count()
        with tqdm(total=total, unit="doc", desc="reindex", file=self.stderr._out) as bar:
            done = rebuild(progress=bar.update)
        self.stdout.write(f"indexed {done} documents")
