"""Who may see which foster carers: the register's scope rules, written once.

They live here rather than in cases/scope.py because this app sits below cases (a foster carer is no
child's case, and the register must not depend on the case app); cases.scope's module-level rule (one
place per subject) holds here for the carers' subject, and the scan of
tests/cases/test_scope_rules_live_in_one_module.py allows this module and no other in the app.

- Service-wide roles (head of service, QA administrator, ...) see every carer.
- The Fostering Service Reviewing Officer and the Panel Advisor see every carer too: they serve the whole
  fostering service (every carer's reviews, every panel), not one team, so a team rule would hide from
  them the carers they must review or present (roles.Capability.SEE_ALL_FOSTER_CARERS).
- Team-scoped roles (team managers, social workers) see the carers their own teams supervise.
- Everyone else (board, scrutiny, assigned-case roles such as chairs and IROs) sees none: a carer's
  record names the children placed with them.
"""

from django.db.models import Exists, Q

from core.querysets import memberships
from processes.roles import Capability, Scope, role_keys_with


def _scopes(user) -> set[str]:
    return {scope for _, scope in memberships(user) if scope} if user.is_authenticated else set()


def sees_every_foster_carer(user) -> bool:
    """Service-wide roles, and the roles that serve the whole fostering service."""
    if not user.is_authenticated:
        return False
    if Scope.SERVICE in _scopes(user):
        return True
    if not hasattr(user, "_qa_sees_every_carer"):
        keys = role_keys_with(Capability.SEE_ALL_FOSTER_CARERS)
        user._qa_sees_every_carer = user.groups.filter(role__key__in=keys).exists()
    return user._qa_sees_every_carer


def may_see_foster_carers(user) -> bool:
    """Whether the register has anything for the user at all (the list page's 403 otherwise)."""
    return sees_every_foster_carer(user) or Scope.TEAM in _scopes(user)


def foster_carer_rule(user) -> Q | None:
    """Which carers the user sees: None for every carer (service-wide roles); otherwise every carer for
    the roles that serve the whole fostering service, and those their teams supervise for team roles.

    The capability is tested in the query (an EXISTS on the user's roles, evaluated once) rather than
    asked first, so a list of records that composes this rule (audits.querysets) costs no extra query."""
    scopes = _scopes(user)
    if Scope.SERVICE in scopes:
        return None
    keys = role_keys_with(Capability.SEE_ALL_FOSTER_CARERS)
    rule = Q(Exists(user.groups.filter(role__key__in=keys)))
    if Scope.TEAM in scopes:
        rule |= Q(supervising_team__in=user.groups.filter(team__isnull=False).values("team"))
    return rule
