"""Meta-tests: every model and every management command of the project is exercised by some test,
and the migrations match the models."""

import io
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[1]
PROJECT_APPS = [
    "core",
    "processes",
    "workforce",
    "fostering",
    "cases",
    "journeys",
    "audits",
    "timeliness",
    "dashboard",
    "qa_portal",
    "demo",
]
TEST_SOURCE = "\n".join(
    path.read_text(encoding="utf-8") for path in (ROOT / "tests").rglob("*.py") if path.name != "test_meta.py"
)


def project_models():
    for label in PROJECT_APPS:
        for model in apps.get_app_config(label).get_models():
            if not model.__name__.startswith("Historical"):
                yield model.__name__


def project_commands():
    for label in PROJECT_APPS:
        folder = ROOT / label / "management" / "commands"
        for path in folder.glob("*.py"):
            if not path.name.startswith("_"):
                yield path.stem


@pytest.mark.parametrize("model", sorted(project_models()))
def test_every_model_is_named_in_some_test(model):
    assert model in TEST_SOURCE, f"no test mentions {model}"


@pytest.mark.parametrize("command", sorted(project_commands()))
def test_every_management_command_is_run_by_some_test(command):
    assert f'"{command}"' in TEST_SOURCE or f"manage.py {command}" in TEST_SOURCE, f"no test runs {command}"


@pytest.mark.django_db
def test_the_migrations_match_the_models():
    out = io.StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()
