from django.conf import settings


def service(request):
    """The names every page's header and footer show."""
    return {
        "SERVICE_NAME": settings.SERVICE_NAME,
        "ORGANISATION_NAME": settings.ORGANISATION_NAME,
        "PHASE": settings.PHASE,
    }
