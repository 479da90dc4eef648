"""Settings for the test suite: the production settings with test-friendly defaults.

Anything configured in the environment (DATABASE_URL, CELERY_BROKER_URL) still wins, so the same
suite runs on SQLite with an in-process broker, or on PostgreSQL and Redis in CI.
"""

import os
from urllib.parse import urlsplit, urlunsplit

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("SECURE_HSTS_SECONDS", "0")
os.environ.setdefault("STATIC_MANIFEST", "false")

from qa_portal.settings import *  # noqa: E402,F403
from qa_portal.settings import BASE_DIR, env_str  # noqa: E402

# The tests cover the demo and synthetic data too, whatever DEBUG says.
if "demo" not in INSTALLED_APPS:  # noqa: F405
    INSTALLED_APPS.append("demo")  # noqa: F405

# Test client and the browser tests speak plain HTTP to the test server.
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
ALLOWED_HOSTS = ["*"]

# Fast hashing: tests create many users.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def own_redis_database(url: str, worker: str) -> str:
    """`url` moved to the Redis database numbered its own plus the pytest-xdist worker's number
    (gw0 keeps it, gw1 takes the next, ...): workers running side by side share no broker queue or
    cache, so one worker's Celery worker never takes a task another's test sent. Other URLs as given."""
    if not worker or not url.startswith(("redis://", "rediss://")):
        return url
    parts = urlsplit(url)
    number = int(parts.path.strip("/") or 0) + int(worker.removeprefix("gw"))
    return urlunsplit(parts._replace(path=f"/{number}"))


# pytest-xdist names each worker process gw0, gw1, ...; pytest-django gives each its own test database.
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")

# The suite is one process: its in-memory cache is the only one, so the reset limits' check is satisfied.
WEB_CONCURRENCY = 1

# Without a configured broker, tasks run in-process; with Redis configured, delivery tests use a real worker.
CELERY_BROKER_URL = own_redis_database(env_str("CELERY_BROKER_URL") or "memory://", XDIST_WORKER)
if CACHES["default"].get("LOCATION"):  # noqa: F405
    CACHES["default"]["LOCATION"] = own_redis_database(CACHES["default"]["LOCATION"], XDIST_WORKER)  # noqa: F405
CELERY_BROKER_TRANSPORT_OPTIONS = {}
CELERY_TASK_ALWAYS_EAGER = True

STATICFILES_DIRS = [BASE_DIR / "static"]

# Serve the front-end build straight from static/ (no collectstatic before tests).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# axes logs every sign-in at INFO; tests sign in thousands of times.
LOGGING["loggers"]["axes"] = {"level": "WARNING"}  # noqa: F405
