"""No account takeover by a QA administrator: every path of the attack, in the staff pages and the admin, is
refused with a plain message and a line in the "qa_portal.security" log, and changes nothing."""

import logging
import re
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from processes.models import Role
from processes.roles import HEAD_OF_SERVICE, QA_ADMINISTRATOR, SOCIAL_WORKER
from processes.services import roles_sync, system_user
from tests.workforce.factories import confirmed_address, staff_member, team_created
from tests.workforce.helpers import edit_data
from workforce import services
from workforce.account_rules import Grant, may_grant_role, may_manage_account
from workforce.choices import RoleGrantStatus
from workforce.models import RoleGrantRequest, StaffProfile

pytestmark = pytest.mark.django_db

User = get_user_model()
SECURITY = "qa_portal.security"
CONFIRM_LINK = re.compile(r"https?://\S+(/workforce/email/\S+/)")


@pytest.fixture
def roles(db) -> dict[str, Role]:
    return roles_sync(actor=system_user())


def admin_with_profile(username, roles, **names):
    """A QA administrator as staff_profile_save makes one: role group, staff flag, profile, confirmed address."""
    profile = staff_member(actor=system_user(), username=username, roles=[roles[QA_ADMINISTRATOR]], **names)
    confirmed_address(profile.user)
    return User.objects.get(pk=profile.user_id)


@pytest.fixture
def qa_admin(roles):
    return admin_with_profile("qa.admin", roles, first_name="Quinn", last_name="Admin")


@pytest.fixture
def second_admin(roles):
    return admin_with_profile("qa.admin.2", roles, first_name="Sasha", last_name="Second")


@pytest.fixture
def superuser(db):
    user = User.objects.create_superuser(
        "root.admin", "root@example.org", "a-long-root-password-123", first_name="Robin", last_name="Root"
    )
    confirmed_address(user)
    return user


@pytest.fixture
def superuser_profile(superuser):
    return StaffProfile.objects.create(user=superuser, job_title="Director", start_date=date(2020, 1, 6))


@pytest.fixture
def team(qa_admin):
    return team_created(actor=system_user(), name="Assessment Team")


@pytest.fixture
def head_of_service(roles):
    profile = staff_member(
        actor=system_user(), username="hos", first_name="Harper", last_name="Head", roles=[roles[HEAD_OF_SERVICE]]
    )
    confirmed_address(profile.user)
    return profile


@pytest.fixture
def worker(roles, team):
    profile = staff_member(actor=system_user(), username="sam.worker", team=team, roles=[roles[SOCIAL_WORKER]])
    confirmed_address(profile.user)
    return profile


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def refusals(caplog) -> list[str]:
    return [record.getMessage() for record in caplog.records if record.name == SECURITY]


#
# The attack of the issue: raw id in the admin, edit the email, send the invitation
#


def test_the_admin_refuses_a_staff_profile_for_the_superuser_given_by_raw_id(qa_admin, superuser, caplog):
    response = signed_in(qa_admin).post(
        "/admin/workforce/staffprofile/add/",
        {"user": superuser.pk, "job_title": "Anything", "start_date": "2024-01-08", "roles": []},
    )
    assert response.status_code == 200  # the form again, with its error
    assert "Only a superuser can change a superuser&#x27;s account." in response.content.decode()
    assert not StaffProfile.objects.filter(user=superuser).exists()
    assert refusals(caplog) == [
        f"refused: actor={qa_admin.pk} target={superuser.pk} attempted=staff profile for an account (admin)"
    ]


def test_the_staff_page_refuses_to_change_a_superusers_email(qa_admin, superuser_profile, caplog):
    profile = superuser_profile
    data = edit_data(profile, email="attacker@example.net")
    response = signed_in(qa_admin).post(f"/workforce/staff/{profile.pk}/edit/", data)
    assert response.status_code == 400
    assert "Only a superuser can change a superuser&#x27;s account." in response.content.decode()
    profile.user.refresh_from_db()
    assert profile.user.email == "root@example.org"
    assert mail.outbox == []
    assert refusals(caplog) == [f"refused: actor={qa_admin.pk} target={profile.user_id} attempted=staff profile change"]


def test_the_staff_page_refuses_to_invite_a_superuser(qa_admin, superuser_profile, caplog):
    response = signed_in(qa_admin).post(f"/workforce/staff/{superuser_profile.pk}/invite/", follow=True)
    assert "Only a superuser can change a superuser&#x27;s account." in response.content.decode()
    assert mail.outbox == []
    assert refusals(caplog) == [f"refused: actor={qa_admin.pk} target={superuser_profile.user_id} attempted=invitation"]


def test_another_qa_administrators_account_is_a_superusers_to_manage(qa_admin, second_admin, caplog):
    profile = second_admin.staff_profile
    response = signed_in(qa_admin).post(
        f"/workforce/staff/{profile.pk}/edit/", edit_data(profile, email="attacker@example.net")
    )
    assert response.status_code == 400
    assert "Only a superuser can change a QA administrator&#x27;s account." in response.content.decode()
    assert signed_in(qa_admin).post(f"/workforce/staff/{profile.pk}/invite/").status_code == 302
    assert mail.outbox == []
    assert len(refusals(caplog)) == 2


def test_an_attacker_set_address_of_the_head_of_service_never_gets_a_link(
    qa_admin, head_of_service, caplog, django_capture_on_commit_callbacks
):
    """The email change is only asked for; the link to the attacker's address is useless without signing in as
    the head of service, and the invitation still goes to the confirmed address."""
    admin = signed_in(qa_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(
            f"/workforce/staff/{head_of_service.pk}/edit/", edit_data(head_of_service, email="attacker@example.net")
        )
    assert response.status_code == 302
    head = head_of_service.user
    head.refresh_from_db()
    assert head.email == "hos@example.org"
    to_attacker, to_owner = sorted(mail.outbox, key=lambda message: message.to != ["attacker@example.net"])
    assert to_owner.to == ["hos@example.org"]
    assert "is being changed" in to_owner.subject

    link = CONFIRM_LINK.search(to_attacker.body).group(1)
    attacker = Client()
    assert "sign in as hos" in attacker.get(link).content.decode()
    response = attacker.post(link)
    assert response.status_code == 403
    head.refresh_from_db()
    assert head.email == "hos@example.org"
    assert f"refused: actor=None target={head.pk} attempted=email change confirmation" in refusals(caplog)

    mail.outbox.clear()
    admin.post(f"/workforce/staff/{head_of_service.pk}/invite/")
    assert [message.to for message in mail.outbox] == [["hos@example.org"]]


#
# Roles: nobody changes their own; roles that see every child need a superuser or a second administrator
#


def test_a_qa_administrator_cannot_give_themselves_the_head_of_service_role(qa_admin, roles, caplog):
    profile = qa_admin.staff_profile
    data = edit_data(profile, roles=[roles[QA_ADMINISTRATOR].pk, roles[HEAD_OF_SERVICE].pk])
    response = signed_in(qa_admin).post(f"/workforce/staff/{profile.pk}/edit/", data)
    assert response.status_code == 400
    assert "You cannot change your own account here: ask a superuser." in response.content.decode()
    assert set(profile.roles.values_list("key", flat=True)) == {QA_ADMINISTRATOR}
    assert refusals(caplog) == [f"refused: actor={qa_admin.pk} target={qa_admin.pk} attempted=staff profile change"]


def test_the_admin_refuses_a_qa_administrator_their_own_roles(qa_admin, roles, caplog):
    profile = qa_admin.staff_profile
    response = signed_in(qa_admin).post(
        f"/admin/workforce/staffprofile/{profile.pk}/change/",
        {"job_title": "QA", "start_date": "2021-09-01", "roles": [roles[HEAD_OF_SERVICE].pk]},
    )
    assert response.status_code == 403
    assert "You cannot change your own account here: ask a superuser." in response.content.decode()
    assert set(profile.roles.values_list("key", flat=True)) == {QA_ADMINISTRATOR}
    assert refusals(caplog)


def test_nobody_changes_their_own_roles_not_even_a_superuser(superuser, superuser_profile, roles):
    assert may_grant_role(superuser, superuser, roles[HEAD_OF_SERVICE]) is Grant.REFUSED
    with pytest.raises(Exception, match="Nobody can change their own roles"):
        services.staff_profile_save(actor=superuser, profile=superuser_profile, roles=[roles[HEAD_OF_SERVICE]])


def test_the_head_of_service_role_given_by_a_qa_administrator_waits_for_a_second_one(
    qa_admin, second_admin, worker, roles, caplog
):
    data = edit_data(worker, roles=[roles[SOCIAL_WORKER].pk, roles[HEAD_OF_SERVICE].pk])
    response = signed_in(qa_admin).post(f"/workforce/staff/{worker.pk}/edit/", data, follow=True)
    assert "waits for another QA administrator" in response.content.decode()
    assert set(worker.roles.values_list("key", flat=True)) == {SOCIAL_WORKER}
    grant_request = RoleGrantRequest.objects.get(profile=worker, role=roles[HEAD_OF_SERVICE])
    assert grant_request.requested_by == qa_admin

    # The one who asked cannot approve it: refused and logged.
    decide = f"/workforce/role-requests/{grant_request.pk}/approve/"
    response = signed_in(qa_admin).post(decide, follow=True)
    assert "A second administrator must decide: you made this request." in response.content.decode()
    assert set(worker.roles.values_list("key", flat=True)) == {SOCIAL_WORKER}
    assert (
        f"refused: actor={qa_admin.pk} target={worker.user_id} attempted=role request approval: {HEAD_OF_SERVICE}"
        in (refusals(caplog))
    )

    # A second administrator sees it listed and approves: the role and its group follow.
    listing = signed_in(second_admin).get("/workforce/role-requests/")
    assert "Head of Service" in listing.content.decode()
    signed_in(second_admin).post(decide)
    grant_request.refresh_from_db()
    assert (grant_request.status, grant_request.approved_by) == (RoleGrantStatus.APPROVED, second_admin)
    assert grant_request.decided_at is not None
    assert set(worker.roles.values_list("key", flat=True)) == {SOCIAL_WORKER, HEAD_OF_SERVICE}
    assert worker.user.groups.filter(role__key=HEAD_OF_SERVICE).exists()
    assert grant_request.history.count() == 2


def test_a_second_administrator_can_refuse_a_request(qa_admin, second_admin, worker, roles):
    services.staff_profile_save(actor=qa_admin, profile=worker, roles=[roles[SOCIAL_WORKER], roles[QA_ADMINISTRATOR]])
    grant_request = RoleGrantRequest.objects.get(profile=worker)
    signed_in(second_admin).post(f"/workforce/role-requests/{grant_request.pk}/refuse/")
    grant_request.refresh_from_db()
    assert grant_request.status == RoleGrantStatus.REFUSED
    assert set(worker.roles.values_list("key", flat=True)) == {SOCIAL_WORKER}


def test_a_superuser_gives_a_role_that_sees_every_child_at_once(superuser, worker, roles):
    services.staff_profile_save(actor=superuser, profile=worker, roles=[roles[HEAD_OF_SERVICE]])
    assert set(worker.roles.values_list("key", flat=True)) == {HEAD_OF_SERVICE}
    assert not RoleGrantRequest.objects.exists()


def test_other_roles_are_given_by_a_qa_administrator_at_once(qa_admin, worker, roles):
    assert may_grant_role(qa_admin, worker.user, roles["team-manager"]) is Grant.ALLOWED
    services.staff_profile_save(actor=qa_admin, profile=worker, roles=[roles["team-manager"]])
    assert set(worker.roles.values_list("key", flat=True)) == {"team-manager"}


def test_the_rule_in_one_table(qa_admin, second_admin, superuser, worker, head_of_service):
    assert may_manage_account(qa_admin, worker.user)
    assert may_manage_account(qa_admin, head_of_service.user)
    assert not may_manage_account(qa_admin, superuser)
    assert not may_manage_account(qa_admin, second_admin)
    assert not may_manage_account(qa_admin, qa_admin)
    assert may_manage_account(superuser, second_admin)
    assert may_manage_account(system_user(), worker.user)


#
# The Django admin: flags, groups and permissions are a superuser's, never one's own
#


def test_a_qa_administrator_cannot_open_accounts_or_groups_in_the_admin(qa_admin, superuser):
    client = signed_in(qa_admin)
    assert client.get(f"/admin/auth/user/{superuser.pk}/change/").status_code == 403
    assert client.post(f"/admin/auth/user/{superuser.pk}/change/", {"is_superuser": "on"}).status_code == 403
    assert client.get("/admin/auth/group/").status_code == 403
    superuser.refresh_from_db()
    assert superuser.is_superuser


def test_a_superuser_cannot_take_away_their_own_superuser_flag_in_the_admin(superuser):
    client = signed_in(superuser)
    page = client.get(f"/admin/auth/user/{superuser.pk}/change/")
    assert page.status_code == 200
    assert 'name="is_superuser"' not in page.content.decode()  # read-only on one's own account


def test_a_superusers_email_change_in_the_admin_is_confirmed_from_the_new_address(
    superuser, worker, django_capture_on_commit_callbacks
):
    client = signed_in(superuser)
    page = client.get(f"/admin/auth/user/{worker.user_id}/change/")
    form = page.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name != "password"}
    data.update(
        email="sam.new@example.org",
        groups=[group.pk for group in worker.user.groups.all()],
        date_joined_0="2024-01-08",
        date_joined_1="09:00:00",
        last_login_0="",
        last_login_1="",
    )
    data["is_active"] = "on"
    data.pop("user_permissions", None)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/auth/user/{worker.user_id}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    worker.user.refresh_from_db()
    assert worker.user.email == "sam.worker@example.org"
    link = CONFIRM_LINK.search(next(m for m in mail.outbox if m.to == ["sam.new@example.org"]).body).group(1)
    Client().post(link)  # asked for by a superuser: the link alone confirms
    worker.user.refresh_from_db()
    assert worker.user.email == "sam.new@example.org"


def test_refusals_are_logged_at_warning_on_the_security_logger(qa_admin, superuser_profile, caplog):
    caplog.set_level(logging.WARNING, logger=SECURITY)
    signed_in(qa_admin).post(f"/workforce/staff/{superuser_profile.pk}/invite/")
    (record,) = [record for record in caplog.records if record.name == SECURITY]
    assert record.levelno == logging.WARNING
    assert "@" not in record.getMessage()  # ids, not addresses


def test_no_admin_page_lets_a_non_superuser_change_grants_groups_or_child_records(qa_admin, rf):
    """Groups carry the roles' permissions; guardian's object permissions and child records have no admin,
    but for who holds which role for a child (CaseAssignment), which it shows and never writes."""
    from django.contrib import admin
    from django.contrib.auth.models import Group, Permission

    from cases.models import CaseAssignment

    request = rf.get("/admin/")
    request.user = qa_admin
    for model, model_admin in admin.site._registry.items():
        label = model._meta.app_label
        if model is CaseAssignment:
            assert not model_admin.has_add_permission(request), model
            assert not model_admin.has_change_permission(request), model
            assert not model_admin.has_delete_permission(request), model
            continue
        assert label not in {"cases", "audits", "timeliness", "guardian"}, model
        if model in (Group, Permission) or model._meta.model_name.endswith("objectpermission"):
            assert not model_admin.has_change_permission(request), model
            assert not model_admin.has_add_permission(request), model
            assert not model_admin.has_view_permission(request), model


def test_the_staff_page_offers_no_change_of_an_account_the_viewer_may_not_manage(qa_admin, superuser_profile):
    html = signed_in(qa_admin).get(f"/workforce/staff/{superuser_profile.pk}/").content.decode()
    assert "Only a superuser can change a superuser&#x27;s account." in html
    assert "Send a new invitation" not in html
    assert f"/workforce/staff/{superuser_profile.pk}/edit/" not in html


def test_the_head_of_service_role_given_in_the_admin_by_a_qa_administrator_is_only_requested(qa_admin, worker, roles):
    response = signed_in(qa_admin).post(
        f"/admin/workforce/staffprofile/{worker.pk}/change/",
        {
            "job_title": worker.job_title,
            "team": worker.team_id,
            "line_manager": "",
            "roles": [roles[SOCIAL_WORKER].pk, roles[HEAD_OF_SERVICE].pk],
            "start_date": worker.start_date.isoformat(),
            "left_on": "",
        },
        follow=True,
    )
    assert "waits for another QA administrator" in response.content.decode()
    assert set(worker.roles.values_list("key", flat=True)) == {SOCIAL_WORKER}
    assert RoleGrantRequest.objects.filter(profile=worker, role=roles[HEAD_OF_SERVICE], requested_by=qa_admin).exists()
