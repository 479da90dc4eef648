"""A QA administrator uploads a changed fixture in a real browser, checks the preview and applies it."""

import io
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from playwright.sync_api import expect

from processes.models import Process
from tests.factories import TEST_PASSWORD, user_with_roles

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "processes" / "08-youth-offending-service.yaml"


def test_a_qa_administrator_uploads_a_changed_fixture_sees_the_preview_and_applies_it(
    page, sign_in, output_dir, tmp_path
):
    call_command("load_processes", stdout=io.StringIO())
    admin = user_with_roles("qa.admin", "qa-administrator", first_name="Quinn")
    data = yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))
    data["processes"][1]["lead"] = "Identified Colleague (YOS)"
    dropped = data["processes"].pop()
    changed = tmp_path / FIXTURE.name
    changed.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")

    sign_in(admin, TEST_PASSWORD)
    page.goto("/processes/")
    page.get_by_role("link", name="Upload a fixture file").click()
    page.get_by_label("Fixture file").set_input_files(str(changed))
    page.get_by_role("button", name="Preview changes").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Check the changes")
    expect(page.locator("#changed")).to_contain_text("Referral Order Report: lead responsibility")
    expect(page.locator("#deactivated")).to_contain_text(dropped["name"])
    page.screenshot(path=output_dir / "preview.png", full_page=True)
    assert Process.objects.get(key=dropped["key"]).is_active  # nothing changed before applying

    # A process the file no longer lists is deactivated only once the box says so.
    page.get_by_role("button", name="Apply changes").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Tick the box to confirm")
    assert Process.objects.get(key=dropped["key"]).is_active
    page.get_by_label("I confirm that 1 process will be deactivated").check()
    page.get_by_role("button", name="Apply changes").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Catalogue updated")
    page.screenshot(path=output_dir / "applied.png", full_page=True)

    assert Process.objects.get(name="Referral Order Report").lead == "Identified Colleague (YOS)"
    assert not Process.objects.get(key=dropped["key"]).is_active
    assert Process.objects.get(name="Referral Order Report").history.first().history_user == admin


def test_a_bad_fixture_shows_its_problems_and_changes_nothing(page, sign_in, tmp_path):
    call_command("load_processes", stdout=io.StringIO())
    admin = user_with_roles("qa.admin", "qa-administrator")
    data = yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))
    data["processes"][0]["sample_rate"] = 1.2
    bad = tmp_path / FIXTURE.name
    bad.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")

    sign_in(admin, TEST_PASSWORD)
    page.goto("/processes/upload/")
    page.get_by_label("Fixture file").set_input_files(str(bad))
    page.get_by_role("button", name="Preview changes").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("sample_rate")
    expect(summary).to_contain_text("yos-start-asset-assessment")
    assert float(Process.objects.get(key="yos-start-asset-assessment").sample_rate) == 0.2
