"""A persistent database connection the server dropped is replaced at the next request, not a 500."""

import psycopg
import pytest
from django.db import close_old_connections, connection

from qa_portal.models import Heartbeat


def test_persistent_connections_are_health_checked():
    assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True
    assert connection.settings_dict["CONN_MAX_AGE"] > 0


def terminate_from_outside(pid: int) -> None:
    db = connection.settings_dict
    with psycopg.connect(
        dbname=db["NAME"],
        user=db["USER"],
        password=db["PASSWORD"] or None,
        host=db["HOST"] or None,
        port=db["PORT"] or None,
        autocommit=True,
    ) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="terminates a PostgreSQL backend")
def test_a_request_after_the_server_dropped_the_connection_reconnects(transactional_db):
    Heartbeat.objects.exists()  # the worker's persistent connection is open
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    terminate_from_outside(pid)
    close_old_connections()  # what Django does at the start of every request (request_started)
    assert Heartbeat.objects.exists() is False  # answered, on a new connection
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != pid
