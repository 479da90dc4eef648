"""The cast built once for a module (cast_once in tests/conftest.py) behaves like one built per test:
what a test changes, in the database or in its copy of the objects, the next test does not see."""

import pytest

from cases.models import Case
from tests.cast import PEOPLE

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("cast_once")]


@pytest.mark.parametrize("turn", ["first", "second"])
def test_each_test_starts_from_the_cast_as_built(cast, turn):
    case = cast.cases["assessment"]
    assert case.child_name == "Child CASE-A1"
    assert Case.objects.get(pk=case.pk).child_name == "Child CASE-A1"
    assert sorted(cast.users) == sorted(PEOPLE)
    # Changed in memory and in the database: neither may reach the other turn.
    case.child_name = f"Changed in the {turn} test"
    Case.objects.filter(pk=case.pk).update(child_name=case.child_name)
    cast.users.pop("hos")


def test_each_test_gets_its_own_copy_of_the_same_rows(cast, request):
    shared = request.getfixturevalue("cast_once")
    assert cast is not shared and cast["tm.cic"] is not shared["tm.cic"]
    assert cast["tm.cic"].pk == shared["tm.cic"].pk
    # One copy: the team's manager is the same object as the user in the cast.
    assert cast.teams["cic"].manager is cast["tm.cic"]
