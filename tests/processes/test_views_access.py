"""A process page and its timescale change page (the mixins of tests/testing.py): anonymous -> sign in,
a retired (inactive) process is not there (404), and a timescale change keeps one history row."""

import pytest

from processes.models import Process, ScheduleOverride
from tests.testing import ScopeTests, ShowTests, SignInTests, WriteViewTests

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue_once", "cast_once")]

LOCAL = "aa-core-groups"  # a local rule: 10 working days, then every 4 weeks


def retired(key="aa-child-protection-review") -> Process:
    Process.objects.filter(key=key).update(is_active=False)
    return Process.objects.get(key=key)


class TestProcessPage(SignInTests, ScopeTests, ShowTests):
    """Every signed-in user reads the catalogue: there is no permission to lack."""

    url = "/processes/{obj.key}/"
    user_in_scope = "sw.assessment"

    def object_in_scope(self, cast):
        return Process.objects.get(key=LOCAL)

    def object_out_of_scope(self, cast):
        return retired()

    def marker(self, obj):
        return obj.name


class TestScheduleOverride(WriteViewTests):
    url = "/processes/{obj.key}/schedule/"
    user_in_scope = "qa.admin"
    user_without_permission = "tm.assessment"

    def object_in_scope(self, cast):
        return Process.objects.get(key=LOCAL)

    def object_out_of_scope(self, cast):
        return retired(LOCAL)

    def form_data(self, cast, obj):
        return {"intervals": "5 working days\n2 weeks", "repeats": "on", "reason": "Board decision, March 2027"}

    def history_rows(self, cast, obj):
        return ScheduleOverride.history.all()
