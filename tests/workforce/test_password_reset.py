"""Forgotten passwords: Django's password reset views in GOV.UK pages that reveal nothing about who has an account."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from tests.test_pages import assert_no_inline_script_or_style

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "another-long-password-77"  # noqa: S105
RESET_LINK = re.compile(r"https?://\S+(/accounts/reset/\S+/)")


@pytest.fixture
def user(db):
    return get_user_model().objects.create_user(
        username="casey", email="casey@example.org", password="an-old-password-1234", first_name="Casey"
    )


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
