"""A broker outage for the tests: the Celery app pointed at a Redis port nothing listens on."""

import os
from contextlib import contextmanager
from unittest import mock

from qa_portal.celery import app

NOTHING_LISTENS = "redis://127.0.0.1:6399/0"


@contextmanager
def broker_down():
    """The app pointed at a Redis port nothing listens on, with tasks really sent (not run eagerly)."""
    before = app.conf.broker_url, app.conf.task_always_eager, app.conf.broker_connection_timeout
    app.conf.broker_url, app.conf.task_always_eager, app.conf.broker_connection_timeout = NOTHING_LISTENS, False, 1
    forget_connections()
    try:
        # Celery reads CELERY_BROKER_URL from the environment before its configuration (CI sets it).
        with mock.patch.dict(os.environ, {"CELERY_BROKER_URL": NOTHING_LISTENS}):
            yield
    finally:
        app.conf.broker_url, app.conf.task_always_eager, app.conf.broker_connection_timeout = before
        forget_connections()


def forget_connections():
    """Drop the app's cached connection pools, so the next send connects to the broker now configured."""
    app._pool = None
    app.amqp._producer_pool = None
