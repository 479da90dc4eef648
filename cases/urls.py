from django.urls import path

from cases import break_glass_views, import_views, views

app_name = "cases"

urlpatterns = [
    path("cases/", views.CaseListView.as_view(), name="case_list"),
    path("cases/export.csv", views.CaseExportView.as_view(), name="case_export"),
    path("cases/import/", import_views.case_import, name="case_import"),
    path("cases/import/guidance/", import_views.case_import_guidance, name="case_import_guidance"),
    path("cases/import/template.csv", import_views.case_import_template, name="case_import_template"),
    path("cases/import/<int:pk>/", import_views.case_import_job, name="case_import_job"),
    path("cases/<int:pk>/", views.CaseDetailView.as_view(), name="case_detail"),
    path("cases/<int:pk>/history/", views.CaseHistoryView.as_view(), name="case_history"),
    path("access-log/", views.AccessLogView.as_view(), name="access_log"),
    path("cases/outside-scope/", break_glass_views.BreakGlassRequestView.as_view(), name="break_glass_request"),
    path("cases/outside-scope/reviews/", break_glass_views.BreakGlassListView.as_view(), name="break_glass_list"),
    path(
        "cases/outside-scope/<int:pk>/review/",
        break_glass_views.BreakGlassReviewView.as_view(),
        name="break_glass_review",
    ),
]
