import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from qa_portal.models import Heartbeat
from qa_portal.services import heartbeat_record

pytestmark = pytest.mark.django_db


def check_heartbeat(*args):
    out = io.StringIO()
    call_command("check_heartbeat", *args, stdout=out)
    return out.getvalue()


def test_check_heartbeat_fails_when_beat_has_never_run():
    with pytest.raises(CommandError, match="beat has never run"):
        check_heartbeat()


def test_check_heartbeat_passes_when_beat_ran_recently():
    heartbeat_record()
    assert "beat last ran 0 seconds ago" in check_heartbeat()


def test_check_heartbeat_fails_when_beat_is_late():
    Heartbeat.objects.create(name="beat", last_seen_at=timezone.now() - timedelta(minutes=10))
    with pytest.raises(CommandError, match="beat last ran 600 seconds ago"):
        check_heartbeat("--max-age", "300")
