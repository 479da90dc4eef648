"""The nightly planning splits the cases between threads on PostgreSQL, each with its own connection:
what it plans is what one thread plans, item for item, and it leaves no connection open."""

import io
from datetime import date

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from timeliness import planning
from timeliness.models import DueItem

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="threads plan only on PostgreSQL"),
]

TODAY = date(2026, 11, 1)


def planned() -> list[tuple]:
    return list(
        DueItem.objects.order_by("key").values_list(
            "key", "due_on", "case_id", "episode_id", "status", "responsible_id", "responsible_role_id", "met_by"
        )
    )


def test_planning_in_two_threads_plans_what_one_thread_plans_item_for_item(cast, monkeypatch, settings):
    call_command("load_processes", stdout=io.StringIO())
    with transaction.atomic():  # inside a transaction the planner keeps to one thread; then undone
        planning.plan_due_items(today=TODAY, horizon_days=60)
        in_one_thread = planned()
        transaction.set_rollback(True)
    assert in_one_thread and not DueItem.objects.exists()

    ranges = []
    real = planning._in_own_connection

    def spy(bounds, **kwargs):
        ranges.append(bounds)
        real(bounds, **kwargs)

    monkeypatch.setattr(planning, "MIN_CASES_PER_WORKER", 1)
    monkeypatch.setattr(planning, "_in_own_connection", spy)
    settings.DUE_PLANNING_WORKERS = 2
    stats = planning.PlanStats()
    created = planning.plan_due_items(today=TODAY, horizon_days=60, stats=stats)

    assert len(ranges) == 2 and ranges[0][1] == ranges[1][0]  # (after, up to]: adjoining, sharing no case
    assert planned() == in_one_thread
    assert created == len(in_one_thread) and stats.queries > 0
    # Every new item has its one "+" history row, as from one thread.
    assert DueItem.history.filter(history_type="+").count() == len(in_one_thread)


def test_the_threads_close_their_connections_when_their_range_is_done(cast, monkeypatch, settings):
    call_command("load_processes", stdout=io.StringIO())
    monkeypatch.setattr(planning, "MIN_CASES_PER_WORKER", 1)
    settings.DUE_PLANNING_WORKERS = 2

    def sessions() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()")
            return cursor.fetchone()[0]

    before = sessions()
    planning.plan_due_items(today=TODAY, horizon_days=60)
    assert sessions() == before


def test_too_few_cases_are_planned_in_one_thread(cast, settings):
    settings.DUE_PLANNING_WORKERS = 2
    assert planning._case_ranges(2) == [(None, None)]  # the cast's few cases: no thread is worth it
