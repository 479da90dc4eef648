"""docker-compose.yml describes the production stack: checked by parsing it (no Docker engine needed)."""

from pathlib import Path
from urllib.parse import urlsplit

import yaml

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
APP_SERVICES = ("web", "worker", "beat")


def test_compose_describes_the_services_and_a_one_shot_migrate():
    assert set(SERVICES) == {"postgres", "redis", "migrate", "web", "worker", "beat"}
    assert SERVICES["migrate"]["restart"] == "no"


def test_every_long_running_service_has_a_health_check():
    for name, service in SERVICES.items():
        if service.get("restart") != "no":
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
    for name in APP_SERVICES:
        environment = SERVICES[name]["environment"]
        assert environment["DATABASE_URL"].startswith("postgres://")
        assert environment["CELERY_BROKER_URL"].startswith("redis://")


def test_data_lives_in_named_volumes():
    assert set(COMPOSE["volumes"]) == {"pgdata", "redisdata"}
    assert "pgdata:/var/lib/postgresql/data" in SERVICES["postgres"]["volumes"]
    assert "redisdata:/data" in SERVICES["redis"]["volumes"]


#
# Two database roles
#


def role(url: str) -> str:
    return urlsplit(url).username


def test_web_worker_and_beat_start_only_after_migrate_completed():
    for name in APP_SERVICES:
        assert SERVICES[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully", name
        assert "migrate" not in str(SERVICES[name]["command"]), f"{name} migrates: only the owner role may"


def test_migrate_runs_as_the_owner_role_the_others_as_the_application_role():
    migrate = SERVICES["migrate"]
    assert "manage.py migrate" in migrate["command"]
    owner = role(migrate["environment"]["DATABASE_OWNER_URL"])
    app = role(migrate["environment"]["DATABASE_URL"])
    superuser = SERVICES["postgres"]["environment"]["POSTGRES_USER"]
    assert len({owner, app, superuser}) == 3
    for name in APP_SERVICES:
        environment = SERVICES[name]["environment"]
        assert role(environment["DATABASE_URL"]) == app, f"{name} must connect as the application role"
        assert "DATABASE_OWNER_URL" not in environment and "DATABASE_OWNER_PASSWORD_FILE" not in environment


def test_no_app_container_holds_the_superusers_or_the_owners_password():
    assert "db_owner_password" in SERVICES["migrate"]["secrets"]
    for name in APP_SERVICES:
        assert not SERVICES[name].get("secrets"), f"{name} mounts a database secret"
    for name in ("migrate", *APP_SERVICES):
        assert "db_superuser_password" not in SERVICES[name].get("secrets", [])
        assert "POSTGRES_PASSWORD" not in str(SERVICES[name]["environment"])
    assert set(COMPOSE["secrets"]) == {"db_superuser_password", "db_owner_password"}
    assert (ROOT / ".gitignore").read_text().count("/secrets/") == 1
    assert "secrets" in (ROOT / ".dockerignore").read_text().split()


def test_a_new_database_volume_gets_both_roles_from_the_init_script():
    postgres = SERVICES["postgres"]
    assert "./docker/postgres:/docker-entrypoint-initdb.d:ro" in postgres["volumes"]
    init = (ROOT / "docker" / "postgres" / "10-qa-portal-roles.sh").read_text()
    assert "roles.psql" in init and "owner_role=" in init and "app_role=" in init
    script = (ROOT / "docker" / "postgres" / "roles.psql").read_text()
    assert "NOSUPERUSER" in script and 'OWNER TO :"owner_role"' in script
    # The healthcheck goes over TCP, which the image opens only once the init script has finished.
    assert "-h 127.0.0.1" in postgres["healthcheck"]["test"][1]


def test_web_refuses_to_start_as_a_superuser_or_owner():
    assert "manage.py check --deploy --database default &&" in SERVICES["web"]["command"]
