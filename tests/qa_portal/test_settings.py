"""Settings come from the environment and fail loudly; production settings pass the deploy check.

These run manage.py in a subprocess, because settings are read once per process.
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "a-long-random-production-secret-key-for-this-test-only-0123456789",
    "ALLOWED_HOSTS": "qa-portal.example.org",
    # Several web processes share the reset limits' counts there (only named: check connects to nothing).
    "CACHE_URL": "redis://127.0.0.1:6379/15",
    "DJANGO_SETTINGS_MODULE": "qa_portal.settings",
}


def manage(*args, **env):
    base = {key: value for key, value in os.environ.items() if key not in PRODUCTION}
    base.pop("SECURE_SSL_REDIRECT", None)
    base.pop("SECURE_HSTS_SECONDS", None)
    base.pop("STATIC_MANIFEST", None)
    base.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests; never in production
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deploy_check_at_warning_level():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNINGS:" not in output and "ERRORS:" not in output


def test_several_web_processes_without_a_shared_cache_stop_every_command_with_an_error():
    env = {key: value for key, value in PRODUCTION.items() if key != "CACHE_URL"}
    result = manage("check", **env, WEB_CONCURRENCY="3")
    assert result.returncode != 0
    assert "qa_portal.E002" in result.stderr
    assert "while 3 web processes can run" in result.stderr


def test_one_web_process_may_count_in_its_own_memory():
    env = {key: value for key, value in PRODUCTION.items() if key != "CACHE_URL"}
    result = manage("check", **env, WEB_CONCURRENCY="1")
    assert result.returncode == 0, result.stderr


def test_debug_is_off_unless_set():
    env = {**PRODUCTION}
    env.pop("DEBUG")
    result = manage("shell", "-c", "from django.conf import settings; print(settings.DEBUG)", **env)
    assert result.stdout.strip().endswith("False"), result.stderr


def test_a_missing_secret_key_stops_start_up_when_debug_is_off():
    env = {**PRODUCTION, "SECRET_KEY": ""}
    result = manage("check", **env)
    assert result.returncode != 0
    assert "SECRET_KEY is required when DEBUG is off" in result.stderr


def test_a_misspelt_boolean_stops_start_up():
    result = manage("check", **{**PRODUCTION, "DEBUG": "ture"})
    assert result.returncode != 0
    assert "DEBUG must be true or false" in result.stderr


def test_a_bad_database_url_stops_start_up():
    result = manage("check", **{**PRODUCTION, "DATABASE_URL": "nosuchdb://x"})
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr


def test_database_url_selects_postgresql():
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])",
        **{**PRODUCTION, "DATABASE_URL": "postgres://someone@db.example.org:5432/qa"},
    )
    assert result.stdout.strip().endswith("django.db.backends.postgresql"), result.stderr


def test_without_configuration_the_broker_needs_no_server():
    env = {**PRODUCTION, "CELERY_BROKER_URL": ""}
    result = manage("shell", "-c", "from django.conf import settings; print(settings.CELERY_BROKER_URL)", **env)
    assert result.stdout.strip().endswith("filesystem://localhost/"), result.stderr


def test_a_bad_database_owner_url_stops_start_up():
    result = manage("check", **{**PRODUCTION, "DATABASE_OWNER_URL": "nosuchdb://x"})
    assert result.returncode != 0
    assert "DATABASE_OWNER_URL is not a database address" in result.stderr


def test_the_owner_roles_password_can_come_from_a_file(tmp_path):
    secret = tmp_path / "db_owner_password"
    secret.write_text("owner-secret-from-a-file\n")
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; o = settings.DATABASE_OWNER; print(o['USER'], o['PASSWORD'], "
        "settings.DATABASE_APP_ROLE)",
        **{
            **PRODUCTION,
            "DATABASE_URL": "postgres://qa_portal_app:app-secret@db.example.org:5432/qa",
            "DATABASE_OWNER_URL": "postgres://qa_portal_owner@db.example.org:5432/qa",
            "DATABASE_OWNER_PASSWORD_FILE": str(secret),
        },
    )
    assert result.stdout.strip().endswith("qa_portal_owner owner-secret-from-a-file qa_portal_app"), result.stderr
