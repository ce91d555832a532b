from django.urls import path

from .views import document, download, upload

app_name = "library"
urlpatterns = [
    path("", document.home, name="home"),
    path("upload/", upload.upload, name="upload"),
    path("doc/<int:number>/", document.detail, name="document"),
    path("doc/<int:number>/status/", document.status, name="status"),
    path("doc/<int:number>/page/<int:page>.webp", document.page_image, name="page_image"),
    path("doc/<int:number>/download/", download.download, name="download"),
]
