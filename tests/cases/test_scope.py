"""Case scope is granted per case and only per case: no role can reach every child through a
model-wide permission, and every grant matches the case's team and people."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from cases.models import Case, CaseGroupObjectPermission, CaseUserObjectPermission
from cases.services import assignment_end, assignment_start, case_transfer
from processes.models import Role
from processes.services import roles_sync, system_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("cast_once")]

CHILD_DATA_MODELS = {"case", "episode", "historicalcase", "historicalepisode"}


def expected_grants(case):
    users = {case.allocated_worker_id} - {None}
    users |= {held.user_id for held in case.assignments.all() if held.is_live(timezone.localdate())}
    return {case.team.group_id}, users


def actual_grants(case):
    groups = set(CaseGroupObjectPermission.objects.filter(content_object=case).values_list("group_id", flat=True))
    users = set(CaseUserObjectPermission.objects.filter(content_object=case).values_list("user_id", flat=True))
    return groups, users


def test_no_role_holds_a_model_wide_view_permission_on_child_data(cast):
    roles_sync(actor=system_user())
    held = Permission.objects.filter(group__in=Group.objects.all(), codename__startswith="view_")
    assert not held.filter(content_type__model__in=CHILD_DATA_MODELS).exists()
    assert set(held.values_list("codename", flat=True)) <= {"view_accesslogentry"}


def test_no_user_holds_a_model_wide_permission_of_their_own(cast):
    assert not Permission.objects.filter(user__isnull=False).exists()


def test_the_case_model_has_no_model_wide_view_permission_at_all():
    codenames = set(Permission.objects.filter(content_type__app_label="audits").values_list("codename", flat=True))
    assert "view_episode" not in codenames
    # view_case exists only as an object permission codename; no group or user holds it model-wide.
    assert not Permission.objects.get(codename="view_case").group_set.exists()


def test_every_case_grants_exactly_its_team_and_its_people(cast):
    for case in Case.objects.select_related("team"):
        assert actual_grants(case) == expected_grants(case), case.reference


def test_changes_of_team_worker_and_assignments_leave_no_stray_grant(cast):
    case = cast.cases["assessment"]
    actor = cast["qa.admin"]
    case_transfer(actor=actor, case=case, team=cast.teams["yos"], allocated_worker=None)
    chaired = case.assignments.get(user=cast["chair"])
    assignment_end(assignment=chaired, end=timezone.localdate() - timedelta(days=1), actor=actor)
    iro = Role.objects.get(key="iro")
    assignment_start(case=case, role=iro, user=cast["iro"], start=timezone.localdate(), actor=actor)
    assert actual_grants(case) == ({cast.teams["yos"].group_id}, {cast["iro"].pk})


def test_a_user_without_roles_sees_no_case_even_as_superuser(cast):
    from tests.factories import UserFactory

    superuser = UserFactory(username="root.admin", is_superuser=True, is_staff=True)
    assert not Case.objects.for_user(superuser).exists()


def test_board_and_scrutiny_roles_see_no_case(cast):
    assert not Case.objects.for_user(cast["scrutiny"]).exists()


def test_anonymous_users_see_no_case(cast):
    from django.contrib.auth.models import AnonymousUser

    assert not Case.objects.for_user(AnonymousUser()).exists()


SCOPE_READERS = (
    "get_objects_for_user",
    "get_user_obj_perms_model",
    "get_group_obj_perms_model",
    "ObjectPermissionChecker",
)


def test_object_permissions_are_read_for_scope_in_one_place_only():
    """ScopedQuerySet.for_user is the only code that reads guardian's grants to scope rows."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    readers = sorted(
        path.relative_to(root).as_posix()
        for folder in (
            "core",
            "processes",
            "workforce",
            "cases",
            "audits",
            "timeliness",
            "dashboard",
            "qa_portal",
            "demo",
        )
        for path in (root / folder).rglob("*.py")
        if "migrations" not in path.parts and any(name in path.read_text(encoding="utf-8") for name in SCOPE_READERS)
    )
    assert readers == ["core/querysets.py"]


def test_one_person_granted_a_process_in_the_admin_may_record_it(cast):
    """ProcessUserObjectPermission: an administrator may grant "record this process" to one person."""
    from pathlib import Path

    from guardian.shortcuts import assign_perm

    from processes.catalogue_files import read_paths
    from processes.models import Process, ProcessUserObjectPermission
    from processes.services import catalogue_apply

    catalogue_apply(read_paths([Path(__file__).resolve().parents[2] / "fixtures" / "processes"]))
    process = Process.objects.get(key="csc-sample-audit")
    worker = cast["sw.assessment"]
    assert not Process.objects.for_user(worker, "record").filter(pk=process.pk).exists()
    assign_perm("processes.record_process", worker, process)
    assert ProcessUserObjectPermission.objects.filter(user=worker, content_object=process).exists()
    assert Process.objects.for_user(worker, "record").filter(pk=process.pk).exists()


@pytest.mark.parametrize("role", ["tm.assessment", "sw.assessment", "chair", "iro", "tm.yos", "hos", "scrutiny"])
def test_both_query_shapes_of_the_scope_give_the_same_cases(cast, role):
    user = cast[role]
    as_in = set(Case.objects.for_user(user, shape="in").values_list("pk", flat=True))
    as_exists = set(Case.objects.for_user(user, shape="exists").values_list("pk", flat=True))
    assert as_in == as_exists


@pytest.mark.parametrize("role", ["tm.assessment", "sw.assessment", "chair", "iro", "tm.yos", "hos", "scrutiny"])
def test_counting_the_cases_from_the_grants_alone_gives_the_scopes_count(cast, role):
    user = cast[role]
    assert Case.objects.count_for_user(user) == Case.objects.for_user(user).count()


def test_a_case_granted_to_a_worker_and_to_their_team_is_counted_once(cast):
    from guardian.shortcuts import assign_perm

    manager = cast["tm.assessment"]
    case = Case.objects.for_user(manager).first()
    assign_perm("cases.view_case", manager, case)  # now granted both directly and through the team
    assert Case.objects.count_for_user(manager) == Case.objects.for_user(manager).count()
