"""Who may see what: every scope rule in one module."""

from core.querysets import memberships
from processes.roles import Scope


def role_scopes(user) -> set[str]:
    """The scopes of the roles the user holds (through their groups)."""
    if not user.is_authenticated:
        return set()
    return {scope for _, scope in memberships(user) if scope}


def has_service_scope(user) -> bool:
    return Scope.SERVICE in role_scopes(user)


def may_see_cases(user) -> bool:
    """Whether the user's roles reach any child's record at all (board and scrutiny roles do not)."""
    return bool(role_scopes(user) & {Scope.TEAM, Scope.ASSIGNED, Scope.SERVICE})
