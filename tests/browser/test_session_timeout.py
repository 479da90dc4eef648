"""When the session runs out on a long form, in a real browser: the timeout warning opens before the
idle limit, "Stay signed in" keeps the person signed in, and a form submitted after the limit comes back,
filled in, once they have signed in again. The idle limit is shortened to a few seconds."""

import io
import re
import time

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from audits.models import Audit
from tests.audits.helpers import record
from tests.cast import build_cast
from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The renewal comes when the warning opens (IDLE - WARNING), and the next warning WARNING before the
# renewed limit: waiting WARNING + 1 after it passes the first limit with the page still free to use.
IDLE_SECONDS = 10
WARNING_SECONDS = 3


@pytest.fixture
def draft(settings):
    settings.SESSION_COOKIE_AGE = IDLE_SECONDS
    settings.SESSION_WARNING_SECONDS = WARNING_SECONDS
    call_command("load_processes", stdout=io.StringIO())
    cast = build_cast()
    return record(cast["tm.assessment"], "csc-sample-audit", case=cast.cases["assessment"], submit=False)


def open_the_draft(page, sign_in, draft):
    # Autosave's requests renew the session as the person types (frontend/js/autosave.js), so these
    # tests, of the warning and of the work kept across an ended session, run as if it were unreachable:
    # the fallback the kept forms give when autosave cannot save.
    page.route("**/autosave/", lambda route: route.abort())
    sign_in(draft.carried_out_by, TEST_PASSWORD)
    page.goto(f"/audits/{draft.pk}/edit/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Record: draft")
    return time.monotonic()


def test_the_warning_opens_before_the_session_ends(page, sign_in, draft):
    opened_at = open_the_draft(page, sign_in, draft)
    dialog = page.get_by_role("dialog", name="You’re about to be signed out")
    expect(dialog).to_be_visible(timeout=(IDLE_SECONDS - 1) * 1000)
    assert time.monotonic() - opened_at < IDLE_SECONDS
    expect(dialog.get_by_role("heading")).to_be_focused()
    expect(dialog.locator("[aria-live=polite]")).to_contain_text("we will sign you out in")


def test_stay_signed_in_keeps_the_session(page, sign_in, draft):
    open_the_draft(page, sign_in, draft)
    page.get_by_label("Summary").fill("Still signed in")
    with page.expect_response("**/session/keep-alive") as renewal:
        page.get_by_role("button", name="Stay signed in").click(timeout=IDLE_SECONDS * 1000)
    assert renewal.value.status == 204
    expect(page.get_by_role("dialog")).to_be_hidden()
    time.sleep(WARNING_SECONDS + 1)  # past the first limit, before the renewed one warns
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Draft saved")
    assert Audit.objects.get(pk=draft.pk).summary == "Still signed in"


def test_a_form_submitted_after_the_session_ended_comes_back_after_signing_in(page, sign_in, draft):
    open_the_draft(page, sign_in, draft)
    page.get_by_label("Summary").fill("Typed slowly, over the idle limit")
    time.sleep(IDLE_SECONDS + 1)
    expect(page.get_by_role("dialog")).to_be_hidden()  # at the limit the page is given back
    page.get_by_role("button", name="Save draft").click()

    page.wait_for_url(re.compile(r"/accounts/login/\?next="))
    assert Audit.objects.get(pk=draft.pk).summary == ""
    page.get_by_label("Username").fill(draft.carried_out_by.username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.wait_for_url(re.compile(rf"/audits/{draft.pk}/edit/\?kept="))
    expect(page.locator(".govuk-notification-banner")).to_contain_text("We kept what you typed; check it and save.")
    expect(page.get_by_label("Summary")).to_have_value("Typed slowly, over the idle limit")
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Draft saved")
    assert Audit.objects.get(pk=draft.pk).summary == "Typed slowly, over the idle limit"
