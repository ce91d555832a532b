"""Keep the index in step with the library: publish, edit, unpublish, delete."""

from django.db.models.signals import post_delete, post_migrate
from django.dispatch import receiver

from wenku.library.models import Document
from wenku.library.signals import document_changed, document_published, document_unpublished

from .backends import get_backend
from .index import index_document, remove_document


@receiver(document_published, dispatch_uid="search-published")
@receiver(document_changed, dispatch_uid="search-changed")
def _reindex(sender, document: Document, **kwargs) -> None:
    index_document(document)


@receiver(document_unpublished, dispatch_uid="search-unpublished")
def _unpublished(sender, document: Document, **kwargs) -> None:
    remove_document(document)


@receiver(post_delete, sender=Document, dispatch_uid="search-deleted")
def _deleted(sender, instance: Document, **kwargs) -> None:
    remove_document(instance.pk)


@receiver(post_migrate, dispatch_uid="search-empty-library")
def _empty_library_empty_index(sender, app_config, using="default", **kwargs) -> None:
    # Django's flush (tests, `wenku flush`) empties the tables it knows and then sends
    # post_migrate; the index tables are ours, so an empty library empties them too.
    if app_config.label != "search":
        return
    if not Document.objects.using(using).exists():
        get_backend().clear()
