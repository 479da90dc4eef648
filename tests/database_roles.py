"""pytest plugin: on PostgreSQL with two roles, the suite runs as the application role, as production does.

With DATABASE_OWNER_URL set (CI: `.ci/run`), the owner role creates and migrates the test database
(one per xdist worker: pytest-django's name suffixing is untouched) and `migrate` grants the application
role; then the connection switches to the application role (DATABASE_URL's user) for every test. Two
things still need the owner and get it for their span only:

- emptying the tables after a transactional test (TransactionTestCase's flush TRUNCATEs every table,
  the access log and the history tables too, which the application role may not);
- tests that migrate the database themselves (tests/test_upgrade.py), through the `database_owner`
  fixture, which grants the application role again when it ends (migrations may have rebuilt tables).

Without an owner role (SQLite, or PostgreSQL as a single role) nothing here changes anything.
Registered by one `pytest_plugins` line in tests/conftest.py.
"""

import pytest
from django.db import DEFAULT_DB_ALIAS
from django.test import TransactionTestCase

from core.database_roles import connect_as, connected_as_owner, grant_app_role, owner_settings, two_roles


def _app_credentials() -> tuple[str, str]:
    from django.conf import settings

    return settings.DATABASE_APP_ROLE, settings.DATABASES[DEFAULT_DB_ALIAS].get("PASSWORD") or ""


@pytest.fixture(scope="session")
def _owner_creates_the_test_database(django_test_environment):
    """Before pytest-django creates the test database: connect as the owner, which may create it."""
    if not two_roles():
        yield None
        return
    app_credentials = _app_credentials()
    owner = owner_settings()
    connect_as(DEFAULT_DB_ALIAS, owner["USER"], owner.get("PASSWORD"))
    yield app_credentials


@pytest.fixture(scope="session")
def django_db_setup(_owner_creates_the_test_database, django_db_setup, django_db_blocker):
    """pytest-django's test database, created and migrated by the owner; then the tests connect as the
    application role, and transactional tests' flushes run as the owner."""
    if _owner_creates_the_test_database is None:
        yield
        return
    with django_db_blocker.unblock():
        connect_as(DEFAULT_DB_ALIAS, *_owner_creates_the_test_database)
    flush_as_owner = pytest.MonkeyPatch()
    plain_teardown = TransactionTestCase._fixture_teardown

    def _fixture_teardown(self):
        with connected_as_owner(DEFAULT_DB_ALIAS):
            plain_teardown(self)

    # TestCase overrides _fixture_teardown (it rolls back instead): only transactional tests get this.
    flush_as_owner.setattr(TransactionTestCase, "_fixture_teardown", _fixture_teardown)
    yield
    flush_as_owner.undo()
    # pytest-django's teardown, which runs next, drops the test database: only its owner may.
    owner = owner_settings()
    connect_as(DEFAULT_DB_ALIAS, owner["USER"], owner.get("PASSWORD"))


@pytest.fixture
def database_owner(transactional_db):
    """For the span of one transactional test, the connection is the owner role's (for tests that
    migrate); the application role's grants are renewed before the tests go on as it."""
    with connected_as_owner(DEFAULT_DB_ALIAS):
        yield
        if two_roles():
            grant_app_role(DEFAULT_DB_ALIAS)
