"""The same create form posted twice (a double click past the button, a resent POST) makes one record,
and the second post is answered as the first: a redirect to the same record (core.form_tokens). The
same posts at the same moment, in threads on PostgreSQL: tests/test_double_posts_concurrent.py."""

import re

import pytest
from django.contrib.auth import get_user_model

from processes.models import Role
from processes.services import roles_sync, system_user
from tests.factories import user_with_roles
from tests.workforce.factories import advice_and_assessment, team_created
from tests.workforce.helpers import staff_data
from workforce.models import StaffProfile, Team

pytestmark = pytest.mark.django_db

User = get_user_model()


@pytest.fixture
def roles(db) -> dict[str, Role]:
    return roles_sync(actor=system_user())


@pytest.fixture
def admin_client(client, roles):
    client.force_login(user_with_roles("qa.admin", "qa-administrator"))
    return client


def form_token(client, url) -> str:
    match = re.search(r'name="form_token" value="([^"]+)"', client.get(url).content.decode())
    assert match, "the page's form carries no token"
    return match.group(1)


def test_the_add_team_form_posted_twice_makes_one_team_and_both_posts_go_to_it(admin_client):
    data = {"name": "Duty Team", "service_area": advice_and_assessment().pk}
    data["form_token"] = form_token(admin_client, "/workforce/teams/add/")
    first = admin_client.post("/workforce/teams/add/", data)
    second = admin_client.post("/workforce/teams/add/", data)
    team = Team.objects.get(name="Duty Team")
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == f"/workforce/teams/{team.pk}/"
    assert team.history.count() == 1


def test_each_time_the_add_team_form_is_shown_it_carries_a_new_token(admin_client):
    assert form_token(admin_client, "/workforce/teams/add/") != form_token(admin_client, "/workforce/teams/add/")


def test_a_refused_post_frees_its_token_so_the_corrected_form_saves(admin_client):
    token = form_token(admin_client, "/workforce/teams/add/")
    area = advice_and_assessment().pk
    refused = admin_client.post("/workforce/teams/add/", {"name": "", "service_area": area, "form_token": token})
    saved = admin_client.post("/workforce/teams/add/", {"name": "Duty Team", "service_area": area, "form_token": token})
    assert refused.status_code == 400
    assert saved.status_code == 302
    assert Team.objects.filter(name="Duty Team").count() == 1


def test_a_new_form_with_a_name_already_taken_is_still_told_so(admin_client, roles):
    team_created(actor=system_user(), name="Duty Team")
    data = {"name": "Duty Team", "service_area": advice_and_assessment().pk}
    data["form_token"] = form_token(admin_client, "/workforce/teams/add/")
    response = admin_client.post("/workforce/teams/add/", data)
    assert response.status_code == 400
    assert Team.objects.filter(name="Duty Team").count() == 1


def test_the_add_staff_form_posted_twice_makes_one_account_and_both_posts_go_to_it(admin_client, roles):
    team = team_created(actor=system_user(), name="Assessment Team 1")
    data = staff_data(team=team, roles=[roles["social-worker"]], username="r.ashworth")
    data["form_token"] = form_token(admin_client, "/workforce/staff/add/")
    first = admin_client.post("/workforce/staff/add/", data)
    second = admin_client.post("/workforce/staff/add/", data)
    profile = StaffProfile.objects.get(user__username="r.ashworth")
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == f"/workforce/staff/{profile.pk}/"
    assert User.objects.filter(username__iexact="r.ashworth").count() == 1


def test_another_persons_token_claims_nothing_of_theirs(client, admin_client, roles):
    data = {"name": "Duty Team", "service_area": advice_and_assessment().pk}
    data["form_token"] = form_token(admin_client, "/workforce/teams/add/")
    admin_client.post("/workforce/teams/add/", data)
    client.force_login(user_with_roles("qa.other", "qa-administrator"))
    again = client.post("/workforce/teams/add/", data)
    assert again.status_code == 400  # their own post: the name is taken, as any new form is told
