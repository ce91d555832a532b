"""The site search as the web page and the API both run it."""

from __future__ import annotations

import time

from django.conf import settings

from .forms import SearchForm
from .index import SearchResults, search
from .models import log_search
from .query import parse


def run_search(viewer, form: SearchForm) -> SearchResults:
    """Search with the form's query, filters, sort and page; logged (page 1 only). Snippets
    come from the pages `viewer` (a user, or anonymous) may read."""
    raw = form.value("q", "")
    page = form.value("page", 1)
    started = time.perf_counter()
    results = search(parse(raw), form.filters(), form.sort_order(), page, viewer=viewer)
    if results.query and page == 1 and settings.WENKU.search_log:
        log_search(
            raw,
            results.query.normalized,
            results.total,
            time.perf_counter() - started,
            viewer,
        )
    return results
