"""Signing in through a real browser: redirect, form, home page, and the stylesheet actually applied."""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

PASSWORD = "a-long-test-password-42"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_signs_in_and_lands_on_the_home_page(page, live_server, output_dir):
    get_user_model().objects.create_user(username="casey", password=PASSWORD, first_name="Casey")

    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")

    page.get_by_label("Username").fill("casey")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Casey")
    expect(page.get_by_role("heading", name="Your actions")).to_be_visible()
    expect(page.get_by_role("link", name="Home")).to_have_attribute("aria-current", "page")
    # application.js ran as a module and set the class GOV.UK Frontend's components look for.
    expect(page.locator("body")).to_have_class(re.compile(r"\bgovuk-frontend-supported\b"))
    page.screenshot(path=output_dir / "home.png", full_page=True)

    # The stylesheet loaded: Arial everywhere, never the GOV.UK typeface.
    for selector in ["body", "h1"]:
        font_family = page.locator(selector).evaluate("element => getComputedStyle(element).fontFamily")
        assert font_family.lower().startswith("arial"), (selector, font_family)


def test_a_wrong_password_focuses_the_error_summary(page, live_server, output_dir):
    get_user_model().objects.create_user(username="casey", password=PASSWORD)

    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("casey")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_be_focused()
    expect(page).to_have_title(re.compile(r"^Error: Sign in"))
    page.screenshot(path=output_dir / "sign-in-error.png", full_page=True)


def test_signing_out_returns_to_sign_in(page, live_server):
    get_user_model().objects.create_user(username="casey", password=PASSWORD)

    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("casey")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Sign out").click()

    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
