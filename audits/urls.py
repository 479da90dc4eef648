from django.urls import path

from audits import views

app_name = "audits"

urlpatterns = [
    path("audits/", views.audit_list, name="audit_list"),
    path("audits/export.csv", views.audit_export, name="audit_export"),
    path("audits/new/", views.audit_new, name="audit_new"),
    path("audits/new/<slug:key>/", views.audit_start_view, name="audit_start"),
    path("audits/<int:pk>/", views.audit_detail, name="audit_detail"),
    path("audits/<int:pk>/edit/", views.audit_edit, name="audit_edit"),
    path("audits/<int:pk>/autosave/", views.audit_autosave, name="audit_autosave"),
    path("audits/<int:pk>/amend/", views.audit_amend_view, name="audit_amend"),
    path("audits/<int:pk>/moderate/", views.audit_moderate_view, name="audit_moderate"),
    path("actions/<int:pk>/done/", views.action_done, name="action_done"),
]
