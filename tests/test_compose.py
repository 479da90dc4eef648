"""docker-compose.yml describes the production stack: checked by parsing it (no Docker engine needed)."""

from pathlib import Path

import yaml

COMPOSE = yaml.safe_load((Path(__file__).resolve().parents[1] / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]


def test_compose_describes_the_five_services():
    assert set(SERVICES) == {"postgres", "redis", "web", "worker", "beat"}


def test_every_service_has_a_health_check():
    for name, service in SERVICES.items():
        assert service.get("healthcheck", {}).get("test"), f"{name} has no health check"


def test_web_waits_for_a_healthy_database_and_redis():
    depends = SERVICES["web"]["depends_on"]
    assert depends["postgres"]["condition"] == "service_healthy"
    assert depends["redis"]["condition"] == "service_healthy"


def test_web_runs_gunicorn_and_checks_healthz():
    assert "gunicorn qa_portal.wsgi:application" in SERVICES["web"]["command"]
    assert any("/healthz" in part for part in SERVICES["web"]["healthcheck"]["test"])


def test_worker_and_beat_run_celery_against_redis_and_postgres():
    assert SERVICES["worker"]["command"][:4] == ["celery", "-A", "qa_portal", "worker"]
    assert SERVICES["beat"]["command"][:4] == ["celery", "-A", "qa_portal", "beat"]
    for name in ("web", "worker", "beat"):
        environment = SERVICES[name]["environment"]
        assert environment["DATABASE_URL"].startswith("postgres://")
        assert environment["CELERY_BROKER_URL"].startswith("redis://")


def test_data_lives_in_named_volumes():
    assert set(COMPOSE["volumes"]) == {"pgdata", "redisdata"}
    assert "pgdata:/var/lib/postgresql/data" in SERVICES["postgres"]["volumes"]
    assert "redisdata:/data" in SERVICES["redis"]["volumes"]
