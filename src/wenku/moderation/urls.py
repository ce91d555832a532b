from django.urls import path

from . import complaint_views, views

app_name = "moderation"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("review/", views.review_queue, name="review"),
    path("reports/", views.report_queue, name="reports"),
    path("reports/<id:number>/", views.resolve, name="resolve"),
    path("complaints/", complaint_views.queue, name="complaints"),
    path("complaints/<id:complaint_id>/", complaint_views.decide, name="decide_complaint"),
]
