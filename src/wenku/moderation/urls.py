from django.urls import path

from . import views

app_name = "moderation"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("review/", views.review_queue, name="review"),
    path("reports/", views.report_queue, name="reports"),
    path("reports/<id:number>/", views.resolve, name="resolve"),
]
