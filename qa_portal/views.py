"""Project-wide pages: the signed-in home page, the health check and the error pages."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.templatetags.static import static
from django.urls import Resolver404, resolve
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from audits.selectors import my_drafts, my_open_actions
from cases.selectors import break_glass_unreviewed_count
from core.kept_forms import sign_in_keeping_the_form
from qa_portal.celery import app
from qa_portal.models import Heartbeat
from qa_portal.services import BEAT_HEARTBEAT
from timeliness.selectors import escalated_due_items, my_due_items, team_due_items
from workforce.account_rules import AccountRefused


@login_required
def home(request):
    """The signed-in user's work: what they owe (due and overdue), their team's (for team managers),
    what was escalated to them, their open actions and drafts; for reviewers, the break-glass accesses
    waiting for a review."""
    return render(
        request,
        "home.html",
        {
            "due_items": my_due_items(user=request.user),
            "team_due": team_due_items(user=request.user),
            "escalated_due": escalated_due_items(user=request.user),
            "actions": my_open_actions(user=request.user),
            "drafts": my_drafts(user=request.user),
            "break_glass_unreviewed": (
                break_glass_unreviewed_count() if request.user.has_perm("cases.review_breakglassgrant") else None
            ),
        },
    )


def broker_answers() -> bool:
    """Whether the Celery broker accepts a connection: one try, no retry, within a second (/healthz answers fast)."""
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=0, timeout=1)
    except Exception:  # any transport's failure to connect means the same thing here
        return False
    return True


@require_GET
@never_cache
def healthz(request):
    """200 with JSON when the database answers, 503 when it does not; shows when beat last ran and
    whether the broker answers. A broker outage keeps 200 (the web pages work without it: submissions
    do their due-item work in their own transaction) and says "degraded", so monitoring sees it while
    the load balancer keeps the web process in service."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        beat = Heartbeat.objects.filter(name=BEAT_HEARTBEAT).values_list("last_seen_at", flat=True).first()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    broker = broker_answers()
    return JsonResponse(
        {
            "status": "ok" if broker else "degraded",
            "database": "ok",
            "broker": "ok" if broker else "unavailable",
            "beat_last_seen_at": beat.isoformat() if beat else None,
        }
    )


def permission_denied(request, exception=None):
    # The account rules' refusals say why in plain words; other 403s say nothing about what exists.
    reason = str(exception) if isinstance(exception, AccountRefused) else ""
    return render(request, "errors/403.html", {"reason": reason}, status=403)


def csrf_failure(request, reason=""):
    """A refused post. From a signed-out person on a long form (their session ended, and with it the
    token the form carried) it is kept for its owner and they are sent to sign in
    (core/kept_forms.py); the owner comes from the session cookie, which SameSite keeps off another
    site's posts, so a forged post keeps nothing for anyone. Every other refusal is the 403 page."""
    user = getattr(request, "user", None)
    if request.method == "POST" and not (user and user.is_authenticated):
        try:
            match = resolve(request.path_info)
        except Resolver404:
            match = None
        if match is not None and getattr(match.func, "keeps_typed_work", False):
            return sign_in_keeping_the_form(request)
    return render(request, "errors/403.html", {"reason": ""}, status=403)


@login_required
@require_POST
def session_keep_alive(request):
    """ "Stay signed in" on the timeout warning: any signed-in request renews the session
    (SESSION_SAVE_EVERY_REQUEST), so this only answers; 204, nothing to show."""
    return HttpResponse(status=204)


def page_not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


def server_error(request):
    # No context processors or database work here: the error may be the database itself.
    template = loader.get_template("errors/500.html")
    return HttpResponseServerError(
        template.render(
            {
                "SERVICE_NAME": settings.SERVICE_NAME,
                "ORGANISATION_NAME": settings.ORGANISATION_NAME,
                "STYLESHEET_URL": _static_url_or_none("css/application.css"),
            }
        )
    )


def _static_url_or_none(path):
    """The static URL, or None when the manifest lacks the file: the error page must render regardless."""
    try:
        return static(path)
    except ValueError:
        return None
