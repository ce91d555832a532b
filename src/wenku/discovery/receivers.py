"""Discovery follows the library's signals (connected in DiscoveryConfig.ready)."""

from __future__ import annotations

import logging

from django.db import transaction
from django.dispatch import receiver

from wenku.library.signals import document_changed, document_converted, document_unpublished

log = logging.getLogger("wenku.discovery")


@receiver(document_converted, dispatch_uid="discovery-converted")
def _converted(sender, document, **kwargs) -> list[str]:
    """Keywords, signature and the near-duplicate check, before the document is published;
    a near-duplicate is held for review with its original named (the moderator decides)."""
    # Runs inside the publishing transaction. A failure here must not stop the document from
    # being published: it is logged and only discovery's own rows roll back (savepoint).
    from . import services  # (rjieba and numpy: 0.15 s that a command's start need not pay)

    try:
        with transaction.atomic():
            match = services.on_published(document)
    except Exception:  # noqa: BLE001
        log.exception("discovery failed for document %s", document.pk)
        return []
    if match is None:
        return []
    original = match.original
    return [
        f"疑似重复：与《{original.title}》（编号 {original.number}）的文本相似度约 "
        f"{match.similarity:.0%}"
    ]


@receiver(document_unpublished, dispatch_uid="discovery-unpublished")
def _unpublished(sender, document, **kwargs) -> None:
    from . import services

    services.on_unpublished(document)


@receiver(document_changed, dispatch_uid="discovery-changed")
def _changed(sender, document, **kwargs) -> None:
    from . import services

    try:
        with transaction.atomic():
            services.update_keywords(document)
    except Exception:  # noqa: BLE001
        log.exception("keywords failed for document %s", document.pk)
