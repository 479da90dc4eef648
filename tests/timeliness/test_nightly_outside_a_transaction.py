"""The nightly planning runs as the command does, outside any transaction (the other planning tests run
inside the test's): its repair of a closed case's open items takes its own locks, batch by batch."""

import io
from datetime import date

import pytest
from django.core.management import call_command

from timeliness.choices import DueStatus
from timeliness.models import DueItem

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_nightly_command_closes_what_a_closed_case_left_open_outside_a_transaction(cast):
    call_command("load_processes", stdout=io.StringIO())
    call_command("plan_due_items", "--today", "2026-11-01", "--horizon", "60", stdout=io.StringIO())
    case = cast.cases["cic"]
    assert DueItem.objects.filter(case=case, status=DueStatus.OPEN).exists()
    # The case closes with its signal lost (as if written before the upgrade): only the repair closes its items.
    type(case).objects.filter(pk=case.pk).update(status="closed", closed_on=date(2026, 11, 2))
    call_command("plan_due_items", "--today", "2026-11-03", "--horizon", "60", stdout=io.StringIO())
    assert not DueItem.objects.filter(case=case, status=DueStatus.OPEN).exists()
    assert DueItem.objects.filter(case=case, status=DueStatus.MISSED).exists()


def test_the_nightly_planner_commits_without_waiting_for_the_disk_and_a_persons_transaction_still_waits(cast):
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from timeliness.planning import plan_due_items

    call_command("load_processes", stdout=io.StringIO())
    with CaptureQueriesContext(connection) as nightly:
        plan_due_items(today=date(2026, 11, 1), horizon_days=60)
    unflushed = [query for query in nightly.captured_queries if "synchronous_commit" in query["sql"]]
    assert unflushed and all(query["sql"].startswith("SET LOCAL") for query in unflushed)
    DueItem.objects.all().delete()
    with transaction.atomic(), CaptureQueriesContext(connection) as inside:
        # as when a record's submission replans inside the transaction that holds what a person typed
        plan_due_items(today=date(2026, 11, 1), horizon_days=60)
    assert not [query for query in inside.captured_queries if "synchronous_commit" in query["sql"]]
