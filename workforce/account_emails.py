"""Where an account's links may go, and changing an account's address (docs/accounts.md).

An invitation or a password reset is a key to the account, so it goes only to an address the account's
holder has shown they read, or, for an invitation, to the address the account was created with while
it was never confirmed. An address typed in by somebody else never receives a key to an existing
account: an email change takes effect only when the link sent to the new address is used, and for an
account already in use only while signed in as its holder (or when a superuser asked for the change).
The old address is told when a change is asked for and when it is made.
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core import emails
from core.history import save_with_history
from processes.roles import role_keys_seeing_every_child
from workforce.account_rules import account_refusal, is_trusted, log_refusal, refuse
from workforce.models import AccountEmail, EmailChange, StaffProfile


def _account_email(user) -> AccountEmail | None:
    return AccountEmail.objects.filter(user=user).first()


def may_receive_reset(user) -> bool:
    """A password reset goes only to a confirmed address that is still the account's."""
    row = _account_email(user)
    return row is not None and row.confirmed_at is not None and row.vouches_for(user.email)


def may_receive_invitation(user) -> bool:
    """An invitation goes to a confirmed address, or to the one the account was created with (never confirmed)."""
    row = _account_email(user)
    return row is not None and row.vouches_for(user.email)


def account_email_start(*, user) -> AccountEmail:
    """A new account's first address: vouched for by whoever made the account, confirmed once the invitation
    is used."""
    return AccountEmail.objects.create(user=user, address=user.email)


def account_email_confirmed(*, user) -> AccountEmail:
    """Record the user's current address as confirmed, for accounts made outside the invitation flow by
    someone trusted with the shell (demo data, commands): as if its holder had used a link sent there."""
    row, _ = AccountEmail.objects.update_or_create(
        user=user, defaults={"address": user.email, "confirmed_at": timezone.now()}
    )
    return row


def account_email_confirm_on_link_use(*, user) -> None:
    """The holder used a set-password link, which went only to the address vouched for: it is confirmed."""
    AccountEmail.objects.filter(user=user, address__iexact=user.email, confirmed_at__isnull=True).update(
        confirmed_at=timezone.now()
    )


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _sees_every_child(user) -> bool:
    return user.groups.filter(role__key__in=role_keys_seeing_every_child()).exists()


@transaction.atomic
def email_change_request(*, actor, user, new_address: str) -> EmailChange | None:
    """Ask for `user`'s address to become `new_address`; nothing changes until the link sent there is used.

    Returns None when the address is already theirs. An earlier open request for the account is cancelled.
    """
    new_address = (new_address or "").strip()
    if user.email and new_address.casefold() == user.email.casefold():
        return None
    refusal = account_refusal(actor, user)
    if refusal:
        refuse(actor=actor, target=user, attempted="email change", message=refusal, field="email")
    try:
        validate_email(new_address)
    except ValidationError:
        raise ValidationError(
            {"email": "Enter an email address in the correct format, like name@example.org"}
        ) from None
    confirmed = AccountEmail.objects.filter(user=user, confirmed_at__isnull=False).exists()
    if not confirmed and not is_trusted(actor) and _sees_every_child(user):
        # Nobody has signed in to confirm it, so whoever sets the address sets the first password: for an
        # account that sees every child, only a superuser may.
        refuse(
            actor=actor,
            target=user,
            attempted="email change of an unconfirmed account that sees every child",
            message="Only a superuser can change the address of an account that sees every child "
            "before its holder has confirmed one.",
            field="email",
        )
    now = timezone.now()
    EmailChange.objects.filter(user=user, confirmed_at__isnull=True, cancelled_at__isnull=True).update(cancelled_at=now)
    token = secrets.token_urlsafe(32)
    change = EmailChange(
        user=user,
        old_address=user.email,
        new_address=new_address,
        token_hash=_hash(token),
        requested_by=actor,
        expires_at=now + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT),
    )
    save_with_history(change, actor=actor, reason="Email change requested")
    _note_on_profile(user, actor, f"Email change to {new_address} requested: it takes effect once confirmed")
    link = settings.SITE_URL + reverse("workforce:email_change_confirm", kwargs={"token": token})
    context = {"first_name": user.first_name, "username": user.get_username(), "new_address": new_address}
    transaction.on_commit(
        lambda: emails.send("email-change-confirm", to=new_address, context={**context, "link": link}), robust=True
    )
    if change.old_address:
        old = change.old_address
        transaction.on_commit(lambda: emails.send("email-change-requested", to=old, context=context), robust=True)
    return change


def email_change_for_token(token: str) -> EmailChange | None:
    """The open change the token is for, or None (unknown, used, cancelled or expired)."""
    change = EmailChange.objects.select_related("user", "requested_by").filter(token_hash=_hash(token)).first()
    if change is None or not change.is_open(timezone.now()):
        return None
    return change


def confirmation_refusal(change: EmailChange, visitor) -> str:
    """Why the visitor opening the link cannot confirm the change ("" when they can).

    The link proves the new address. For an account in use (a confirmed address) it must also be its holder
    who confirms, signed in, unless a superuser asked for the change: otherwise whoever typed the address
    would own the account.
    """
    user = change.user
    if is_trusted(change.requested_by):
        return ""
    if not AccountEmail.objects.filter(user=user, confirmed_at__isnull=False).exists():
        return ""
    if visitor.is_authenticated and visitor.pk == user.pk:
        return ""
    return f"To confirm this change, sign in as {user.get_username()} and open the link again."


def refuse_quietly(*, actor, target, message: str) -> None:
    """Log a refused confirmation that the page answers itself (it shows `message`, changing nothing)."""
    log_refusal(actor=actor, target=target, attempted="email change confirmation")


@transaction.atomic
def email_change_confirm(*, change: EmailChange, visitor) -> None:
    """Make the change: the user's email, the address their links go to (now confirmed), and tell the old one."""
    change = EmailChange.objects.select_for_update().select_related("user", "requested_by").get(pk=change.pk)
    if not change.is_open(timezone.now()):
        raise ValidationError("This link has expired or been used. Ask for the change again.")
    refusal = confirmation_refusal(change, visitor)
    if refusal:
        refuse(actor=visitor, target=change.user, attempted="email change confirmation", message=refusal)
    user, now = change.user, timezone.now()
    user.email = change.new_address
    user.save(update_fields=["email"])
    AccountEmail.objects.update_or_create(user=user, defaults={"address": change.new_address, "confirmed_at": now})
    change.confirmed_at = now
    save_with_history(change, actor=visitor if visitor.is_authenticated else None, reason="Confirmed", validate=False)
    _note_on_profile(user, change.requested_by, f"Email: {change.old_address or 'none'} → {change.new_address}")
    if change.old_address:
        old = change.old_address
        context = {"first_name": user.first_name, "username": user.get_username(), "new_address": change.new_address}
        transaction.on_commit(lambda: emails.send("email-changed", to=old, context=context), robust=True)


def _note_on_profile(user, actor, reason: str) -> None:
    profile = StaffProfile.objects.filter(user=user).first()
    if profile is not None:
        save_with_history(profile, actor=actor, reason=reason, validate=False, update_fields=["updated_at"])
