from unittest import mock

import pytest
from django.db import DatabaseError

from qa_portal.services import heartbeat_record

pytestmark = pytest.mark.django_db


def test_healthz_answers_200_with_json_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok", "beat_last_seen_at": None}


def test_healthz_needs_no_sign_in_and_is_never_cached(client):
    response = client.get("/healthz")
    assert "no-cache" in response["Cache-Control"]


def test_healthz_shows_when_beat_last_ran(client):
    heartbeat = heartbeat_record()
    body = client.get("/healthz").json()
    assert body["beat_last_seen_at"] == heartbeat.last_seen_at.isoformat()


def test_healthz_answers_503_when_the_database_does_not(client):
    with mock.patch("qa_portal.views.connection.cursor", side_effect=DatabaseError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"
