from django.urls import path

from . import views

app_name = "community"
urlpatterns = [
    path("doc/<int:number>/favorite/", views.favorite, name="favorite"),
    path("doc/<int:number>/tip/", views.tip, name="tip"),
    path("doc/<int:number>/report/", views.report, name="report"),
    path("doc/<int:number>/share/", views.share, name="share"),
    path("doc/<int:number>/qr.svg", views.qr_code, name="qr"),
]
