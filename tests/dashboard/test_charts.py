"""The dashboard's charts (dashboard.charts): what the table suppresses stays out of the chart."""

import pytest

from dashboard.charts import dashboard_charts
from dashboard.scope import DashboardScope
from dashboard.selectors import dashboard_tables
from tests.dashboard.dashboard_data import build
from tests.dashboard.helpers import (
    service_filters,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("cast_once")]


def test_charts_leave_out_what_the_table_suppresses_and_describe_themselves(cast):
    build(cast, audits=3)
    tables = dashboard_tables(DashboardScope("aggregate"), service_filters())
    charts = dashboard_charts(tables, suppress=True)
    assert all(not bar.drawn for bar in charts["timeliness_team"].bars)
    assert charts["trends"].title and charts["trends"].desc
    shown = dashboard_charts(tables, suppress=False)
    assert any(bar.drawn for bar in shown["timeliness_team"].bars)
