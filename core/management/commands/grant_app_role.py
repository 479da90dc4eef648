"""Give the application role its privileges again, without migrating (`migrate` does it every time).

For an install moved to two roles, or a database restored from a dump: connects as the owner role
(DATABASE_OWNER_URL) and grants DATABASE_URL's role SELECT, INSERT, UPDATE and DELETE on the ordinary
tables and SELECT and INSERT only on the access log and the history tables.
"""

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from core.database_roles import app_role, connected_as_owner, grant_app_role, owner_settings, two_roles


class Command(BaseCommand):
    help = "As the owner role, grant the application role what it may do (PostgreSQL with DATABASE_OWNER_URL)."

    def add_arguments(self, parser):
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, database, **options):
        if connections[database].vendor != "postgresql":
            raise CommandError("Database roles are for PostgreSQL only: SQLite has none, and needs no grant.")
        if not two_roles(database):
            owner = owner_settings()
            raise CommandError(
                "Set DATABASE_OWNER_URL to the owner role's address (postgres://OWNER:PASSWORD@host:5432/name)"
                if not owner
                else f"DATABASE_OWNER_URL and DATABASE_URL both name the role {owner['USER']}: the application "
                "needs a role of its own."
            )
        try:
            with connected_as_owner(database):
                tables = grant_app_role(database)
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Granted {app_role()}: read and write on the ordinary tables, read and add only on "
            f"{len(tables)} append-only tables (the access log and the history tables)."
        )
