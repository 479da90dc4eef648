"""Writes for teams and staff. A person's auth groups always follow their roles and their team.

New staff set their own password: staff_create emails them an invitation with a one-time link to Django's
password_reset_confirm page, and staff_invite sends a new one when the link has expired.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from core import emails
from core.history import save_with_history
from processes.models import Role
from processes.roles import Capability, role_keys_managed_by_superusers, role_keys_with
from workforce.account_emails import account_email_start, email_change_request, may_receive_invitation
from workforce.account_rules import Grant, account_refusal, is_trusted, may_grant_role, refuse, role_refusal
from workforce.choices import RoleGrantStatus
from workforce.models import RoleGrantRequest, StaffProfile, Team

User = get_user_model()


# The user's fields that staff_update changes, with the words the profile's history uses for them.
USER_FIELDS = {"first_name": "First name", "last_name": "Last name", "email": "Email"}


@transaction.atomic
def team_create(*, actor, name: str, service_area, manager=None) -> Team:
    team = Team(name=name, service_area=service_area, manager=manager)
    # Validate before the group exists, so a bad name is a ValidationError, not a database error.
    team.full_clean(exclude=["group"])
    group_name = f"Team: {name}"
    if Group.objects.filter(name=group_name).exists():
        raise ValidationError({"name": "A group with this team's name already exists; choose another name."})
    team.group = Group.objects.create(name=group_name)
    return save_with_history(team, actor=actor)


TEAM_FIELDS = {"name", "service_area", "manager", "is_active"}


@transaction.atomic
def team_update(*, actor, team: Team, **fields) -> Team:
    unknown = set(fields) - TEAM_FIELDS
    if unknown:
        raise TypeError(f"team_update() does not change {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(team, name, value)
    group_name = f"Team: {team.name}"
    if Group.objects.filter(name=group_name).exclude(pk=team.group_id).exists():
        raise ValidationError({"name": "A group with this team's name already exists; choose another name."})
    save_with_history(team, actor=actor)
    if team.group.name != f"Team: {team.name}":
        team.group.name = f"Team: {team.name}"
        team.group.save(update_fields=["name"])
    return team


def staff_groups_sync(profile: StaffProfile) -> None:
    """Make the user's groups exactly their roles' groups plus their (active) team's group.

    A leaver keeps their history but reaches nothing: no groups, and the account cannot sign in.
    """
    user = profile.user
    wanted = set(Role.objects.filter(staff=profile).values_list("group_id", flat=True))
    if profile.team_id and profile.team.is_active:
        wanted.add(profile.team.group_id)
    if profile.left_on is not None:
        wanted = set()
        if user.is_active:
            user.is_active = False
            user.save(update_fields=["is_active"])
    managed = set(Role.objects.values_list("group_id", flat=True)) | set(
        Team.objects.values_list("group_id", flat=True)
    )
    current = set(user.groups.values_list("id", flat=True))
    # Groups the app does not manage (e.g. ones an administrator made in the admin) are left alone.
    to_remove = (current & managed) - wanted
    to_add = wanted - current
    if to_remove:
        user.groups.remove(*to_remove)
    if to_add:
        user.groups.add(*to_add)
    # QA administrators manage people, closure days and timescales in the admin too; nobody else
    # reaches it through a role (superusers keep their own flag).
    admin_access = (
        profile.left_on is None
        and Role.objects.filter(staff=profile, key__in=role_keys_with(Capability.USE_ADMIN_SITE)).exists()
    )
    if not user.is_superuser and user.is_staff != admin_access:
        user.is_staff = admin_access
        user.save(update_fields=["is_staff"])
    # Cached answers about this user's permissions are stale now.
    for cache in ("_qa_memberships", "_perm_cache", "_group_perm_cache", "_user_perm_cache"):
        if hasattr(user, cache):
            delattr(user, cache)


@transaction.atomic
def staff_profile_save(*, actor, profile: StaffProfile, roles=None) -> StaffProfile:
    """Create or update a profile, set its roles if given, and bring the user's groups in line.

    The account rules decide (workforce.account_rules): a refused change raises and writes nothing; a role
    that sees every child, given by someone other than a superuser, becomes a request for a second
    administrator's approval (listed on `profile.roles_requested`) instead of a grant.
    """
    target = profile.user
    refusal = account_refusal(actor, target)
    if refusal:
        refuse(actor=actor, target=target, attempted="staff profile change", message=refusal)
    profile.roles_requested = []
    if roles is not None:
        current = set(profile.roles.all()) if profile.pk else set()
        wanted = set(roles)
        for role in sorted(current ^ wanted, key=lambda role: role.pk):
            refusal = role_refusal(actor, target, role)
            if refusal:
                verb = "grant" if role in wanted else "removal"
                refuse(actor=actor, target=target, attempted=f"role {verb}: {role.key}", message=refusal, field="roles")
        requested = sorted(
            (role for role in wanted - current if may_grant_role(actor, target, role) is Grant.NEEDS_APPROVAL),
            key=lambda role: role.pk,
        )
        roles = wanted - set(requested)
        profile.roles_requested = requested
    save_with_history(profile, actor=actor)
    if roles is not None and set(profile.roles.all()) != set(roles):
        profile._history_user = actor
        profile.roles.set(roles)
    for role in profile.roles_requested:
        role_grant_request(actor=actor, profile=profile, role=role)
    staff_groups_sync(profile)
    return profile


@transaction.atomic
def role_grant_request(*, actor, profile: StaffProfile, role) -> RoleGrantRequest:
    """Ask for `role` (one that sees every child) for `profile`; a second administrator decides."""
    existing = RoleGrantRequest.objects.filter(profile=profile, role=role, status=RoleGrantStatus.PENDING).first()
    if existing is not None:
        return existing
    request = RoleGrantRequest(profile=profile, role=role, requested_by=actor)
    try:
        # Two requests at once: the pending-request constraint lets one in; the other gets that one,
        # whether it meets the constraint in the INSERT (IntegrityError) or, when the first committed a
        # moment sooner, in full_clean's check of it (ValidationError).
        with transaction.atomic():
            save_with_history(request, actor=actor, reason="Requested")
    except (IntegrityError, ValidationError):
        pending = RoleGrantRequest.objects.filter(profile=profile, role=role, status=RoleGrantStatus.PENDING).first()
        if pending is None:
            raise
        return pending
    return request


def _decide_refusal(actor, grant_request: RoleGrantRequest) -> str:
    if grant_request.status != RoleGrantStatus.PENDING:
        return "This request has already been decided."
    if actor.pk == grant_request.requested_by_id:
        return "A second administrator must decide: you made this request."
    if not is_trusted(actor) and not (
        actor.has_perm("workforce.change_staffprofile")
        and Role.objects.filter(group__user=actor, key__in=role_keys_managed_by_superusers()).exists()
    ):
        return "Only a QA administrator or a superuser can decide role requests."
    return role_refusal(actor, grant_request.profile.user, grant_request.role)


@transaction.atomic
def role_grant_decide(*, actor, grant_request: RoleGrantRequest, approve: bool) -> RoleGrantRequest:
    """Approve (the role is given, groups follow) or refuse a pending request, as a second administrator."""
    grant_request = (
        RoleGrantRequest.objects.select_for_update()
        .select_related("profile__user", "role", "requested_by")
        .get(pk=grant_request.pk)
    )
    refusal = _decide_refusal(actor, grant_request)
    if refusal:
        attempted = f"role request {'approval' if approve else 'refusal'}: {grant_request.role.key}"
        refuse(actor=actor, target=grant_request.profile.user, attempted=attempted, message=refusal)
    grant_request.status = RoleGrantStatus.APPROVED if approve else RoleGrantStatus.REFUSED
    grant_request.approved_by, grant_request.decided_at = actor, timezone.now()
    save_with_history(grant_request, actor=actor, reason=grant_request.get_status_display())
    if approve:
        profile = grant_request.profile
        profile._history_user = actor
        profile._change_reason = f"{grant_request.role} approved by a second administrator"
        profile.roles.add(grant_request.role)
        staff_groups_sync(profile)
    return grant_request


@transaction.atomic
def staff_create(
    *, actor, username: str, first_name: str, last_name: str, email: str, profile_fields: dict, roles
) -> StaffProfile:
    """Add a member of staff: their account, their profile and groups, then (once committed) their invitation.

    The account gets a long random password that nobody knows. Not set_unusable_password(): Django's password
    reset ignores accounts without a usable password, so "Forgotten your password?" would never work for
    someone who lost their invitation.
    """
    username = username.strip()
    # Case-insensitive: "J.Smith" and "j.smith" would be two accounts nobody could tell apart.
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": f"The username {username} is already taken. Choose a different username"})
    if not email:
        raise ValidationError({"email": "Enter their email address: we email them a link to set their password"})
    user = User(username=username, first_name=first_name, last_name=last_name, email=email)
    user.set_password(get_random_string(64))
    user.full_clean()
    user.save()
    account_email_start(user=user)
    profile = StaffProfile(user=user, **profile_fields)
    staff_profile_save(actor=actor, profile=profile, roles=roles)
    # After the commit, so that a create rolled back (a later error in the same request) emails nobody a link to
    # an account that does not exist. robust: the account is saved by then, and a mail server that is down must
    # not turn that into an error page; the profile page offers "Send a new invitation".
    transaction.on_commit(lambda: staff_invite(actor=actor, profile=profile), robust=True)
    return profile


@transaction.atomic
def staff_update(*, actor, profile: StaffProfile, user_values: dict, roles=None) -> StaffProfile:
    """Save the profile (its fields already set) and the user's names; a new email address is only requested.

    The user has no history of its own: the profile's history row carries the change as its reason. The
    email changes when the link sent to the new address is used (workforce.account_emails), and
    `profile.email_change` is the waiting change, if any.
    """
    unknown = set(user_values) - set(USER_FIELDS)
    if unknown:
        raise TypeError(f"staff_update() does not change the user's {', '.join(sorted(unknown))}")
    user = profile.user
    refusal = account_refusal(actor, user)
    if refusal:
        refuse(actor=actor, target=user, attempted="staff profile change", message=refusal)
    names = {name: value for name, value in user_values.items() if name != "email"}
    changes = [
        f"{USER_FIELDS[name]}: {getattr(user, name) or 'none'} → {value or 'none'}"
        for name, value in names.items()
        if getattr(user, name) != value
    ]
    if changes:
        for name, value in names.items():
            setattr(user, name, value)
        user.full_clean(exclude=["password"])
        user.save(update_fields=list(names))
        profile._change_reason = "; ".join(changes)
    profile = staff_profile_save(actor=actor, profile=profile, roles=roles)
    profile.email_change = None
    if "email" in user_values:
        profile.email_change = email_change_request(actor=actor, user=user, new_address=user_values["email"])
    return profile


def invitation_link(user) -> str:
    """The absolute one-time link to Django's password_reset_confirm page for `user`.

    The token is a hash of the user's password, last sign-in and email (among others): it stops working once
    they set a password, and after settings.PASSWORD_RESET_TIMEOUT.
    """
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    # Not the request's host: the email is also sent after commit and from the shell, and a Host header
    # must never decide where a password link points.
    return settings.SITE_URL + path


def link_lifetime() -> str:
    """settings.PASSWORD_RESET_TIMEOUT in words: "3 days" (or hours, when it is not whole days)."""
    seconds = settings.PASSWORD_RESET_TIMEOUT
    days, hours = divmod(seconds, 24 * 60 * 60)
    if days and not hours:
        return f"{days} day{'s' if days != 1 else ''}"
    hours = max(1, round(seconds / 3600))
    return f"{hours} hour{'s' if hours != 1 else ''}"


@transaction.atomic
def staff_invite(*, actor, profile: StaffProfile) -> None:
    """Email the person a link to set their password, and record who sent it in the profile's history.

    Also for someone who already has a password: the link then works as a password reset.
    """
    user = profile.user
    refusal = account_refusal(actor, user)
    if refusal:
        refuse(actor=actor, target=user, attempted="invitation", message=refusal)
    if profile.left_on is not None or not user.is_active:
        raise ValidationError(f"{profile} has left or their account is inactive, so they cannot be invited.")
    if not user.email:
        raise ValidationError(f"{profile} has no email address. Add one to their profile, then send the invitation.")
    if not may_receive_invitation(user):
        refuse(
            actor=actor,
            target=user,
            attempted="invitation to an unconfirmed address",
            message=f"{user.email} has not been confirmed as {profile}'s address, so no link can be sent there. "
            "Change their address on their profile: the change is confirmed from the new address.",
        )
    # First, so that a failure to send rolls the record back. Only the time stamp is written: the in-memory
    # profile may be older than the row.
    save_with_history(
        profile, actor=actor, reason=f"Invitation sent to {user.email}", validate=False, update_fields=["updated_at"]
    )
    inviter = actor.get_full_name() or actor.get_username()
    # The context holds the person's own name and account details, never anything about a case or a child.
    emails.send(
        "invitation",
        to=user.email,
        context={
            "first_name": user.first_name,
            "username": user.get_username(),
            "inviter": inviter,
            "link": invitation_link(user),
            "lifetime": link_lifetime(),
        },
    )
