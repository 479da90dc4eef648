"""Where the application role's privileges come from: `migrate` runs as the owner and grants them after
every run, `grant_app_role` grants them again, new tables fail closed (append-only until granted), and the
deploy check refuses an application connected as the tables' owner. Which tables are append-only is
found from the models: every history table simple-history makes, and the access log."""

import io
import os

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from simple_history.models import registered_models

from cases.models import AccessLogEntry
from core.database_roles import app_role, append_only_tables, connected_as_owner, owner_database_problem, two_roles
from qa_portal.checks import check_database_role

on_two_roles = pytest.mark.skipif(
    connection.vendor != "postgresql" or not two_roles(),
    reason="needs PostgreSQL with two roles (DATABASE_OWNER_URL); SQLite has no roles",
)


def may(privilege: str, table: str, role: str | None = None) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT has_table_privilege(%s, %s, %s)", [role or app_role(), table, privilege])
        return cursor.fetchone()[0]


def test_every_tracked_models_history_and_the_access_log_are_append_only():
    tables = append_only_tables()
    tracked = [model for model in registered_models.values() if hasattr(model, "history")]
    histories = {model.history.model._meta.db_table for model in tracked}
    assert histories and histories <= set(tables)
    assert {"audits_historicalaudit", "audits_historicalcase", AccessLogEntry._meta.db_table} <= set(tables)
    # m2m histories (a process's lead roles, a person's roles) too, and no ordinary table.
    assert {"processes_historicalprocess_lead_roles", "workforce_historicalstaffprofile_roles"} <= set(tables)
    assert not {"audits_audit", "audits_case", "auth_user"} & set(tables)


def test_grant_app_role_says_plainly_when_there_is_no_role_to_grant(db, settings):
    settings.DATABASE_OWNER = None
    expected = "PostgreSQL only" if connection.vendor == "sqlite" else "Set DATABASE_OWNER_URL"
    with pytest.raises(CommandError, match=expected):
        call_command("grant_app_role")


def test_an_owner_url_naming_another_database_is_refused_in_plain_words(settings):
    settings.DATABASE_OWNER = {"ENGINE": "django.db.backends.postgresql", "USER": "qa_portal_owner"}
    settings.DATABASE_OWNER.update(HOST="db.example.org", PORT=5432, NAME="elsewhere")
    settings.DATABASE_URL = "sqlite:///var/qa_portal.sqlite3"
    assert "for PostgreSQL only" in owner_database_problem()
    settings.DATABASE_URL = "postgres://qa_portal_app@db.example.org:5432/qa_portal"
    assert "both must name the same database" in owner_database_problem()
    assert [error.id for error in check_database_role(None, databases=None)] == ["qa_portal.E003"]
    settings.DATABASE_OWNER["NAME"] = "qa_portal"
    assert owner_database_problem() is None
    assert check_database_role(None, databases=None) == []


@on_two_roles
def test_migrate_refuses_an_owner_url_naming_another_database_and_changes_nothing(settings):
    settings.DATABASE_OWNER = {**settings.DATABASE_OWNER, "NAME": "some_other_database"}
    with pytest.raises(CommandError, match="both must name the same database"):
        call_command("migrate", verbosity=0)


@pytest.mark.skipif(
    not os.environ.get("CI") or connection.vendor != "postgresql", reason="CI runs the suite on PostgreSQL"
)
def test_ci_runs_the_suite_as_the_application_role():
    assert two_roles(), ".ci/run must set DATABASE_OWNER_URL so that the tests run as the application role"


@on_two_roles
@pytest.mark.django_db(transaction=True)
def test_migrate_runs_as_the_owner_and_grants_the_application_role_again():
    with connected_as_owner(), connection.cursor() as cursor:
        cursor.execute(f"GRANT UPDATE, DELETE ON audits_historicalaudit TO {app_role()}")
        cursor.execute(f"REVOKE INSERT ON audits_audit FROM {app_role()}")
    assert may("UPDATE", "audits_historicalaudit") and not may("INSERT", "audits_audit")

    call_command("migrate", verbosity=0)  # connected as the application role, which could not migrate

    assert not may("UPDATE", "audits_historicalaudit") and not may("DELETE", "audits_historicalaudit")
    assert may("INSERT", "audits_historicalaudit") and may("SELECT", "audits_historicalaudit")
    assert may("INSERT", "audits_audit") and may("DELETE", "audits_audit")
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        assert cursor.fetchone() == (app_role(),)


@on_two_roles
@pytest.mark.django_db(transaction=True)
def test_grant_app_role_makes_the_history_tables_append_only_again():
    with connected_as_owner(), connection.cursor() as cursor:
        cursor.execute(f"GRANT ALL ON audits_historicalcase, audits_accesslogentry TO {app_role()}")
    assert may("TRUNCATE", "audits_accesslogentry")
    out = io.StringIO()
    call_command("grant_app_role", stdout=out)
    assert f"read and add only on {len(append_only_tables())} append-only tables" in out.getvalue()
    for table in ("audits_historicalcase", "audits_accesslogentry"):
        assert [may(privilege, table) for privilege in ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE")] == [
            True,
            True,
            False,
            False,
            False,
        ]


@on_two_roles
def test_a_table_the_owner_creates_is_append_only_until_granted(database_owner):
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE core_historicalprobe (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY)")
    try:
        assert may("SELECT", "core_historicalprobe") and may("INSERT", "core_historicalprobe")
        assert not may("UPDATE", "core_historicalprobe") and not may("DELETE", "core_historicalprobe")
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE core_historicalprobe")


@on_two_roles
@pytest.mark.django_db
def test_the_deploy_check_passes_for_the_application_role():
    assert check_database_role(None, databases=["default"]) == []


@on_two_roles
def test_the_deploy_check_refuses_an_application_connected_as_the_owner(database_owner, settings):
    settings.DEBUG = False
    errors = check_database_role(None, databases=["default"])
    assert {error.id for error in errors} == {"qa_portal.E002"} and all(error.is_serious() for error in errors)
    assert "which owns" in errors[0].msg and "Database roles" in errors[0].hint
    assert "may update or delete rows of" in errors[1].msg
