from django.urls import path

from processes import views

app_name = "processes"

urlpatterns = [
    path("", views.process_list, name="process_list"),
    path("upload/", views.catalogue_upload, name="catalogue_upload"),
    path("upload/preview/", views.catalogue_upload_preview, name="catalogue_upload_preview"),
    path("<slug:key>/", views.process_detail, name="process_detail"),
    path("<slug:key>/schedule/", views.schedule_override_edit, name="schedule_override_edit"),
]
