"""The pages of copyright complaints for their parties (the moderators' queue is under
/moderation/, `urls.py`)."""

from django.urls import path

from . import complaint_views as views

app_name = "complaints"
urlpatterns = [
    path("doc/<id:number>/complaint/", views.file_complaint, name="file"),
    path("complaints/", views.my_complaints, name="mine"),
    path("complaints/<id:complaint_id>/", views.detail, name="detail"),
    path("complaints/<id:complaint_id>/counter/", views.counter, name="counter"),
    path("complaints/<id:complaint_id>/files/<str:which>/", views.proof_file, name="proof_file"),
]
