"""Invitations: new staff get an email with a one-time link to set their own password, and QA administrators
can send a new one. Emails carry nothing about cases or children."""

import re
from datetime import date
from smtplib import SMTPException
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import Client

from cases.models import Case
from core import emails
from processes.models import Role
from processes.services import roles_sync, system_user
from tests.factories import user_with_roles
from tests.workforce.factories import staff_member, team_created
from workforce import services
from workforce.models import StaffProfile

pytestmark = pytest.mark.django_db

User = get_user_model()

NEW_PASSWORD = "a-brand-new-password-for-robin"  # noqa: S105
LINK = re.compile(r"^(https?://\S+/accounts/reset/\S+/)$", re.MULTILINE)


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = "https://qa-portal.example.org"
    return settings.SITE_URL


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
def member(qa_admin, team, roles):
    return staff_member(actor=qa_admin, username="sam.worker", first_name="Sam", last_name="Worker", team=team)


@pytest.fixture
def admin_client(client, qa_admin):
    client.force_login(qa_admin)
    return client


def add_staff_form(team, **changes) -> dict:
    data = {
        "username": "r.ashworth",
        "first_name": "Robin",
        "last_name": "Ashworth",
        "email": "robin.ashworth@example.org",
        "job_title": "Social Worker",
        "team": team.pk,
        "line_manager": "",
        "start_date_0": "8",
        "start_date_1": "1",
        "start_date_2": "2024",
    }
    data.update(changes)
    return data


def create(actor, team, **changes):
    values = {
        "username": "r.ashworth",
        "first_name": "Robin",
        "last_name": "Ashworth",
        "email": "robin.ashworth@example.org",
        "profile_fields": {"job_title": "Social Worker", "team": team, "start_date": date(2024, 1, 8)},
        "roles": [],
        **changes,
    }
    return services.staff_create(actor=actor, **values)


def link_in(message) -> str:
    return LINK.search(message.body).group(1)


def path_of(link: str, site_url: str) -> str:
    assert link.startswith(site_url + "/")
    return link.removeprefix(site_url)


#
# Adding staff sends an invitation
#


def test_adding_staff_sends_exactly_one_invitation_to_their_email(
    admin_client, team, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post("/workforce/staff/add/", add_staff_form(team))
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["robin.ashworth@example.org"]
    assert message.subject == "Set your password for QA Portal"
    assert "Quinn Admin has given you an account on QA Portal" in message.body
    assert "Your username is: r.ashworth" in message.body
    assert "The link works once and expires in 3 days." in message.body
    assert "If you did not expect this email, do not use the link" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert f'href="{link_in(message)}"' in html


def test_the_invitation_link_opens_the_set_password_page_and_the_password_set_there_signs_them_in(
    admin_client, team, site_url, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post("/workforce/staff/add/", add_staff_form(team))
    link = path_of(link_in(mail.outbox[0]), site_url)
    invitee = Client()

    page = invitee.get(link, follow=True)
    assert page.status_code == 200
    assert '<h1 class="govuk-heading-l">Create a password</h1>' in page.content.decode()
    assert "r.ashworth" in page.content.decode()
    set_password_url = page.redirect_chain[-1][0]
    done = invitee.post(set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}, follow=True)
    assert "Your password is set" in done.content.decode()

    signed_in = invitee.post("/accounts/login/", {"username": "r.ashworth", "password": NEW_PASSWORD})
    assert signed_in.status_code == 302
    assert signed_in["Location"] == "/"
    # The link worked once.
    assert "This link has expired or been used" in Client().get(link, follow=True).content.decode()


def test_a_rolled_back_create_sends_nothing(qa_admin, team, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        create(qa_admin, team)
        raise RuntimeError("a later step of the same request failed")
    assert callbacks == []
    assert mail.outbox == []
    assert not User.objects.filter(username="r.ashworth").exists()


def test_a_refused_create_in_the_browser_sends_nothing(admin_client, member, team, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post("/workforce/staff/add/", add_staff_form(team, username="SAM.WORKER"))
    assert response.status_code == 400
    assert mail.outbox == []


def test_creating_staff_refuses_a_taken_username_whatever_its_case(qa_admin, team, member):
    with pytest.raises(ValidationError) as error:
        create(qa_admin, team, username="Sam.Worker")
    assert error.value.message_dict == {
        "username": ["The username Sam.Worker is already taken. Choose a different username"]
    }


def test_creating_staff_needs_an_email_address_to_invite_them_to(qa_admin, team):
    with pytest.raises(ValidationError) as error:
        create(qa_admin, team, email="")
    assert "Enter their email address" in error.value.message_dict["email"][0]
    assert not User.objects.filter(username="r.ashworth").exists()


def test_new_staff_get_a_password_nobody_knows_not_an_unusable_one(qa_admin, team):
    user = create(qa_admin, team).user
    # Django's password reset skips accounts without a usable password.
    assert user.has_usable_password()
    assert not user.check_password("")


def test_updating_staff_describes_the_account_change_in_the_history(qa_admin, member):
    services.staff_update(
        actor=qa_admin,
        profile=member,
        user_values={"first_name": "Samantha", "last_name": "Worker", "email": "samantha@example.org"},
        roles=None,
    )
    member.user.refresh_from_db()
    # The name at once; the address only once confirmed from it (tests/workforce/test_account_emails.py).
    assert (member.user.first_name, member.user.email) == ("Samantha", "sam.worker@example.org")
    reasons = [row.history_change_reason for row in member.history.all()[:2]]
    assert reasons == [
        "Email change to samantha@example.org requested: it takes effect once confirmed",
        "First name: Sam → Samantha",
    ]
    assert all(row.history_user == qa_admin for row in member.history.all()[:2])


#
# Sending a new invitation
#


def test_anonymous_visitors_are_sent_to_sign_in_to_invite(client, member):
    response = client.post(f"/workforce/staff/{member.pk}/invite/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert mail.outbox == []


def test_team_managers_cannot_send_invitations(client, team_manager, member):
    client.force_login(team_manager)
    assert client.post(f"/workforce/staff/{member.pk}/invite/").status_code == 403
    assert mail.outbox == []


def test_a_qa_administrator_sends_a_new_invitation_and_the_history_records_it(admin_client, qa_admin, member):
    response = admin_client.post(f"/workforce/staff/{member.pk}/invite/", follow=True)
    assert response.redirect_chain == [(f"/workforce/staff/{member.pk}/", 302)]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["sam.worker@example.org"]
    assert "Invitation sent to sam.worker@example.org." in response.content.decode()
    latest = member.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (
        qa_admin,
        "Invitation sent to sam.worker@example.org",
    )
    assert "Invitation sent to sam.worker@example.org" in response.context["history"][0]["reasons"]


def test_a_mail_server_failure_is_shown_and_records_no_invitation(admin_client, member):
    before = member.history.count()
    with mock.patch("core.emails.EmailMultiAlternatives.send", side_effect=SMTPException("down")):
        response = admin_client.post(f"/workforce/staff/{member.pk}/invite/", follow=True)
    assert "The invitation could not be sent. Try again later." in response.content.decode()
    assert member.history.count() == before


def test_a_mail_server_failure_after_adding_staff_keeps_the_new_account(
    admin_client, team, django_capture_on_commit_callbacks
):
    with (
        mock.patch("core.emails.EmailMultiAlternatives.send", side_effect=SMTPException("down")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = admin_client.post("/workforce/staff/add/", add_staff_form(team))
    assert response.status_code == 302
    profile = StaffProfile.objects.get(user__username="r.ashworth")
    assert not profile.history.filter(history_change_reason__startswith="Invitation sent").exists()


def test_sending_an_invitation_takes_a_post_only(admin_client, member):
    assert admin_client.get(f"/workforce/staff/{member.pk}/invite/").status_code == 405
    assert mail.outbox == []


def test_inviting_an_unknown_person_is_not_found(admin_client):
    assert admin_client.post("/workforce/staff/999/invite/").status_code == 404


def test_a_leaver_cannot_be_invited(admin_client, qa_admin, team):
    leaver = staff_member(
        actor=qa_admin, username="gone", team=team, start_date=date(2020, 1, 6), left_on=date(2023, 1, 6)
    )
    with pytest.raises(ValidationError):
        services.staff_invite(actor=qa_admin, profile=leaver)
    response = admin_client.post(f"/workforce/staff/{leaver.pk}/invite/", follow=True)
    assert "they cannot be invited" in response.content.decode()
    assert "Send a new invitation" not in response.content.decode()
    assert mail.outbox == []


def test_an_inactive_account_cannot_be_invited(qa_admin, member):
    User.objects.filter(pk=member.user_id).update(is_active=False)
    member = StaffProfile.objects.select_related("user").get(pk=member.pk)
    with pytest.raises(ValidationError):
        services.staff_invite(actor=qa_admin, profile=member)
    assert mail.outbox == []


def test_the_staff_page_offers_a_new_invitation_to_qa_administrators(admin_client, member):
    content = admin_client.get(f"/workforce/staff/{member.pk}/").content.decode()
    assert f'action="/workforce/staff/{member.pk}/invite/"' in content
    assert "Send a new invitation" in content


def test_an_account_made_before_invitations_can_set_a_password_from_one(qa_admin, member, site_url):
    member.user.set_unusable_password()
    member.user.save()
    services.staff_invite(actor=qa_admin, profile=member)
    invitee = Client()
    page = invitee.get(path_of(link_in(mail.outbox[0]), site_url), follow=True)
    invitee.post(page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    member.user.refresh_from_db()
    assert member.user.check_password(NEW_PASSWORD)


#
# The email itself
#


def test_the_link_uses_the_site_url_setting(qa_admin, member, settings):
    settings.SITE_URL = "https://qa.council.example"  # settings.py strips a trailing slash
    services.staff_invite(actor=qa_admin, profile=member)
    assert link_in(mail.outbox[0]).startswith("https://qa.council.example/accounts/reset/")


@pytest.mark.parametrize(
    ("seconds", "words"), [(3 * 86400, "3 days"), (86400, "1 day"), (7200, "2 hours"), (1800, "1 hour")]
)
def test_the_email_says_when_the_link_expires(qa_admin, member, settings, seconds, words):
    settings.PASSWORD_RESET_TIMEOUT = seconds
    services.staff_invite(actor=qa_admin, profile=member)
    assert f"expires in {words}." in mail.outbox[0].body


def test_the_text_email_is_not_html_escaped_and_the_html_one_is(qa_admin, member):
    member.user.first_name = "Siobhán <O'Brien>"
    services.staff_invite(actor=qa_admin, profile=member)
    message = mail.outbox[0]
    assert "Dear Siobhán <O'Brien>," in message.body
    assert "Dear Siobhán &lt;O&#x27;Brien&gt;," in message.alternatives[0][0]


def test_the_emails_contain_no_case_reference_or_child_name(cast):
    cases = list(Case.objects.all())
    assert cases
    worker = cast["sw.assessment"]
    assert Case.objects.filter(allocated_worker=worker).exists()

    services.staff_invite(actor=cast["qa.admin"], profile=worker.staff_profile)
    message = mail.outbox[0]
    context = {
        "first_name": worker.first_name,
        "username": worker.username,
        "inviter": "Qa Admin",
        "link": "https://example.org/",
        "lifetime": "3 days",
    }
    rendered = [
        message.subject,
        message.body,
        message.alternatives[0][0],
        *(emails.render(f"emails/invitation-{part}", context) for part in ("subject.txt", "body.txt", "body.html")),
    ]
    for text in rendered:
        for case in cases:
            assert case.reference not in text
            assert case.child_name not in text
