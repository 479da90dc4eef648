"""A fresh clone's development set-up: where `make run` serves and links point, and the broker's folders.

Settings are read once per process, and bin/dev-address is shell, so each test runs a subprocess.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def dev_address(**env) -> tuple[str, str]:
    """The ADDRESS and SITE_URL bin/run-dev would use with this environment."""
    base = {key: value for key, value in os.environ.items() if key not in ("RUN_ADDRESS", "SITE_URL")}
    result = subprocess.run(
        ["bash", "-c", 'set -euo pipefail; source bin/dev-address; printf "%s\\n%s" "$ADDRESS" "$SITE_URL"'],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    address, site_url = result.stdout.split("\n")
    return address, site_url


def test_it_serves_on_the_local_port_8000_and_points_links_there_by_default():
    assert dev_address() == ("127.0.0.1:8000", "http://127.0.0.1:8000")


def test_it_points_links_at_the_run_address():
    assert dev_address(RUN_ADDRESS="127.0.0.1:8010") == ("127.0.0.1:8010", "http://127.0.0.1:8010")


def test_it_reads_a_run_address_of_a_port_alone_as_that_port_on_this_machine():
    assert dev_address(RUN_ADDRESS="8011") == ("127.0.0.1:8011", "http://127.0.0.1:8011")


def test_it_keeps_a_site_url_that_is_set():
    assert dev_address(RUN_ADDRESS="127.0.0.1:8010", SITE_URL="https://qa.example.org") == (
        "127.0.0.1:8010",
        "https://qa.example.org",
    )


def test_run_dev_takes_its_address_from_bin_dev_address():
    # The logic tested above is only worth testing if run-dev uses it rather than its own copy.
    script = (ROOT / "bin" / "run-dev").read_text()
    assert "source bin/dev-address" in script
    assert 'runserver "$ADDRESS"' in script
    assert "RUN_ADDRESS" not in script.replace("(from RUN_ADDRESS)", "")


# The default set-up: nothing configured but a fresh var dir (the test environment's own settings left out).
UNSET = ("CELERY_BROKER_URL", "DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DEBUG", "SECRET_KEY", "STATIC_MANIFEST")
UNSET += ("SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "DJANGO_ALLOW_ASYNC_UNSAFE", "CACHE_URL")


def manage(var_dir: Path, *args, **env) -> subprocess.CompletedProcess:
    base = {key: value for key, value in os.environ.items() if key not in UNSET}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, "QA_PORTAL_VAR_DIR": str(var_dir), "DJANGO_SETTINGS_MODULE": "qa_portal.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def load_settings(var_dir: Path, **env) -> subprocess.CompletedProcess:
    base = {key: value for key, value in os.environ.items() if key not in UNSET}
    return subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; settings.CELERY_BROKER_URL"],
        cwd=ROOT,
        env={
            **base,
            "DEBUG": "true",
            "QA_PORTAL_VAR_DIR": str(var_dir),
            "DJANGO_SETTINGS_MODULE": "qa_portal.settings",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_it_creates_the_filesystem_brokers_folders_in_a_fresh_var_dir(tmp_path):
    var_dir = tmp_path / "fresh-var"
    result = load_settings(var_dir)
    assert result.returncode == 0, result.stderr
    for folder in ("queue", "processed", "control"):
        assert (var_dir / "celery" / folder).is_dir(), folder


@pytest.mark.parametrize("broker", ["memory://", "redis://127.0.0.1:6379/15"])
def test_it_creates_no_broker_folders_for_another_broker(tmp_path, broker):
    var_dir = tmp_path / "fresh-var"
    result = load_settings(var_dir, CELERY_BROKER_URL=broker)
    assert result.returncode == 0, result.stderr
    assert not (var_dir / "celery").exists()


def test_it_prints_no_system_check_issue_for_a_command_on_the_default_set_up_with_debug_off(tmp_path):
    # With a shared cache named: without one, several web processes would each keep their own reset limits
    # (an error, tests/qa_portal/test_settings.py).
    env = {
        "DEBUG": "false",
        "SECRET_KEY": "a-long-random-secret-key-for-this-test-only-0123456789abcdef",
        "CACHE_URL": "redis://127.0.0.1:6379/15",
    }
    result = manage(tmp_path / "var", "check", **env)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout, result.stdout + result.stderr
    # The development broker is still named where production settings are judged.
    deploy = manage(tmp_path / "var", "check", "--deploy", **env)
    assert "qa_portal.I001" in deploy.stdout + deploy.stderr


def test_it_prints_no_system_check_issue_with_debug_on(tmp_path):
    result = manage(tmp_path / "var", "check", DEBUG="true")
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout, result.stdout + result.stderr


def test_it_sends_a_task_to_the_filesystem_broker_without_a_warning(tmp_path):
    # What load_demo does on a fresh clone before any worker ran: it crashed without the folders.
    base = {key: value for key, value in os.environ.items() if key not in UNSET}
    code = "import django; django.setup()\nfrom qa_portal.celery import app\napp.send_task('qa_portal.tests.nothing')\n"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={
            **base,
            "DEBUG": "true",
            "QA_PORTAL_VAR_DIR": str(tmp_path),
            "DJANGO_SETTINGS_MODULE": "qa_portal.settings",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr, result.stderr
    assert len(list((tmp_path / "celery" / "queue").iterdir())) == 1
