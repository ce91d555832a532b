from django.apps import AppConfig


class DiscoveryConfig(AppConfig):
    name = "wenku.discovery"
    label = "discovery"
    verbose_name = "发现与原创保护"

    def ready(self) -> None:
        from wenku.library import signals

        from . import receivers

        signals.document_published.connect(receivers.published, dispatch_uid="discovery-reward")
        signals.document_unpublished.connect(
            receivers.unpublished, dispatch_uid="discovery-unpublished"
        )
        signals.document_changed.connect(receivers.changed, dispatch_uid="discovery-changed")

    def warm_up(self) -> None:
        """Load what the first published document would (a worker calls this at start)."""
        from . import keywords, services  # noqa: F401  lazy: numpy, rjieba and the IDF table

        keywords.extract("预热", "预热文本：文库的关键词与搜索。")
