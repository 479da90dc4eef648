"""The dashboard's reads: who sees which figures (scope), the filters, and every table of figures.

Figures come from the rollup tables (dashboard.models, rebuilt by dashboard.services), summed by
the database with GROUP BY; Python only divides the sums into rates and lays out the rows. Each
table is a `Table` (columns and rows); the page, its charts, the CSV export and the printed report
all render the same tables, through `Table.display_rows`, where small counts are suppressed for
board and scrutiny roles.

Scope (`dashboard_scope`, from the rule cases.scope.dashboard_reach):
- service-wide roles (head of service, QA administrator...): every team, and the never-audited list;
- team-scoped managers (team and threshold managers): the teams they manage and their own team,
  and those teams' never-audited cases;
- aggregate roles (board, scrutiny, management team): service-wide figures only, counts of 1 to 4
  shown as "fewer than 5" and rates built on them suppressed, no never-audited list, no case;
- everyone else (social workers, chairs, IROs): no dashboard (403). Their own work is on the home
  page and the due list; a team's figures are their manager's to read.
"""

from collections.abc import Iterator
from dataclasses import replace
from datetime import date

from django.db.models import Exists, OuterRef, Sum
from django.urls import reverse
from django.utils import timezone

from audits.choices import AuditStatus, Grade
from audits.models import Audit
from cases.choices import CaseStatus
from cases.models import Case
from core.csv_export import queryset_rows
from dashboard.forms import Filters
from dashboard.models import AuditRollup, CoverageRollup, DueRollup, FindingRollup
from dashboard.scope import DashboardScope
from dashboard.tables import Column, Rate, Table
from processes.timescales import add_months

THEMES_LIMIT = 10
NEVER_AUDITED_PAGE = 50


#
# Scope
#


#
# Filters
#


#
# Tables
#


def _scoped(model, scope: DashboardScope, filters: Filters, *, monthly=True, by_process=True):
    rows = model.objects.order_by()
    if monthly:
        rows = rows.filter(month__gte=filters.start, month__lte=filters.end)
    if scope.team_ids is not None:
        rows = rows.filter(team_id__in=scope.team_ids)
    if filters.team:
        rows = rows.filter(team=filters.team)
    if by_process:
        if filters.area:
            rows = rows.filter(process__area=filters.area)
        if filters.process:
            rows = rows.filter(process=filters.process)
    elif filters.area:
        rows = rows.filter(team__service_area=filters.area)
    return rows


TIMELINESS_COLUMNS = [
    Column("due", "Due", "count"),
    Column("on_time", "Done on time", "count"),
    Column("late", "Done late", "count"),
    Column("overdue", "Overdue", "count"),
    Column("missed", "Not done (closed)", "count"),
    Column("rate", "On-time rate", "rate", part="on_time", whole="due"),
    Column("pending", "Not yet due", "count"),
]
# Missed items (never done before the case closed or the episode ended) were owed: they count as due,
# and so against the on-time rate.
DUE_PARTS = ("on_time", "late", "overdue", "missed")
TIMELINESS_SUMS = [("due", DUE_PARTS)]
DIMENSIONS = {
    # key: (group by, label of a group, heading)
    "area": (("process__area__number", "process__area__title"), lambda r: r["process__area__title"], "Area"),
    "process": (
        ("process__area__number", "process__position", "process__name"),
        lambda r: r["process__name"],
        "Process",
    ),
    "team": (("team__name",), lambda r: r["team__name"] or "No team (service-wide records)", "Team"),
}


def timeliness_table(scope, filters, dimension: str) -> Table:
    group, label, heading = DIMENSIONS[dimension]
    groups = (
        _scoped(DueRollup, scope, filters)
        .values(*group)
        .annotate(**{part: Sum(part) for part in DUE_PARTS}, pending=Sum("pending"))
        .order_by(*group)
    )
    rows = []
    for group_row in groups:
        due = sum(group_row[part] for part in DUE_PARTS)
        rows.append(
            {
                "name": label(group_row),
                "due": due,
                "on_time": group_row["on_time"],
                "late": group_row["late"],
                "overdue": group_row["overdue"],
                "missed": group_row["missed"],
                "rate": Rate(group_row["on_time"], due),
                "pending": group_row["pending"],
            }
        )
    return Table(
        f"timeliness_{dimension}",
        f"Timeliness by {dimension}",
        f"Due items falling due in the period, by {dimension}",
        [Column("name", heading), *TIMELINESS_COLUMNS],
        rows,
        sums=TIMELINESS_SUMS,
    )


OUTCOME_COLUMNS = [
    Column("judged", "Judged", "count"),
    Column("met", "Met", "count"),
    Column("partly_met", "Partly met", "count"),
    Column("not_met", "Not met", "count"),
    Column("rate", "Met rate", "rate", part="met", whole="judged"),
]
OUTCOME_SUMS = [("judged", ("met", "partly_met", "not_met"))]


def _judgement_sums(rows):
    return rows.annotate(
        met=Sum("met"), partly_met=Sum("partly_met"), not_met=Sum("not_met"), not_applicable=Sum("not_applicable")
    )


def _outcome_row(name: dict, sums: dict) -> dict:
    judged = sums["met"] + sums["partly_met"] + sums["not_met"]
    return {
        **name,
        "judged": judged,
        "met": sums["met"],
        "partly_met": sums["partly_met"],
        "not_met": sums["not_met"],
        "rate": Rate(sums["met"], judged),
    }


def outcomes_by_process_table(scope, filters) -> Table:
    group = ("process__area__number", "process__position", "process__name")
    sums = _judgement_sums(_scoped(FindingRollup, scope, filters).values(*group)).order_by(*group)
    return Table(
        "outcomes_process",
        "Required outcomes met, by process",
        "Findings of records held in the period, by process (not applicable left out)",
        [Column("process", "Process"), *OUTCOME_COLUMNS],
        [_outcome_row({"process": row["process__name"]}, row) for row in sums],
        sums=OUTCOME_SUMS,
    )


def outcomes_by_outcome_table(scope, filters) -> Table:
    group = ("process__area__number", "process__position", "process__name", "outcome__position", "outcome__text")
    sums = _judgement_sums(_scoped(FindingRollup, scope, filters).values(*group)).order_by(*group)
    return Table(
        "outcomes_outcome",
        "Each required outcome",
        "Findings of records held in the period, by required outcome",
        [Column("process", "Process"), Column("outcome", "Required outcome"), *OUTCOME_COLUMNS],
        [_outcome_row({"process": row["process__name"], "outcome": row["outcome__text"]}, row) for row in sums],
        sums=OUTCOME_SUMS,
    )


def themes_table(scope, filters) -> Table:
    """Learning themes: the required outcomes most often judged not met."""
    group = ("outcome_id", "process__name", "outcome__text")
    sums = (
        _judgement_sums(_scoped(FindingRollup, scope, filters).values(*group))
        .filter(not_met__gt=0)
        .order_by("-not_met", "-partly_met", "outcome_id")[:THEMES_LIMIT]
    )
    rows = []
    for rank, row in enumerate(sums, start=1):
        outcome = _outcome_row(
            {"rank": str(rank), "process": row["process__name"], "outcome": row["outcome__text"]}, row
        )
        outcome["not_met_rate"] = Rate(row["not_met"], outcome["judged"])
        rows.append(outcome)
    return Table(
        "themes",
        "Learning themes",
        f"The {THEMES_LIMIT} required outcomes most often not met in the period",
        [
            Column("rank", "Rank"),
            Column("process", "Process"),
            Column("outcome", "Required outcome"),
            Column("not_met", "Not met", "count"),
            Column("partly_met", "Partly met", "count"),
            Column("judged", "Judged", "count"),
            Column("not_met_rate", "Not-met rate", "rate", part="not_met", whole="judged"),
        ],
        rows,
        sums=OUTCOME_SUMS,  # "met" is never shown here, but with the rest it is judged
    )


GRADES = [
    (Grade.OUTSTANDING, "Outstanding"),
    (Grade.GOOD, "Good"),
    (Grade.REQUIRES_IMPROVEMENT, "Requires improvement"),
    (Grade.INADEQUATE, "Inadequate"),
]


def grades_table(scope, filters) -> Table:
    counts = {
        (row["month"], row["grade"]): row["audits"]
        for row in _scoped(AuditRollup, scope, filters)
        .exclude(grade="")
        .values("month", "grade")
        .annotate(audits=Sum("audits"))
    }
    rows = []
    for month in filters.months:
        row = {"month": month, **{grade: counts.get((month, grade), 0) for grade, _ in GRADES}}
        row["graded"] = sum(row[grade] for grade, _ in GRADES)
        rows.append(row)
    totals = {"month": None, **{grade: sum(r[grade] for r in rows) for grade, _ in GRADES}}
    totals["graded"] = sum(r["graded"] for r in rows)
    rows.append({**totals, "month_label": "All months"})
    for row in rows:
        row["month_label"] = row.get("month_label") or row["month"].strftime("%b %Y")
        for grade, _ in GRADES:
            row[f"{grade}_rate"] = Rate(row[grade], row["graded"])
    return Table(
        "grades",
        "Grades by month",
        "Graded records held in the period, by month and grade",
        [
            Column("month_label", "Month"),
            *[Column(grade, label, "count") for grade, label in GRADES],
            Column("graded", "Graded", "count"),
        ],
        rows,
        sums=[("graded", tuple(grade for grade, _ in GRADES))],
        total_row=True,
        column_totals=(*[grade for grade, _ in GRADES], "graded"),
    )


def moderation_table(scope, filters) -> Table:
    group = ("process__area__number", "process__position", "process__name")
    sums = (
        _scoped(AuditRollup, scope, filters)
        .values(*group)
        .annotate(moderated=Sum("moderated"), agreed=Sum("agreed"))
        .filter(moderated__gt=0)
        .order_by(*group)
    )
    rows = [
        {
            "process": row["process__name"],
            "moderated": row["moderated"],
            "agreed": row["agreed"],
            "changed": row["moderated"] - row["agreed"],
            "rate": Rate(row["agreed"], row["moderated"]),
        }
        for row in sums
    ]
    if rows:
        moderated, agreed = sum(r["moderated"] for r in rows), sum(r["agreed"] for r in rows)
        rows.append(
            {
                "process": "All processes",
                "moderated": moderated,
                "agreed": agreed,
                "changed": moderated - agreed,
                "rate": Rate(agreed, moderated),
            }
        )
    return Table(
        "moderation",
        "Moderation agreement",
        "Moderated records held in the period: how often the moderator agreed with the grade",
        [
            Column("process", "Process"),
            Column("moderated", "Moderated", "count"),
            Column("agreed", "Agreed", "count"),
            Column("changed", "Grade changed", "count"),
            Column("rate", "Agreement rate", "rate", part="agreed", whole="moderated"),
        ],
        rows,
        sums=[("moderated", ("agreed", "changed"))],
        total_row=bool(rows),
        column_totals=("moderated", "agreed", "changed"),
    )


TREND_MONTHS = 12


def trends_table(scope, filters) -> Table:
    """The 12 months to the period's last month, whatever the period (a shorter period's months are among
    them; the key figures sum only the period's)."""
    period_start = filters.start
    filters = replace(filters, start=min(filters.start, add_months(filters.end, 1 - TREND_MONTHS)))
    due = {
        row["month"]: row
        for row in _scoped(DueRollup, scope, filters)
        .values("month")
        .annotate(**{part: Sum(part) for part in DUE_PARTS})
    }
    audits = {
        row["month"]: row
        for row in _scoped(AuditRollup, scope, filters)
        .values("month")
        .annotate(audits=Sum("audits"), moderated=Sum("moderated"), agreed=Sum("agreed"))
    }
    findings = {row["month"]: row for row in _judgement_sums(_scoped(FindingRollup, scope, filters).values("month"))}
    rows = []
    for month in filters.months:
        d = due.get(month, dict.fromkeys(DUE_PARTS, 0))
        a = audits.get(month, {"audits": 0, "moderated": 0, "agreed": 0})
        f = findings.get(month, {"met": 0, "partly_met": 0, "not_met": 0})
        counts = {
            "on_time": d["on_time"],
            "late": d["late"],
            "overdue": d["overdue"],
            "missed": d["missed"],
            "audits": a["audits"],
            "moderated": a["moderated"],
            "agreed": a["agreed"],
            "met": f["met"],
            "judged": f["met"] + f["partly_met"] + f["not_met"],
        }
        rows.append({"month": month, "in_period": month >= period_start, **_trend_figures(counts)})
    in_period = [index for index, row in enumerate(rows) if row["in_period"]]
    period = _trend_figures({key: sum(rows[index][key] for index in in_period) for key in TREND_COUNTS})
    return Table(
        "trends",
        "Trends by month",
        f"The {TREND_MONTHS} months to {filters.end:%B %Y}: timeliness, records, outcomes met and moderation agreement",
        [
            Column("month", "Month", "month"),
            Column("due", "Due", "count"),
            Column("on_time_rate", "On-time rate", "rate", part="on_time", whole="due"),
            Column("overdue", "Overdue", "count"),
            Column("audits", "Records held", "count"),
            Column("met_rate", "Outcomes met", "rate", part="met", whole="judged"),
            Column("agreement_rate", "Moderation agreement", "rate", part="agreed", whole="moderated"),
        ],
        rows,
        sums=[("due", DUE_PARTS)],
        column_totals=("due", *TREND_COUNTS),
        # The headline's totals: the period's months summed, protected with the months they sum.
        footer=period,
        footer_of=in_period,
    )


TREND_COUNTS = ("on_time", "late", "overdue", "missed", "audits", "moderated", "agreed", "met", "judged")


def _trend_figures(counts: dict) -> dict:
    due = sum(counts[part] for part in DUE_PARTS)
    return {
        **counts,
        "due": due,
        "on_time_rate": Rate(counts["on_time"], due),
        "met_rate": Rate(counts["met"], counts["judged"]),
        "agreement_rate": Rate(counts["agreed"], counts["moderated"]),
    }


def headline(trends: Table) -> dict:
    """The period's totals, summed from the trend rows (no further query): the table's footer."""
    return {key: trends.footer[key] for key in ("on_time_rate", "overdue", "audits", "met_rate", "agreement_rate")}


def coverage_table(scope, filters) -> Table:
    sums = (
        _scoped(CoverageRollup, scope, filters, monthly=False, by_process=False)
        .values("team__name")
        .annotate(
            open_cases=Sum("open_cases"),
            audited_6m=Sum("audited_6m"),
            audited_12m=Sum("audited_12m"),
            audited_ever=Sum("audited_ever"),
        )
        .order_by("team__name")
    )
    rows = [_coverage_row(row["team__name"], row) for row in sums]
    if rows:
        rows.append(
            _coverage_row(
                "All teams",
                {key: sum(r[key] for r in rows) for key in ("open_cases", "audited_6m", "audited_12m", "audited_ever")},
            )
        )
    return Table(
        "coverage",
        "Audit coverage",
        "Open cases with a submitted record held in the last 6 and 12 months (on the day the figures were made)",
        [
            Column("team", "Team"),
            Column("open_cases", "Open cases", "count"),
            Column("audited_6m", "Audited in 6 months", "count"),
            Column("rate_6m", "Share in 6 months", "rate", part="audited_6m", whole="open_cases"),
            Column("audited_12m", "Audited in 12 months", "count"),
            Column("rate_12m", "Share in 12 months", "rate", part="audited_12m", whole="open_cases"),
            Column("never", "Never audited", "count"),
        ],
        rows,
        sums=[("open_cases", ("audited_ever", "never"))],
        total_row=bool(rows),
        column_totals=("open_cases", "audited_6m", "audited_12m", "audited_ever", "never"),
        note="Coverage follows the team and area filters only: it is about cases, not one process or period.",
    )


def _coverage_row(team: str, sums: dict) -> dict:
    return {
        "team": team,
        "open_cases": sums["open_cases"],
        "audited_6m": sums["audited_6m"],
        "audited_12m": sums["audited_12m"],
        "audited_ever": sums["audited_ever"],
        "rate_6m": Rate(sums["audited_6m"], sums["open_cases"]),
        "rate_12m": Rate(sums["audited_12m"], sums["open_cases"]),
        "never": sums["open_cases"] - sums["audited_ever"],
    }


#
# The never-audited list (managers and service-wide roles only): live, one page at a time
#


def never_audited_cases(*, user, scope: DashboardScope, filters: Filters):
    """Open cases in the user's scope with no submitted record ever, by reference. Never for aggregate
    roles (Case.objects.for_user gives them none in any case)."""
    if not scope.may_list_cases:
        return Case.objects.none()
    cases = Case.objects.for_user(user).filter(status=CaseStatus.OPEN)
    if scope.team_ids is not None:
        cases = cases.filter(team_id__in=scope.team_ids)
    if filters.team:
        cases = cases.filter(team=filters.team)
    if filters.area:
        cases = cases.filter(team__service_area=filters.area)
    submitted = Audit.objects.filter(case=OuterRef("pk"), held_on__isnull=False).exclude(status=AuditStatus.DRAFT)
    return cases.filter(~Exists(submitted)).order_by("reference")


def never_audited_table(*, user, scope, filters, page: int = 1, limit: int | None = NEVER_AUDITED_PAGE) -> Table:
    """One page (limit + 1 rows read, to know whether another follows), or every row when limit is None."""
    cases = never_audited_cases(user=user, scope=scope, filters=filters).values("pk", "reference", "team__name")
    if limit is not None:
        start = (page - 1) * limit
        cases = cases[start : start + limit + 1]
    rows = [{"pk": case["pk"], "reference": case["reference"], "team": case["team__name"]} for case in cases]
    has_next = limit is not None and len(rows) > limit
    rows = rows[:limit] if has_next else rows
    return _never_audited_frame(
        rows, links=[reverse("cases:case_detail", kwargs={"pk": row["pk"]}) for row in rows], has_next=has_next
    )


def _never_audited_frame(rows, *, links, has_next) -> Table:
    return Table(
        "never_audited",
        "Open cases never audited",
        "Open cases with no submitted record, by reference",
        [Column("reference", "Case reference"), Column("team", "Team")],
        rows,
        links=links,
        has_next=has_next,
    )


def never_audited_export(*, user, scope, filters) -> tuple[Table, Iterator[tuple]]:
    """The never-audited table's title and columns (no rows), and every row of it as (reference, team),
    read through a server-side cursor as the CSV streams: a service may have tens of thousands."""
    cases = never_audited_cases(user=user, scope=scope, filters=filters).values_list("reference", "team__name")
    return _never_audited_frame([], links=[], has_next=False), queryset_rows(cases)


#
# Everything on the page
#


def _protected(build):
    """A table builder whose tables, for an aggregate audience, hide small counts and the cells that
    would give them away (Table.protect): every page, chart, CSV and report gets them so."""

    def protected(scope, filters) -> Table:
        table = build(scope, filters)
        return table.protect() if scope.aggregate else table

    return protected


TABLE_BUILDERS = {
    key: _protected(build)
    for key, build in {
        "timeliness_area": lambda scope, filters: timeliness_table(scope, filters, "area"),
        "timeliness_process": lambda scope, filters: timeliness_table(scope, filters, "process"),
        "timeliness_team": lambda scope, filters: timeliness_table(scope, filters, "team"),
        "outcomes_process": outcomes_by_process_table,
        "outcomes_outcome": outcomes_by_outcome_table,
        "themes": themes_table,
        "grades": grades_table,
        "moderation": moderation_table,
        "coverage": coverage_table,
        "trends": trends_table,
    }.items()
}
TABLE_KEYS = [*TABLE_BUILDERS, "never_audited"]


def dashboard_tables(scope, filters) -> dict[str, Table]:
    return {key: build(scope, filters) for key, build in TABLE_BUILDERS.items()}


def today() -> date:
    return timezone.localdate()
