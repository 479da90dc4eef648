import pytest
from django.core.cache import cache

from tests.factories import TEST_PASSWORD, UserFactory

pytest_plugins = ["tests.database_roles"]  # on PostgreSQL with two roles, the tests run as the application role


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: rate-limit counts must not carry from one test to the next."""
    cache.clear()
    yield


@pytest.fixture
def password():
    return TEST_PASSWORD


@pytest.fixture
def user(db):
    return UserFactory(username="alex.user", first_name="Alex", last_name="User")


@pytest.fixture
def signed_in_client(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def cast(db):
    """One user per demo role, three teams and four cases (see tests/cast.py)."""
    from tests.cast import build_cast

    return build_cast()


@pytest.fixture(scope="module")
def catalogue_once(django_db_setup, django_db_blocker):
    """The whole process catalogue, loaded once for a module (about 2 s a load) in a transaction rolled
    back when the module ends. Each test runs in a savepoint inside it, as Django's
    TestCase.setUpTestData does. Modules ask for it with pytest.mark.usefixtures("catalogue_once")."""
    import io

    from django.core.management import call_command
    from django.db import transaction

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        call_command("load_processes", stdout=io.StringIO())
    yield
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


@pytest.fixture
def real_worker(transactional_db):
    """A real Celery worker, in threads of this process, on the configured broker (Redis in CI)."""
    from celery.contrib.testing.worker import start_worker

    from qa_portal.celery import app

    app.conf.task_always_eager = False
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10) as worker:
            yield worker
    finally:
        app.conf.task_always_eager = True
