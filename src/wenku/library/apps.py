from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LibraryConfig(AppConfig):
    name = "wenku.library"
    label = "library"
    verbose_name = _("文库")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from . import pagecache, signals, system_checks  # noqa: F401  (registers the checks)
        from .models import Category, Document, Tag

        # What the list pages show changed: their anonymous copies are stale.
        for signal in (signals.document_published, signals.document_unpublished,
                       signals.document_changed):  # fmt: skip
            signal.connect(pagecache.bump, dispatch_uid=f"pagecache-{id(signal)}")
        for model in (Document, Category, Tag):
            for signal in (post_save, post_delete):
                signal.connect(pagecache.bump, sender=model,
                               dispatch_uid=f"pagecache-{model.__name__}-{id(signal)}")  # fmt: skip
