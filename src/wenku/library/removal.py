"""Deleting a document: files, index entries (through the signal) and the uploader's penalty."""

from __future__ import annotations

from contextlib import suppress

from django.core.files.storage import default_storage
from django.db import transaction

from wenku.accounts.rewards import penalise_deletion

from .models import Document, Page
from .signals import document_unpublished


def delete_document(document: Document, *, by) -> int:
    """Delete `document` and its files; returns the points its uploader lost (0 if none).

    The uploader who deletes their own published document pays the delete penalty; a moderator's
    deletion is punished, if at all, by moderation."""
    names = [document.original.name, document.pdf.name if document.pdf else ""]
    names += list(
        Page.objects.filter(document=document).exclude(image="").values_list("image", flat=True)
    )
    with transaction.atomic():
        document = Document.objects.select_for_update().get(pk=document.pk)
        lost = 0
        if document.is_published and by is not None and by.pk == document.uploader_id:
            lost = penalise_deletion(document)
        if document.is_published:
            document_unpublished.send(sender=Document, document=document)
        document.delete()

        def remove_files() -> None:
            for name in filter(None, names):
                with suppress(OSError):
                    default_storage.delete(name)

        transaction.on_commit(remove_files)
    return lost
