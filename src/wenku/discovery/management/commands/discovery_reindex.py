"""Compute keywords, signatures and near-duplicate matches for ready documents that lack them.

For a library that was published before discovery existed, or whose signatures were made
another way (another shingle scheme, `minhash.SCHEME`, or NUM_PERM): documents are processed in
publication order, so each is compared with those published before it, as at publish time, and
its near-duplicate match is recorded anew (or cleared). `make setup` runs it; with every
signature current it only revisits the documents too short to have one.
"""

from django.core.management.base import BaseCommand

from wenku.discovery import services
from wenku.library.models import Document


class Command(BaseCommand):
    help = "Compute missing keywords, signatures and near-duplicate matches (publication order)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--all", action="store_true", help="recompute every ready document, not only missing"
        )

    def handle(self, *args, **options):
        documents = Document.objects.filter(status=Document.Status.READY).order_by(
            "converted_at", "created_at", "pk"
        )
        if not options["all"]:
            current = services.current_signatures().values("document_id")
            documents = documents.exclude(pk__in=current)
        done = duplicates = 0
        for document in documents.iterator(chunk_size=200):
            if services.on_published(document) is not None:
                duplicates += 1
            done += 1
        self.stdout.write(f"{done} documents processed, {duplicates} near-duplicates recorded")
