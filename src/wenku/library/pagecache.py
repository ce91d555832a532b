"""The anonymous copy of the list pages (home, categories, search results).

A copy is kept per URL (path and query string), language and host, for at most
`WENKU_PAGE_CACHE_SECONDS`, and only for visitors who see exactly what everyone sees (no session,
no pending messages). It is valid while the library's version and the site settings are those it
was made with: the version moves, after the commit, with every publication, withdrawal or edit of
a document (the library's signals), and every change or deletion of a document, category or tag.
Invariant: no copy outlives a change of what it lists; counters (views, downloads) may be up to
`WENKU_PAGE_CACHE_SECONDS` old, as on the document page.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language

from wenku.site.models import SiteSettings

VERSION_KEY = "wenku:library-version"


def version() -> str:
    found = cache.get(VERSION_KEY)
    if found is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, None)
        found = cache.get(VERSION_KEY) or ""
    return found


def _new_version() -> None:
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)


def bump(*args, **kwargs) -> None:
    """A receiver: the library changed. The version moves now (this transaction's own later
    reads) and again once it commits (a copy another request made in between, from the state
    before the commit, is not served after it)."""
    _new_version()
    transaction.on_commit(_new_version)


def key_for(request: HttpRequest) -> str | None:
    """Where the anonymous copy of this request's page is, or None when it may not be cached."""
    if request.method != "GET" or not settings.WENKU.page_cache_seconds:
        return None
    if request.COOKIES.get(settings.SESSION_COOKIE_NAME) or "messages" in request.COOKIES:
        return None
    if request.user.is_authenticated:
        return None
    where = f"{request.get_host()}{request.get_full_path()}:{get_language()}"
    state = f"{version()}:{SiteSettings.current().updated_at.timestamp()}"
    return "wenku:listpage:" + hashlib.sha256(f"{where}:{state}".encode()).hexdigest()


def cached_for_anonymous(
    view: Callable | None = None, *, on_hit: Callable[[HttpRequest, object], None] | None = None
):
    """Serve anonymous visitors the cached copy of `view`'s page. A view may set
    `response.cache_note` to something `on_hit(request, note)` needs on every later hit (the
    search log)."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            key = key_for(request)
            if key is not None:
                hit = cache.get(key)
                if hit is not None:
                    content, content_type, note = hit
                    if on_hit is not None:
                        on_hit(request, note)
                    return HttpResponse(content, content_type=content_type)
            response = view(request, *args, **kwargs)
            if key is not None and response.status_code == 200 and not response.streaming:
                note = getattr(response, "cache_note", None)
                entry = (response.content, response["Content-Type"], note)
                cache.set(key, entry, settings.WENKU.page_cache_seconds)
            return response

        return wrapped

    return decorate(view) if view is not None else decorate
