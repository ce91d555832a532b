from django.apps import AppConfig


class DiscoveryConfig(AppConfig):
    name = "wenku.discovery"
    label = "discovery"
    verbose_name = "发现与原创保护"

    def ready(self) -> None:
        from . import receivers  # noqa: F401  (connects the library's signals)
