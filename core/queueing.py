"""Send a Celery task once the request's transaction commits, without turning a broker outage into an
error page.

The database is the source of truth: what a request queues is already recorded in a row (an import
job waiting to be checked, a password reset that is only ever a courtesy), and what the broker loses
is picked up again from the database (cases.tasks.case_import_resend for the import). So a send that
fails because Redis is down is logged, as a warning naming the task and never its arguments (they may
be an email address), and the request answers as it would have.
"""

import logging

from django.db import transaction
from kombu.exceptions import OperationalError

try:  # the Redis transport's own error, raised before kombu wraps it on some paths
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError
except ImportError:  # pragma: no cover - the filesystem broker of `make run`
    RedisConnectionError = RedisTimeoutError = OperationalError

logger = logging.getLogger(__name__)

BROKER_ERRORS = (OperationalError, RedisConnectionError, RedisTimeoutError, ConnectionError)


def send_now(task, *args) -> bool:
    """Send `task(*args)` to the broker, once and without retrying (a request must not wait seconds on
    a broker that is down). False, with a warning logged, when the broker cannot be reached."""
    try:
        task.apply_async(args, retry=False)
    except BROKER_ERRORS:
        logger.warning("Broker unavailable: %s not sent", task.name)
        return False
    return True


def send_after_commit(task, *args) -> None:
    """Send `task(*args)` once the current transaction commits (at once outside one), tolerating a
    broker outage as `send_now` does."""
    transaction.on_commit(lambda: send_now(task, *args))
