from django.conf import settings

from qa_portal.querysets import may_see_cases


def service(request):
    """The names every page's header and footer show, and which sections the navigation offers."""
    user = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated)
    return {
        "SERVICE_NAME": settings.SERVICE_NAME,
        "ORGANISATION_NAME": settings.ORGANISATION_NAME,
        "PHASE": settings.PHASE,
        "NAV_CASES": signed_in and may_see_cases(user),
    }
