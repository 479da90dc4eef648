from django.contrib import admin
from django.urls import include, path

from qa_portal import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "qa_portal.views.permission_denied"
handler404 = "qa_portal.views.page_not_found"
handler500 = "qa_portal.views.server_error"
