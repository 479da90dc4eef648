"""Addresses: an EmailChange takes effect only when confirmed from the new address (by the account's holder,
signed in, for an account in use), the old address is told twice, and links go only to confirmed addresses."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from processes.roles import HEAD_OF_SERVICE, QA_ADMINISTRATOR, SOCIAL_WORKER
from processes.services import roles_sync, system_user
from tests.workforce.factories import confirmed_address, staff_member
from workforce import services
from workforce.account_emails import (
    email_change_request,
    may_receive_invitation,
    may_receive_reset,
)
from workforce.models import AccountEmail, EmailChange

pytestmark = pytest.mark.django_db

User = get_user_model()
CONFIRM_LINK = re.compile(r"https?://\S+(/workforce/email/\S+/)")


@pytest.fixture
def roles(db):
    return roles_sync(actor=system_user())


@pytest.fixture
def qa_admin(roles):
    profile = staff_member(actor=system_user(), username="qa.admin", roles=[roles[QA_ADMINISTRATOR]])
    confirmed_address(profile.user)
    return User.objects.get(pk=profile.user_id)


@pytest.fixture
def in_use(roles):
    """A social worker who has used their account: a confirmed address."""
    profile = staff_member(actor=system_user(), username="sam.worker", roles=[roles[SOCIAL_WORKER]])
    confirmed_address(profile.user)
    return profile.user


@pytest.fixture
def never_used(roles):
    """A new account whose invitation has not been used yet."""
    return staff_member(actor=system_user(), username="new.starter", roles=[roles[SOCIAL_WORKER]]).user


def ask(actor, user, address, capture):
    with capture(execute=True):
        return email_change_request(actor=actor, user=user, new_address=address)


def confirm_link():
    (message,) = [message for message in mail.outbox if "Confirm your new email address" in message.subject]
    return CONFIRM_LINK.search(message.body).group(1)


def test_a_change_waits_for_the_new_address_and_tells_the_old_one(qa_admin, in_use, django_capture_on_commit_callbacks):
    change = ask(qa_admin, in_use, "sam.new@example.org", django_capture_on_commit_callbacks)
    in_use.refresh_from_db()
    assert in_use.email == "sam.worker@example.org"
    assert change.old_address == "sam.worker@example.org"
    assert sorted(message.to[0] for message in mail.outbox) == ["sam.new@example.org", "sam.worker@example.org"]
    assert len(change.token_hash) == 64 and change.token_hash not in confirm_link()  # only a hash is stored


def test_the_holder_signed_in_confirms_and_the_old_address_is_told_it_changed(
    qa_admin, in_use, django_capture_on_commit_callbacks
):
    ask(qa_admin, in_use, "sam.new@example.org", django_capture_on_commit_callbacks)
    link = confirm_link()
    mail.outbox.clear()
    holder = Client()
    holder.force_login(in_use)
    with django_capture_on_commit_callbacks(execute=True):
        response = holder.post(link)
    assert "Your email address has changed" in response.content.decode()
    in_use.refresh_from_db()
    assert in_use.email == "sam.new@example.org"
    assert may_receive_reset(in_use)
    assert [(message.to, message.subject) for message in mail.outbox] == [
        (["sam.worker@example.org"], "Your email address for QA Portal has changed")
    ]
    # The link worked once.
    assert holder.get(link).status_code == 404


def test_someone_else_signed_in_cannot_confirm_an_account_in_use(qa_admin, in_use, django_capture_on_commit_callbacks):
    ask(qa_admin, in_use, "attacker@example.net", django_capture_on_commit_callbacks)
    other = Client()
    other.force_login(qa_admin)
    assert other.post(confirm_link()).status_code == 403
    in_use.refresh_from_db()
    assert in_use.email == "sam.worker@example.org"


def test_a_never_used_account_is_confirmed_by_the_link_alone_and_then_invited_there(
    qa_admin, never_used, django_capture_on_commit_callbacks
):
    ask(qa_admin, never_used, "new.starter@council.example.org", django_capture_on_commit_callbacks)
    Client().post(confirm_link())
    never_used.refresh_from_db()
    assert never_used.email == "new.starter@council.example.org"
    assert may_receive_invitation(never_used)


def test_a_never_used_account_that_sees_every_child_has_its_address_changed_only_by_a_superuser(
    qa_admin, roles, django_capture_on_commit_callbacks
):
    head = staff_member(actor=system_user(), username="new.head", roles=[roles[HEAD_OF_SERVICE]]).user
    with pytest.raises(ValidationError, match="Only a superuser can change the address"):
        ask(qa_admin, head, "attacker@example.net", django_capture_on_commit_callbacks)
    assert not EmailChange.objects.exists()


def test_an_expired_or_unknown_link_changes_nothing(qa_admin, never_used, django_capture_on_commit_callbacks):
    ask(qa_admin, never_used, "later@example.org", django_capture_on_commit_callbacks)
    EmailChange.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    assert Client().post(confirm_link()).status_code == 404
    assert Client().get("/workforce/email/not-a-token/").status_code == 404
    never_used.refresh_from_db()
    assert never_used.email == "new.starter@example.org"


def test_a_new_request_cancels_the_one_before(qa_admin, never_used, django_capture_on_commit_callbacks):
    ask(qa_admin, never_used, "first@example.org", django_capture_on_commit_callbacks)
    first = confirm_link()
    mail.outbox.clear()
    ask(qa_admin, never_used, "second@example.org", django_capture_on_commit_callbacks)
    assert Client().post(first).status_code == 404


def test_invitations_go_to_the_initial_address_and_resets_only_once_confirmed(qa_admin, never_used):
    assert may_receive_invitation(never_used) and not may_receive_reset(never_used)
    services.staff_invite(actor=qa_admin, profile=never_used.staff_profile)
    assert [message.to for message in mail.outbox] == [["new.starter@example.org"]]


def test_an_address_changed_outside_the_apps_flows_receives_no_invitation(qa_admin, in_use):
    User.objects.filter(pk=in_use.pk).update(email="attacker@example.net")
    in_use.refresh_from_db()
    with pytest.raises(ValidationError, match="has not been confirmed"):
        services.staff_invite(actor=qa_admin, profile=in_use.staff_profile)
    assert mail.outbox == []
    assert AccountEmail.objects.get(user=in_use).address == "sam.worker@example.org"
