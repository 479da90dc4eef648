"""Teams and staff pages: QA administrators manage people; a user's groups follow their roles and team."""

from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from processes.models import Role
from processes.services import roles_sync, system_user
from tests.factories import UserFactory, user_with_roles
from tests.queries import Queries, assert_queries
from tests.workforce.factories import (
    StaffProfileFactory,
    TeamFactory,
    advice_and_assessment,
    staff_member,
    team_created,
)
from tests.workforce.helpers import edit_data, staff_data
from workforce.models import StaffProfile, Team

pytestmark = pytest.mark.django_db

User = get_user_model()


@pytest.fixture
def roles(db) -> dict[str, Role]:
    return roles_sync(actor=system_user())


@pytest.fixture
def qa_admin(roles):
    return user_with_roles("qa.admin", "qa-administrator", first_name="Quinn", last_name="Admin")


@pytest.fixture
def team_manager(roles):
    return user_with_roles("tm.assessment", "team-manager")


@pytest.fixture
def team(qa_admin):
    return team_created(actor=qa_admin, name="Assessment Team 1")


@pytest.fixture
def other_team(qa_admin):
    return team_created(actor=qa_admin, name="Assessment Team 2")


@pytest.fixture
def member(qa_admin, team, roles):
    return staff_member(
        actor=qa_admin,
        username="sam.worker",
        first_name="Sam",
        last_name="Worker",
        team=team,
        roles=[roles["social-worker"]],
    )


@pytest.fixture
def admin_client(client, qa_admin):
    client.force_login(qa_admin)
    return client


def group_ids(user) -> set[int]:
    return set(user.groups.values_list("id", flat=True))


def row_counts() -> dict[str, int]:
    return {
        "users": User.objects.count(),
        "profiles": StaffProfile.objects.count(),
        "profile history": StaffProfile.history.count(),
        "teams": Team.objects.count(),
        "team history": Team.history.count(),
        "groups": Group.objects.count(),
        "memberships": User.groups.through.objects.count(),
    }


#
# Access
#


def test_qa_administrators_hold_the_workforce_permissions(qa_admin):
    user = User.objects.get(pk=qa_admin.pk)
    for perm in ("add_team", "change_team", "add_staffprofile", "change_staffprofile"):
        assert user.has_perm(f"workforce.{perm}")


# Anonymous visitors, team managers (403, nothing written) and QA administrators (200) on every page,
# and one history row for each write: tests/workforce/test_views_access.py.


def test_an_unknown_team_or_person_is_not_found(admin_client):
    assert admin_client.get("/workforce/teams/999/").status_code == 404
    assert admin_client.get("/workforce/staff/999/edit/").status_code == 404


def test_the_lists_link_to_each_other_for_administrators(admin_client):
    teams = admin_client.get("/workforce/teams/").content.decode()
    staff = admin_client.get("/workforce/staff/").content.decode()
    assert 'href="/workforce/staff/"' in teams and 'href="/workforce/teams/add/"' in teams
    assert 'href="/workforce/teams/"' in staff and 'href="/workforce/staff/add/"' in staff


#
# Teams
#


def test_adding_a_team_creates_its_group_and_records_who(admin_client, qa_admin):
    area = advice_and_assessment()
    response = admin_client.post("/workforce/teams/add/", {"name": "Duty Team", "service_area": area.pk})
    team = Team.objects.get(name="Duty Team")
    assert response.status_code == 302
    assert response["Location"] == f"/workforce/teams/{team.pk}/"
    assert team.group.name == "Team: Duty Team"
    assert team.is_active
    assert team.history.get().history_user == qa_admin


def test_changing_a_team_renames_its_group_and_records_who(admin_client, qa_admin, team, member):
    data = {"name": "Duty and Advice", "service_area": team.service_area_id, "manager": member.user.pk}
    assert admin_client.post(f"/workforce/teams/{team.pk}/edit/", data).status_code == 302
    team.refresh_from_db()
    team.group.refresh_from_db()
    assert (team.name, team.group.name, team.manager) == ("Duty and Advice", "Team: Duty and Advice", member.user)
    assert not team.is_active  # the box was not ticked
    assert team.history.latest().history_user == qa_admin


def test_a_team_is_deactivated_never_deleted(admin_client, team):
    data = {"name": team.name, "service_area": team.service_area_id}
    admin_client.post(f"/workforce/teams/{team.pk}/edit/", data)
    assert Team.objects.filter(pk=team.pk, is_active=False).exists()
    assert "Inactive" in admin_client.get("/workforce/teams/").content.decode()


def test_the_team_manager_is_chosen_from_people_with_a_staff_profile(admin_client, qa_admin, team, member):
    choices = admin_client.get(f"/workforce/teams/{team.pk}/edit/").context["form"].fields["manager"].queryset
    assert list(choices) == [member.user]
    response = admin_client.post(
        f"/workforce/teams/{team.pk}/edit/",
        {"name": team.name, "service_area": team.service_area_id, "manager": qa_admin.pk, "is_active": "on"},
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": ""}, "Enter the team&#x27;s name"),
        ({"name": "Assessment Team 1"}, "A team with this name already exists"),
        ({"name": "Report readers"}, "A group called “Team: Report readers” already exists"),
        ({"service_area": ""}, "Choose the team&#x27;s service area"),
    ],
)
def test_bad_team_input_is_shown_and_nothing_is_written(admin_client, team, data, message):
    Group.objects.create(name="Team: Report readers")
    before = row_counts()
    response = admin_client.post(
        "/workforce/teams/add/", {"name": "Duty", "service_area": team.service_area_id, **data}
    )
    content = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in content
    assert message in content
    assert row_counts() == before


def test_the_team_page_lists_its_current_members(admin_client, qa_admin, team, member):
    staff_member(actor=qa_admin, username="gone", team=team, start_date=date(2020, 1, 6), left_on=date(2023, 1, 6))
    response = admin_client.get(f"/workforce/teams/{team.pk}/")
    assert list(response.context["members"]) == [member]
    assert "Sam Worker" in response.content.decode()


def test_the_team_list_counts_current_members(admin_client, qa_admin, team, member, other_team):
    staff_member(actor=qa_admin, username="gone", team=team, start_date=date(2020, 1, 6), left_on=date(2023, 1, 6))
    counts = {t.name: t.member_count for t in admin_client.get("/workforce/teams/").context["teams"]}
    assert counts == {"Assessment Team 1": 1, "Assessment Team 2": 0}


def test_the_team_list_runs_the_same_number_of_queries_for_2_teams_and_30(admin_client):
    def add_teams(count):
        for _ in range(count):
            team = TeamFactory(manager=UserFactory())
            StaffProfileFactory.create_batch(2, team=team)

    add_teams(2)
    with Queries() as two:
        assert len(admin_client.get("/workforce/teams/").context["teams"]) == 2
    add_teams(28)
    with Queries() as thirty:
        assert len(admin_client.get("/workforce/teams/").context["teams"]) == 30
    assert_queries(two, thirty, "the list of 30")


#
# Adding staff
#


def test_adding_staff_creates_their_account_with_a_password_nobody_knows_and_their_groups(
    admin_client, qa_admin, team, roles
):
    data = staff_data(team=team, roles=[roles["social-worker"], roles["identified-colleague"]], username="r.ashworth")
    response = admin_client.post("/workforce/staff/add/", data, follow=True)
    user = User.objects.get(username="r.ashworth")
    profile = user.staff_profile
    assert response.redirect_chain == [(f"/workforce/staff/{profile.pk}/", 302)]
    assert (user.first_name, user.last_name, user.email) == ("Robin", "Ashworth", "robin.ashworth@example.org")
    # Usable, so that "Forgotten your password?" works for them too; they set their own from the invitation.
    assert user.has_usable_password()
    assert (profile.job_title, profile.team, profile.start_date) == ("Social Worker", team, date(2024, 1, 8))
    assert group_ids(user) == {roles["social-worker"].group_id, roles["identified-colleague"].group_id, team.group_id}
    assert {record.history_user for record in profile.history.all()} == {qa_admin}
    message = str(list(response.context["messages"])[0])
    assert "a link to set their password" in message
    assert "robin.ashworth@example.org" in message
    assert "They have not signed in yet" in response.content.decode()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"job_title": ""}, "job_title", "Enter their job title"),
        ({"username": "sam.worker"}, "username", "The username sam.worker is already taken"),
        ({"username": "SAM.WORKER"}, "username", "The username SAM.WORKER is already taken"),
        ({"username": "has space"}, "username", "Enter a valid username"),
        ({"email": "not-an-email"}, "email", "Enter an email address in the correct format"),
        ({"email": ""}, "email", "Enter their email address"),
        ({"start_date_0": "31", "start_date_1": "2"}, "start_date", "The start date must be a real date"),
        ({"start_date_1": ""}, "start_date", "The start date must include a month"),
    ],
)
def test_bad_staff_input_is_shown_and_nothing_is_written(admin_client, member, team, changes, field, message):
    before = row_counts()
    data = staff_data(team=team, **{"username": "r.ashworth", **changes})
    response = admin_client.post("/workforce/staff/add/", data)
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    assert any(message in error for error in response.context["form"].errors[field])
    assert message in response.content.decode()
    assert row_counts() == before


#
# Changing staff
#


def test_changing_roles_sets_the_groups_to_exactly_the_roles_and_the_team(admin_client, member, roles):
    new_roles = [roles["team-manager"], roles["identified-colleague"]]
    response = admin_client.post(
        f"/workforce/staff/{member.pk}/edit/", edit_data(member, roles=[r.pk for r in new_roles])
    )
    assert response.status_code == 302
    assert set(member.roles.all()) == set(new_roles)
    assert group_ids(member.user) == {role.group_id for role in new_roles} | {member.team.group_id}


def test_removing_a_role_removes_its_group(admin_client, member, roles):
    admin_client.post(f"/workforce/staff/{member.pk}/edit/", edit_data(member, roles=[]))
    assert group_ids(member.user) == {member.team.group_id}
    assert roles["social-worker"].group_id not in group_ids(member.user)


def test_moving_team_moves_the_team_group(admin_client, member, other_team, roles):
    admin_client.post(f"/workforce/staff/{member.pk}/edit/", edit_data(member, team=other_team.pk))
    assert group_ids(member.user) == {roles["social-worker"].group_id, other_team.group_id}


def test_a_leaver_loses_every_managed_group_and_keeps_their_history(admin_client, member):
    hand_made = Group.objects.create(name="Report readers")
    member.user.groups.add(hand_made)
    history_before = member.history.count()
    left_on = timezone.localdate()
    response = admin_client.post(
        f"/workforce/staff/{member.pk}/edit/",
        edit_data(member, left_on_0=left_on.day, left_on_1=left_on.month, left_on_2=left_on.year),
        follow=True,
    )
    member.refresh_from_db()
    assert member.left_on == left_on
    assert group_ids(member.user) == {hand_made.pk}  # only groups the app does not manage
    assert member.history.count() > history_before
    assert "their role and team groups were removed" in str(list(response.context["messages"])[0])


def test_each_change_writes_history_with_the_acting_user(client, member, roles):
    other_admin = user_with_roles("qa.other", "qa-administrator")
    client.force_login(other_admin)
    for changes in ({"job_title": "Senior Social Worker"}, {"roles": [roles["iro"].pk]}):
        before = member.history.filter(history_user=other_admin).count()
        assert client.post(f"/workforce/staff/{member.pk}/edit/", edit_data(member, **changes)).status_code == 302
        member.refresh_from_db()
        assert member.history.filter(history_user=other_admin).count() > before
        assert member.history.latest().history_user == other_admin
    assert member.history.latest().job_title == "Senior Social Worker"


def test_changing_names_updates_the_account_and_a_new_email_waits_for_confirmation(admin_client, qa_admin, member):
    data = edit_data(member, first_name="Samantha", email="samantha.worker@example.org")
    response = admin_client.post(f"/workforce/staff/{member.pk}/edit/", data, follow=True)
    assert "changes to samantha.worker@example.org once the link we are sending there is used" in (
        response.content.decode()
    )
    member.user.refresh_from_db()
    assert (member.user.first_name, member.user.email) == ("Samantha", "sam.worker@example.org")
    reasons = " ".join(row.history_change_reason or "" for row in member.history.all()[:2])
    assert "First name: Sam → Samantha" in reasons
    assert "samantha.worker@example.org" in reasons
    assert member.history.latest().history_user == qa_admin


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"job_title": ""}, "job_title", "Enter their job title"),
        ({"line_manager": "self"}, "line_manager", "A person cannot be their own line manager"),
        ({"first_name": ""}, "first_name", "Enter their first name"),
        ({"left_on": "tomorrow"}, "left_on", "The leaving date must be today or in the past"),
        ({"left_on": "before start"}, "left_on", "The leaving date must be the same as or after the start date"),
        ({"left_on_0": "", "left_on_1": "3", "left_on_2": "2024"}, "left_on", "The leaving date must include a day"),
    ],
)
def test_bad_changes_are_shown_and_nothing_is_written(admin_client, member, roles, changes, field, message):
    changes = dict(changes)
    if changes.get("line_manager") == "self":
        changes["line_manager"] = member.user.pk
    left_on = {"tomorrow": timezone.localdate() + timedelta(days=1), "before start": date(2020, 1, 6)}.get(
        changes.pop("left_on", None)
    )
    if left_on:
        changes.update(left_on_0=left_on.day, left_on_1=left_on.month, left_on_2=left_on.year)
    before = row_counts()
    groups_before = group_ids(member.user)
    changes["roles"] = [roles["iro"].pk]  # a change of roles that must not happen either
    response = admin_client.post(f"/workforce/staff/{member.pk}/edit/", edit_data(member, **changes))
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    assert any(message in error for error in response.context["form"].errors[field])
    assert row_counts() == before
    assert group_ids(member.user) == groups_before
    member.refresh_from_db()
    assert (member.job_title, member.left_on, list(member.roles.all())) == (
        "Social Worker",
        None,
        [roles["social-worker"]],
    )


#
# The staff list and a person's page
#


def test_the_staff_list_filters_by_team_role_and_name(admin_client, qa_admin, member, other_team, roles):
    staff_member(actor=qa_admin, username="iro.one", first_name="Ira", last_name="Reviewer", roles=[roles["iro"]])
    staff_member(actor=qa_admin, username="other", first_name="Olu", last_name="Other", team=other_team)

    def names(**filters):
        return [p.user.username for p in admin_client.get("/workforce/staff/", filters).context["profiles"]]

    assert names() == ["other", "iro.one", "sam.worker"]  # by last name
    assert names(team=other_team.pk) == ["other"]
    assert names(role="iro") == ["iro.one"]
    assert names(q="worker") == ["sam.worker"]
    assert names(q="ira rev") == ["iro.one"]
    assert names(q="nobody") == []
    content = admin_client.get("/workforce/staff/", {"q": "worker"}).content.decode()
    assert '<label class="govuk-label" for="id_q">Search by name or username</label>' in content
    assert 'name="q" value="worker"' in content


def test_the_staff_list_shows_50_people_a_page(admin_client):
    StaffProfileFactory.create_batch(51)
    first = admin_client.get("/workforce/staff/")
    assert len(first.context["profiles"]) == 50
    assert 'href="?page=2"' in first.content.decode()
    assert len(admin_client.get("/workforce/staff/", {"page": 2}).context["profiles"]) == 1
    filtered = admin_client.get("/workforce/staff/", {"q": "user", "page": 2}).content.decode()
    assert 'href="?q=user&amp;page=1"' in filtered


def test_the_staff_list_runs_the_same_number_of_queries_for_2_people_and_30(admin_client, roles):
    def add_staff(count):
        for _ in range(count):
            StaffProfileFactory(line_manager=UserFactory(), roles=[roles["social-worker"], roles["iro"]])

    add_staff(2)
    with Queries() as two:
        assert len(admin_client.get("/workforce/staff/").context["profiles"]) == 2
    add_staff(28)
    with Queries() as thirty:
        assert len(admin_client.get("/workforce/staff/").context["profiles"]) == 30
    assert_queries(two, thirty, "the list of 30")


def test_a_persons_page_shows_their_groups_and_who_changed_what(admin_client, member, roles):
    admin_client.post(f"/workforce/staff/{member.pk}/edit/", edit_data(member, roles=[roles["iro"].pk]))
    response = admin_client.get(f"/workforce/staff/{member.pk}/")
    content = response.content.decode()
    assert [group.name for group in response.context["groups"]] == [
        "Independent Reviewing Officer (IRO)",
        "Team: Assessment Team 1",
    ]
    history = response.context["history"]
    assert history[0]["user"].username == "qa.admin"
    assert history[0]["changes"] == ["Roles: Social Worker → Independent Reviewing Officer (IRO)"]
    assert history[-1]["changes"][0] == "Added"
    assert "Roles: Social Worker" in history[-1]["changes"]
    assert "Quinn Admin" in content
    assert "No password has been set" not in content  # the factory gave them a password


#
# The admin
#


@pytest.fixture
def superuser_client(client, roles):
    user = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(user)
    return client


def test_adding_a_team_in_the_admin_creates_its_group(superuser_client):
    area = advice_and_assessment()
    data = {"name": "Duty Team", "service_area": area.pk, "is_active": "on"}
    assert superuser_client.post("/admin/workforce/team/add/", data).status_code == 302
    team = Team.objects.get(name="Duty Team")
    assert team.group.name == "Team: Duty Team"
    assert team.history.get().history_user.username == "root"


def test_changing_roles_in_the_admin_syncs_the_groups_and_records_who(superuser_client, member, roles):
    data = {
        "job_title": "Social Worker",
        "team": member.team_id,
        "line_manager": "",
        "roles": [roles["iro"].pk],
        "start_date": "2021-09-01",
        "left_on": "",
    }
    response = superuser_client.post(f"/admin/workforce/staffprofile/{member.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert group_ids(member.user) == {roles["iro"].group_id, member.team.group_id}
    assert member.history.latest().history_user.username == "root"


def test_the_admin_deletes_nothing(superuser_client, team, member):
    assert superuser_client.get(f"/admin/workforce/team/{team.pk}/delete/").status_code == 403
    assert superuser_client.get(f"/admin/workforce/staffprofile/{member.pk}/delete/").status_code == 403


def test_the_admin_pages_open(superuser_client, team, member):
    for page in (
        "/admin/workforce/team/",
        "/admin/workforce/team/add/",
        f"/admin/workforce/team/{team.pk}/change/",
        f"/admin/workforce/team/{team.pk}/history/",
        "/admin/workforce/staffprofile/",
        "/admin/workforce/staffprofile/add/",
        f"/admin/workforce/staffprofile/{member.pk}/change/",
        f"/admin/workforce/staffprofile/{member.pk}/history/",
    ):
        assert superuser_client.get(page).status_code == 200, page


def test_the_admin_refuses_a_line_manager_who_is_the_person(superuser_client, member):
    data = {
        "job_title": "Social Worker",
        "team": member.team_id,
        "line_manager": member.user.pk,
        "start_date": "2021-09-01",
    }
    response = superuser_client.post(f"/admin/workforce/staffprofile/{member.pk}/change/", data)
    assert response.status_code == 200
    assert "A person cannot be their own line manager" in response.content.decode()
    member.refresh_from_db()
    assert member.line_manager is None
