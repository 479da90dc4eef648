"""Who may manage whose account, and who may grant which role: the one rule, asked by the staff pages, their
forms, the services and the admin site alike (docs/accounts.md).

- A superuser manages every account (the system user, for commands run from the shell, counts as one).
- Superusers and QA administrators (holders of a role that manages accounts, or anyone with the admin
  site's staff flag) are managed only by a superuser: otherwise one administrator could take over another's,
  or a superuser's, account by changing its address or its roles.
- Nobody changes their own roles, staff flag or superuser flag, superusers included.
- A role that sees every child (processes.roles.role_keys_seeing_every_child) is granted by a superuser
  directly; a QA administrator may only request it, and a second, different QA administrator approves.

Every refusal is logged to "qa_portal.security" with the actor's and the target's ids and what was
attempted (never anything about a child), and raised as a ValidationError in plain words.
"""

import logging
from enum import Enum

from django.core.exceptions import PermissionDenied, ValidationError

from processes.models import Role
from processes.roles import role_keys_managed_by_superusers, role_keys_seeing_every_child
from processes.services import SYSTEM_USERNAME

security_log = logging.getLogger("qa_portal.security")


class AccountRefused(PermissionDenied):
    """A refused attempt answered with the 403 page, which shows this message (qa_portal.views.permission_denied)."""


class Grant(Enum):
    """What may_grant_role answers for one role."""

    ALLOWED = "allowed"
    NEEDS_APPROVAL = "needs approval"  # a second administrator must approve
    REFUSED = "refused"


def is_trusted(actor) -> bool:
    """A superuser, or the system user of management commands (inactive, no password: nobody signs in as it)."""
    if actor is None or not getattr(actor, "pk", None):
        return False
    if actor.is_superuser and actor.is_active:
        return True
    return actor.get_username() == SYSTEM_USERNAME and not actor.is_active and not actor.has_usable_password()


def is_protected(target) -> bool:
    """Superusers and QA administrators: accounts only a superuser manages."""
    if target.is_superuser or target.is_staff:
        return True
    if not target.pk:
        return False
    return Role.objects.filter(group__user=target, key__in=role_keys_managed_by_superusers()).exists()


def account_refusal(actor, target) -> str:
    """Why `actor` may not change `target`'s account ("" when they may)."""
    if is_trusted(actor):
        return ""
    if target.is_superuser:
        return "Only a superuser can change a superuser's account."
    if is_protected(target):
        if target.pk == actor.pk:
            return "You cannot change your own account here: ask a superuser."
        return "Only a superuser can change a QA administrator's account."
    return ""


def may_manage_account(actor, target) -> bool:
    return not account_refusal(actor, target)


def may_grant_role(actor, target, role) -> Grant:
    """Whether `actor` may give `target` the role (a processes.Role) now, only by request, or not at all."""
    return Grant.REFUSED if role_refusal(actor, target, role) else _grant_if_allowed(actor, role)


def _grant_if_allowed(actor, role) -> Grant:
    if is_trusted(actor) or role.key not in role_keys_seeing_every_child():
        return Grant.ALLOWED
    return Grant.NEEDS_APPROVAL


def role_refusal(actor, target, role) -> str:
    """Why `actor` may not give or take away `role` of `target` at all ("" when they may, maybe by request)."""
    if target.pk is not None and target.pk == actor.pk:
        return "Nobody can change their own roles: ask another administrator."
    # Giving someone the QA administrator role is no refusal by itself: like every role that sees every
    # child, it takes a superuser or a second administrator's approval (may_grant_role).
    return account_refusal(actor, target)


def flag_refusal(actor, target, flag: str) -> str:
    """Why `actor` may not change `target`'s staff or superuser flag, groups or permissions ("" when they may)."""
    if target.pk is not None and target.pk == actor.pk:
        return f"Nobody can change their own {flag}."
    if not (actor.is_superuser and actor.is_active):
        return f"Only a superuser can change {flag}."
    return ""


def log_refusal(*, actor, target, attempted: str) -> None:
    security_log.warning(
        "refused: actor=%s target=%s attempted=%s",
        getattr(actor, "pk", None),
        getattr(target, "pk", None),
        attempted,
    )


def refuse(*, actor, target, attempted: str, message: str, field: str | None = None):
    """Log the refused attempt and raise the message as a ValidationError (on `field`, when given)."""
    log_refusal(actor=actor, target=target, attempted=attempted)
    raise ValidationError({field: [message]} if field else message)


def refuse_page(*, actor, target, attempted: str, message: str):
    """Log the refused attempt and answer it with the 403 page, which shows the message."""
    log_refusal(actor=actor, target=target, attempted=attempted)
    raise AccountRefused(message)
