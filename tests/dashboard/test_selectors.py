"""The dashboard's figures (dashboard.selectors): every table agrees with counts taken straight from the
records, each role's scope, small counts suppressed, periods and the never-audited list's pages."""

from datetime import date

import pytest
from django.db.models import F

from audits.choices import Judgement
from audits.models import Finding, Moderation
from cases.choices import CaseStatus
from cases.models import Case
from dashboard.forms import resolve_period
from dashboard.scope import DashboardScope, dashboard_scope
from dashboard.selectors import dashboard_tables, headline, never_audited_table
from dashboard.services import rollup_refresh
from dashboard.tables import SUPPRESSED_COUNT, SUPPRESSED_RATE, Rate, display
from processes.models import RequiredOutcome
from processes.timescales import add_months
from tests.dashboard.dashboard_data import GRADES, TODAY
from tests.dashboard.helpers import (
    in_period,
    service_filters,
    submitted,
)
from timeliness.choices import DueStatus
from timeliness.models import DueItem

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("cast_once")]


def test_timeliness_by_team_agrees_with_due_items_counted_directly(cast, data):
    filters = service_filters()
    table = dashboard_tables(DashboardScope("service"), filters)["timeliness_team"]
    assert table.rows, "the test data has due items"
    for row in table.rows:
        items = DueItem.objects.filter(team__name=row["name"], **in_period(filters, "due_on"))
        on_time = items.filter(status=DueStatus.DONE, completed_on__lte=F("due_on")).count()
        late = items.filter(status=DueStatus.DONE, completed_on__gt=F("due_on")).count()
        overdue = items.filter(status=DueStatus.OPEN, due_on__lt=TODAY).count()
        missed = items.filter(status=DueStatus.MISSED).count()
        assert (row["on_time"], row["late"], row["overdue"], row["missed"]) == (on_time, late, overdue, missed)
        assert row["pending"] == items.filter(status=DueStatus.OPEN, due_on__gte=TODAY).count()
        assert row["rate"] == Rate(on_time, on_time + late + overdue + missed)


def test_an_item_missed_when_its_case_closed_counts_as_due_and_not_on_time(cast, data):
    filters = service_filters()
    before = {row["name"]: row for row in dashboard_tables(DashboardScope("service"), filters)["timeliness_team"].rows}
    overdue = DueItem.objects.filter(**in_period(filters, "due_on")).filter(status=DueStatus.OPEN, due_on__lt=TODAY)
    item = overdue.select_related("team").first()
    assert item is not None, "the test data has overdue items"
    DueItem.objects.filter(pk=item.pk).update(status=DueStatus.MISSED)
    rollup_refresh(today=TODAY)
    after = {row["name"]: row for row in dashboard_tables(DashboardScope("service"), filters)["timeliness_team"].rows}
    was, now = before[item.team.name], after[item.team.name]
    assert (now["overdue"], now["missed"]) == (was["overdue"] - 1, was["missed"] + 1)
    assert now["due"] == was["due"] and now["rate"] == was["rate"]  # owed all the same, and not on time


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


@pytest.mark.parametrize(
    "username,kind", [("hos", "service"), ("qa.admin", "service"), ("tm.cic", "teams"), ("scrutiny", "aggregate")]
)
def test_managers_service_wide_and_aggregate_roles_have_a_dashboard(cast, username, kind):
    assert dashboard_scope(cast[username]).kind == kind


def test_display_suppresses_counts_from_1_to_4_and_the_rates_built_on_them():
    assert display(0, "count", suppress=True) == "0"
    assert display(4, "count", suppress=True) == SUPPRESSED_COUNT
    assert display(4, "count", suppress=False) == "4"
    assert display(5, "count", suppress=True) == "5"
    assert display(Rate(3, 40), "rate", suppress=True) == SUPPRESSED_RATE
    assert display(Rate(36, 4 + 36), "rate", suppress=True) == "90%"
    assert display(Rate(3, 4), "rate", suppress=False) == "75%"
    assert display(Rate(0, 0), "rate", suppress=True) == "no data"


def test_a_financial_year_period_covers_april_to_march():
    assert resolve_period("fy2025", TODAY) == (date(2025, 4, 1), date(2026, 3, 1))
    start, end = resolve_period("6m", date(2026, 11, 16))
    assert (start, end) == (date(2026, 6, 1), date(2026, 11, 1))


def test_the_never_audited_list_comes_a_page_at_a_time(cast, data):
    scope, filters = DashboardScope("service"), service_filters()
    every = never_audited_table(user=cast["hos"], scope=scope, filters=filters, limit=None).rows
    first = never_audited_table(user=cast["hos"], scope=scope, filters=filters, page=1, limit=2)
    second = never_audited_table(user=cast["hos"], scope=scope, filters=filters, page=2, limit=2)
    assert len(every) > 2 and first.has_next
    assert first.rows + second.rows == every[:4]


def test_trends_cover_the_12_months_to_the_periods_end_and_the_key_figures_the_period_only(cast, data):
    filters = service_filters("3m")
    tables = dashboard_tables(DashboardScope("service"), filters)
    rows = tables["trends"].rows
    assert len(rows) == 12 and rows[-1]["month"] == filters.end
    held = submitted().filter(**in_period(filters)).count()
    assert headline(tables["trends"])["audits"] == held < sum(row["audits"] for row in rows)
