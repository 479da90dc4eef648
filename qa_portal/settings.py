"""Settings for QA Portal, read from the environment (see .env.example for every variable).

Development defaults are safe and need no server: SQLite and a filesystem Celery broker.
Production sets DEBUG=false, SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL and CELERY_BROKER_URL.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from qa_portal.env import env_bool, env_date, env_int, env_list, env_secret, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("QA_PORTAL_VAR_DIR", str(BASE_DIR / "var")))

#
# Core
#
DEBUG = env_bool("DEBUG", default=False)
SECRET_KEY = env_secret("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY is required when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-for-debug"  # noqa: S105
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

SERVICE_NAME = "QA Portal"
# The address people use to reach the service; links in emails start with it.
SITE_URL = (env_str("SITE_URL") or "http://127.0.0.1:8000").rstrip("/")
# Invitation and password links work once and expire after this many days.
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_LINK_DAYS", 3) * 24 * 60 * 60
ORGANISATION_NAME = env_str("ORGANISATION_NAME", "Children's Social Care")
# How long a case opened from outside the user's scope ("break glass", with a stated reason) stays open.
BREAK_GLASS_HOURS = env_int("BREAK_GLASS_HOURS", 4)
if not 1 <= BREAK_GLASS_HOURS <= 24:
    raise ImproperlyConfigured(f"BREAK_GLASS_HOURS must be between 1 and 24 (got {BREAK_GLASS_HOURS}).")
# The largest case CSV the browser import takes (the worker checks and writes it).
CASE_IMPORT_MAX_MB = env_int("CASE_IMPORT_MAX_MB", 50)
PHASE = env_str("PHASE", "beta")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "guardian",
    "simple_history",
    "axes",
    "csp",
    "django_celery_beat",
    "django_filters",
    "crispy_forms",
    "crispy_forms_gds",
    # The project's apps, bottom layer first: each imports only from the apps above it in this list
    # (docs/architecture.md; the layering contract in pyproject.toml checks it).
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
]
# Fictional demo and synthetic data: development only (load_demo refuses to run with DEBUG off, too).
if DEBUG:
    INSTALLED_APPS.append("demo")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A long form posted after the session ended is kept for its owner across sign-in (core/kept_forms.py).
    "core.kept_forms.KeepFormsOfExpiredSessionsMiddleware",
    # Nothing said to a signed-in person is stored by a browser or proxy (no-store, Vary: Cookie).
    "core.middleware.NoStoreForSignedInMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Axes must come last so that it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "qa_portal.urls"
WSGI_APPLICATION = "qa_portal.wsgi.application"

# Widgets render through the project's template engine, so templates/django/forms/ can override Django's
# own widget templates (the select: its options inline, not one template include per option).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "qa_portal.context_processors.service",
            ],
        },
    },
]

#
# Database
#
DATABASE_URL = env_str("DATABASE_URL")
if not DATABASE_URL:
    # The zero-install default: a SQLite file under var/ (created here so a fresh clone just works).
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASE_URL = f"sqlite:///{VAR_DIR / 'qa_portal.sqlite3'}"
try:
    # Persistent connections are checked before a request reuses them (CONN_HEALTH_CHECKS): after the
    # server drops them (a restart, a failover, an idle timeout) each worker reconnects instead of
    # answering its first request with a 500.
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60), conn_health_checks=True
        )
    }
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL is not a database address Django understands: {exc}") from exc
DATABASES["default"]["TEST"] = {"NAME": env_str("TEST_DATABASE_NAME")} if env_str("TEST_DATABASE_NAME") else {}
# Two roles on PostgreSQL (README "Database roles"): DATABASE_URL is the application role, which owns
# nothing and may only add to the audit trail; DATABASE_OWNER_URL is the owner role, given to `migrate`
# alone (and to the test database's creation), which migrates as it and then grants the application role
# (core.database_roles). Its password may come apart, from DATABASE_OWNER_PASSWORD(_FILE). Only its user and
# password are used: it must name the same database, which `migrate` checks.
DATABASE_APP_ROLE = DATABASES["default"].get("USER") or None
DATABASE_OWNER = None
if env_secret("DATABASE_OWNER_URL"):
    try:
        DATABASE_OWNER = dj_database_url.parse(env_secret("DATABASE_OWNER_URL"))
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_OWNER_URL is not a database address Django understands: {exc}") from exc
    DATABASE_OWNER["PASSWORD"] = DATABASE_OWNER.get("PASSWORD") or env_secret("DATABASE_OWNER_PASSWORD", "")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

#
# Authentication and sessions
#
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sessions end after 30 minutes without a request; each request renews the clock.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_SECONDS", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Signed-in pages warn this long before the idle limit, with a "Stay signed in" button (GOV.UK's
# timeout warning); a form posted after the limit is kept this long for its owner to sign in again.
SESSION_WARNING_SECONDS = env_int("SESSION_WARNING_SECONDS", 2 * 60)
KEPT_FORM_SECONDS = env_int("KEPT_FORM_SECONDS", 24 * 60 * 60)
# A post whose CSRF token no longer matches, from a signed-out person on a long form, is kept like one
# that passed (qa_portal.views.csrf_failure); every other failure is the usual 403 page.
CSRF_FAILURE_VIEW = "qa_portal.views.csrf_failure"

# Lock a username from one address after 5 failures; the same user elsewhere can still sign in.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# How many reverse proxies stand in front of the app, each appending to X-Forwarded-For: the one rule
# of the client's address (core/client_address.py) serves the lockout and the reset limits alike.
CLIENT_ADDRESS_PROXY_COUNT = env_int("AXES_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "core.client_address.client_address"

# Password-reset emails: at most this many per address and per client address (django-ratelimit rates).
PASSWORD_RESET_RATE_PER_ADDRESS = env_str("PASSWORD_RESET_RATE_PER_ADDRESS", "3/h")
PASSWORD_RESET_RATE_PER_CLIENT = env_str("PASSWORD_RESET_RATE_PER_CLIENT", "10/h")
RATELIMIT_IP_META_KEY = "core.client_address.client_address"
# How many web processes serve requests (gunicorn reads the same variable as its default --workers).
# More than one needs a shared cache for the reset limits: qa_portal.checks refuses otherwise.
WEB_CONCURRENCY = env_int("WEB_CONCURRENCY", 1 if DEBUG else 2)

# The cache holds the rate-limit counters, so every web process must share it: Redis in production
# (CACHE_URL); one process's memory in development and tests.
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": env_str("CACHE_URL")}
        if env_str("CACHE_URL")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

GUARDIAN_RAISE_403 = False
# History reasons name the fixture files of a load, which can be longer than 100 characters.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
ANONYMOUS_USER_NAME = None  # guardian: no anonymous user row; anonymous visitors are sent to sign in

#
# Security headers (check --deploy passes with DEBUG off)
#
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY") else None
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# Every asset is served from this origin; no inline script or style.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

#
# Static files: the front-end build writes to static/, collectstatic gathers into staticfiles/
#
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("STATIC_MANIFEST", default=not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

#
# Internationalisation
#
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

#
# Email
#
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_secret("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("Set at most one of EMAIL_USE_TLS and EMAIL_USE_SSL.")
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "QA Portal <qa-portal@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

#
# Celery
#
# The default needs no server: kombu's filesystem transport keeps messages under var/celery/.
# The host means nothing to the filesystem transport, but without one kombu logs a warning
# ("No hostname was supplied") every time a task is sent, e.g. throughout load_demo.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL") or "filesystem://localhost/"
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {
        "data_folder_in": str(VAR_DIR / "celery" / "queue"),
        "data_folder_out": str(VAR_DIR / "celery" / "queue"),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        # Broadcast (worker control) messages too, or kombu writes them to ./control in the working directory.
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
    }
    if CELERY_BROKER_URL.startswith("filesystem://")
    else {"visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600)}
)
if CELERY_BROKER_URL.startswith("filesystem://"):
    # kombu does not create its folders: without them the first task sent (e.g. by load_demo, before any
    # worker ran) fails. Created here, like the SQLite file's folder, so a fresh clone just works.
    for _folder in ("data_folder_in", "processed_folder", "control_folder"):
        Path(CELERY_BROKER_TRANSPORT_OPTIONS[_folder]).mkdir(parents=True, exist_ok=True)
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER")
CELERY_TASK_EAGER_PROPAGATES = True
# A task is acknowledged only after it finished; if the worker dies mid-task the broker hands it out again.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "qa_portal.scheduler:DefaultsOnceScheduler"
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

#
# Timeliness: reminders and samples (working days skip weekends, bank holidays and closure days)
#
# The day the authority started tracking QA here: schedule dates before it are not planned, so cases
# imported with years of history do not arrive with every past occurrence overdue. Unset: from each
# episode's start.
DUE_PLANNING_FROM = env_date("DUE_PLANNING_FROM")
# Threads (each with its own database connection) the nightly planning splits the cases between, on
# PostgreSQL: about one per core the database server has.
DUE_PLANNING_WORKERS = env_int("DUE_PLANNING_WORKERS", 2)
REMINDER_DUE_SOON_WORKING_DAYS = env_int("REMINDER_DUE_SOON_WORKING_DAYS", 5)
ESCALATE_AFTER_WORKING_DAYS = env_int("ESCALATE_AFTER_WORKING_DAYS", 5)
ESCALATE_HEAD_AFTER_WORKING_DAYS = env_int("ESCALATE_HEAD_AFTER_WORKING_DAYS", 15)
# A digest lists this many lines (the most overdue first), then counts by stage and process.
REMINDER_DIGEST_LINES = env_int("REMINDER_DIGEST_LINES", 50)
SAMPLE_AUDIT_CASES_PER_MANAGER = env_int("SAMPLE_AUDIT_CASES_PER_MANAGER", 2)
SAMPLE_AUDIT_SKIP_MONTHS = env_int("SAMPLE_AUDIT_SKIP_MONTHS", 6)

#
# Forms
#
CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

#
# Logging: to stderr; child data never goes into a log line.
#
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
