"""Reads of the register: always from FosterCarer.objects.for_user (the views' one scoping point)."""

from django.contrib.auth import get_user_model

from processes.models import Role
from processes.roles import FOSTERING_REVIEWING_OFFICER


def carer_list(queryset):
    """A scoped queryset of carers, with what the list and detail pages show."""
    return queryset.select_related("supervising_team", "reviewing_officer")


def reviewing_officers():
    """The people who may be named a carer's reviewing officer: holders of the role."""
    role = Role.objects.filter(key=FOSTERING_REVIEWING_OFFICER).select_related("group").first()
    users = get_user_model().objects.filter(is_active=True)
    return users.filter(groups=role.group) if role else users.none()
