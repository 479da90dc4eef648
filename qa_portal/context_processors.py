from django.conf import settings

from audits.selectors import recordable_processes
from cases.scope import may_open_dashboard, may_see_cases
from timeliness.reminders import unread_count


def service(request):
    """The names every page's header and footer show, and which sections the navigation offers."""
    user = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated)
    return {
        "SERVICE_NAME": settings.SERVICE_NAME,
        "ORGANISATION_NAME": settings.ORGANISATION_NAME,
        "PHASE": settings.PHASE,
        "NAV_CASES": signed_in and may_see_cases(user),
        # Audits: for those who see cases or lead a process (board chairs record their meetings).
        "NAV_AUDITS": signed_in and (may_see_cases(user) or _leads_a_process(user)),
        "NAV_DASHBOARD": signed_in and may_open_dashboard(user),
        "UNREAD_NOTIFICATIONS": _unread(user) if signed_in else 0,
        # The timeout warning's clock (templates/inc/timeout_warning.html).
        "SESSION_IDLE_SECONDS": settings.SESSION_COOKIE_AGE,
        "SESSION_WARNING_SECONDS": min(settings.SESSION_WARNING_SECONDS, settings.SESSION_COOKIE_AGE),
    }


def _unread(user) -> int:
    return unread_count(user)


def _leads_a_process(user) -> bool:
    return recordable_processes(user).exists()
