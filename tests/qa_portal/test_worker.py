"""A real Celery worker on the configured broker runs the heartbeat (skipped without Redis)."""

import os
import time

import pytest

from qa_portal.models import Heartbeat
from qa_portal.tasks import heartbeat

BROKER = os.environ.get("CELERY_BROKER_URL", "")

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.skipif(not BROKER.startswith("redis://"), reason="needs CELERY_BROKER_URL=redis://..."),
]


def wait_for(condition, seconds=20):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_a_worker_on_redis_runs_the_heartbeat_sent_through_the_broker(real_worker):
    heartbeat.apply_async()
    assert wait_for(lambda: Heartbeat.objects.filter(name="beat").exists())
