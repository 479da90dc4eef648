"""Password reset that tells nobody anything: not by its answer, not by its limits, not by its timing.

Django's PasswordResetView looks the address up and sends the email inside the request, so an address
with an account answered in 50 ms and an unknown one in 4 ms. Here the page only counts the request
against its limits and hands the typed address to a Celery task (`workforce.tasks.password_reset_send`):
the request does the same work whether or not an account has that address, and the worker looks it up
and sends, or not. Links go only to confirmed addresses (workforce.account_emails.may_receive_reset).

The page (workforce.views.ThrottledPasswordResetView) keeps the limits: over them it answers exactly as
after a send, and nothing is queued. The counts live in the cache (Redis in production, through
CACHE_URL; qa_portal.checks refuses a per-process cache behind several web processes), by
django-ratelimit; the client is core.client_address, the same rule as the sign-in lockout's.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm

from workforce.account_emails import may_receive_reset
from workforce.services import link_lifetime


class ConfirmedAddressResetForm(PasswordResetForm):
    """Django's reset form, sending only to accounts whose address is confirmed."""

    def get_users(self, email):
        return (user for user in super().get_users(email) if may_receive_reset(user))


def password_reset_email(*, address: str) -> None:
    """Send the reset email to each active account confirmed at `address` (usually none or one)."""
    form = ConfirmedAddressResetForm(data={"email": address})
    if not form.is_valid():
        return
    site = urlsplit(settings.SITE_URL)
    form.save(
        domain_override=site.netloc,
        use_https=site.scheme == "https",
        subject_template_name="registration/password_reset_subject.txt",
        email_template_name="registration/password_reset_email.html",
        extra_email_context={"site_url": settings.SITE_URL, "lifetime": link_lifetime()},
    )
