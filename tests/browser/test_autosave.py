"""The draft record saves itself as the person types (frontend/js/autosave.js): the status line says
"Saved at", a reload shows what was typed, and the person's own "Submit" afterwards, carrying the
version the autosave returned, is not refused as stale."""

import io
import re
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from audits.choices import AuditStatus
from audits.models import Audit
from tests.browser.test_recording_journeys import choose, enter_date, judge, open_case_and_start, outcomes
from tests.cast import build_cast
from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def cast():
    call_command("load_processes", stdout=io.StringIO())
    return build_cast()


def test_a_draft_typed_into_is_saved_kept_across_a_reload_and_then_submitted(page, sign_in, output_dir, cast):
    manager, case = cast["tm.assessment"], cast.cases["assessment"]
    sign_in(manager, TEST_PASSWORD)
    open_case_and_start(page, case.reference, "Sample Audit")
    audit = Audit.objects.get(process__key="csc-sample-audit", case=case)
    opened_at = audit.version

    page.get_by_label("Summary").fill("Typed, never saved by a button.")
    status = page.locator("[data-autosave-status]")
    expect(status).to_have_text(re.compile(r"^Saved at \d\d:\d\d$"), timeout=10_000)
    audit.refresh_from_db()
    assert audit.summary == "Typed, never saved by a button."
    assert audit.version > opened_at

    page.reload()
    expect(page.get_by_label("Summary")).to_have_value("Typed, never saved by a button.")

    enter_date(page, "Date carried out", date.today() - timedelta(days=2))
    for outcome in outcomes("csc-sample-audit"):
        judge(page, outcome, "Met")
    choose(page, "Overall grade", "Good")
    expect(status).to_have_text(re.compile(r"^Saved at"), timeout=10_000)
    page.get_by_role("button", name="Submit", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Sample Audit")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Submitted.")
    page.screenshot(path=output_dir / "autosaved-then-submitted.png", full_page=True)
    audit.refresh_from_db()
    assert audit.status == AuditStatus.SUBMITTED
    assert audit.summary == "Typed, never saved by a button."
