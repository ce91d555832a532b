from django.contrib import admin
from django.urls import include, path

from wenku.api.api import api
from wenku.library.urls import sitemap_urls

urlpatterns = [
    path("admin/", admin.site.urls),
    path("moderation/", include("wenku.moderation.urls")),
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("wenku.accounts.urls")),
    path("", include("wenku.community.urls")),
    path("search/", include("wenku.search.urls")),
    path("", include("wenku.library.urls")),
    *sitemap_urls,
]
