"""The rollup refresh (dashboard.services): the refresh, its freshness, the task and its beat schedule,
and the refresh_dashboard and dashboard_report commands."""

import io

import pytest
from django.core.management import call_command

from audits.choices import AuditStatus
from audits.models import Audit
from dashboard.models import AuditRollup, CoverageRollup, DashboardRefresh, DueRollup, FindingRollup
from dashboard.services import rollup_refresh
from tests.dashboard.dashboard_data import TODAY
from tests.dashboard.helpers import (
    case_identifiers,
    submitted,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("cast_once")]


def test_the_report_command_writes_a_board_paper_without_case_identifiers(cast, data, tmp_path):
    output = tmp_path / "health-check.html"
    call_command(
        "dashboard_report", "--kind", "health-check", "--period", "12m", "--output", str(output), stdout=io.StringIO()
    )
    html = output.read_text()
    assert "Annual health check" in html
    for identifier in case_identifiers():
        assert identifier not in html


def test_refresh_dashboard_rebuilds_the_rollups_and_the_page_says_how_fresh_they_are(client, cast, data):
    before = AuditRollup.objects.count()
    out = io.StringIO()
    call_command("refresh_dashboard", "--today", TODAY.isoformat(), stdout=out)
    assert "rows" in out.getvalue()
    assert AuditRollup.objects.count() == before  # rebuilt, not added to
    assert FindingRollup.objects.exists() and DueRollup.objects.exists() and CoverageRollup.objects.exists()
    assert DashboardRefresh.objects.count() == 2
    client.force_login(cast["hos"])
    assert b"Figures as of" in client.get("/dashboard/").content


def test_records_submitted_after_a_refresh_count_at_the_next_one(cast, data):
    held = submitted().count()
    Audit.objects.filter(pk=submitted().first().pk).update(status=AuditStatus.DRAFT)
    assert sum(AuditRollup.objects.values_list("audits", flat=True)) == held
    rollup_refresh(today=TODAY)
    assert sum(AuditRollup.objects.values_list("audits", flat=True)) == held - 1


def test_the_refresh_task_runs_and_beat_runs_it_every_ten_minutes(cast, data):
    from dashboard.tasks import refresh_dashboard_task
    from qa_portal.celery import app

    assert refresh_dashboard_task.delay().get() > 0
    entry = app.conf.beat_schedule["refresh-dashboard"]
    assert entry["task"] == "dashboard.tasks.refresh_dashboard_task"


def test_the_commands_refuse_bad_arguments(tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--today"):
        call_command("refresh_dashboard", "--today", "yesterday", stdout=io.StringIO())
    with pytest.raises(CommandError, match="--period"):
        call_command("dashboard_report", "--period", "forever", "--output", str(tmp_path / "x.html"))
    assert not (tmp_path / "x.html").exists()
