"""Django's migrate, run as the owner role where there is one (DATABASE_OWNER_URL, PostgreSQL).

The application role may not create or alter tables, so migrations would fail as it; with the owner
configured they run as the owner, and core's post_migrate receiver then grants the application role
(core.database_roles). Without an owner role (SQLite, a single-role install) this is Django's migrate.
"""

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import CommandError
from django.core.management.commands.migrate import Command as DjangoMigrate

from core.database_roles import connected_as_owner


class Command(DjangoMigrate):
    help = (
        f"{DjangoMigrate.help} Runs as the owner role (DATABASE_OWNER_URL) when one is set, then grants the "
        "application role."
    )

    def handle(self, *args, **options):
        try:
            with connected_as_owner(options["database"]):
                return super().handle(*args, **options)
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
