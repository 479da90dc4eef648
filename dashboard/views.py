"""The dashboard (/dashboard/), its CSV exports (/dashboard/export.csv?table=...) and the printable
report (/dashboard/report/?kind=management|health-check).

Anonymous -> sign in; a role without a dashboard (dashboard.selectors.dashboard_scope) -> 403; a filter
naming a team outside the scope is bad input (400, the form's error). Every figure comes from the
selectors in dashboard.selectors, which read the rollup tables, so each page runs the same few queries
whatever the number of records.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.text import slugify

from cases.services import access_log_record_export
from core.csv_export import csv_response
from core.paging import page_number
from dashboard.charts import dashboard_sections
from dashboard.forms import DashboardFilterForm
from dashboard.reports import REPORT_KINDS, report_context
from dashboard.scope import dashboard_scope
from dashboard.selectors import (
    TABLE_BUILDERS,
    TABLE_KEYS,
    dashboard_tables,
    headline,
    never_audited_cases,
    never_audited_export,
    never_audited_table,
    today,
)
from dashboard.services import latest_refresh


def _scope_and_form(request):
    scope = dashboard_scope(request.user)
    if scope is None:
        raise PermissionDenied
    form = DashboardFilterForm(request.GET or None, scope=scope, today=today())
    return scope, form


def _filter_query(request) -> str:
    query = request.GET.copy()
    for name in ("page", "table", "kind"):
        query.pop(name, None)
    return query.urlencode()


@login_required
def dashboard(request):
    scope, form = _scope_and_form(request)
    invalid = form.is_bound and not form.is_valid()
    filters = form.filters()
    tables = dashboard_tables(scope, filters)
    sections = dashboard_sections(tables, suppress=scope.aggregate)
    never_audited = None
    if scope.may_list_cases:
        page = page_number(request)
        table = never_audited_table(user=request.user, scope=scope, filters=filters, page=page)
        never_audited = {
            "section": dashboard_sections({table.key: table}, suppress=False)[table.key],
            "page": page,
            "has_next": table.has_next,
        }
    return render(
        request,
        "dashboard/dashboard.html",
        {
            "form": form,
            "scope": scope,
            "filters": filters,
            "refresh": latest_refresh(),
            "sections": sections,
            "headline": headline(tables["trends"]),
            "never_audited": never_audited,
            "suppress": scope.aggregate,
            "query": _filter_query(request),
        },
        status=400 if invalid else 200,
    )


@login_required
def dashboard_export(request):
    """One table as CSV, with the page's filters, scope and suppression. The never-audited list
    names cases: it is for those who may see them, and each export is in the access log."""
    scope, form = _scope_and_form(request)
    key = request.GET.get("table", "")
    if key not in TABLE_KEYS:
        raise Http404("No such table")
    if form.is_bound and not form.is_valid():
        return HttpResponse("Bad filters: " + "; ".join(form.errors), status=400, content_type="text/plain")
    filters = form.filters()
    if key == "never_audited":
        if not scope.may_list_cases:
            raise PermissionDenied
        cases = never_audited_cases(user=request.user, scope=scope, filters=filters)
        access_log_record_export(user=request.user, queryset=cases, case_field="pk", path=request.path)
        table, rows = never_audited_export(user=request.user, scope=scope, filters=filters)
    else:
        table = TABLE_BUILDERS[key](scope, filters)
        rows = table.display_rows(suppress=scope.aggregate)
    return csv_response(
        f"{slugify(table.title)}-{filters.period}",
        [column.heading for column in table.columns],
        rows,
        # Named by table and period, without a time stamp: as it has always been.
        stamped=False,
    )


@login_required
def dashboard_report(request):
    """A printable report of a period for board papers: the management report or the annual health check."""
    scope, form = _scope_and_form(request)
    kind = request.GET.get("kind", "management")
    if kind not in REPORT_KINDS:
        raise Http404("No such report")
    if form.is_bound and not form.is_valid():
        return render(request, "dashboard/report.html", {"form": form, "invalid": True, "kind": kind}, status=400)
    return render(request, "dashboard/report.html", report_context(scope, form.filters(), kind))
