"""Keep the index in step with the library: publish, edit, unpublish, delete (connected in
SearchConfig.ready)."""

from wenku.library.models import Document

from .backends import get_backend
from .index import index_document, remove_document


def reindex(sender, document: Document, **kwargs) -> None:
    index_document(document)


def unpublished(sender, document: Document, **kwargs) -> None:
    remove_document(document)


def deleted(sender, instance: Document, **kwargs) -> None:
    remove_document(instance.pk)


def empty_library_empty_index(sender, app_config, using="default", **kwargs) -> None:
    # Django's flush (tests, `wenku flush`) empties the tables it knows and then sends
    # post_migrate; the index tables are ours, so an empty library empties them too.
    if app_config.label != "search":
        return
    if not Document.objects.using(using).exists():
        get_backend().clear()
