"""The audit trail the application cannot rewrite: connected as the application role (as every test is on
PostgreSQL with two roles, tests/database_roles.py), the database refuses each way the issue found to
change or empty the access log and the history tables, while the application's own writes still work.
"""

import pytest
from django.apps import apps
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from audits.models import Audit
from cases.models import AccessLogEntry, Case
from cases.services import access_log_record, case_save
from core.database_roles import app_role, append_only_models, role_problems, two_roles
from tests.audits.helpers import record

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no database roles to refuse anything"),
    pytest.mark.skipif(
        connection.vendor == "postgresql" and not two_roles(),
        reason="the suite connects as a single role: set DATABASE_OWNER_URL to run it as the application role",
    ),
    pytest.mark.django_db,
    pytest.mark.usefixtures("catalogue_once"),
]

PERMISSION_DENIED = "permission denied for table"
NOT_THE_OWNER = "must be owner of table"


def run(sql: str, params=None):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def refused(sql: str, match: str):
    """The statement fails with `match`, and the savepoint around it leaves the test's transaction usable."""
    with pytest.raises(DatabaseError, match=match):
        run(sql)


def history_table(model) -> str:
    return model.history.model._meta.db_table


@pytest.fixture
def trail(cast):
    """An audit recorded and a case seen through the services: rows in the access log and the history."""
    record(cast["tm.assessment"], "csc-sample-audit", case=cast.cases["assessment"])
    access_log_record(user=cast["hos"], cases=[cast.cases["yos"]], action="viewed", path="/cases/")
    return cast


def counts() -> tuple[int, int, int]:
    return AccessLogEntry.objects.count(), Audit.history.count(), Case.history.count()


def test_the_tests_connect_as_the_application_role_which_is_no_superuser_and_owns_nothing():
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user, rolsuper FROM pg_roles WHERE rolname = current_user")
        assert cursor.fetchone() == (app_role(), False)
    assert role_problems() == []


def test_it_may_not_truncate_the_access_log_or_a_history_table(trail):
    before = counts()
    refused("TRUNCATE audits_accesslogentry", PERMISSION_DENIED)
    refused("TRUNCATE audits_historicalaudit", PERMISSION_DENIED)
    refused("TRUNCATE audits_historicalcase CASCADE", PERMISSION_DENIED)
    assert counts() == before and all(before)


def test_it_may_not_disable_the_access_logs_trigger():
    refused("ALTER TABLE audits_accesslogentry DISABLE TRIGGER audits_accesslogentry_append_only", NOT_THE_OWNER)
    refused("ALTER TABLE audits_accesslogentry DISABLE TRIGGER ALL", NOT_THE_OWNER)


def test_it_may_not_switch_the_triggers_off_with_session_replication_role():
    with pytest.raises(DatabaseError, match='permission denied to set parameter "session_replication_role"'):
        run("SET session_replication_role = replica")
    assert run("SELECT 1") == 1
    with connection.cursor() as cursor:
        cursor.execute("SHOW session_replication_role")
        assert cursor.fetchone() == ("origin",)


def test_it_may_not_update_or_delete_an_access_log_entry(trail):
    refused("UPDATE audits_accesslogentry SET path = '/elsewhere/'", PERMISSION_DENIED)
    refused("DELETE FROM audits_accesslogentry", PERMISSION_DENIED)
    with pytest.raises(DatabaseError, match=PERMISSION_DENIED), transaction.atomic():
        AccessLogEntry.objects.all().delete()
    assert list(AccessLogEntry.objects.values_list("path", flat=True)) == ["/cases/"]


def test_it_may_not_update_or_delete_an_audits_history(trail):
    audit = Audit.objects.get()
    reasons = list(audit.history.values_list("history_change_reason", flat=True))
    refused(f"UPDATE {history_table(Audit)} SET history_change_reason = 'Nothing happened'", PERMISSION_DENIED)  # noqa: S608 (table names from the models)
    refused(f"DELETE FROM {history_table(Audit)}", PERMISSION_DENIED)  # noqa: S608 (table names from the models)
    with pytest.raises(DatabaseError, match=PERMISSION_DENIED), transaction.atomic():
        audit.history.update(history_user=None)
    assert list(audit.history.values_list("history_change_reason", flat=True)) == reasons


def test_it_may_not_update_or_delete_a_cases_history(trail):
    before = list(Case.history.order_by("history_id").values_list("history_id", "reference"))
    refused(f"UPDATE {history_table(Case)} SET reference = 'CASE-GONE'", PERMISSION_DENIED)  # noqa: S608 (table names from the models)
    refused(f"DELETE FROM {history_table(Case)} WHERE reference = 'CASE-A1'", PERMISSION_DENIED)  # noqa: S608 (table names from the models)
    assert list(Case.history.order_by("history_id").values_list("history_id", "reference")) == before


@pytest.mark.parametrize("model", append_only_models(), ids=lambda model: model._meta.db_table)
def test_every_append_only_table_refuses_update_delete_and_truncate(model):
    table, key = model._meta.db_table, model._meta.pk.column
    refused(f"UPDATE {table} SET {key} = {key}", PERMISSION_DENIED)  # noqa: S608 (table names from the models)
    refused(f"DELETE FROM {table}", PERMISSION_DENIED)  # noqa: S608 (table names from the models)
    refused(f"TRUNCATE {table}", PERMISSION_DENIED)  # noqa: S608 (table names from the models)
    assert run(f"SELECT count(*) FROM {table}") == 1  # noqa: S608 (table names from the models)


def test_every_history_table_in_the_database_is_append_only():
    """Found in the database, not from the models: a history table the models forgot would show here."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename, has_table_privilege(current_user, quote_ident(tablename), 'UPDATE, DELETE, TRUNCATE'),"
            " has_table_privilege(current_user, quote_ident(tablename), 'SELECT, INSERT')"
            " FROM pg_tables WHERE schemaname = current_schema() AND tablename LIKE '%%historical%%'"
        )
        tables = {name: (changes, adds) for name, changes, adds in cursor.fetchall()}
    assert len(tables) >= 20
    assert tables == dict.fromkeys(tables, (False, True))


def test_it_may_not_drop_or_alter_a_table():
    refused("DROP TABLE audits_accesslogentry", NOT_THE_OWNER)
    refused("DROP TABLE audits_historicalaudit", NOT_THE_OWNER)
    refused("DROP TABLE audits_case CASCADE", NOT_THE_OWNER)
    refused("ALTER TABLE audits_case DROP COLUMN reference", NOT_THE_OWNER)
    with pytest.raises(DatabaseError, match="permission denied for schema"):
        run("CREATE TABLE audits_shadow (id integer)")


def test_the_applications_own_writes_still_work(trail):
    """Recording, changing a case (an UPDATE and a history row), the access log, the dashboard's rebuild
    (DELETE and INSERT on ordinary tables) and the due-item planning (a temporary table)."""
    from dashboard.services import rollup_refresh
    from timeliness.planning import plan_due_items

    case = trail.cases["assessment"]
    history_rows = case.history.count()
    case.child_name = "Renamed Child"
    case_save(actor=trail["qa.admin"], case=case, reason="Name corrected")
    assert case.history.count() == history_rows + 1
    assert Case.objects.get(pk=case.pk).child_name == "Renamed Child"
    access_log_record(user=trail["hos"], cases=[case], action="viewed", path=f"/cases/{case.pk}/")
    assert AccessLogEntry.objects.count() == 2
    rollup_refresh()
    rollup_refresh()
    assert apps.get_model("dashboard", "DashboardRefresh").objects.count() == 2
    assert plan_due_items(today=timezone.localdate()) > 0


def test_it_may_read_and_write_every_ordinary_table_and_use_every_sequence_but_never_truncate():
    append_only = {model._meta.db_table for model in append_only_models()}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename,"
            " has_table_privilege(current_user, quote_ident(tablename), 'SELECT')"
            " AND has_table_privilege(current_user, quote_ident(tablename), 'INSERT')"
            " AND has_table_privilege(current_user, quote_ident(tablename), 'UPDATE')"
            " AND has_table_privilege(current_user, quote_ident(tablename), 'DELETE'),"
            " has_table_privilege(current_user, quote_ident(tablename), 'TRUNCATE, REFERENCES, TRIGGER')"
            " FROM pg_tables WHERE schemaname = current_schema()"
        )
        tables = {name: (reads_and_writes, truncates) for name, reads_and_writes, truncates in cursor.fetchall()}
        cursor.execute(
            "SELECT sequencename, has_sequence_privilege(current_user, quote_ident(sequencename), 'USAGE'),"
            " has_sequence_privilege(current_user, quote_ident(sequencename), 'UPDATE')"
            " FROM pg_sequences WHERE schemaname = current_schema()"
        )
        sequences = {name: (usage, update) for name, usage, update in cursor.fetchall()}
    ordinary = {name: privileges for name, privileges in tables.items() if name not in append_only}
    assert {"audits_audit", "audits_case", "auth_user", "django_session"} <= set(ordinary)
    assert ordinary == dict.fromkeys(ordinary, (True, False))
    assert not any(truncates for _, truncates in tables.values())
    assert sequences and all(usage and not update for usage, update in sequences.values())
