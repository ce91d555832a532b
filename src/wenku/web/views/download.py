"""The download page (what it costs) and the download itself (a POST, so it needs CSRF)."""

from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from wenku.accounts.services import client_ip
from wenku.library import downloads
from wenku.library.access import document_for, has_bought
from wenku.site.models import SiteSettings


@require_http_methods(["GET", "POST"])
def download(request: HttpRequest, number: int) -> HttpResponse:
    document = document_for(request, number)
    if request.method == "POST":
        try:
            grant = downloads.download(
                request.user,
                document,
                kind=request.POST.get("kind", "original"),
                ip=client_ip(request),
            )
        except downloads.DownloadRefused as exc:
            return render(
                request,
                "library/download.html",
                _context(request, document, error=exc.message),
                status=exc.status,
            )
        return FileResponse(
            grant.open(),
            as_attachment=True,
            filename=grant.filename,
            content_type=grant.content_type,
        )
    return render(request, "library/download.html", _context(request, document))


def _context(request: HttpRequest, document, **extra) -> dict:
    user = request.user
    free = downloads.can_download_free(user, document)
    return {
        "document": document,
        "free": free,
        "bought": has_bought(user, document),
        "login_needed": not user.is_authenticated
        and (document.price > 0 or SiteSettings.current().download_login_required),
        "balance": user.points if user.is_authenticated else 0,
        "offers_pdf": bool(document.pdf) and document.format != "pdf",
        **extra,
    }
