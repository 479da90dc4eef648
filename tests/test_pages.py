"""The base UI: sign-in, the home page, the error pages and the page skeleton's promises (CSP, no crown)."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import RequestFactory, override_settings
from django.urls import reverse

from qa_portal import views

PASSWORD = "a-long-test-password-42"

# GOV.UK's own branding, which this service must not show.
GOVUK_BRANDING = [
    "govuk-logo",
    "govuk-header__logotype",
    "govuk-footer__crown",
    "govuk-footer__copyright-logo",
    "Crown copyright",
    "govuk-crest",
    "GOV.UK",
]

# A <script> element without a src attribute: the Content Security Policy would block it.
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=", re.IGNORECASE)


@pytest.fixture
def user(db):
    return get_user_model().objects.create_user(
        username="casey", password=PASSWORD, first_name="Casey", last_name="Jones"
    )


@pytest.fixture
def signed_in_client(client, user):
    client.force_login(user)
    return client


def sign_in(client, username, password, follow=False):
    return client.post(reverse("login"), {"username": username, "password": password}, follow=follow)


def assert_no_inline_script_or_style(html):
    assert not INLINE_SCRIPT.search(html), INLINE_SCRIPT.search(html).group(0)
    assert not INLINE_STYLE.search(html), INLINE_STYLE.search(html).group(0)


def test_it_sends_anonymous_visitors_to_sign_in(client, db):
    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/"


def test_the_sign_in_page_has_the_page_skeleton(client, db, settings):
    response = client.get(reverse("login"))
    html = response.content.decode()

    assert response.status_code == 200
    assert '<html lang="en-GB"' in html
    assert f"<title>Sign in – QA Portal – {settings.ORGANISATION_NAME}</title>" in html.replace("&#x27;", "'")
    assert '<a href="#main-content" class="govuk-skip-link"' in html
    assert "Skip to main content" in html
    assert 'id="main-content"' in html
    assert "QA Portal" in html
    assert settings.ORGANISATION_NAME.replace("'", "&#x27;") in html
    assert "govuk-phase-banner" in html
    assert settings.PHASE.capitalize() in html
    assert "This is a new service" in html
    assert 'autocomplete="username"' in html
    assert 'autocomplete="current-password"' in html
    assert ">Sign in</button>" in html


def test_the_sign_in_page_shows_no_govuk_branding(client, db):
    html = client.get(reverse("login")).content.decode()

    for mark in GOVUK_BRANDING:
        assert mark not in html


def test_it_hides_the_navigation_from_anonymous_visitors(client, db):
    html = client.get(reverse("login")).content.decode()

    assert 'aria-label="Menu"' not in html
    assert "Sign out" not in html


def test_signing_in_lands_on_the_home_page(client, user):
    response = sign_in(client, "casey", PASSWORD, follow=True)
    html = response.content.decode()

    assert response.redirect_chain == [(reverse("home"), 302)]
    assert response.status_code == 200
    assert "Hello, Casey" in html
    assert "Your drafts" in html
    assert "Your actions" in html


def test_signing_in_returns_to_the_page_asked_for(client, user):
    response = client.post(reverse("login") + "?next=/", {"username": "casey", "password": PASSWORD, "next": "/"})

    assert response.status_code == 302
    assert response["Location"] == "/"


def test_a_wrong_password_shows_an_error_summary_linked_to_the_field(client, user):
    response = sign_in(client, "casey", "not-the-password")
    html = response.content.decode()

    assert response.status_code == 200
    assert "<title>Error: Sign in" in html
    assert "govuk-error-summary" in html
    assert "There is a problem" in html
    assert '<a href="#id_username">Enter a correct username and password.' in html


def test_empty_fields_are_each_reported_and_linked(client, db):
    html = sign_in(client, "", "").content.decode()

    assert '<a href="#id_username">Enter your username</a>' in html
    assert '<a href="#id_password">Enter your password</a>' in html


def test_it_locks_out_after_too_many_failures(client, user, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "casey", "not-the-password")

    response = sign_in(client, "casey", PASSWORD)

    assert response.status_code != 302
    assert "Your account is locked" in response.content.decode()
    assert "contact the QA administrator" in response.content.decode()


def test_the_home_page_greets_the_user_and_shows_an_honest_empty_state(signed_in_client):
    html = signed_in_client.get(reverse("home")).content.decode()

    assert "<title>Your work – QA Portal" in html
    assert "Hello, Casey" in html
    assert "You have no open actions." in html
    assert "You have no drafts." in html


def test_the_home_page_shows_navigation_with_the_current_section(signed_in_client):
    html = signed_in_client.get(reverse("home")).content.decode()

    assert 'aria-label="Menu"' in html
    assert 'href="/processes/"' in html
    assert re.search(r'href="/" aria-current="page"', html)
    assert html.count("aria-current=") == 1


@pytest.mark.django_db
def test_the_navigation_offers_cases_only_to_roles_that_reach_case_data(client):
    from tests.factories import user_with_roles

    client.force_login(user_with_roles("tm", "team-manager"))
    assert 'href="/cases/"' in client.get(reverse("home")).content.decode()
    client.force_login(user_with_roles("panel", "scrutiny-panel-member"))
    assert 'href="/cases/"' not in client.get(reverse("home")).content.decode()


@pytest.mark.django_db
def test_the_navigation_offers_the_administrators_tools_only_to_qa_administrators(client):
    from tests.factories import user_with_roles

    client.force_login(user_with_roles("admin", "qa-administrator"))
    html = client.get(reverse("home")).content.decode()
    for href in ("/workforce/staff/", "/workforce/teams/", "/access-log/"):
        assert f'href="{href}"' in html
    client.force_login(user_with_roles("tm", "team-manager"))
    html = client.get(reverse("home")).content.decode()
    for href in ("/workforce/staff/", "/workforce/teams/", "/access-log/"):
        assert f'href="{href}"' not in html


def test_the_header_shows_who_is_signed_in_and_a_sign_out_form(signed_in_client):
    html = signed_in_client.get(reverse("home")).content.decode()

    assert "Casey Jones" in html
    assert re.search(r'<form method="post" action="/accounts/logout/"', html)
    assert "csrfmiddlewaretoken" in html
    assert ">Sign out</button>" in html


def test_signing_out_returns_to_sign_in(signed_in_client):
    response = signed_in_client.post(reverse("logout"))

    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert signed_in_client.get(reverse("home")).status_code == 302


def test_success_messages_are_success_banners(rf, user):
    from django.contrib.messages import SUCCESS
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.contrib.sessions.backends.db import SessionStore
    from django.shortcuts import render

    request = rf.get("/")
    request.user = user
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    request._messages.add(SUCCESS, "Audit closed")

    html = render(request, "home.html").content.decode()

    assert "govuk-notification-banner--success" in html
    assert 'role="alert"' in html
    assert "Audit closed" in html


def test_the_404_page_uses_the_template(client, db):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert 'id="main-content"' in response.content.decode()


def test_the_403_handler_renders(rf, user):
    request = rf.get("/somewhere/")
    request.user = user

    response = views.permission_denied(request)

    assert response.status_code == 403
    assert "You do not have permission to see this page" in response.content.decode()


def test_the_500_handler_renders_without_a_request(settings):
    response = views.server_error(None)
    html = response.content.decode()

    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in html
    assert settings.ORGANISATION_NAME.replace("'", "&#x27;") in html
    assert 'href="/static/css/application.css"' in html
    assert_no_inline_script_or_style(html)


def test_the_500_handler_renders_unstyled_when_static_files_are_not_collected(tmp_path):
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    with override_settings(STORAGES=storages, STATIC_ROOT=tmp_path):
        response = views.server_error(RequestFactory().get("/"))

    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.content.decode()
    assert "stylesheet" not in response.content.decode()


def test_the_sign_in_page_sends_a_content_security_policy(client, db):
    response = client.get(reverse("login"))

    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "style-src 'self'" in response["Content-Security-Policy"]


@pytest.mark.parametrize("url", ["/accounts/login/", "/", "/no-such-page/"])
def test_pages_have_no_inline_script_or_style(signed_in_client, url):
    if url == "/accounts/login/":
        signed_in_client.logout()

    html = signed_in_client.get(url).content.decode()

    assert '<script type="module" src="/static/js/application.js"></script>' in html
    assert_no_inline_script_or_style(html)


def test_the_navigation_marks_the_section_of_a_page_inside_it(signed_in_client):
    html = signed_in_client.get("/processes/no-such-process/").content.decode()

    assert re.search(r'href="/processes/" aria-current="true"', html)
    assert html.count("aria-current=") == 1
