"""Children's cases: the case table's scoped queryset."""

from cases.scope import has_service_scope, may_see_cases
from core.querysets import ScopedQuerySet


class CaseQuerySet(ScopedQuerySet):
    """Children's cases: granted per case, except that service-wide roles see every case through their
    role, and board and scrutiny roles see none."""

    def for_user(self, user, action: str = "view", *, shape: str = "in"):
        if not user.is_authenticated or not may_see_cases(user):
            return self.none()
        if has_service_scope(user):
            return self.all()
        return super().for_user(user, action, shape=shape)

    def count_for_user(self, user, action: str = "view") -> int:
        """How many cases the user may see, counted from the grants alone where the role does not
        reach every case (the unfiltered case list's total)."""
        if not user.is_authenticated or not may_see_cases(user):
            return 0
        if has_service_scope(user):
            return self.count()
        return self.granted_ids(user, action).count()
