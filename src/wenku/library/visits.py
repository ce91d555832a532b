"""Counting views: at most once per visitor, document and day, across processes and machines."""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from .models import Document, DocumentView


def visitor_key(request) -> str:
    if request.user.is_authenticated:
        return f"u{request.user.pk}"
    session = request.COOKIES.get("sessionid")
    agent = request.headers.get("User-Agent", "")
    basis = session or f"{request.META.get('REMOTE_ADDR', '')}|{agent}"
    return "a" + hashlib.sha256(basis.encode()).hexdigest()[:40]


def count_view(request, document: Document) -> bool:
    """Count this view unless the visitor was counted today; True if it counted."""
    if document.status != Document.Status.READY:
        return False
    day = timezone.localdate()
    visitor = visitor_key(request)
    # The cache spares the database a write for repeated views in this process; the unique row
    # is the truth, so several processes or machines still count a visitor once.
    memo = f"wenku:view:{document.pk}:{visitor}:{day.isoformat()}"
    if not cache.add(memo, 1, timeout=24 * 3600):
        return False
    try:
        with transaction.atomic():
            DocumentView.objects.create(document=document, visitor=visitor, day=day)
            Document.objects.filter(pk=document.pk).update(view_count=F("view_count") + 1)
    except IntegrityError:
        return False
    return True
