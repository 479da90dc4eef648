"""Permission scoping in one place: `ScopedQuerySet.for_user()` is the only code that reads guardian's
object permissions to decide which rows a user may see or act on. Lists, detail pages, form choices
and exports all start from it.
"""

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import Exists, OuterRef
from guardian.utils import get_group_obj_perms_model, get_user_obj_perms_model


def memberships(user) -> list[tuple[int, str | None]]:
    """The user's groups with the scope of the role each stands for (None: a team's group), read once
    per user object: every scope question of a request is answered from this one query.

    The role's scope is read through the reverse name of processes.Role's one-to-one link to its group
    rather than by importing processes: this app sits below every other, and the scope rules built on
    these pairs live in cases.scope."""
    if not hasattr(user, "_qa_memberships"):
        user._qa_memberships = list(user.groups.values_list("pk", "role__scope"))
    return user._qa_memberships


def group_ids(user) -> list[int]:
    """The user's groups (roles and teams): the grant tables are then read by group, with no join."""
    return [pk for pk, _ in memberships(user)] if user.is_authenticated else []


class ScopedQuerySet(models.QuerySet):
    """A queryset that narrows itself to the rows on which a user holds an object permission.

    `action` names the permission: "view" asks for `<app>.view_<model>`, "record" for
    `<app>.record_<model>`. Grants come from guardian's direct-foreign-key tables; model-wide
    permissions never count (they would reach every row).
    """

    def for_user(self, user, action: str = "view", *, shape: str = "in"):
        """Rows on which the user holds `<app>.<action>_<model>`, directly or through a group.

        Built on guardian's direct-foreign-key tables rather than get_objects_for_user(): its query
        ORs two IN-subqueries and re-filters by the whole table, which made PostgreSQL scan every case
        for a user who may see a few thousand. Two shapes give the same rows:
        - "in" (the default): id IN (user grants UNION group grants). Costs what the user's own grants
          cost; right for counts, exports, single rows, and any order.
        - "exists": EXISTS(user grant) OR EXISTS(group grant). Lets PostgreSQL walk an index in the
          list's order and stop after one page; only for a page sorted by an indexed column with no
          other filter (the default case list), where it is several times faster.
        """
        if not user.is_authenticated:
            return self.none()
        if shape == "exists":
            users, groups = self._grants(user, action)
            return self.filter(
                Exists(users.filter(content_object=OuterRef("pk")))
                | Exists(groups.filter(content_object=OuterRef("pk")))
            )
        return self.filter(pk__in=self.granted_ids(user, action, distinct=False))

    def granted_ids(self, user, action: str = "view", *, distinct: bool = True):
        """The ids of the rows the user holds `<app>.<action>_<model>` on, straight from the grant tables
        (a values queryset, for use as a subquery or to count). It never touches the model's own table:
        the grants' foreign keys guarantee the rows exist, so counting or matching ids against another
        table's column (an audit's case, say) costs only the user's grants.

        distinct=False gives UNION ALL: a row granted both directly and through a group appears twice,
        which an IN (...) test does not mind, and the database skips removing the duplicates."""
        users, groups = self._grants(user, action)
        return users.values("content_object_id").union(groups.values("content_object_id"), all=not distinct)

    def granted_to(self, user, outer_ref, action: str = "view"):
        """A condition on another table's rows: the row that `outer_ref` (an OuterRef to a column
        holding this model's id) points at is granted to the user. Two EXISTS probes per row, for
        the few rows of a small set (the user's own drafts, say), where building the whole set of
        granted ids would cost more."""
        users, groups = self._grants(user, action)
        return Exists(users.filter(content_object=outer_ref)) | Exists(groups.filter(content_object=outer_ref))

    def _grants(self, user, action: str):
        opts = self.model._meta
        permission = {
            "permission__codename": f"{action}_{opts.model_name}",
            "permission__content_type__app_label": opts.app_label,
        }
        user_model, group_model = get_user_obj_perms_model(self.model), get_group_obj_perms_model(self.model)
        if user_model.objects.is_generic() or group_model.objects.is_generic():
            raise ImproperlyConfigured(f"{self.model.__name__} needs direct-foreign-key object permission models")
        groups = group_ids(user)
        return (
            user_model.objects.filter(user=user, **permission),
            group_model.objects.filter(group_id__in=groups, **permission) if groups else group_model.objects.none(),
        )
