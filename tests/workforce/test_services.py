"""Writes for teams and staff: groups follow roles and team, and history records who changed what."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from processes.models import Role
from processes.services import roles_sync, system_user
from tests.factories import UserFactory, user_with_roles
from tests.workforce.factories import advice_and_assessment, staff_member, team_created
from workforce import services
from workforce.models import StaffProfile

pytestmark = pytest.mark.django_db


@pytest.fixture
def roles(db) -> dict[str, Role]:
    return roles_sync(actor=system_user())


@pytest.fixture
def qa_admin(roles):
    return user_with_roles("qa.admin", "qa-administrator")


@pytest.fixture
def team(qa_admin):
    return team_created(actor=qa_admin, name="Assessment Team 1")


@pytest.fixture
def other_team(qa_admin):
    return team_created(actor=qa_admin, name="Assessment Team 2")


@pytest.fixture
def member(qa_admin, team, roles):
    return staff_member(actor=qa_admin, username="sam.worker", team=team, roles=[roles["social-worker"]])


def group_ids(user) -> set[int]:
    return set(user.groups.values_list("id", flat=True))


def test_creating_a_team_creates_its_group(qa_admin):
    team = services.team_create(actor=qa_admin, name="Duty Team", service_area=advice_and_assessment())
    assert team.group.name == "Team: Duty Team"
    assert team.history.get().history_user == qa_admin


def test_renaming_a_team_renames_its_group(qa_admin, team):
    services.team_update(actor=qa_admin, team=team, name="Duty and Advice")
    team.group.refresh_from_db()
    assert team.group.name == "Team: Duty and Advice"
    assert team.history.latest().history_user == qa_admin


def test_a_new_profile_gets_exactly_its_roles_groups_and_its_teams_group(qa_admin, team, roles):
    user = UserFactory(username="new.worker")
    profile = StaffProfile(user=user, job_title="Social Worker", team=team, start_date=date(2024, 1, 8))
    services.staff_profile_save(actor=qa_admin, profile=profile, roles=[roles["social-worker"], roles["iro"]])
    assert group_ids(user) == {roles["social-worker"].group_id, roles["iro"].group_id, team.group_id}
    assert {record.history_user for record in profile.history.all()} == {qa_admin}


def test_removing_a_role_removes_its_group(qa_admin, member, roles):
    services.staff_profile_save(actor=qa_admin, profile=member, roles=[roles["iro"]])
    assert group_ids(member.user) == {roles["iro"].group_id, member.team.group_id}


def test_moving_team_swaps_the_team_group(qa_admin, member, other_team, roles):
    member.team = other_team
    services.staff_profile_save(actor=qa_admin, profile=member)
    assert group_ids(member.user) == {roles["social-worker"].group_id, other_team.group_id}


def test_a_leaver_loses_every_managed_group_but_keeps_their_history(qa_admin, member):
    before = member.history.count()
    member.left_on = date(2024, 3, 31)
    services.staff_profile_save(actor=qa_admin, profile=member)
    assert group_ids(member.user) == set()
    assert member.history.count() == before + 1
    assert member.history.latest().left_on == date(2024, 3, 31)


def test_groups_made_in_the_admin_are_left_alone(qa_admin, member, roles):
    hand_made = Group.objects.create(name="Report readers")
    member.user.groups.add(hand_made)
    services.staff_profile_save(actor=qa_admin, profile=member, roles=[])
    assert group_ids(member.user) == {hand_made.pk, member.team.group_id}


def test_a_leaver_can_no_longer_sign_in(qa_admin, member):
    member.left_on = date(2026, 11, 1)
    services.staff_profile_save(actor=qa_admin, profile=member)
    member.user.refresh_from_db()
    assert member.user.is_active is False
    assert not member.user.groups.exists()


def test_members_of_an_inactive_team_lose_its_group(qa_admin, member, team):
    services.team_update(actor=qa_admin, team=team, is_active=False)
    member.refresh_from_db()
    services.staff_groups_sync(member)
    assert not member.user.groups.filter(pk=team.group_id).exists()


def test_a_team_whose_group_name_is_taken_is_refused_before_anything_is_written(qa_admin):
    from django.core.exceptions import ValidationError

    from workforce.models import Team

    Group.objects.create(name="Team: Duty Team")
    with pytest.raises(ValidationError, match="already exists"):
        services.team_create(actor=qa_admin, name="Duty Team", service_area=advice_and_assessment())
    assert not Team.objects.filter(name="Duty Team").exists()


def test_team_update_refuses_a_field_it_does_not_change(qa_admin, team):
    with pytest.raises(TypeError, match="does not change colour"):
        services.team_update(actor=qa_admin, team=team, colour="blue")


def test_the_database_refuses_a_person_as_their_own_line_manager(member):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        StaffProfile.objects.filter(pk=member.pk).update(line_manager=member.user)


def test_the_qa_administrator_role_opens_the_admin_and_losing_it_closes_it(roles, member):
    # A superuser's doing: a QA administrator's account is a superuser's (tests/workforce/test_account_rules.py).
    superuser = get_user_model().objects.create_superuser("root.admin", "root@example.org", "a-long-password-123")
    services.staff_profile_save(actor=superuser, profile=member, roles=[roles["qa-administrator"]])
    member.user.refresh_from_db()
    assert member.user.is_staff is True
    services.staff_profile_save(actor=superuser, profile=member, roles=[roles["social-worker"]])
    member.user.refresh_from_db()
    assert member.user.is_staff is False
