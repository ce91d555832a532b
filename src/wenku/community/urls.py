from django.urls import path

from . import views

app_name = "community"
urlpatterns = [
    path("doc/<id:number>/favorite/", views.favorite, name="favorite"),
    path("doc/<id:number>/tip/", views.tip, name="tip"),
    path("doc/<id:number>/report/", views.report, name="report"),
    path("doc/<id:number>/share/", views.share, name="share"),
    path("doc/<id:number>/qr.svg", views.qr_code, name="qr"),
]
