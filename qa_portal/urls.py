from django.conf import settings
from django.contrib import admin
from django.contrib.auth.views import LoginView
from django.urls import include, path

from qa_portal import views
from workforce.forms import LoginForm
from workforce.services import link_lifetime
from workforce.views import ConfirmingPasswordResetConfirmView, ThrottledPasswordResetView

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("session/keep-alive", views.session_keep_alive, name="session_keep_alive"),
    path("accounts/login/", LoginView.as_view(authentication_form=LoginForm), name="login"),
    # Reset links are built from SITE_URL, not from the request's host, and state their lifetime;
    # requests past a limit per address and per client send nothing, and the worker sends the rest
    # (workforce/password_reset.py).
    path(
        "accounts/password_reset/",
        ThrottledPasswordResetView.as_view(
            extra_email_context={"site_url": settings.SITE_URL, "lifetime": link_lifetime()}
        ),
        name="password_reset",
    ),
    # Django's set-password page, which also confirms the address the link went to (docs/accounts.md).
    path(
        "accounts/reset/<uidb64>/<token>/",
        ConfirmingPasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("processes/", include("processes.urls")),
    path("", include("cases.urls")),
    path("", include("audits.urls")),
    path("", include("timeliness.urls")),
    path("", include("dashboard.urls")),
    path("workforce/", include("workforce.urls")),
    path("fostering/", include("fostering.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "qa_portal.views.permission_denied"
handler404 = "qa_portal.views.page_not_found"
handler500 = "qa_portal.views.server_error"
