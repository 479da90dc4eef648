"""Password reset with a limit on how many emails one address, or one client, can set off.

Django's PasswordResetView sends a link to any address typed in, as often as asked: enough to flood a
colleague's inbox or to hammer the mail server. Over the limits below the page answers exactly as it
does after a send (so it tells nobody whether an address has an account, or that it is throttled), and
sends nothing. The counts live in the cache (Redis in production, through CACHE_URL), by django-ratelimit.
"""

import logging

from django.conf import settings
from django.contrib.auth.views import PasswordResetView
from django.http import HttpResponseRedirect
from django_ratelimit.core import is_ratelimited

logger = logging.getLogger(__name__)


def _address(group, request) -> str:
    # Case and spaces folded, so "Ann@Example.org " and "ann@example.org" share one count.
    return request.POST.get("email", "").strip().lower()


class ThrottledPasswordResetView(PasswordResetView):
    def form_valid(self, form):
        request = self.request
        # Both counters move on every request (no short circuit), so a client cycling addresses is caught.
        per_address = is_ratelimited(
            request,
            group="password-reset:address",
            key=_address,
            rate=settings.PASSWORD_RESET_RATE_PER_ADDRESS,
            increment=True,
        )
        per_client = is_ratelimited(
            request,
            group="password-reset:client",
            key="ip",
            rate=settings.PASSWORD_RESET_RATE_PER_CLIENT,
            increment=True,
        )
        if per_address or per_client:
            # No address in the log: it may be a mistyped one belonging to nobody here.
            logger.warning("password reset throttled (%s)", "address" if per_address else "client")
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)
