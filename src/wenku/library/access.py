"""Who may see a document, and how much of its text.

Two rules, each in one place:

- `document_for`: the document a request may open at all (404 otherwise).
- `pages_readable_by`: how many pages' text (pages 1..N) a viewer may read. Invariant: **no text
  of a page past the preview reaches a viewer who may not read it** — not the document page's
  text chunks, meta description or JSON-LD, not the in-document search, not site-search
  snippets, not the API. Every place that shows page text asks this rule (or its bulk form
  `pages_readable_by_each`) first; search may still *match* such pages, and then names the
  page ("第N页") without any of its text.

- `pages_viewable_by`: how many pages' *images* a viewer may see (the reader, the page images).
  The previewable pages for everyone; every page for the uploader, staff and a buyer, whose
  images past the preview are made on their first request and never served to anyone else.

Who reads everything (`reads_whole_document`) is exactly who downloads for free: the uploader,
staff, anyone for a free document (price 0: anyone may download it anyway), and a reader who
bought it (a `Purchase`). Everyone else reads the previewable pages (`preview_page_count`),
the same pages whose images are served.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from .models import Document, Purchase


def document_for(request: HttpRequest, number: int, *, user=None) -> Document:
    """The document `number` if the requester may see it; 404 otherwise (never 403, so that
    private documents cannot be told apart from missing ones)."""
    user = user if user is not None else request.user
    document = get_object_or_404(
        Document.objects.select_related("category", "uploader"), number=number
    )
    if not document.visible_to(user):
        raise Http404
    document.viewer_is_owner = document.is_owned_by(user)
    return document


def has_bought(user, document: Document) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and Purchase.objects.filter(user=user, document=document).exists()
    )


def _whole_without_purchase(document: Document, user) -> bool:
    """Everything is readable without looking for a purchase: free, or owned (uploader, staff)."""
    return document.is_free or document.is_owned_by(user)


def reads_whole_document(document: Document, user) -> bool:
    """The uploader, staff, anyone for a free document, and a reader who bought it."""
    return _whole_without_purchase(document, user) or has_bought(user, document)


def _preview_pages(document: Document) -> int:
    return min(document.preview_page_count, document.page_count)


def pages_readable_by(document: Document, user) -> int:
    """How many pages (from page 1) `user` may read the text of: every page for those who read
    the whole document, else the previewable pages. `user` may be anonymous or None."""
    if reads_whole_document(document, user):
        return document.page_count
    return _preview_pages(document)


def pages_viewable_by(document: Document, user) -> int:
    """How many pages (from page 1) `user` may see the images of. A free document shows its
    previewable pages like any other (who wants all of it downloads it for free)."""
    if document.is_owned_by(user) or (not document.is_free and has_bought(user, document)):
        return document.page_count
    return _preview_pages(document)


def pages_readable_by_each(documents: Iterable[Document], user) -> dict[int, int]:
    """`pages_readable_by` for many documents (by pk), with one query for the purchases.

    The documents need `price`, `page_count`, `preview_page_count` and `uploader_id`."""
    documents = list(documents)
    unsure = [d.pk for d in documents if not _whole_without_purchase(d, user)]
    bought: set[int] = set()
    if unsure and getattr(user, "is_authenticated", False):
        bought = set(
            Purchase.objects.filter(user=user, document_id__in=unsure).values_list(
                "document_id", flat=True
            )
        )
    return {
        d.pk: d.page_count
        if d.pk in bought or _whole_without_purchase(d, user)
        else _preview_pages(d)
        for d in documents
    }
