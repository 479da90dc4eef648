from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Core: the shared base"

    def ready(self):
        from core.database_roles import grant_after_migrate

        # Once per migrate (sent with core as sender), after every app's migrations: the grants cover
        # whatever tables the migrations made.
        post_migrate.connect(grant_after_migrate, sender=self, dispatch_uid="core.grant_after_migrate")
