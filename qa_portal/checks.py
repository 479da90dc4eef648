"""System checks for configuration that would otherwise fail later and quietly.

The development defaults (SQLite, a filesystem broker) are reported as Info, not Warning, so that
`check --deploy --fail-level WARNING` judges the security settings alone. A per-process cache behind
several web processes is an Error: the password-reset limits would not hold.
"""

from django.conf import settings
from django.core.checks import Error, Info, Tags, register
from django.core.checks import Warning as CheckWarning

from core.database_roles import owner_database_problem, role_problems


# Deploy-only like the cache and database checks: as a plain check, every management command run with
# DEBUG off on the default set-up printed it (load_processes, plan_due_items, ...), which hides real issues.
@register(deploy=True)
def check_broker(app_configs, **kwargs):
    problems = []
    url = settings.CELERY_BROKER_URL
    if not settings.DEBUG and url.startswith(("filesystem://", "memory://")):
        problems.append(
            Info(
                "CELERY_BROKER_URL uses a development broker with DEBUG off.",
                hint="Point CELERY_BROKER_URL at Redis in production (redis://host:6379/0).",
                id="qa_portal.I001",
            )
        )
    return problems


# Per-process backends: each web process would keep its own password-reset counts (and the dummy cache
# none at all), so N processes would allow N times the limit.
PER_PROCESS_CACHES = ("django.core.cache.backends.locmem.", "django.core.cache.backends.dummy.")


# A plain check (not deploy-only), at error level: every management command, migrate on start-up
# included, refuses to run with limits that do not hold.
@register()
def check_cache(app_configs, **kwargs):
    backend = settings.CACHES["default"]["BACKEND"]
    if not backend.startswith(PER_PROCESS_CACHES):
        return []
    if settings.DEBUG or settings.WEB_CONCURRENCY <= 1:
        return []
    return [
        Error(
            f"The password-reset limits count in each process's own memory ({backend.rsplit('.', 2)[-2]} cache) "
            f"while {settings.WEB_CONCURRENCY} web processes can run, so each would allow the whole limit.",
            hint="Set CACHE_URL=redis://host:6379/1 so the processes share one count, "
            "or WEB_CONCURRENCY=1 if only one web process ever runs.",
            id="qa_portal.E002",
        )
    ]


@register(deploy=True)
def check_database(app_configs, **kwargs):
    engine = settings.DATABASES["default"]["ENGINE"]
    if "sqlite" in engine:
        return [
            Info(
                "The database is SQLite; production runs on PostgreSQL.",
                hint="Set DATABASE_URL=postgres://user:password@host:5432/qa_portal.",
                id="qa_portal.I002",
            )
        ]
    return []


@register()
def check_organisation(app_configs, **kwargs):
    if not (settings.ORGANISATION_NAME or "").strip():
        return [Error("ORGANISATION_NAME must not be empty: every page shows it.", id="qa_portal.E001")]
    return []


# A database check (it runs with `check --database default`) and a deploy one: `manage.py check
# --deploy --database default` before the web server starts (docker-compose.yml) refuses a set-up where the
# application could rewrite the audit trail. Not on every migrate: migrate connects as the owner.
@register(Tags.database, deploy=True)
def check_database_role(app_configs, databases=None, **kwargs):
    problems = []
    owner_problem = owner_database_problem()
    if owner_problem:
        problems.append(Error(owner_problem, id="qa_portal.E003"))
    for alias in databases or ():
        for problem in role_problems(alias):
            problems.append(
                (CheckWarning if settings.DEBUG else Error)(
                    f"The audit trail is not protected: {problem}.",
                    hint=(
                        "Connect the web, worker and beat as a role that owns nothing (DATABASE_URL) and migrate "
                        "as the owner (DATABASE_OWNER_URL); README.md, 'Database roles', says how."
                    ),
                    id="qa_portal.W002" if settings.DEBUG else "qa_portal.E002",
                )
            )
    return problems
