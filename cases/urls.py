from django.urls import path

from cases import import_views, views

app_name = "cases"

urlpatterns = [
    path("cases/", views.CaseListView.as_view(), name="case_list"),
    path("cases/export.csv", views.CaseExportView.as_view(), name="case_export"),
    path("cases/import/", import_views.case_import, name="case_import"),
    path("cases/import/preview/", import_views.case_import_preview, name="case_import_preview"),
    path("cases/<int:pk>/", views.CaseDetailView.as_view(), name="case_detail"),
    path("cases/<int:pk>/history/", views.CaseHistoryView.as_view(), name="case_history"),
    path("access-log/", views.AccessLogView.as_view(), name="access_log"),
]
