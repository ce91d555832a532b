"""Document pages: the page itself, its conversion status, and its preview images."""

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from wenku.community.services import is_favorite

from ..access import document_for
from ..models import Document, Page


def _visible(request: HttpRequest, number: int) -> Document:
    return document_for(request, number)


def home(request: HttpRequest) -> HttpResponse:
    latest = Document.objects.public().select_related("category")[:30]
    return render(request, "library/home.html", {"latest": latest})


def detail(request: HttpRequest, number: int) -> HttpResponse:
    document = _visible(request, number)
    pages = list(document.pages.only("number", "text", "image", "image_width", "image_height"))
    return render(
        request,
        "library/document.html",
        {
            "document": document,
            "pages": pages,
            "preview_pages": [p for p in pages if p.image],
            "remaining": document.page_count - document.preview_page_count,
            "is_favorite": is_favorite(request.user, document),
            "favorite_count": document.favorite_count,
        },
    )


def status(request: HttpRequest, number: int) -> JsonResponse:
    document = _visible(request, number)
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
    document = _visible(request, number)
    if page < 1 or page > document.preview_page_count:
        raise Http404
    row = Page.objects.filter(document=document, number=page).exclude(image="").first()
    if row is None:
        raise Http404
    response = FileResponse(default_storage.open(row.image.name), content_type="image/webp")
    response["Cache-Control"] = "public, max-age=86400"
    return response
