"""Discovery's reactions to the library's signals (connected in DiscoveryConfig.ready)."""

from __future__ import annotations

import logging

from django.db import transaction

from wenku.accounts import rewards

log = logging.getLogger("wenku.discovery")


def unpublished(sender, document, **kwargs) -> None:
    from . import services  # lazy: numpy and rjieba, 0.15 s a command's start need not pay

    services.on_unpublished(document)


def changed(sender, document, text: bool = False, **kwargs) -> None:
    """An edit: new keywords; when the pages' text changed too (`text=True`, recognised after
    publication by `wenku ocr`), the signature and near-duplicate match as at publication."""
    from . import services  # lazy: numpy and rjieba

    try:
        with transaction.atomic():
            if text:
                services.on_published(document)
            else:
                services.update_keywords(document)
    except Exception:  # noqa: BLE001
        log.exception("keywords failed for document %s", document.pk)


def published(sender, document, **kwargs) -> None:
    """The uploader's publish reward, never for a near-duplicate (the publish check recorded
    the verdict earlier in the same transaction). After the commit, so that a failing reward
    never undoes a publication."""
    from . import services  # lazy: numpy and rjieba

    def pay() -> None:
        try:
            rewards.reward_upload(document, copy=services.is_near_duplicate(document))
        except Exception:
            log.exception("publish reward for document %s failed", document.pk)

    transaction.on_commit(pay)
