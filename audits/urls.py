from django.urls import path

from audits import dashboard_views, due_views, import_views, notification_views, recording_views, views

app_name = "audits"

urlpatterns = [
    path("cases/", views.CaseListView.as_view(), name="case_list"),
    path("cases/export.csv", views.CaseExportView.as_view(), name="case_export"),
    path("cases/import/", import_views.case_import, name="case_import"),
    path("cases/import/preview/", import_views.case_import_preview, name="case_import_preview"),
    path("cases/<int:pk>/", views.CaseDetailView.as_view(), name="case_detail"),
    path("cases/<int:pk>/history/", views.CaseHistoryView.as_view(), name="case_history"),
    path("access-log/", views.AccessLogView.as_view(), name="access_log"),
    path("audits/", recording_views.audit_list, name="audit_list"),
    path("audits/export.csv", recording_views.audit_export, name="audit_export"),
    path("audits/new/", recording_views.audit_new, name="audit_new"),
    path("audits/new/<slug:key>/", recording_views.audit_start_view, name="audit_start"),
    path("audits/<int:pk>/", recording_views.audit_detail, name="audit_detail"),
    path("audits/<int:pk>/edit/", recording_views.audit_edit, name="audit_edit"),
    path("audits/<int:pk>/amend/", recording_views.audit_amend_view, name="audit_amend"),
    path("audits/<int:pk>/moderate/", recording_views.audit_moderate_view, name="audit_moderate"),
    path("due/", due_views.due_list, name="due_list"),
    path("due/export.csv", due_views.due_export, name="due_export"),
    path("actions/<int:pk>/done/", recording_views.action_done, name="action_done"),
    path("notifications/", notification_views.notification_list, name="notification_list"),
    path("dashboard/", dashboard_views.dashboard, name="dashboard"),
    path("dashboard/export.csv", dashboard_views.dashboard_export, name="dashboard_export"),
    path("dashboard/report/", dashboard_views.dashboard_report, name="dashboard_report"),
    path("notifications/read/", notification_views.notifications_read, name="notifications_read"),
]
