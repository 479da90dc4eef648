"""Case assignments in the admin site: looked up by case reference or username, never added, changed,
deleted or reverted there, and only those of the cases in the viewer's scope."""

from datetime import date

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import CaseAssignment
from cases.services import assignment_end, assignment_start
from processes.models import Role
from processes.roles import PEP_OFFICER
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("cast_once")]

LIST = "/admin/cases/caseassignment/"


def listed(page):
    return [(assignment.case.reference, assignment.user.username) for assignment in page.context["cl"].result_list]


@pytest.fixture
def assignments(cast):
    """The cast's two: the chair of CASE-A1 and the IRO of CASE-C1."""
    return {assignment.case.reference: assignment for assignment in CaseAssignment.objects.select_related("case")}


@pytest.fixture
def superuser_client(client, cast):
    # A superuser who is a QA administrator (every case in scope): if even they cannot write, nobody can.
    admin = cast["qa.admin"]
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    return client


@pytest.fixture
def manager_client(client, cast):
    """The children-in-care team's manager, made staff with the view permission: CASE-C1 is in scope,
    CASE-A1 (the assessment team's) is not."""
    manager = cast["tm.cic"]
    manager.is_staff = True
    manager.save()
    manager.user_permissions.add(Permission.objects.get(codename="view_caseassignment"))
    client.force_login(manager)
    return client


def test_the_list_shows_case_role_person_and_dates(superuser_client, assignments):
    page = superuser_client.get(LIST)
    assert page.status_code == 200
    assert sorted(listed(page)) == [("CASE-A1", "chair"), ("CASE-C1", "iro")]
    html = page.content.decode()
    for heading in ("Case reference", "Role", "User", "Start", "End"):
        assert heading in html, heading


def test_the_list_is_searchable_by_case_reference_and_by_username(superuser_client, assignments):
    assert listed(superuser_client.get(LIST, {"q": "CASE-C1"})) == [("CASE-C1", "iro")]
    assert listed(superuser_client.get(LIST, {"q": "chair"})) == [("CASE-A1", "chair")]


def test_the_list_filters_by_role_and_by_whether_the_assignment_has_ended(superuser_client, cast, assignments):
    iro = assignments["CASE-C1"].role
    assert listed(superuser_client.get(LIST, {"role__id__exact": iro.pk})) == [("CASE-C1", "iro")]
    assignment_end(assignment=assignments["CASE-A1"], end=date(2026, 2, 1), actor=cast["qa.admin"])
    assert listed(superuser_client.get(LIST, {"end__isempty": "1"})) == [("CASE-C1", "iro")]
    assert listed(superuser_client.get(LIST, {"end__isempty": "0"})) == [("CASE-A1", "chair")]


def test_a_superuser_with_no_role_sees_no_childs_assignments(client, assignments):
    client.force_login(UserFactory(username="root.admin", is_staff=True, is_superuser=True))
    assert listed(client.get(LIST)) == []


def test_a_staff_user_sees_only_the_assignments_of_cases_in_their_scope(manager_client, assignments):
    assert listed(manager_client.get(LIST)) == [("CASE-C1", "iro")]
    outside = assignments["CASE-A1"]
    # The change page of an assignment outside the scope finds nothing (the admin sends them back).
    assert manager_client.get(f"{LIST}{outside.pk}/change/").status_code == 302
    assert manager_client.get(f"{LIST}{assignments['CASE-C1'].pk}/change/").status_code == 200


def test_an_assignments_history_outside_the_viewers_scope_is_not_found(manager_client, assignments):
    outside, inside = assignments["CASE-A1"], assignments["CASE-C1"]
    assert manager_client.get(f"{LIST}{outside.pk}/history/").status_code == 404
    version = outside.history.latest().history_id
    assert manager_client.get(f"{LIST}{outside.pk}/history/{version}/").status_code == 404
    assert manager_client.get(f"{LIST}{inside.pk}/history/").status_code == 200


def test_an_assignment_cannot_be_added_changed_deleted_or_reverted(superuser_client, cast, assignments):
    assignment = assignments["CASE-C1"]
    assert superuser_client.get(f"{LIST}add/").status_code == 403
    assert superuser_client.post(f"{LIST}{assignment.pk}/delete/", {"post": "yes"}).status_code == 403
    superuser_client.post(f"{LIST}{assignment.pk}/change/", {"end": "2026-02-01", "user": cast["chair"].pk})
    version = assignment.history.latest().history_id
    reverted = superuser_client.post(
        f"{LIST}{assignment.pk}/history/{version}/",
        {"case": assignment.case_id, "role": assignment.role_id, "user": cast["chair"].pk, "start": "2026-01-05"},
    )
    assert reverted.status_code == 403
    assignment.refresh_from_db()
    assert (assignment.user, assignment.end) == (cast["iro"], None)
    assert CaseAssignment.objects.count() == 2
    assert "delete_selected" not in superuser_client.get(LIST).content.decode()


def test_the_list_takes_the_same_number_of_queries_however_many_assignments_it_shows(
    superuser_client, cast, assignments
):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert superuser_client.get(LIST).status_code == 200
        return len(captured)

    before = queries()
    pep = Role.objects.get(key=PEP_OFFICER)
    for case in cast.cases.values():
        assignment_start(case=case, role=pep, user=cast["hos"], start=date(2026, 1, 5), actor=cast["qa.admin"])
    assert CaseAssignment.objects.count() == 6
    assert queries() == before
