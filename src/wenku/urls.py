from django.contrib import admin
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language

from wenku import converters  # noqa: F401 - registers <id:…> before the apps' URLconfs load
from wenku.api.api import api
from wenku.web.urls import sitemap_urls

urlpatterns = [
    path("admin/", admin.site.urls),
    path("moderation/", include("wenku.moderation.urls")),
    path("api/", api.urls),
    # Django's language switch without the CSRF check: the footer form is on every page,
    # including anonymous document pages served from the shared page cache, whose copy
    # cannot carry a per-visitor token. Changing the language is harmless.
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("wenku.accounts.urls")),
    path("", include("wenku.notices.urls")),
    path("", include("wenku.community.urls")),
    path("", include("wenku.moderation.complaint_urls")),
    path("search/", include("wenku.search.urls")),
    path("", include("wenku.web.urls")),
    *sitemap_urls,
]
