"""Discovery's publish check (named in `settings.WENKU_PUBLISH_CHECKS`)."""

from __future__ import annotations

import logging

from django.db import transaction

from wenku.library.models import Document

from . import services

log = logging.getLogger("wenku.discovery")


def near_duplicate(document: Document) -> list[str]:
    """Keywords, signature and the near-duplicate check; a near-duplicate is held for review
    with its original named (the moderator decides)."""
    # Runs inside the publishing transaction. A failure here must not stop the document from
    # being published: it is logged and only discovery's own rows roll back (savepoint).
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
