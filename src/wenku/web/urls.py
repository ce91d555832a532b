from django.contrib.sitemaps import views as sitemap_views
from django.urls import path

from wenku.library.sitemaps import SITEMAPS

from .views import browse, document, download, folders, me, people, site, upload

app_name = "web"
urlpatterns = [
    path("", browse.home, name="home"),
    path("category/<id:pk>/", browse.category, name="category"),
    path("upload/", upload.upload, name="upload"),
    path("doc/<id:number>/", document.detail, name="document"),
    path("doc/<id:number>/read/", document.reader, name="reader"),
    path("doc/<id:number>/status/", document.status, name="status"),
    path("doc/<id:number>/page/<id:page>.webp", document.page_image, name="page_image"),
    path("doc/<id:number>/download/", download.download, name="download"),
    path("u/<id:user_id>/", people.home, name="user"),
    path("u/<id:user_id>/following/", people.following, name="user_following"),
    path("u/<id:user_id>/avatar.svg", people.avatar, name="avatar"),
    path("robots.txt", site.robots, name="robots"),
    path("-/ping", site.ping, name="ping"),
    path("-/ready", site.ready, name="ready"),
    path("me/", me.uploads, name="me"),
    path("me/favorites/", me.favorites, name="favorites"),
    path("me/downloads/", me.downloads, name="downloads"),
    path("me/reports/", me.reports, name="reports"),
    path("me/following/", me.following, name="following"),
    path("me/uploads/<id:number>/delete/", me.delete_upload, name="delete_upload"),
    path("me/folders/", folders.mine, name="folders"),
    path("me/folders/<id:folder_id>/edit/", folders.edit, name="folder_edit"),
    path("me/folders/<id:folder_id>/public/", folders.publish, name="folder_public"),
    path("me/folders/<id:folder_id>/delete/", folders.delete, name="folder_delete"),
    path("folders/<id:folder_id>/", folders.detail, name="folder"),
    path("folders/<id:folder_id>/remove/<id:number>/", folders.remove, name="folder_remove"),
    path("folders/s/<slug:token>/", folders.shared, name="folder_shared"),
    path("doc/<id:number>/folders/", folders.collect, name="collect"),
]

# Outside the namespace: Django's sitemap views reverse their section view by its plain name.
sitemap_urls = [
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap-section"},
        name="sitemap-index",
    ),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": SITEMAPS},
        name="sitemap-section",
    ),
]
