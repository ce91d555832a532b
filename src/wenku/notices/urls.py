from django.urls import path

from . import views

app_name = "notices"
urlpatterns = [
    path("me/notices/", views.notice_list, name="list"),
    path("me/notices/<id:notice_id>/", views.open_notice, name="open"),
    path("me/notices/read-all/", views.read_all, name="read_all"),
    path("me/notices/settings/", views.email_settings, name="settings"),
]
