"""The dashboard in a real browser: a head of service opens it from the header, filters it by team and
period with the keyboard, reads the filtered table, and downloads that table as CSV."""

import csv
import re

import pytest
from playwright.sync_api import expect

from tests.cast import build_cast
from tests.dashboard.dashboard_data import build
from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def cast():
    cast = build_cast()
    build(cast, audits=40)
    return cast


def test_a_head_of_service_filters_the_dashboard_and_downloads_a_csv(page, sign_in, output_dir, cast):
    sign_in(cast["hos"], TEST_PASSWORD)
    page.get_by_role("link", name="Dashboard", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    expect(page.locator("#figures-as-of")).to_contain_text("Figures as of")
    teams = page.locator("#timeliness_team-table tbody th")
    expect(teams).to_have_count(3)

    page.get_by_label("Team", exact=True).select_option(label="Youth Offending Service")
    page.get_by_label("Period", exact=True).select_option(label="Last 6 months")
    page.get_by_role("button", name="Show figures").press("Enter")
    expect(page).to_have_url(re.compile(r"period=6m.*team=\d+"))
    expect(teams).to_have_count(1)
    expect(teams).to_have_text("Youth Offending Service")
    expect(page.get_by_role("heading", level=2, name="Key figures: last 6 months")).to_be_visible()
    expect(page.get_by_role("img", name="On-time rate by team", exact=True)).to_be_visible()
    page.screenshot(path=output_dir / "dashboard-filtered.png", full_page=True)

    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile(r"^Download this table \(Timeliness by team\) as CSV$")).click()
    assert download.value.suggested_filename == "timeliness-by-team-6m.csv"
    with open(download.value.path(), encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][:2] == ["Team", "Due"]
    assert [row[0] for row in rows[1:]] == ["Youth Offending Service"]


def test_a_scrutiny_member_reads_suppressed_aggregates_and_prints_the_health_check(page, sign_in, output_dir, cast):
    sign_in(cast["scrutiny"], TEST_PASSWORD)
    page.get_by_role("link", name="Dashboard", exact=True).click()
    expect(page.get_by_text("Counts from 1 to 4 are shown as")).to_be_visible()
    expect(page.get_by_role("heading", name="Open cases never audited")).to_have_count(0)
    page.screenshot(path=output_dir / "dashboard-scrutiny.png", full_page=True)
    body = page.locator("body").inner_text()
    assert "CASE-" not in body and "DASH-" not in body and "Dashchild" not in body

    page.get_by_role("link", name="Annual health check (printable)").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Annual health check")
    expect(page.get_by_role("heading", name="What the figures say")).to_be_visible()
    expect(page.get_by_role("navigation", name="Menu")).to_have_count(0)
    page.emulate_media(media="print")
    page.screenshot(path=output_dir / "health-check-print.png", full_page=True)
    assert "CASE-" not in page.locator("body").inner_text()
