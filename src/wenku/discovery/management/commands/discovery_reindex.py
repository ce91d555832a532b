"""Compute keywords, signatures and near-duplicate matches for ready documents that lack them.

For a library that was published before discovery existed, or after a change of the signature
parameters (NUM_PERM): documents are processed in publication order, so each is compared with
those published before it, as at publish time.
"""

from django.core.management.base import BaseCommand

from wenku.discovery import minhash, services
from wenku.discovery.models import Signature
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
            current = Signature.objects.filter(num_perm=minhash.NUM_PERM).values("document_id")
            documents = documents.exclude(pk__in=current)
        done = duplicates = 0
        for document in documents.iterator(chunk_size=200):
            if services.on_published(document) is not None:
                duplicates += 1
            done += 1
        self.stdout.write(f"{done} documents processed, {duplicates} near-duplicates recorded")
