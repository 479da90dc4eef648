"""Writes for teams and staff. A person's auth groups always follow their roles and their team."""

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction

from processes.models import Role
from qa_portal.services import save_with_history
from workforce.models import StaffProfile, Team


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
    # Cached answers about this user's permissions are stale now.
    for cache in ("_qa_role_scopes", "_perm_cache", "_group_perm_cache", "_user_perm_cache"):
        if hasattr(user, cache):
            delattr(user, cache)


@transaction.atomic
def staff_profile_save(*, actor, profile: StaffProfile, roles=None) -> StaffProfile:
    """Create or update a profile, set its roles if given, and bring the user's groups in line."""
    save_with_history(profile, actor=actor)
    if roles is not None and set(profile.roles.all()) != set(roles):
        profile._history_user = actor
        profile.roles.set(roles)
    staff_groups_sync(profile)
    return profile
