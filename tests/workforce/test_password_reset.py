"""Forgotten passwords: Django's password reset views in GOV.UK pages that reveal nothing about who has an account."""

import logging
import re
import time
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from tests.broker import broker_down
from tests.queries import Queries
from tests.test_pages import assert_no_inline_script_or_style
from tests.workforce.factories import confirmed_address
from workforce import services
from workforce.models import AccountEmail
from workforce.tasks import password_reset_send

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "another-long-password-77"  # noqa: S105
RESET_LINK = re.compile(r"https?://\S+(/accounts/reset/\S+/)")


@pytest.fixture
def user(db):
    user = get_user_model().objects.create_user(
        username="casey", email="casey@example.org", password="an-old-password-1234", first_name="Casey"
    )
    confirmed_address(user)  # resets go only to confirmed addresses (tests below for the others)
    return user


def request_reset(client, email):
    return client.post("/accounts/password_reset/", {"email": email}, follow=True)


def test_the_reset_form_is_a_gov_uk_page(client):
    response = client.get("/accounts/password_reset/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<h1 class="govuk-heading-l">Reset your password</h1>' in html
    assert 'autocomplete="email"' in html
    assert 'href="/accounts/login/" class="govuk-back-link"' in html
    assert_no_inline_script_or_style(html)


def test_the_reset_form_asks_for_an_email_address_with_an_error_summary(client):
    response = client.post("/accounts/password_reset/", {"email": ""})
    html = response.content.decode()
    assert "<title>Error: Reset your password" in html
    assert "There is a problem" in html
    assert '<a href="#id_email">' in html
    assert "govuk-input--error" in html


def test_the_reset_form_does_not_reveal_whether_an_email_has_an_account(user):
    known = request_reset(Client(), "casey@example.org")
    unknown = request_reset(Client(), "nobody@example.org")
    assert known.redirect_chain == unknown.redirect_chain == [("/accounts/password_reset/done/", 302)]
    assert known.content == unknown.content
    assert "If an account uses that email address, we have sent a link" in known.content.decode()
    # Only the real account gets an email.
    assert [message.to for message in mail.outbox] == [["casey@example.org"]]


def test_the_reset_email_links_to_the_create_password_page_and_the_new_password_signs_in(client, user):
    request_reset(client, "CASEY@example.org")
    message = mail.outbox[0]
    assert message.subject == "Reset your password for QA Portal"
    assert "Your username is: casey" in message.body
    assert "&#x27;" not in message.body  # plain text: nothing escaped
    page = client.get(RESET_LINK.search(message.body).group(1), follow=True)
    html = page.content.decode()
    assert "<title>Create a password" in html
    assert 'autocomplete="new-password"' in html
    assert "at least 12 characters" in html  # the password validators' help text
    assert 'data-module="govuk-password-input"' in html
    assert_no_inline_script_or_style(html)

    done = client.post(
        page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}, follow=True
    )
    assert done.redirect_chain == [("/accounts/reset/done/", 302)]
    assert "Your password is set" in done.content.decode()
    assert 'href="/accounts/login/"' in done.content.decode()
    response = client.post("/accounts/login/", {"username": "casey", "password": NEW_PASSWORD})
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("second", "error"),
    [
        ("not-the-same-password-1", "The two password fields didn"),
        ("short", None),
    ],
)
def test_a_bad_new_password_is_shown_in_a_gov_uk_error_summary(client, user, second, error):
    request_reset(client, "casey@example.org")
    page = client.get(RESET_LINK.search(mail.outbox[0].body).group(1), follow=True)
    first = NEW_PASSWORD if error else "short"
    response = client.post(page.redirect_chain[-1][0], {"new_password1": first, "new_password2": second})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Create a password" in html
    assert "There is a problem" in html
    assert '<a href="#id_new_password2">' in html
    assert (error or "This password is too short") in html
    user.refresh_from_db()
    assert user.check_password("an-old-password-1234")


def test_an_invalid_link_says_it_has_expired_or_been_used(client, user):
    response = client.get("/accounts/reset/Mg/not-a-real-token/", follow=True)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>This link has expired or been used" in html
    assert '<h1 class="govuk-heading-l">This link has expired or been used</h1>' in html
    assert 'href="/accounts/password_reset/"' in html
    assert "new_password1" not in html


#
# Limits: a flood of requests sends nothing more, and looks exactly like a send
#


def test_a_fourth_request_for_one_address_within_the_hour_sends_nothing_and_looks_the_same(user):
    responses = [request_reset(Client(REMOTE_ADDR=f"10.0.0.{n}"), "casey@example.org") for n in range(4)]
    assert len(mail.outbox) == 3
    assert responses[3].redirect_chain == responses[0].redirect_chain == [("/accounts/password_reset/done/", 302)]
    assert responses[3].content == responses[0].content


def test_the_address_limit_ignores_case_and_spaces(user):
    for typed in ("casey@example.org", "CASEY@example.org", " Casey@Example.org ", "casey@EXAMPLE.org"):
        request_reset(Client(), typed)
    assert len(mail.outbox) == 3


def test_one_client_cycling_through_addresses_is_stopped_after_ten_requests(user, settings):
    client = Client(REMOTE_ADDR="192.0.2.7")
    for n in range(10):
        request_reset(client, f"someone{n}@example.org")
    request_reset(client, "casey@example.org")
    assert mail.outbox == []  # the real address came eleventh: over the client's limit
    request_reset(Client(REMOTE_ADDR="192.0.2.8"), "casey@example.org")
    assert [message.to for message in mail.outbox] == [["casey@example.org"]]


def test_the_limits_come_from_settings(user, settings):
    settings.PASSWORD_RESET_RATE_PER_ADDRESS = "1/h"
    request_reset(Client(), "casey@example.org")
    request_reset(Client(), "casey@example.org")
    assert len(mail.outbox) == 1


#
# Only confirmed addresses get a link
#


def test_an_address_never_confirmed_gets_no_reset_link(user):
    AccountEmail.objects.filter(user=user).update(confirmed_at=None)
    request_reset(Client(), "casey@example.org")
    assert mail.outbox == []


def test_an_address_set_outside_the_apps_flows_gets_no_reset_link(user):
    # E.g. typed into the database or a shell: the address vouched for is still the old one.
    get_user_model().objects.filter(pk=user.pk).update(email="attacker@example.net")
    request_reset(Client(), "attacker@example.net")
    assert mail.outbox == []


def test_setting_a_password_from_a_link_confirms_the_address_it_went_to(client, user):
    AccountEmail.objects.filter(user=user).update(confirmed_at=None)
    user.set_unusable_password()
    user.save()
    link = services.invitation_link(user).removeprefix(settings.SITE_URL)
    page = client.get(link, follow=True)
    client.post(page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert AccountEmail.objects.get(user=user).confirmed_at is not None


#
# Timing: the request does the same work for a known and an unknown address; the worker sends
#


def test_a_known_and_an_unknown_address_cost_the_request_the_same_and_send_nothing_in_it(user):
    counts = {}
    with mock.patch("workforce.views.password_reset_send.apply_async") as send:
        for address in ("casey@example.org", "nobody@example.org"):
            with Queries() as queries:
                response = Client().post("/accounts/password_reset/", {"email": address})
            assert response.status_code == 302
            counts[address] = len(queries)
    assert counts["casey@example.org"] == counts["nobody@example.org"]
    assert mail.outbox == []
    # One task each, with the typed address and nothing looked up.
    assert [call.args[0] for call in send.call_args_list] == [("casey@example.org",), ("nobody@example.org",)]


def test_the_task_sends_the_reset_to_a_confirmed_account_and_nothing_for_an_unknown_address(user):
    password_reset_send.delay("nobody@example.org")
    assert mail.outbox == []
    password_reset_send.delay("casey@example.org")
    assert [message.to for message in mail.outbox] == [["casey@example.org"]]
    assert RESET_LINK.search(mail.outbox[0].body)


@pytest.mark.django_db(transaction=True)
def test_with_a_real_worker_the_email_arrives_from_the_worker(real_worker, settings):
    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        pytest.skip("needs the configured Redis broker (CI sets CELERY_BROKER_URL)")
    known = get_user_model().objects.create_user(username="robin", email="robin@example.org", password="x" * 20)
    confirmed_address(known)
    response = Client().post("/accounts/password_reset/", {"email": "robin@example.org"})
    assert response.status_code == 302
    for _ in range(100):
        if mail.outbox:
            break
        time.sleep(0.1)
    assert [message.to for message in mail.outbox] == [["robin@example.org"]]


#
# The client's address behind proxies (core.client_address)
#


@pytest.mark.parametrize(
    "forwarded",
    [None, "203.0.113.5", "198.51.100.1, 203.0.113.5", "garbage", "198.51.100.1, 198.51.100.2, 203.0.113.5"],
)
def test_behind_one_proxy_the_page_answers_with_any_header_or_none(user, settings, forwarded):
    settings.CLIENT_ADDRESS_PROXY_COUNT = 1
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    response = Client(REMOTE_ADDR="10.0.0.9").post("/accounts/password_reset/", {"email": "casey@example.org"}, **extra)
    assert response.status_code == 302


def test_behind_one_proxy_rotating_the_header_does_not_get_round_the_client_limit(user, settings):
    settings.CLIENT_ADDRESS_PROXY_COUNT = 1
    proxy = Client(REMOTE_ADDR="10.0.0.9")
    for n in range(10):
        proxy.post(
            "/accounts/password_reset/",
            {"email": f"someone{n}@example.org"},
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}, 203.0.113.5",
        )
    proxy.post(
        "/accounts/password_reset/", {"email": "casey@example.org"}, HTTP_X_FORWARDED_FOR="198.51.100.99, 203.0.113.5"
    )
    assert mail.outbox == []  # the same client (203.0.113.5), eleventh request
    proxy.post("/accounts/password_reset/", {"email": "casey@example.org"}, HTTP_X_FORWARDED_FOR="203.0.113.6")
    assert [message.to for message in mail.outbox] == [["casey@example.org"]]


def test_a_reset_with_the_broker_down_answers_check_your_email_and_logs_no_address(client, user, caplog):
    with broker_down(), caplog.at_level(logging.WARNING):
        response = request_reset(client, user.email)
    assert response.redirect_chain == [("/accounts/password_reset/done/", 302)]
    assert response.status_code == 200
    assert "Broker unavailable: workforce.tasks.password_reset_send not sent" in caplog.text
    assert user.email not in caplog.text
    assert "casey" not in caplog.text
