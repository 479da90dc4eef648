"""Project-wide service helpers: the heartbeat, and saving with history."""

from django.utils import timezone

from qa_portal.models import Heartbeat

BEAT_HEARTBEAT = "beat"


def heartbeat_record(*, name: str = BEAT_HEARTBEAT) -> Heartbeat:
    """Record that the periodic job `name` ran now."""
    heartbeat, _ = Heartbeat.objects.update_or_create(name=name, defaults={"last_seen_at": timezone.now()})
    return heartbeat
