"""Responses to a signed-in person are never kept by a browser or proxy.

Any page a signed-in person sees may name a child, a case or a member of staff (the case and audit
pages, the lists, the exports, even an error page about a case), so every response to them says
`Cache-Control: no-store` (with Django's never-cache set: no-cache, must-revalidate, private, max-age=0)
and `Vary: Cookie`, so that a shared cache never hands one person's page to another. Done here once
rather than view by view, so that a new page cannot forget it. Anonymous answers (the sign-in page, the
health check) and static files (served by whitenoise before this runs) keep their own caching.
"""

from django.utils.cache import add_never_cache_headers, patch_vary_headers


class NoStoreForSignedInMiddleware:
    """Sits after AuthenticationMiddleware, which gives `request.user`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
            patch_vary_headers(response, ["Cookie"])
        return response
