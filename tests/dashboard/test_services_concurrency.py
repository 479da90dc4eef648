"""Two rollup rebuilds at once (beat's task and an operator's command) leave one set of figures, not
two: the rebuild locks the rollup tables (PostgreSQL; SQLite writes one transaction at a time)."""

import threading

import pytest
from django.db import connection, connections

from dashboard.models import AuditRollup, DueRollup, FindingRollup
from dashboard.services import rollup_refresh
from tests.cast import build_cast
from tests.dashboard.dashboard_data import TODAY, build

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locking is PostgreSQL's"),
]


def test_overlapping_rebuilds_leave_one_set_of_figures():
    build(build_cast(), audits=30)
    single = (AuditRollup.objects.count(), FindingRollup.objects.count(), DueRollup.objects.count())
    barrier = threading.Barrier(2)
    errors = []

    def rebuild():
        try:
            barrier.wait()
            rollup_refresh(today=TODAY)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=rebuild) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    assert (AuditRollup.objects.count(), FindingRollup.objects.count(), DueRollup.objects.count()) == single
