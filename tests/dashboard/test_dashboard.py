"""The dashboard: who may open it and what each role's page covers, that every table's figures agree
with counts taken straight from the records, small counts suppressed for board and scrutiny roles,
no case identifier in their pages or exports, CSV exports, the printable reports, the rollup refresh
(task, command, beat) and a fixed number of queries at any data size."""

import csv
import io
from datetime import date

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from audits.choices import AuditStatus, Judgement
from audits.models import Audit, Finding, Moderation
from cases.choices import AccessAction, CaseStatus
from cases.models import AccessLogEntry, Case
from dashboard.charts import dashboard_charts
from dashboard.models import AuditRollup, CoverageRollup, DashboardRefresh, DueRollup, FindingRollup
from dashboard.selectors import (
    SUPPRESSED_COUNT,
    SUPPRESSED_RATE,
    TABLE_KEYS,
    DashboardScope,
    Filters,
    Rate,
    dashboard_scope,
    dashboard_tables,
    display,
    headline,
    never_audited_table,
    resolve_period,
)
from dashboard.services import latest_refresh, rollup_refresh
from processes.models import Process, RequiredOutcome
from processes.timescales import add_months
from tests.dashboard.dashboard_data import GRADES, TODAY, build
from timeliness.choices import DueStatus
from timeliness.models import DueItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(cast):
    return build(cast, audits=60)


def service_filters(period="12m") -> Filters:
    start, end = resolve_period(period, TODAY)
    return Filters(start, end, "Last 12 months", period)


def in_period(filters, field="held_on"):
    return {f"{field}__gte": filters.start, f"{field}__lt": add_months(filters.end, 1)}


def submitted():
    return Audit.objects.exclude(status=AuditStatus.DRAFT).filter(held_on__isnull=False)


#
# Figures agree with the records
#


def test_timeliness_by_team_agrees_with_due_items_counted_directly(cast, data):
    filters = service_filters()
    table = dashboard_tables(DashboardScope("service"), filters)["timeliness_team"]
    assert table.rows, "the test data has due items"
    for row in table.rows:
        items = DueItem.objects.filter(team__name=row["name"], **in_period(filters, "due_on"))
        on_time = items.filter(status=DueStatus.DONE, completed_on__lte=F("due_on")).count()
        late = items.filter(status=DueStatus.DONE, completed_on__gt=F("due_on")).count()
        overdue = items.filter(status=DueStatus.OPEN, due_on__lt=TODAY).count()
        assert (row["on_time"], row["late"], row["overdue"]) == (on_time, late, overdue), row["name"]
        assert row["pending"] == items.filter(status=DueStatus.OPEN, due_on__gte=TODAY).count()
        assert row["rate"] == Rate(on_time, on_time + late + overdue)


def test_timeliness_by_area_and_process_add_up_to_the_same_items(cast, data):
    tables = dashboard_tables(DashboardScope("service"), service_filters())
    filters = service_filters()
    items = DueItem.objects.filter(**in_period(filters, "due_on"))
    overdue = items.filter(status=DueStatus.OPEN, due_on__lt=TODAY).count()
    for key in ("timeliness_area", "timeliness_process", "timeliness_team"):
        assert sum(row["overdue"] for row in tables[key].rows) == overdue, key
    for row in tables["timeliness_process"].rows:
        process_items = items.filter(process__name=row["name"]).exclude(status=DueStatus.CANCELLED)
        assert row["due"] == process_items.exclude(status=DueStatus.OPEN, due_on__gte=TODAY).count()


def test_outcomes_met_by_process_and_by_outcome_agree_with_findings_counted_directly(cast, data):
    filters = service_filters()
    tables = dashboard_tables(DashboardScope("service"), filters)
    findings = Finding.objects.filter(audit__in=submitted().filter(**in_period(filters)))
    for row in tables["outcomes_process"].rows:
        mine = findings.filter(audit__process__name=row["process"])
        assert row["met"] == mine.filter(judgement=Judgement.MET).count()
        assert row["not_met"] == mine.filter(judgement=Judgement.NOT_MET).count()
        assert row["judged"] == mine.filter(judgement__in=["met", "partly_met", "not_met"]).count()
    assert len(tables["outcomes_outcome"].rows) == 9
    for row in tables["outcomes_outcome"].rows:
        mine = findings.filter(outcome__text=row["outcome"])
        assert row["partly_met"] == mine.filter(judgement=Judgement.PARTLY_MET).count()


def test_learning_themes_are_the_outcomes_most_often_not_met(cast, data):
    filters = service_filters()
    themes = dashboard_tables(DashboardScope("service"), filters)["themes"].rows
    counts = sorted(
        (
            Finding.objects.filter(
                outcome=outcome, judgement=Judgement.NOT_MET, audit__in=submitted().filter(**in_period(filters))
            ).count()
            for outcome in RequiredOutcome.objects.filter(process__key__startswith="dash-")
        ),
        reverse=True,
    )
    assert [row["not_met"] for row in themes] == [count for count in counts if count][: len(themes)]


def test_grades_by_month_agree_with_audits_counted_directly(cast, data):
    filters = service_filters()
    rows = dashboard_tables(DashboardScope("service"), filters)["grades"].rows
    assert len(rows) == 13  # twelve months and the total
    for row in rows[:-1]:
        month_audits = submitted().filter(held_on__year=row["month"].year, held_on__month=row["month"].month)
        for grade in GRADES:
            assert row[grade] == month_audits.filter(grade=grade).count(), (row["month"], grade)
    assert rows[-1]["graded"] == submitted().filter(**in_period(filters)).exclude(grade="").count()


def test_moderation_agreement_agrees_with_moderations_counted_directly(cast, data):
    filters = service_filters()
    rows = dashboard_tables(DashboardScope("service"), filters)["moderation"].rows
    moderations = Moderation.objects.filter(audit__in=submitted().filter(**in_period(filters)))
    assert rows[-1]["moderated"] == moderations.count() > 0
    assert rows[-1]["agreed"] == moderations.filter(agreed=True).count()


def test_coverage_counts_open_cases_with_a_submitted_record_in_the_last_6_and_12_months(cast, data):
    rows = dashboard_tables(DashboardScope("service"), service_filters())["coverage"].rows
    for row in rows[:-1]:
        cases = Case.objects.filter(team__name=row["team"], status=CaseStatus.OPEN)
        six = cases.filter(audits__in=submitted().filter(held_on__gte=add_months(TODAY, -6))).distinct().count()
        ever = cases.filter(audits__in=submitted()).distinct().count()
        assert (row["open_cases"], row["audited_6m"], row["never"]) == (cases.count(), six, cases.count() - ever)
    assert rows[-1]["open_cases"] == Case.objects.filter(status=CaseStatus.OPEN).count()


def test_trends_count_each_months_records(cast, data):
    filters = service_filters()
    rows = dashboard_tables(DashboardScope("service"), filters)["trends"].rows
    assert [row["month"] for row in rows] == filters.months
    for row in rows:
        assert (
            row["audits"]
            == submitted().filter(held_on__year=row["month"].year, held_on__month=row["month"].month).count()
        )


def test_the_never_audited_list_is_the_open_cases_without_a_submitted_record(cast, data):
    table = never_audited_table(
        user=cast["hos"], scope=DashboardScope("service"), filters=service_filters(), limit=None
    )
    expected = (
        Case.objects.filter(status=CaseStatus.OPEN).exclude(pk__in=submitted().values("case")).order_by("reference")
    )
    assert [row["reference"] for row in table.rows] == [case.reference for case in expected]
    assert table.rows, "the test data has never-audited cases"


#
# Who may open it, and what each sees
#


@pytest.mark.parametrize(
    "username,kind", [("hos", "service"), ("qa.admin", "service"), ("tm.cic", "teams"), ("scrutiny", "aggregate")]
)
def test_managers_service_wide_and_aggregate_roles_have_a_dashboard(cast, username, kind):
    assert dashboard_scope(cast[username]).kind == kind


@pytest.mark.parametrize("username", ["sw.assessment", "chair", "iro"])
def test_social_workers_chairs_and_iros_are_refused_the_dashboard(client, cast, username):
    client.force_login(cast[username])
    assert client.get("/dashboard/").status_code == 403
    assert client.get("/dashboard/export.csv?table=trends").status_code == 403
    assert b'href="/dashboard/"' not in client.get("/").content


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/dashboard/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


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


#
# Board and scrutiny: aggregates, small counts suppressed, no case identifier anywhere
#


def case_identifiers():
    for case in Case.objects.all():
        yield case.reference
        yield case.child_name
        yield case.date_of_birth.strftime("%d/%m/%Y")
        yield case.date_of_birth.isoformat()


def test_the_scrutiny_dashboard_and_every_export_hold_no_case_reference_or_childs_name(client, cast, data):
    client.force_login(cast["scrutiny"])
    pages = [client.get("/dashboard/")]
    pages += [client.get(f"/dashboard/export.csv?table={key}") for key in TABLE_KEYS if key != "never_audited"]
    pages += [client.get(f"/dashboard/report/?kind={kind}") for kind in ("management", "health-check")]
    for response in pages:
        assert response.status_code == 200
        text = response.content.decode()
        for identifier in case_identifiers():
            assert identifier not in text
        assert "/cases/" not in text
    assert pages[0].context["never_audited"] is None
    assert "Open cases never audited" not in pages[0].content.decode()


def test_scrutiny_may_not_export_the_never_audited_list(client, cast, data):
    client.force_login(cast["scrutiny"])
    assert client.get("/dashboard/export.csv?table=never_audited").status_code == 403


def csv_rows(client, path):
    return list(csv.reader(io.StringIO(client.get(path).content.decode())))


def test_small_counts_are_suppressed_for_scrutiny_and_shown_to_the_head_of_service(client, cast):
    build(cast, audits=3)
    client.force_login(cast["hos"])
    hos_rows = csv_rows(client, "/dashboard/export.csv?table=trends")
    client.force_login(cast["scrutiny"])
    scrutiny_rows = csv_rows(client, "/dashboard/export.csv?table=trends")
    assert SUPPRESSED_COUNT in client.get("/dashboard/").content.decode()
    column = hos_rows[0].index("Records held")
    counts = [int(row[column]) for row in hos_rows[1:]]
    assert any(0 < count < 5 for count in counts), "three records make small monthly counts"
    for count, scrutiny_row in zip(counts, scrutiny_rows[1:], strict=True):
        assert scrutiny_row[column] == (SUPPRESSED_COUNT if 0 < count < 5 else str(count))
        assert not scrutiny_row[hos_rows[0].index("Outcomes met")].endswith("%")  # built on a small count


def test_display_suppresses_counts_from_1_to_4_and_the_rates_built_on_them():
    assert display(0, "count", suppress=True) == "0"
    assert display(4, "count", suppress=True) == SUPPRESSED_COUNT
    assert display(4, "count", suppress=False) == "4"
    assert display(5, "count", suppress=True) == "5"
    assert display(Rate(3, 40), "rate", suppress=True) == SUPPRESSED_RATE
    assert display(Rate(36, 4 + 36), "rate", suppress=True) == "90%"
    assert display(Rate(3, 4), "rate", suppress=False) == "75%"
    assert display(Rate(0, 0), "rate", suppress=True) == "no data"


def test_charts_leave_out_what_the_table_suppresses_and_describe_themselves(cast):
    build(cast, audits=3)
    tables = dashboard_tables(DashboardScope("aggregate"), service_filters())
    charts = dashboard_charts(tables, suppress=True)
    assert all(not bar.drawn for bar in charts["timeliness_team"].bars)
    assert charts["trends"].title and charts["trends"].desc
    shown = dashboard_charts(tables, suppress=False)
    assert any(bar.drawn for bar in shown["timeliness_team"].bars)


def test_each_chart_is_an_image_with_a_title_and_its_table_beside_it(client, cast, data):
    client.force_login(cast["hos"])
    html = client.get("/dashboard/").content.decode()
    for key in ("timeliness_area", "timeliness_team", "outcomes_process", "themes", "coverage", "grades", "trends"):
        assert f'aria-labelledby="chart-{key}-title" aria-describedby="chart-{key}-desc"' in html
        assert f'<title id="chart-{key}-title">' in html
        assert f'id="{key}-table"' in html
    assert html.count('role="img"') == 7
    # The Content Security Policy allows no inline style or script: the charts use SVG attributes only.
    assert " style=" not in html and "<style" not in html and "<script>" not in html


#
# CSV, filters, reports
#


def test_each_table_downloads_as_csv_with_the_pages_figures(client, cast, data):
    client.force_login(cast["hos"])
    for key in TABLE_KEYS:
        response = client.get(f"/dashboard/export.csv?table={key}")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(client.get("/dashboard/export.csv?table=timeliness_team").content.decode())))
    page = client.get("/dashboard/").context["sections"]["timeliness_team"]
    assert rows[0] == [heading for heading, _ in page.headings]
    assert rows[1:] == [[text for text, _ in row] for row in page.rows]


def test_the_csv_honours_the_filters(client, cast, data):
    client.force_login(cast["hos"])
    team = cast.teams["yos"]
    rows = list(
        csv.reader(
            io.StringIO(client.get(f"/dashboard/export.csv?table=timeliness_team&team={team.pk}").content.decode())
        )
    )
    assert [row[0] for row in rows[1:]] == ["Youth Offending Service"]
    process = Process.objects.get(key="dash-lac")
    rows = list(
        csv.reader(
            io.StringIO(client.get("/dashboard/export.csv?table=outcomes_process&process=dash-lac").content.decode())
        )
    )
    assert [row[0] for row in rows[1:]] == [process.name]


def test_an_unknown_table_is_not_found(client, cast):
    client.force_login(cast["hos"])
    assert client.get("/dashboard/export.csv?table=children").status_code == 404


def test_exporting_the_never_audited_list_is_logged(client, cast, data):
    client.force_login(cast["tm.assessment"])
    response = client.get("/dashboard/export.csv?table=never_audited")
    references = [row[0] for row in csv.reader(io.StringIO(response.content.decode()))][1:]
    assert references
    logged = AccessLogEntry.objects.filter(user=cast["tm.assessment"], action=AccessAction.EXPORTED)
    assert sorted(logged.values_list("case__reference", flat=True)) == sorted(references)


def test_a_financial_year_period_covers_april_to_march():
    assert resolve_period("fy2025", TODAY) == (date(2025, 4, 1), date(2026, 3, 1))
    start, end = resolve_period("6m", date(2026, 11, 16))
    assert (start, end) == (date(2026, 6, 1), date(2026, 11, 1))


@pytest.mark.parametrize("kind,heading", [("management", "Management report"), ("health-check", "Annual health check")])
def test_the_printable_reports_show_the_periods_figures(client, cast, data, kind, heading):
    client.force_login(cast["hos"])
    response = client.get(f"/dashboard/report/?kind={kind}&period=12m")
    assert response.status_code == 200
    html = response.content.decode()
    assert heading in html and "Key figures" in html and 'id="timeliness_area-table"' in html
    assert "Show figures" not in html  # no filter form on paper
    if kind == "health-check":
        assert "What the figures say" in html


def test_the_report_command_writes_a_board_paper_without_case_identifiers(cast, data, tmp_path):
    output = tmp_path / "health-check.html"
    call_command(
        "dashboard_report", "--kind", "health-check", "--period", "12m", "--output", str(output), stdout=io.StringIO()
    )
    html = output.read_text()
    assert "Annual health check" in html
    for identifier in case_identifiers():
        assert identifier not in html


#
# The rollup: refresh, freshness, task, beat
#


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


def test_the_page_says_when_figures_were_never_worked_out(client, cast):
    client.force_login(cast["hos"])
    assert latest_refresh() is None
    assert b"have not been worked out yet" in client.get("/dashboard/").content


def test_the_refresh_task_runs_and_beat_runs_it_every_ten_minutes(cast, data):
    from dashboard.tasks import refresh_dashboard_task
    from qa_portal.celery import app

    assert refresh_dashboard_task.delay().get() > 0
    entry = app.conf.beat_schedule["refresh-dashboard"]
    assert entry["task"] == "dashboard.tasks.refresh_dashboard_task"


#
# Fixed number of queries
#


def queries_for(client, path):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


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
    large = queries_for(client, "/dashboard/")
    assert large == small, f"{username}: {small} queries with little data, {large} with more"
    assert queries_for(client, "/dashboard/export.csv?table=trends") == small_export


def test_the_never_audited_list_comes_a_page_at_a_time(cast, data):
    scope, filters = DashboardScope("service"), service_filters()
    every = never_audited_table(user=cast["hos"], scope=scope, filters=filters, limit=None).rows
    first = never_audited_table(user=cast["hos"], scope=scope, filters=filters, page=1, limit=2)
    second = never_audited_table(user=cast["hos"], scope=scope, filters=filters, page=2, limit=2)
    assert len(every) > 2 and first.has_next
    assert first.rows + second.rows == every[:4]


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


def test_trends_cover_the_12_months_to_the_periods_end_and_the_key_figures_the_period_only(cast, data):
    filters = service_filters("3m")
    tables = dashboard_tables(DashboardScope("service"), filters)
    rows = tables["trends"].rows
    assert len(rows) == 12 and rows[-1]["month"] == filters.end
    held = submitted().filter(**in_period(filters)).count()
    assert headline(tables["trends"])["audits"] == held < sum(row["audits"] for row in rows)


def test_the_commands_refuse_bad_arguments(tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--today"):
        call_command("refresh_dashboard", "--today", "yesterday", stdout=io.StringIO())
    with pytest.raises(CommandError, match="--period"):
        call_command("dashboard_report", "--period", "forever", "--output", str(tmp_path / "x.html"))
    assert not (tmp_path / "x.html").exists()
