"""Children's cases: the case table's scoped queryset, and the break-glass grants' queryset."""

from django.db import models
from django.utils import timezone

from cases.scope import break_glass_case_ids, has_service_scope, may_see_cases
from core.querysets import ScopedQuerySet


class CaseQuerySet(ScopedQuerySet):
    """Children's cases: granted per case, except that service-wide roles see every case through their
    role, and board and scrutiny roles see none. `break_glass=True` (the case's own pages) adds the
    cases the user holds a live break-glass grant on (cases.scope.break_glass_case_ids)."""

    def for_user(self, user, action: str = "view", *, shape: str = "in", break_glass: bool = False):
        if not user.is_authenticated or not may_see_cases(user):
            return self.none()
        if has_service_scope(user):
            return self.all()
        scoped = super().for_user(user, action, shape=shape)
        if break_glass and action == "view":
            return scoped | self.filter(pk__in=break_glass_case_ids(user))
        return scoped

    def count_for_user(self, user, action: str = "view") -> int:
        """How many cases the user may see, counted from the grants alone where the role does not
        reach every case (the unfiltered case list's total)."""
        if not user.is_authenticated or not may_see_cases(user):
            return 0
        if has_service_scope(user):
            return self.count()
        return self.granted_ids(user, action).count()


class BreakGlassGrantQuerySet(models.QuerySet):
    """Break-glass grants: live ones (the scope rule's) and those still to review (the reviewers')."""

    def live(self, at=None):
        at = at or timezone.now()
        return self.filter(started_at__lte=at, expires_at__gt=at)

    def unreviewed(self):
        return self.filter(reviewed_at__isnull=True)
