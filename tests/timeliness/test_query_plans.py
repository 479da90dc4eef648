"""The due list, the home page and the escalated list read due items and reminders by index, for every
kind of user: under enable_seqscan = off, no query of these pages plans a sequential scan of either
table (tests/explain.py). Such a scan would mean no index serves the query, and its cost would then
hang on the planner's statistics (a full read of two million items when they are stale)."""

from datetime import date

import pytest
from django.db import connection
from django.utils import timezone

from processes.models import Process
from tests.explain import seq_scanned_tables
from tests.queries import queries_for
from timeliness.choices import ReminderStage
from timeliness.models import DueItem, Reminder
from timeliness.planning import plan_due_items

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("catalogue_once", "cast_once"),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="reads PostgreSQL's plans"),
]

TODAY = date(2026, 12, 14)
TABLES = {DueItem._meta.db_table, Reminder._meta.db_table}
PAGES = ["/", "/due/", "/due/?overdue=on", "/due/?status=open", "/due/?mine=escalated&status=open"]
USERS = ["hos", "qa.admin", "tm.cic", "sw.assessment"]


@pytest.fixture
def planned(cast):
    plan_due_items(today=TODAY, horizon_days=90)
    process = Process.objects.get(key="cic-statutory-visits")
    # Escalations to a team manager and to the head of service, on an item of each one's scope.
    for n, to in enumerate(["tm.cic", "hos"]):
        item = DueItem.objects.create(
            key=f"escalated:{n}",
            process=process,
            case=cast.cases["cic"],
            team=cast.teams["cic"],
            due_on=date(2026, 1, 1),
            responsible=cast["tm.cic"],
        )
        Reminder.objects.create(
            due_item=item, stage=ReminderStage.ESCALATED, recipient=cast[to], sent_at=timezone.now()
        )
    return cast


def _scans(client, path):
    """(query, tables it scans) for each SELECT of the page that reads due items or reminders."""
    found = []
    for query in queries_for(client, path).captured_queries:
        sql = query["sql"]
        if sql.lstrip().upper().startswith("SELECT") and any(f'"{table}"' in sql for table in TABLES):
            found.append((sql, seq_scanned_tables(sql) & TABLES))
    return found


@pytest.mark.parametrize("username", USERS)
@pytest.mark.parametrize("path", PAGES)
def test_no_query_of_the_page_reads_due_items_or_reminders_by_a_sequential_scan(client, planned, username, path):
    client.force_login(planned[username])
    scans = _scans(client, path)
    assert scans, f"{path} read no due item: the test would prove nothing"
    assert [(sql, tables) for sql, tables in scans if tables] == []


@pytest.mark.parametrize("username", ["hos", "tm.cic"])
def test_a_deep_page_of_the_due_list_is_read_by_index_too(client, planned, username):
    client.force_login(planned[username])
    first = DueItem.objects.order_by("due_on", "pk").first()
    scans = _scans(client, f"/due/?after={first.due_on.isoformat()}.{first.pk}")
    assert scans and [(sql, tables) for sql, tables in scans if tables] == []


def test_the_helper_names_a_table_no_index_serves(planned):
    # The check can fail: a filter on a column no index leads with must be a sequential scan.
    sql = f'SELECT id FROM "{DueItem._meta.db_table}" WHERE completed_on = %s'  # noqa: S608 (the model's table name)
    assert seq_scanned_tables(sql, [TODAY]) == {DueItem._meta.db_table}
