from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LibraryConfig(AppConfig):
    name = "wenku.library"
    label = "library"
    verbose_name = _("文库")

    def ready(self) -> None:
        from . import system_checks  # noqa: F401  (registers the checks)
