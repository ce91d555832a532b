"""robots.txt, and the smallest view of the site (a health check and the benchmark's baseline)."""

from django.http import HttpRequest, HttpResponse
from django.urls import reverse


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
    return HttpResponse("ok", content_type="text/plain")
