"""Points that documents earn or cost their uploader: the publish reward and the delete penalty."""

from __future__ import annotations

import logging

from django.db import transaction

from wenku.clock import start_of_today
from wenku.site.models import SiteSettings

from . import points
from .models import PointsEntry

log = logging.getLogger("wenku.accounts")


def reward_upload(document, *, copy: bool = False) -> int:
    """Pay the publish reward once per document, up to the daily cap, never for a `copy` (a
    near-duplicate of another document: discovery, which pays it on publication, knows)."""
    site = SiteSettings.current()
    uploader = document.uploader
    if not site.upload_reward or copy:
        return 0
    start = start_of_today()
    with transaction.atomic():
        points.lock_users(uploader)
        rewarded_today = PointsEntry.objects.filter(
            user=uploader, reason=points.Reason.UPLOAD, created_at__gte=start
        ).count()
        if rewarded_today >= site.upload_reward_daily_cap:
            return 0
        try:
            points.check_not_frozen(uploader)
        except points.PointsFrozen:
            return 0
        posted = points.post(
            uploader,
            site.upload_reward,
            points.Reason.UPLOAD,
            key=f"upload:{document.pk}",
            document=document,
            memo=document.title,
        )
    return posted.entry.delta if posted.created else 0


def penalise_deletion(document) -> int:
    """Take the delete penalty from the uploader of a published document (never below zero)."""
    site = SiteSettings.current()
    if not site.delete_penalty or not document.is_published:
        return 0
    posted = points.post(
        document.uploader,
        -site.delete_penalty,
        points.Reason.DELETE,
        key=f"delete:{document.pk}",
        memo=document.title,
        allow_partial=True,
    )
    return -posted.entry.delta if posted.created else 0
