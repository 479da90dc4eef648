"""The view mixin of pages about children's cases."""

from cases.scope import may_see_cases
from core.mixins import ScopedObjectMixin


class CaseScopedMixin(ScopedObjectMixin):
    """Pages about children's cases: only roles that reach case data (not board or scrutiny roles)."""

    def has_permission(self) -> bool:
        return may_see_cases(self.request.user) and super().has_permission()
