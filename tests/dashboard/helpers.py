"""Helpers of the dashboard tests: the period filters, submitted audits, case identifiers, CSV rows."""

import csv
import io

from audits.choices import AuditStatus
from audits.models import Audit
from cases.models import Case
from dashboard.forms import Filters, resolve_period
from processes.timescales import add_months
from tests.dashboard.dashboard_data import TODAY


def service_filters(period="12m") -> Filters:
    start, end = resolve_period(period, TODAY)
    return Filters(start, end, "Last 12 months", period)


def in_period(filters, field="held_on"):
    return {f"{field}__gte": filters.start, f"{field}__lt": add_months(filters.end, 1)}


def submitted():
    return Audit.objects.exclude(status=AuditStatus.DRAFT).filter(held_on__isnull=False)


def case_identifiers():
    for case in Case.objects.all():
        yield case.reference
        yield case.child_name
        yield case.date_of_birth.strftime("%d/%m/%Y")
        yield case.date_of_birth.isoformat()


def csv_rows(client, path):
    return list(csv.reader(io.StringIO(client.get(path).getvalue().decode())))
