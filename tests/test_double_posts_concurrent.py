"""The same create posted twice at the same moment, in two threads with their own database connections
(a double click that got past the button): one record, and both answers the same. Transactional (each
thread commits), so this module builds its own rows per test. Replayed posts, one after the other:
tests/workforce/test_double_posts.py, tests/cases/test_break_glass.py."""

import io
import re
import threading

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client

from cases.models import BreakGlassGrant
from processes.models import Role
from processes.roles import HEAD_OF_SERVICE
from tests.cast import build_cast
from tests.workforce.factories import advice_and_assessment
from workforce.models import RoleGrantRequest, StaffProfile, Team
from workforce.services import role_grant_request

pytestmark = pytest.mark.django_db(transaction=True)

REASON = "Covering for the youth offending team manager, who is off sick this week"


@pytest.fixture
def people(transactional_db):
    call_command("load_processes", stdout=io.StringIO())
    return build_cast()


def at_once(*calls):
    """Run each call in its own thread, released together; what each returned."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            results[index] = call()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def answer(response) -> tuple[int, str]:
    return response.status_code, response.get("Location", "")


def test_one_add_team_form_posted_twice_at_once_makes_one_team(people):
    admin = people["qa.admin"]
    page = signed_in(admin).get("/workforce/teams/add/").content.decode()
    token = re.search(r'name="form_token" value="([^"]+)"', page).group(1)
    data = {"name": "Duty Team", "service_area": advice_and_assessment().pk, "form_token": token}
    clients = [signed_in(admin), signed_in(admin)]
    first, second = at_once(*(lambda c=c: answer(c.post("/workforce/teams/add/", data)) for c in clients))
    team = Team.objects.get(name="Duty Team")
    assert first == second == (302, f"/workforce/teams/{team.pk}/")


def test_one_break_glass_form_posted_twice_at_once_opens_the_case_once(people):
    manager, case = people["tm.assessment"], people.cases["yos"]
    data = {"reference": case.reference, "reason": REASON}
    clients = [signed_in(manager), signed_in(manager)]
    first, second = at_once(*(lambda c=c: answer(c.post("/cases/outside-scope/", data)) for c in clients))
    assert first == second == (302, f"/cases/{case.pk}/")
    assert BreakGlassGrant.objects.filter(user=manager, case=case).count() == 1


def test_one_role_request_made_twice_at_once_is_one_request(people):
    admin = people["qa.admin"]
    profile = StaffProfile.objects.get(user=people["sw.assessment"])
    role = Role.objects.get(key=HEAD_OF_SERVICE)
    first, second = at_once(*(lambda: role_grant_request(actor=admin, profile=profile, role=role).pk for _ in "ab"))
    assert first == second == RoleGrantRequest.objects.get(profile=profile, role=role).pk


def test_two_catalogue_loads_at_once_take_turns_and_the_second_writes_nothing(transactional_db):
    # The same files applied twice at once: without the advisory lock both would insert every process
    # and one would fail on the unique keys.
    from processes.catalogue_files import read_paths
    from processes.management.commands.load_processes import DEFAULT_PATH
    from processes.models import Process
    from processes.services import catalogue_apply

    tables = read_paths([DEFAULT_PATH])
    outcomes = at_once(*(lambda: catalogue_apply(tables).counts_line() for _ in "ab"))
    assert all(outcomes), outcomes
    assert Process.objects.count() == Process.objects.values("key").distinct().count() > 0
    assert Process.history.filter(history_type="+").count() == Process.objects.count()
