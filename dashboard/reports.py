"""The printable reports of a period, for board papers: the management report (every table of the
dashboard) and the annual health check (the year's key figures, what they say, and the tables behind
them). The web page (/dashboard/report/) and the `dashboard_report` command render the same
template from `report_context`; neither names a case.
"""

from django.template.loader import render_to_string

from dashboard.charts import dashboard_sections
from dashboard.forms import Filters
from dashboard.scope import DashboardScope
from dashboard.selectors import dashboard_tables, headline
from dashboard.services import latest_refresh
from dashboard.tables import display, shown_percent

REPORT_KINDS = {
    "management": "Management report",
    "health-check": "Annual health check",
}
MANAGEMENT_TABLES = [
    "trends",
    "timeliness_area",
    "timeliness_team",
    "timeliness_process",
    "outcomes_process",
    "themes",
    "grades",
    "moderation",
    "coverage",
]
HEALTH_CHECK_TABLES = ["timeliness_area", "outcomes_process", "themes", "grades", "moderation", "coverage", "trends"]


def report_context(scope: DashboardScope, filters: Filters, kind: str) -> dict:
    tables = dashboard_tables(scope, filters)
    suppress = scope.aggregate
    sections = dashboard_sections(tables, suppress=suppress)
    keys = MANAGEMENT_TABLES if kind == "management" else HEALTH_CHECK_TABLES
    return {
        "kind": kind,
        "title": REPORT_KINDS[kind],
        "filters": filters,
        "scope": scope,
        "suppress": suppress,
        "refresh": latest_refresh(),
        "headline": headline(tables["trends"]),
        "sections": [sections[key] for key in keys],
        "findings": key_findings(tables, suppress=suppress) if kind == "health-check" else [],
    }


def key_findings(tables, *, suppress: bool) -> list[str]:
    """Plain sentences drawn from the figures: strongest and weakest areas for timeliness, the most
    common learning themes, coverage and moderation. Only figures the tables show are quoted."""
    sentences = []
    areas = [(shown_percent(row["rate"], suppress=suppress), row["name"]) for row in tables["timeliness_area"].rows]
    areas = sorted((percent, name) for percent, name in areas if percent is not None)
    if areas:
        sentences.append(f"Most timely area: {areas[-1][1]} ({round(areas[-1][0])}% of due records on time).")
        if len(areas) > 1:
            sentences.append(f"Least timely area: {areas[0][1]} ({round(areas[0][0])}% on time).")
    themes = tables["themes"].rows[:3]
    if themes:
        listed = "; ".join(
            f"{row['outcome']} ({row['process']}, not met {display(row['not_met'], 'count', suppress=suppress)})"
            for row in themes
        )
        sentences.append(f"Outcomes most often not met: {listed}.")
    coverage = tables["coverage"].rows
    if coverage:
        total = coverage[-1]
        sentences.append(
            f"Open cases audited in the last 12 months: {display(total['rate_12m'], 'rate', suppress=suppress)} "
            f"of {display(total['open_cases'], 'count', suppress=suppress)}."
        )
    moderation = tables["moderation"].rows
    if moderation:
        sentences.append(
            f"Moderators agreed with the grade in {display(moderation[-1]['rate'], 'rate', suppress=suppress)} "
            "of moderated records."
        )
    return sentences


def report_html(scope: DashboardScope, filters: Filters, kind: str) -> str:
    """The report as a whole HTML page (for the command, which has no request)."""
    from django.conf import settings

    context = report_context(scope, filters, kind)
    context.update(
        {
            "SERVICE_NAME": settings.SERVICE_NAME,
            "ORGANISATION_NAME": settings.ORGANISATION_NAME,
            "PHASE": settings.PHASE,
            "standalone": True,
        }
    )
    return render_to_string("dashboard/report.html", context)
