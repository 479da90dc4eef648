"""The dashboard pages (dashboard.views): who may open them and what each role's page holds, board and
scrutiny pages with no case identifier, CSV exports, printable reports, and a fixed number of queries
at any data size. The four answers of each page: TestDashboard and friends (tests/testing.py)."""

import csv
import io

import pytest

from cases.choices import AccessAction
from cases.models import AccessLogEntry, Case
from dashboard.models import AuditRollup
from dashboard.selectors import TABLE_KEYS, never_audited_table
from dashboard.services import latest_refresh
from dashboard.tables import SUPPRESSED_COUNT
from processes.models import Process
from tests.dashboard.dashboard_data import build
from tests.dashboard.helpers import (
    case_identifiers,
    csv_rows,
)
from tests.queries import assert_queries, queries_for
from tests.testing import ObjectViewTests

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("cast_once")]


#
# The four answers (tests/testing.py). The dashboard holds figures, not one record: a team manager's
# scope is their teams, and asking for another team's figures is refused as an invalid filter (400).
#


class DashboardPageTests(ObjectViewTests):
    url = "/dashboard/?team={obj.pk}"
    user_in_scope = "tm.cic"
    user_without_permission = "sw.assessment"  # social workers, chairs and IROs have no dashboard

    def object_in_scope(self, cast):
        return cast.teams["cic"]

    def object_out_of_scope(self, cast):
        return cast.teams["assessment"]

    def assert_hidden(self, response, obj):
        assert response.status_code == 400
        assert b"team" in response.content  # the page's error names the filter (the CSV: "Bad filters: team")


class TestDashboard(DashboardPageTests):
    pass


class TestDashboardReport(DashboardPageTests):
    url = "/dashboard/report/?kind=management&team={obj.pk}"


class TestDashboardExport(DashboardPageTests):
    url = "/dashboard/export.csv?table=trends&team={obj.pk}"


@pytest.mark.parametrize("username", ["sw.assessment", "chair", "iro"])
def test_social_workers_chairs_and_iros_are_refused_the_dashboard(client, cast, username):
    client.force_login(cast[username])
    assert client.get("/dashboard/").status_code == 403
    assert client.get("/dashboard/export.csv?table=trends").status_code == 403
    assert b'href="/dashboard/"' not in client.get("/").content


def test_a_team_manager_sees_their_own_teams_figures_and_cases_only(client, cast, data):
    client.force_login(cast["tm.cic"])
    response = client.get("/dashboard/")
    assert response.status_code == 200
    teams = [row["name"] for row in response.context["sections"]["timeliness_team"].table.rows]
    assert teams == ["Children in Care Team"]
    never = [row["reference"] for row in response.context["never_audited"]["section"].table.rows]
    assert never and all(ref.startswith(("CASE-C", "DASH-CIC")) for ref in never)
    assert b"CASE-A1" not in response.content and b"DASH-ASS" not in response.content
    first = Case.objects.get(reference=never[0])
    assert f'href="/cases/{first.pk}/"'.encode() in response.content


def test_a_team_manager_may_not_filter_by_another_team(client, cast, data):
    client.force_login(cast["tm.cic"])
    response = client.get(f"/dashboard/?team={cast.teams['assessment'].pk}")
    assert response.status_code == 400
    assert b"Select a valid choice" in response.content
    assert b'class="govuk-select govuk-select--error" aria-describedby="id_team-error"' in response.content
    assert b'id="id_team-error"' in response.content


def test_the_header_offers_the_dashboard_to_those_who_may_open_it(client, cast):
    for username in ("hos", "tm.yos", "scrutiny"):
        client.force_login(cast[username])
        assert b'href="/dashboard/"' in client.get("/").content, username


def test_the_scrutiny_dashboard_and_every_export_hold_no_case_reference_or_childs_name(client, cast, data):
    client.force_login(cast["scrutiny"])
    pages = [client.get("/dashboard/")]
    pages += [client.get(f"/dashboard/export.csv?table={key}") for key in TABLE_KEYS if key != "never_audited"]
    pages += [client.get(f"/dashboard/report/?kind={kind}") for kind in ("management", "health-check")]
    for response in pages:
        assert response.status_code == 200
        text = response.getvalue().decode()
        for identifier in case_identifiers():
            assert identifier not in text
        assert "/cases/" not in text
    assert pages[0].context["never_audited"] is None
    assert "Open cases never audited" not in pages[0].getvalue().decode()


def test_scrutiny_may_not_export_the_never_audited_list(client, cast, data):
    client.force_login(cast["scrutiny"])
    assert client.get("/dashboard/export.csv?table=never_audited").status_code == 403


def test_small_counts_are_suppressed_for_scrutiny_and_shown_to_the_head_of_service(client, cast):
    build(cast, audits=3)
    client.force_login(cast["hos"])
    hos_rows = csv_rows(client, "/dashboard/export.csv?table=trends")
    client.force_login(cast["scrutiny"])
    scrutiny_rows = csv_rows(client, "/dashboard/export.csv?table=trends")
    assert SUPPRESSED_COUNT in client.get("/dashboard/").getvalue().decode()
    column = hos_rows[0].index("Records held")
    counts = [int(row[column]) for row in hos_rows[1:]]
    assert any(0 < count < 5 for count in counts), "three records make small monthly counts"
    for count, scrutiny_row in zip(counts, scrutiny_rows[1:], strict=True):
        assert scrutiny_row[column] == (SUPPRESSED_COUNT if 0 < count < 5 else str(count))
        assert not scrutiny_row[hos_rows[0].index("Outcomes met")].endswith("%")  # built on a small count


def test_each_chart_is_an_image_with_a_title_and_its_table_beside_it(client, cast, data):
    client.force_login(cast["hos"])
    html = client.get("/dashboard/").getvalue().decode()
    for key in ("timeliness_area", "timeliness_team", "outcomes_process", "themes", "coverage", "grades", "trends"):
        assert f'aria-labelledby="chart-{key}-title" aria-describedby="chart-{key}-desc"' in html
        assert f'<title id="chart-{key}-title">' in html
        assert f'id="{key}-table"' in html
    assert html.count('role="img"') == 7
    # The Content Security Policy allows no inline style or script: the charts use SVG attributes only.
    assert " style=" not in html and "<style" not in html and "<script>" not in html


def test_each_table_downloads_as_csv_with_the_pages_figures(client, cast, data):
    client.force_login(cast["hos"])
    for key in TABLE_KEYS:
        response = client.get(f"/dashboard/export.csv?table={key}")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(client.get("/dashboard/export.csv?table=timeliness_team").getvalue().decode())))
    page = client.get("/dashboard/").context["sections"]["timeliness_team"]
    assert rows[0] == [heading for heading, _ in page.headings]
    assert rows[1:] == [[text for text, _ in row] for row in page.rows]


def test_the_csv_honours_the_filters(client, cast, data):
    client.force_login(cast["hos"])
    team = cast.teams["yos"]
    rows = list(
        csv.reader(
            io.StringIO(client.get(f"/dashboard/export.csv?table=timeliness_team&team={team.pk}").getvalue().decode())
        )
    )
    assert [row[0] for row in rows[1:]] == ["Youth Offending Service"]
    process = Process.objects.get(key="dash-lac")
    rows = list(
        csv.reader(
            io.StringIO(client.get("/dashboard/export.csv?table=outcomes_process&process=dash-lac").getvalue().decode())
        )
    )
    assert [row[0] for row in rows[1:]] == [process.name]


def test_an_unknown_table_is_not_found(client, cast):
    client.force_login(cast["hos"])
    assert client.get("/dashboard/export.csv?table=children").status_code == 404


def test_exporting_the_never_audited_list_is_logged(client, cast, data):
    client.force_login(cast["tm.assessment"])
    response = client.get("/dashboard/export.csv?table=never_audited")
    references = [row[0] for row in csv.reader(io.StringIO(response.getvalue().decode()))][1:]
    assert references
    logged = AccessLogEntry.objects.filter(user=cast["tm.assessment"], action=AccessAction.EXPORTED)
    assert sorted(logged.values_list("case__reference", flat=True)) == sorted(references)


@pytest.mark.parametrize("kind,heading", [("management", "Management report"), ("health-check", "Annual health check")])
def test_the_printable_reports_show_the_periods_figures(client, cast, data, kind, heading):
    client.force_login(cast["hos"])
    response = client.get(f"/dashboard/report/?kind={kind}&period=12m")
    assert response.status_code == 200
    html = response.getvalue().decode()
    assert heading in html and "Key figures" in html and 'id="timeliness_area-table"' in html
    assert "Show figures" not in html  # no filter form on paper
    if kind == "health-check":
        assert "What the figures say" in html


def test_the_page_says_when_figures_were_never_worked_out(client, cast):
    client.force_login(cast["hos"])
    assert latest_refresh() is None
    assert b"have not been worked out yet" in client.get("/dashboard/").content


@pytest.mark.parametrize("username", ["hos", "tm.assessment", "scrutiny"])
def test_the_dashboard_runs_the_same_queries_at_any_data_size(client, cast, username):
    build(cast, audits=5, seed=1)
    client.force_login(cast[username])
    client.get("/dashboard/")
    small = queries_for(client, "/dashboard/")
    small_export = queries_for(client, "/dashboard/export.csv?table=trends")
    # A second, larger batch: the first batch's processes step aside so the keys are free again.
    for process in Process.objects.filter(key__startswith="dash-"):
        process.key = f"old-{process.key}"
        process.save()
    build(cast, audits=80, extra_cases=6, seed=2)
    assert AuditRollup.objects.count() > 20
    assert_queries(small, queries_for(client, "/dashboard/"), f"{username}'s dashboard with more data")
    assert_queries(small_export, queries_for(client, "/dashboard/export.csv?table=trends"), f"{username}'s export")


def test_the_page_links_to_the_next_page_of_never_audited_cases(client, cast, data, monkeypatch):
    # Two cases a page instead of 50, so the test data fills three pages.
    monkeypatch.setitem(never_audited_table.__kwdefaults__, "limit", 2)
    client.force_login(cast["hos"])
    response = client.get("/dashboard/?period=6m&page=2")
    assert response.context["never_audited"]["page"] == 2
    assert b"period=6m&amp;page=3" in response.content and b"period=6m&amp;page=1" in response.content


def test_a_report_of_an_unknown_kind_is_not_found_and_bad_filters_are_refused(client, cast):
    client.force_login(cast["hos"])
    assert client.get("/dashboard/report/?kind=gossip").status_code == 404
    assert client.get("/dashboard/report/?kind=management&period=forever").status_code == 400
    assert client.get("/dashboard/?period=forever").status_code == 400
