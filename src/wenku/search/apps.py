from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "wenku.search"
    label = "search"
    verbose_name = "搜索"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_migrate

        from wenku.library import signals
        from wenku.library.models import Document

        from . import receivers

        signals.document_published.connect(receivers.reindex, dispatch_uid="search-published")
        signals.document_changed.connect(receivers.reindex, dispatch_uid="search-changed")
        signals.document_unpublished.connect(
            receivers.unpublished, dispatch_uid="search-unpublished"
        )
        post_delete.connect(receivers.deleted, sender=Document, dispatch_uid="search-deleted")
        post_migrate.connect(
            receivers.empty_library_empty_index, dispatch_uid="search-empty-library"
        )

    def warm_up(self) -> None:
        """Load the tokenizer's character tables (a worker calls this at start)."""
        from .tokenize import token_string

        token_string("預熱文本 warm-up")
