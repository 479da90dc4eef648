"""The foster-carer register's scoped queryset: the rules are fostering.scope's."""

from core.querysets import ScopedQuerySet
from fostering.scope import foster_carer_rule


class FosterCarerQuerySet(ScopedQuerySet):
    """Carers are not granted one by one (no guardian rows): who sees them follows their roles and the
    supervising team (fostering.scope), so for_user applies that rule instead of reading grants."""

    def for_user(self, user, action: str = "view", *, shape: str = "in"):
        if not user.is_authenticated:
            return self.none()
        rule = foster_carer_rule(user)
        return self.all() if rule is None else self.filter(rule)

    def approved(self):
        return self.filter(status="approved")
