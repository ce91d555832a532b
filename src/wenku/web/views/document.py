"""Document pages: the page itself, the reader, its conversion status, and its preview images."""

import logging
import time

import pypdfium2 as pdfium
from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import connection
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from wenku.community.services import is_favorite
from wenku.community.views import comments_context, rating_context
from wenku.conversion import pages
from wenku.conversion.errors import ConversionError
from wenku.library import seo, text
from wenku.library.access import document_for, has_bought, pages_readable_by, pages_viewable_by
from wenku.library.models import Document, Page
from wenku.library.visits import count_view
from wenku.search.index import search_in_document
from wenku.site.models import SiteSettings
from wenku.web import related

log = logging.getLogger("wenku.web")


def _document(request: HttpRequest, number: int) -> Document:
    return document_for(request, number)


def breadcrumb(document: Document) -> list[tuple[str, str]]:
    """当前位置:首页 > 父类 > 子类, as (name, link) pairs."""
    crumbs = [(_("首页"), reverse("web:home"))]
    if document.category_id:
        crumbs += [(c.name, c.get_absolute_url()) for c in document.category.ancestors]
    return crumbs


def _cache_key(request: HttpRequest, number: int) -> str | None:
    """Where an anonymous visitor's copy of the page is cached, or None if it may not be.

    Only visitors without a session or pending messages see exactly what everyone sees. The
    copy is therefore always the one for a reader who has not bought the document (only the
    preview's text of a paid document): a logged-in reader, who may have bought it, never
    reads it from nor writes it to the cache."""
    if not settings.WENKU.page_cache_seconds or request.COOKIES.get(settings.SESSION_COOKIE_NAME):
        return None
    if request.GET:  # e.g. a search inside the document
        return None
    if "messages" in request.COOKIES or request.user.is_authenticated:
        return None
    return f"wenku:docpage:{number}:{get_language()}:{request.get_host()}"


_stamps: dict[int, tuple[float, tuple | None]] = {}


def _recent_stamp(number: int) -> tuple | None:
    """`_stamp(number)`, remembered by this process for `page_stamp_seconds`."""
    now = time.monotonic()
    seen = _stamps.get(number)
    if seen is not None and now - seen[0] < settings.WENKU.page_stamp_seconds:
        return seen[1]
    if len(_stamps) > 10_000:
        _stamps.clear()
    stamp = _stamp(number)
    _stamps[number] = (now, stamp)
    return stamp


def _stamp(number: int) -> tuple | None:
    """What the cached copy depends on: the document's state and last edit, what decides how
    many pages' text an anonymous visitor reads (price, previewable pages), and the site
    settings. A plain query, since on a cache hit it is most of the page's work."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, status, visibility, review, price, preview_page_count, updated_at "
            f"FROM {Document._meta.db_table} WHERE number = %s",
            [number],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    return (*row[:6], str(row[6]), str(SiteSettings.current().updated_at))


def detail(request: HttpRequest, number: int) -> HttpResponse:
    key = _cache_key(request, number)
    if key:
        stamp = _recent_stamp(number)
        hit = cache.get(key)
        if stamp is not None and hit is not None and hit[0] == stamp:
            count_view(request, Document(pk=stamp[0], status=stamp[1]))
            return HttpResponse(hit[1])
    document = _document(request, number)
    response = _render_detail(request, document)
    if key and document.is_published and stamp is not None:
        cache.set(key, (stamp, response.content), settings.WENKU.page_cache_seconds)
    return response


def _render_detail(request: HttpRequest, document: Document) -> HttpResponse:
    crumbs = breadcrumb(document)
    context = {"document": document, "crumbs": crumbs}
    if not document.is_ready:
        return render(request, "library/document.html", context)

    preview_pages = list(
        # The preview only: pages past it may have images (made for a buyer), read in the reader.
        document.pages.filter(number__lte=document.preview_page_count)
        .exclude(image="")
        .only("number", "image", "image_width", "image_height")
    )
    # Text only of the pages this visitor may read: the chunks, the meta description and the
    # JSON-LD are made from these, and the other pages' text is never even loaded.
    readable = pages_readable_by(document, request.user)
    rows = list(
        document.pages.filter(number__lte=readable)
        .order_by("number")
        .values_list("text", "text_source")
    )
    texts = [page_text for page_text, _source in rows]
    document.tag_list = list(document.tags.all())
    tag_ids = [t.pk for t in document.tag_list]
    chunks, cut = text.chunks(texts)
    found = related.sections(document, tag_ids, [t.name for t in document.tag_list])
    description = text.description(document, texts)
    json_ld, crumbs_ld = seo.document_json_ld(request, document, description, crumbs)
    count_view(request, document)
    viewable = pages_viewable_by(document, request.user)
    reads_all = viewable == document.page_count > document.preview_page_count
    in_document_q = request.GET.get("q", "").strip()[:100]
    in_document_hits = (
        search_in_document(document, in_document_q, viewer=request.user) if in_document_q else []
    )
    context.update(
        preview_pages=preview_pages,
        remaining=document.page_count - document.preview_page_count,
        chunks=chunks,
        text_cut=cut,
        # Any readable page's text recognised from its image (OCR): the text is marked so.
        text_recognised=any(t and s == Page.TextSource.OCR for t, s in rows),
        readable_pages=readable,
        text_withheld=readable < document.page_count,
        related_docs=found["related"],
        popular_docs=found["guess"],
        searches=found["searches"],
        keywords=found["keywords"],
        is_favorite=is_favorite(request.user, document),
        reads_all=reads_all,
        bought=reads_all and has_bought(request.user, document),
        favorite_count=document.favorite_count,
        description=description,
        json_ld=json_ld,
        crumbs_ld=crumbs_ld,
        canonical=request.build_absolute_uri(document.get_absolute_url()),
        in_document_q=in_document_q,
        in_document_hits=in_document_hits,
    )
    context.update(rating_context(request, document))
    context.update(comments_context(request, document))
    return render(request, "library/document.html", context)


def reader(request: HttpRequest, number: int) -> HttpResponse:
    """Full-width page-by-page reading of the pages whose images this reader may see (the
    preview; every page for the uploader, staff and a buyer), never any page text."""
    document = _document(request, number)
    viewable = pages_viewable_by(document, request.user) if document.is_ready else 0
    if not viewable:
        raise Http404
    try:
        current = int(request.GET.get("page", "1"))
    except ValueError:
        current = 1
    current = min(max(current, 1), viewable)
    rows = document.pages.only("number", "image_width", "image_height", "width_pt", "height_pt")
    shown = rows.get(number=current)
    if not shown.image_width:  # not rendered yet: its size from the page's own proportions
        width = settings.WENKU.preview_width
        shown.image_width = width
        shown.image_height = round(width * shown.height_pt / max(shown.width_pt, 1.0))
    return render(
        request,
        "library/reader.html",
        {
            "document": document,
            "page": shown,
            "viewable": viewable,
            "current": current,
            "previous": current - 1 if current > 1 else None,
            "next": current + 1 if current < viewable else None,
            "bought": has_bought(request.user, document),
            "reads_all": viewable == document.page_count > document.preview_page_count,
        },
    )


def status(request: HttpRequest, number: int) -> JsonResponse:
    document = _document(request, number)
    return JsonResponse(
        {
            "id": document.number,
            "status": document.status,
            "status_display": document.get_status_display(),
            "progress": document.progress,
            "stage": document.stage,
            "pages": document.page_count,
            "preview_pages": document.preview_page_count,
            "attempts": document.attempts,
            "error": document.error if document.viewer_is_owner else "",
            "url": document.get_absolute_url(),
        }
    )


def page_image(request: HttpRequest, number: int, page: int) -> FileResponse:
    """A page image: the previewable pages for everyone who may open the document, every page
    for those who may see them all (`pages_viewable_by`), whose images past the preview are
    made on first request. The URL names the document's public number, never the file."""
    document = _document(request, number)
    if page < 1 or page > document.preview_page_count:
        if page < 1 or page > pages_viewable_by(document, request.user):
            raise Http404
        try:
            row = pages.page_image(document, page)
        except (OSError, ConversionError, pdfium.PdfiumError) as exc:
            # The stored PDF is gone or unreadable: the page cannot be drawn (staff see the
            # document in `wenku storage check`); not a server error for the reader.
            log.warning("page %s of document %s not rendered: %s", page, document.pk, exc)
            raise Http404 from exc
        response = FileResponse(default_storage.open(row.image.name), content_type="image/webp")
        # Bought pages: for this browser only, never a shared cache.
        response["Cache-Control"] = "private, max-age=3600"
        return response
    row = get_object_or_404(Page.objects.exclude(image=""), document=document, number=page)
    response = FileResponse(default_storage.open(row.image.name), content_type="image/webp")
    # Shared caches may keep the pages of public documents; a private, held or unlisted one's
    # pages are for this browser only.
    public = document.is_published and document.visibility == Document.Visibility.PUBLIC
    response["Cache-Control"] = "public, max-age=86400" if public else "private, max-age=3600"
    return response
