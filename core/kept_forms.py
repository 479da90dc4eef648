"""What a person typed is kept when their session ended before they pressed the button.

A form posted after the idle limit (SESSION_IDLE_SECONDS) arrives signed out. Instead of sending the
person to sign in with nothing, the posted fields (never the CSRF token; files are not in request.POST)
go into the cache under a random token, with the path they were posted to and the person whose session
it was, for KEPT_FORM_SECONDS. Sign-in sends them back to `<path>?kept=<token>`, and the page rebuilds
its form from what was kept (`take_kept_form`).

Whose work it is comes from the expired session's own row (the database session engine keeps the row
after it expires, until `clearsessions`): the session cookie only this browser holds, never anything
the request says. So a kept form is only ever given back to the person whose session posted it, on the
page it was posted to, once; someone else's token, or a token made by an attacker's own signed-out
post, restores nothing for anyone else. Where no owner can be found (no cookie, the row already
cleared) nothing is kept, as before.

Only views marked with `@keeps_typed_work` take part: the long forms (the record pages).
"""

import secrets
from functools import wraps

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.views import redirect_to_login
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.http import QueryDict

KEPT_PARAMETER = "kept"
CACHE_PREFIX = "kept-form:"
NOT_KEPT = frozenset({"csrfmiddlewaretoken"})


def keeps_typed_work(view):
    """Mark a view whose posts are kept when they arrive after the session ended."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        return view(request, *args, **kwargs)

    wrapped.keeps_typed_work = True
    return wrapped


def expired_session_owner_id(request) -> int | None:
    """The user id of the session this browser's cookie names, even though it has expired."""
    key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    if not key or settings.SESSION_ENGINE != "django.contrib.sessions.backends.db":
        return None
    row = Session.objects.filter(session_key=key).first()
    if row is None:
        return None
    owner = row.get_decoded().get(SESSION_KEY)
    try:
        return int(owner) if owner is not None else None
    except (TypeError, ValueError):
        return None


def keep_posted_form(request) -> str | None:
    """Keep a signed-out post for its owner; return the token, or None when there is no owner."""
    owner_id = expired_session_owner_id(request)
    if owner_id is None:
        return None
    token = secrets.token_urlsafe(24)
    fields = {name: values for name, values in request.POST.lists() if name not in NOT_KEPT}
    cache.set(
        CACHE_PREFIX + token,
        {"owner_id": owner_id, "path": request.path, "fields": fields},
        timeout=settings.KEPT_FORM_SECONDS,
    )
    return token


def take_kept_form(request) -> QueryDict | None:
    """The fields kept for this person on this page under `?kept=`, given back once; else None."""
    token = request.GET.get(KEPT_PARAMETER, "")
    if not token or not request.user.is_authenticated:
        return None
    key = CACHE_PREFIX + token
    kept = cache.get(key)
    if not kept or kept["owner_id"] != request.user.pk or kept["path"] != request.path:
        return None
    cache.delete(key)
    data = QueryDict(mutable=True)
    for name, values in kept["fields"].items():
        data.setlist(name, values)
    return data


def sign_in_keeping_the_form(request):
    """Send a signed-out post to sign in, keeping what it carried where its owner is known."""
    token = keep_posted_form(request)
    back_to = request.path if token is None else f"{request.path}?{KEPT_PARAMETER}={token}"
    return redirect_to_login(back_to)


class KeepFormsOfExpiredSessionsMiddleware:
    """Sits after AuthenticationMiddleware (and so after CsrfViewMiddleware's check of the post)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if (
            request.method == "POST"
            and getattr(view_func, "keeps_typed_work", False)
            and not request.user.is_authenticated
        ):
            return sign_in_keeping_the_form(request)
        return None
