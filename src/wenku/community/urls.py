from django.urls import path

from . import views

app_name = "community"
urlpatterns = [
    path("doc/<id:number>/favorite/", views.favorite, name="favorite"),
    path("doc/<id:number>/tip/", views.tip, name="tip"),
    path("doc/<id:number>/report/", views.report, name="report"),
    path("doc/<id:number>/share/", views.share, name="share"),
    path("doc/<id:number>/qr.svg", views.qr_code, name="qr"),
    path("doc/<id:number>/rating/", views.rate, name="rate"),
    path("doc/<id:number>/comments/", views.comment, name="comment"),
    path("comments/<id:comment_id>/delete/", views.delete_comment, name="delete_comment"),
    path("comments/<id:comment_id>/report/", views.report_comment, name="report_comment"),
    path("u/<id:user_id>/follow/", views.follow, name="follow"),
]
