"""Two database roles on PostgreSQL: an owner that migrates, and the application role that owns nothing.

The web, worker and beat connect as the application role (DATABASE_URL). It owns no table, so it cannot
TRUNCATE, ALTER, DROP or disable a trigger, and it is no superuser, so it cannot set
`session_replication_role`. On the audit trail, the access log and every django-simple-history table,
it may only SELECT and INSERT: what it wrote there stays written. Migrations run as the owner role
(DATABASE_OWNER_URL), which then grants the application role what it may do (`grant_app_role`, run
after every `migrate` by core's post_migrate receiver and by `manage.py grant_app_role`).

The append-only tables are found from the models, not listed: every history model simple-history
makes (a subclass of `HistoricalChanges`, so a new tracked model's history is covered), and every
model that declares `append_only = True` (the access log). New tables the owner creates get SELECT and
INSERT only, by default privileges, until the grant runs: a table the grant missed fails closed.

SQLite has no roles: everything here does nothing there.
"""

from collections.abc import Iterator
from contextlib import contextmanager

import dj_database_url
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from simple_history.models import HistoricalChanges

ORDINARY_TABLE_PRIVILEGES = "SELECT, INSERT, UPDATE, DELETE"
APPEND_ONLY_PRIVILEGES = "SELECT, INSERT"
SEQUENCE_PRIVILEGES = "USAGE, SELECT"


def append_only_models() -> list:
    """The models whose rows the application may add and read, never change or remove."""
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed
        and not model._meta.proxy
        and (issubclass(model, HistoricalChanges) or getattr(model, "append_only", False))
    ]


def append_only_tables() -> list[str]:
    return sorted({model._meta.db_table for model in append_only_models()})


#
# Which roles
#


def owner_settings() -> dict | None:
    """The owner role's connection settings (DATABASE_OWNER_URL), or None where there is no owner role."""
    return getattr(settings, "DATABASE_OWNER", None)


def app_role() -> str | None:
    """The role the application connects as: DATABASE_URL's user, as configured (before any switch)."""
    return getattr(settings, "DATABASE_APP_ROLE", None)


def two_roles(using: str = DEFAULT_DB_ALIAS) -> bool:
    """True where the database is PostgreSQL and an owner role distinct from the application's is set."""
    owner = owner_settings()
    return connections[using].vendor == "postgresql" and bool(owner) and owner.get("USER") != app_role()


def owner_database_problem() -> str | None:
    """Why DATABASE_OWNER_URL cannot be used with DATABASE_URL, in plain words, or None."""
    owner = owner_settings()
    if not owner:
        return None
    app = dj_database_url.parse(settings.DATABASE_URL)
    if "postgresql" not in owner["ENGINE"] or "postgresql" not in app["ENGINE"]:
        return "DATABASE_OWNER_URL is for PostgreSQL only: both it and DATABASE_URL must be postgres:// addresses."
    where = {key: str(owner.get(key) or "") for key in ("HOST", "PORT", "NAME")}
    expected = {key: str(app.get(key) or "") for key in ("HOST", "PORT", "NAME")}
    if where != expected:
        return (
            f"DATABASE_OWNER_URL names database {where['NAME']!r} on {where['HOST']}:{where['PORT']}, but DATABASE_URL "
            f"names {expected['NAME']!r} on {expected['HOST']}:{expected['PORT']}: both must name the same database."
        )
    if not owner.get("USER"):
        return "DATABASE_OWNER_URL names no user: write postgres://OWNER:PASSWORD@host:5432/name."
    return None


#
# Switching the connection's role
#


def connect_as(using: str, user: str, password: str | None) -> None:
    """Point the connection at another role: it reconnects, as that role, at its next query."""
    connection = connections[using]
    if connection.in_atomic_block:
        raise RuntimeError("The database role cannot change inside a transaction: it would end it.")
    connection.close()
    connection.settings_dict["USER"] = user
    connection.settings_dict["PASSWORD"] = password or ""


@contextmanager
def connected_as_owner(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Within the block the connection is the owner role's (nothing happens without two roles)."""
    connection = connections[using]
    owner = owner_settings()
    if not two_roles(using) or connection.settings_dict.get("USER") == owner["USER"]:
        yield
        return
    problem = owner_database_problem()
    if problem:
        raise ImproperlyConfigured(problem)
    before = connection.settings_dict.get("USER"), connection.settings_dict.get("PASSWORD")
    connect_as(using, owner["USER"], owner.get("PASSWORD"))
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["USER"], connection.settings_dict["PASSWORD"] = before


#
# The grants
#


def grant_statements(connection, role: str) -> list[str]:
    """What the owner runs so that `role` may do exactly what the application needs, and no more.

    Everything is revoked first, so the outcome is the same whatever was granted before (an install
    where the application once owned the tables, a hand-made GRANT)."""
    quote = connection.ops.quote_name
    role_name = quote(role)
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        schema = quote(cursor.fetchone()[0])
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename = ANY(%s)",
            [append_only_tables()],
        )
        existing_append_only = [row[0] for row in cursor.fetchall()]
    statements = [
        f"GRANT USAGE ON SCHEMA {schema} TO {role_name}",
        f"REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {role_name}",
        f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {schema} FROM {role_name}",
        f"GRANT {ORDINARY_TABLE_PRIVILEGES} ON ALL TABLES IN SCHEMA {schema} TO {role_name}",
        f"GRANT {SEQUENCE_PRIVILEGES} ON ALL SEQUENCES IN SCHEMA {schema} TO {role_name}",
    ]
    statements += [
        f"REVOKE UPDATE, DELETE, TRUNCATE ON {quote(table)} FROM {role_name}, PUBLIC" for table in existing_append_only
    ]
    # Tables the owner creates from now on: append-only until the next grant says otherwise.
    statements += [
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} REVOKE ALL ON TABLES FROM {role_name}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT {APPEND_ONLY_PRIVILEGES} ON TABLES TO {role_name}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT {SEQUENCE_PRIVILEGES} ON SEQUENCES TO {role_name}",
    ]
    return statements


def grant_app_role(using: str = DEFAULT_DB_ALIAS, role: str | None = None) -> list[str]:
    """As the owner, give the application role its privileges, in one transaction; returns the
    append-only tables. The caller must be connected as the owner (see `connected_as_owner`)."""
    connection = connections[using]
    role = role or app_role()
    with transaction.atomic(using=using), connection.cursor() as cursor:
        for statement in grant_statements(connection, role):
            cursor.execute(statement)
    return append_only_tables()


def grant_after_migrate(sender, using=DEFAULT_DB_ALIAS, plan=None, **kwargs) -> None:
    """post_migrate: after `migrate`, as the owner, grant the application role. A flush sends
    post_migrate too, with no plan: it empties tables and changes no privilege, so nothing is granted."""
    if plan is None or not two_roles(using):
        return
    with connected_as_owner(using):
        grant_app_role(using)


#
# What the application connects as
#


def role_problems(using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """What is wrong with the role this connection uses, for the application: a superuser, an owner
    (or a member of the owner's role) of the tables, or a role that may change an append-only table."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user, rolsuper FROM pg_roles WHERE rolname = current_user")
        user, superuser = cursor.fetchone()
        if superuser:
            return [f"the application connects as {user}, a PostgreSQL superuser, which may change anything"]
        cursor.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()"
            " AND pg_has_role(current_user, tableowner, 'MEMBER')"
        )
        owned = cursor.fetchone()[0]
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename = ANY(%s)"
            " AND has_table_privilege(current_user, quote_ident(tablename), 'UPDATE, DELETE, TRUNCATE')",
            [append_only_tables()],
        )
        changeable = [row[0] for row in cursor.fetchall()]
    problems = []
    if owned:
        problems.append(f"the application connects as {user}, which owns {owned} tables and so may rewrite them")
    if changeable:
        problems.append(
            f"the application's role {user} may update or delete rows of {len(changeable)} append-only tables "
            f"({', '.join(changeable[:3])}{', ...' if len(changeable) > 3 else ''})"
        )
    return problems
