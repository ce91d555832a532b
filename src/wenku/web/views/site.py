"""robots.txt, and the smallest view of the site (a health check and the benchmark's baseline)."""

import logging
import uuid

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse

log = logging.getLogger("wenku.health")


def robots(request: HttpRequest) -> HttpResponse:
    sitemap = request.build_absolute_uri(reverse("sitemap-index"))
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /api/",
        "Disallow: /me/",
        "Disallow: /accounts/",
        "Disallow: /upload/",
        "Disallow: /*/download/",
        f"Sitemap: {sitemap}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


def ping(request: HttpRequest) -> HttpResponse:
    """Trivial: the process answers (liveness)."""
    return HttpResponse("ok", content_type="text/plain")


def ready(request: HttpRequest) -> JsonResponse:
    """200 only when the database, the cache and the file storage all answer (readiness, for
    load balancers); 503 naming the part that does not."""
    parts = {"database": _database, "cache": _cache, "storage": _storage}
    status = {}
    for name, check in parts.items():
        try:
            check()
        except Exception as exc:  # noqa: BLE001 - any failure means "not ready", said precisely
            log.warning("not ready: %s: %s", name, exc)
            status[name] = f"error: {type(exc).__name__}"
        else:
            status[name] = "ok"
    ok = all(value == "ok" for value in status.values())
    response = JsonResponse(status, status=200 if ok else 503)
    response["Cache-Control"] = "no-store"
    return response


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _cache() -> None:
    token = uuid.uuid4().hex
    cache.set("wenku:ready", token, 10)
    if cache.get("wenku:ready") != token:
        raise RuntimeError("the cache does not return what was stored")


def _storage() -> None:
    # A write and a delete: uploads and conversions need both (a fresh install has no files
    # yet, and a read-only or unmounted volume must not look ready).
    name = default_storage.save(f"health/{uuid.uuid4().hex}", ContentFile(b"ok"))
    default_storage.delete(name)
