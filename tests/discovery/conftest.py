"""Publishing documents without LibreOffice: rows as the converter leaves them, then the signal."""

from __future__ import annotations

import hashlib
import itertools

import pytest
from django.utils import timezone

_counter = itertools.count()


@pytest.fixture
def publish(user):
    """publish(title, pages: list[str], tags=(), status="ready") -> Document.

    Creates the document and its pages and, for a ready document, decides its publication
    (`publication.converted`) inside a transaction, as the conversion runner does.
    """
    from django.db import transaction

    from wenku.library import publication
    from wenku.library.models import Document, Page, Tag

    def make(title: str, pages: list[str], tags=(), status: str = Document.Status.READY):
        n = next(_counter)
        digest = hashlib.sha256(f"{title}-{n}".encode()).hexdigest()
        with transaction.atomic():
            document = Document.objects.create(
                title=title,
                uploader=user,
                original_filename=f"{n}.docx",
                format="docx",
                size=1000,
                sha256=digest,
                original=f"originals/{digest}.docx",
                status=status,
                page_count=len(pages),
                converted_at=timezone.now() if status == Document.Status.READY else None,
            )
            if tags:
                document.tags.set([Tag.objects.get_or_create(name=t)[0] for t in tags])
            Page.objects.bulk_create(
                Page(document=document, number=i, text=text) for i, text in enumerate(pages, 1)
            )
            if status == Document.Status.READY:
                publication.converted(document)
                document.refresh_from_db()
        return document

    return make
