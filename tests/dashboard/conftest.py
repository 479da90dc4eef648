"""Fixtures of tests/dashboard.

The dashboard data (60 records, their due items and the rollups: seconds to build) is built once per
module, for the tests that take `data`, which run after the module's other tests: those see no
dashboard data, as when each test built its own.
"""

import copy

import pytest

from tests.dashboard.dashboard_data import build
from tests.once import rolled_back_at_the_end

HERE = __name__.rpartition(".")[0]


@pytest.fixture(scope="module")
def data_once(cast_once, django_db_blocker):
    """The dashboard data over the module's shared cast, in a savepoint rolled back when the module ends."""
    with rolled_back_at_the_end(django_db_blocker):
        with django_db_blocker.unblock():
            made = build(copy.deepcopy(cast_once), audits=60)
        yield made


@pytest.fixture
def data(data_once, cast):
    """The processes of the dashboard data (tests/dashboard/dashboard_data.py), a fresh copy per test."""
    return copy.deepcopy(data_once)


def pytest_collection_modifyitems(items):
    """In each module of this folder, the tests that take `data` run last: until then its module has no
    dashboard data. Modules keep their place (each stays whole, for pytest-xdist's --dist loadfile)."""

    def module_of(item) -> str:
        return item.nodeid.partition("::")[0]

    first = {}
    for index, item in enumerate(items):
        first.setdefault(module_of(item), index)

    def place(item):
        module = getattr(item, "module", None)
        ours = module is not None and module.__name__.startswith(HERE + ".")
        return first[module_of(item)], ours and "data" in item.fixturenames

    items.sort(key=place)
