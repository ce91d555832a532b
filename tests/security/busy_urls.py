"""A URLconf for the hardening tests: views that fail the ways the site must survive."""

from django.db import OperationalError
from django.urls import include, path


def locked(request):
    raise OperationalError("database is locked")


def broken(request):
    raise RuntimeError("a bug")


urlpatterns = [
    path("busy/", locked),
    path("api/busy/", locked),
    path("broken/", broken),
    path("", include("wenku.urls")),
]
