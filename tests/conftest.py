import copy

import pytest
from django.core.cache import cache
from hypothesis import HealthCheck, settings

from tests.factories import TEST_PASSWORD, UserFactory
from tests.once import rolled_back_at_the_end

# The property tests check what the code computes, not how fast: on a busy machine (xdist workers, a
# shared CI runner) Hypothesis's timing checks would fail them for the machine's load.
settings.register_profile("suite", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("suite")

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
def cast(request, db):
    """One user per demo role, three teams and four cases (see tests/cast.py): the module's shared cast
    (a fresh copy, see cast_once) where the module or class asks for it, else built for this test."""
    from tests.cast import build_cast

    shared = SHARED_CASTS.get(request.module.__name__)
    return copy.deepcopy(shared) if shared is not None else build_cast()


@pytest.fixture(scope="module")
def catalogue_once(django_db_setup, django_db_blocker):
    """The whole process catalogue, loaded once for a module (about 2 s a load) in a transaction rolled
    back when the module ends. Each test runs in a savepoint inside it, as Django's
    TestCase.setUpTestData does. Modules ask for it with pytest.mark.usefixtures("catalogue_once")."""
    import io

    from django.core.management import call_command

    with rolled_back_at_the_end(django_db_blocker):
        with django_db_blocker.unblock():
            call_command("load_processes", stdout=io.StringIO())
        yield


# module name -> the cast cast_once built for it, while that module runs.
SHARED_CASTS = {}


@pytest.fixture(scope="module")
def cast_once(request, django_db_setup, django_db_blocker):
    """The cast, built once for a module (about a second a build) in a transaction rolled back when the
    module ends; each test's `cast` is a deep copy of it, as TestCase.setUpTestData gives each test a
    copy of its objects, and each test runs in a savepoint, so what one test changes the next never sees.
    Asked for with pytest.mark.usefixtures("cast_once") by a module (or a class: the view-test mixins
    of tests/testing.py), whose tests must then be non-transactional. Built after the catalogue where
    the module loads it once too, as the per-test cast is."""
    from tests.cast import build_cast

    if "catalogue_once" in request.fixturenames:
        request.getfixturevalue("catalogue_once")
    with rolled_back_at_the_end(django_db_blocker):
        with django_db_blocker.unblock():
            SHARED_CASTS[request.module.__name__] = build_cast()
        try:
            yield SHARED_CASTS[request.module.__name__]
        finally:
            del SHARED_CASTS[request.module.__name__]


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
