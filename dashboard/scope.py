"""What a user's dashboard covers: every team, the teams they manage, or service-wide aggregates only
(the rule itself is cases.scope.dashboard_reach; this module turns it into the dashboard's terms).
"""

from dataclasses import dataclass

from cases import scope as scope_rules


@dataclass(frozen=True)
class DashboardScope:
    kind: str  # "service", "teams" or "aggregate"
    team_ids: tuple[int, ...] | None = None  # None: every team

    @property
    def aggregate(self) -> bool:
        """Board and scrutiny roles: service-wide aggregates, small counts suppressed, no case."""
        return self.kind == "aggregate"

    @property
    def may_list_cases(self) -> bool:
        return not self.aggregate


def dashboard_scope(user) -> DashboardScope | None:
    """What the user's dashboard covers, or None when they may not open it (see the module docstring;
    the rule is cases.scope.dashboard_reach)."""
    reach = scope_rules.dashboard_reach(user)
    if reach is None:
        return None
    if reach == scope_rules.REACH_TEAMS:
        return DashboardScope("teams", scope_rules.dashboard_teams(user))
    return DashboardScope(reach)
