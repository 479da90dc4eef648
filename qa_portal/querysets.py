"""Permission scoping in one place: `ScopedQuerySet.for_user()` is the only code that asks guardian
which rows a user may see or act on. Lists, detail pages, form choices and exports all start from it.
"""

from django.db import models
from guardian.shortcuts import get_objects_for_user

from processes.roles import Scope


def role_scopes(user) -> set[str]:
    """The scopes of the roles the user holds (through their groups), cached on the user object."""
    if not user.is_authenticated:
        return set()
    if not hasattr(user, "_qa_role_scopes"):
        from processes.models import Role

        user._qa_role_scopes = set(Role.objects.filter(group__user=user).values_list("scope", flat=True))
    return user._qa_role_scopes


def has_service_scope(user) -> bool:
    return Scope.SERVICE in role_scopes(user)


def may_see_cases(user) -> bool:
    """Whether the user's roles reach any child's record at all (board and scrutiny roles do not)."""
    return bool(role_scopes(user) & {Scope.TEAM, Scope.ASSIGNED, Scope.SERVICE})


class ScopedQuerySet(models.QuerySet):
    """A queryset that narrows itself to the rows on which a user holds an object permission.

    `action` names the permission: "view" asks for `<app>.view_<model>`, "record" for
    `<app>.record_<model>`. Grants come from guardian's direct-foreign-key tables; model-wide
    permissions never count (they would reach every row).
    """

    def for_user(self, user, action: str = "view"):
        if not user.is_authenticated:
            return self.none()
        opts = self.model._meta
        return get_objects_for_user(
            user,
            f"{opts.app_label}.{action}_{opts.model_name}",
            klass=self,
            accept_global_perms=False,
            with_superuser=False,
        )


class CaseQuerySet(ScopedQuerySet):
    """Children's cases: granted per case, except that service-wide roles see every case through their
    role, and board and scrutiny roles see none."""

    def for_user(self, user, action: str = "view"):
        if not user.is_authenticated or not may_see_cases(user):
            return self.none()
        if has_service_scope(user):
            return self.all()
        return super().for_user(user, action)
