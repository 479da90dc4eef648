"""Who may see what: every scope rule in one module.

The rules, by subject (each a named function; the apps above compose them into their querysets):
- role scopes: role_scopes, has_service_scope, may_see_cases, aggregate_only;
- team membership: own_teams, manages_a_team, managed_teams_q, dashboard_teams;
- line management ("the people a user manages"): managed_staff_q, managed_staff, line_reports_q,
  managers_of_q, sees_all_staff, staff_in_reach;
- cases: granted_case_ids, case_in_scope_q (an assigned-scope role's cases are those it holds a live
  assignment on, of any role: the grants cases.services.case_access_sync keeps equal to them);
- break glass (a case outside the user's scope, for a stated reason, for a few hours): may_break_glass,
  break_glass_case_ids;
- the due list: may_see_due_list, due_items_rule (and its branches, due_items_rule_branches);
- the dashboard's reach: dashboard_reach, may_open_dashboard.

Role scopes are answered from core.querysets.memberships (read once per request); this module reads
no grant itself (ScopedQuerySet.for_user does). It sits in the cases app, below audits, timeliness
and dashboard: it never imports them, and reads its own app's models through apps.get_model (the case
queryset imports this module).
"""

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models import Q

from core.querysets import memberships
from processes.roles import Capability, Scope, role_keys_with

#
# Role scopes
#


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


def aggregate_only(user) -> bool:
    """Board, scrutiny and management-team roles: service-wide figures, never a child's record."""
    return Scope.AGGREGATE in role_scopes(user) and not may_see_cases(user)


#
# Team membership
#


def own_teams(user):
    """The teams the user belongs to (their teams' groups), as a subquery of team ids."""
    return user.groups.filter(team__isnull=False).values("team")


def manages_a_team(user) -> bool:
    """Whether the user holds a team-scoped manager role (team or threshold manager); cached on the user."""
    if not user.is_authenticated:
        return False
    if not hasattr(user, "_qa_manages_a_team"):
        Role = apps.get_model("processes", "Role")
        user._qa_manages_a_team = Role.objects.filter(group__user=user, scope=Scope.TEAM, is_manager=True).exists()
    return user._qa_manages_a_team


def managed_teams_q(user, *, field: str = "team") -> Q:
    """Rows of the teams `user` manages (Team.manager); `field` is the lookup path to the team ("" for
    the team itself)."""
    return Q(**{f"{field}__manager" if field else "manager": user})


def dashboard_teams(user) -> tuple[int, ...]:
    """A team-scoped manager's dashboard teams: those they manage and their own, sorted."""
    Team = apps.get_model("workforce", "Team")
    teams = Team.objects.filter(managed_teams_q(user, field="") | Q(members__user=user))
    teams = teams.values_list("pk", flat=True)
    return tuple(sorted(set(teams)))


#
# Line management: the people a user manages
#


def line_reports_q(user, *, via: str = "") -> Q:
    """The people whose line manager is `user` (a user or a user id); `via` is the lookup path to a
    StaffProfile ("staff_profile__" from a user, "responsible__staff_profile__" from a due item)."""
    return Q(**{f"{via}line_manager": user})


def managed_staff_q(user, *, via: str = "") -> Q:
    """The people `user` manages: their line reports and the members of the teams they manage."""
    return line_reports_q(user, via=via) | managed_teams_q(user, field=f"{via}team")


def managed_staff(user):
    """The ids of the users `user` manages (a subquery)."""
    StaffProfile = apps.get_model("workforce", "StaffProfile")
    return StaffProfile.objects.filter(managed_staff_q(user)).values("user")


def managers_of_q(profile) -> Q:
    """The users who manage the person of `profile` (the converse of managed_staff_q): their line
    manager and their team's manager. No one for a person with neither (a missing team must not read
    as managed_teams=None, i.e. everyone who manages no team)."""
    managers = Q(pk__in=[])
    if profile.line_manager_id is not None:
        managers |= Q(pk=profile.line_manager_id)
    if profile.team_id is not None:
        managers |= Q(managed_teams=profile.team_id)
    return managers


def sees_all_staff(user) -> bool:
    """Roles that may record about any member of staff, not only those they manage."""
    if not user.is_authenticated:
        return False
    keys = set(user.groups.filter(role__isnull=False).values_list("role__key", flat=True))
    return bool(keys & role_keys_with(Capability.SEE_ALL_STAFF))


def staff_in_reach(user):
    """The current staff whose records the user may make and see: the people they manage, or everyone
    for roles that see all staff. (Callers decide whether the user themselves belongs.)"""
    users = get_user_model().objects.filter(staff_profile__isnull=False, staff_profile__left_on__isnull=True)
    if not sees_all_staff(user):
        users = users.filter(managed_staff_q(user, via="staff_profile__"))
    return users


#
# Cases
#


def granted_case_ids(user):
    """The ids of the cases granted to the user (a subquery built from the grants alone); none for
    roles that see no child's record. Not for service-wide roles, who are not granted case by case."""
    Case = apps.get_model("cases", "Case")
    return Case.objects.granted_ids(user, distinct=False) if may_see_cases(user) else Case.objects.none().values("pk")


def case_in_scope_q(user, *, field: str = "case") -> Q:
    """Rows about no case, or about a case the user may see: what a list of items that may reach a user
    by another route (escalation, team management) keeps, so no case outside their scope shows."""
    if has_service_scope(user):
        # Every case: no test at all, rather than a subquery over the whole case table for each row.
        return Q()
    Case = apps.get_model("cases", "Case")
    return Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__in": Case.objects.for_user(user).values("pk")})


#
# Break glass: one case outside the user's scope, for a reason they state, for a few hours
#


def may_break_glass(user) -> bool:
    """Whether the user may open a case outside their scope by stating a reason: people whose roles
    reach case data. Never aggregate-only roles (board, scrutiny) nor people with no role: they see
    no child's record, and no reason changes that."""
    return may_see_cases(user)


def break_glass_case_ids(user, *, at=None):
    """The ids of the cases the user holds a live break-glass grant on (a subquery); none for those who
    may not break glass, even if a grant was somehow left to them (a role taken away since, say).

    What the grant reaches is least privilege: the case's own pages (the case, its history) and the
    records shown on them (its audits), which ask for it (Case.objects.for_user(..., break_glass=True),
    Audit.objects.for_user(..., break_glass=True)). Lists, exports, the due list and the dashboard do
    not: the reason names one child, not a search of many, and a list would show the case among
    others as if it were the user's own."""
    BreakGlassGrant = apps.get_model("cases", "BreakGlassGrant")
    if not may_break_glass(user):
        return BreakGlassGrant.objects.none().values("case")
    return BreakGlassGrant.objects.live(at).filter(user=user).values("case")


#
# The due list
#


def may_see_due_list(user) -> bool:
    """The due list names cases: only for roles that reach case data (not board or scrutiny roles)."""
    return may_see_cases(user)


def due_items_rule_branches(user) -> list[Q] | None:
    """The due items the user may see, as the conditions any of which admits an item: None for every
    item (service-wide roles); otherwise [on a case they may see, theirs to record]. Kept apart so a
    list can query each branch by its own index and join them (UNION ALL): an OR of the two serves
    from no index, and PostgreSQL reads every item."""
    if has_service_scope(user):
        return None
    Case = apps.get_model("cases", "Case")
    return [Q(case__in=Case.objects.for_user(user).values("pk")), Q(responsible=user)]


def due_items_rule(user) -> Q | None:
    """Which due items the user may see: None for every item (service-wide roles); otherwise those on
    the cases they may see and those they are responsible for (the OR of due_items_rule_branches)."""
    branches = due_items_rule_branches(user)
    if branches is None:
        return None
    rule = Q()
    for branch in branches:
        rule |= branch
    return rule


#
# The dashboard's reach
#

REACH_SERVICE = "service"  # every team, and the never-audited list
REACH_TEAMS = "teams"  # a team-scoped manager: their teams (dashboard_teams)
REACH_AGGREGATE = "aggregate"  # service-wide figures only, small counts suppressed, no case


def dashboard_reach(user) -> str | None:
    """What the user's dashboard covers (one of the REACH_ names), or None: no dashboard."""
    if not user.is_authenticated:
        return None
    scopes = role_scopes(user)
    if Scope.SERVICE in scopes:
        return REACH_SERVICE
    if Scope.TEAM in scopes and manages_a_team(user):
        return REACH_TEAMS
    if Scope.AGGREGATE in scopes:
        return REACH_AGGREGATE
    return None


def may_open_dashboard(user) -> bool:
    """Whether dashboard_reach gives the user a dashboard (asks whether they manage a team last)."""
    if not user.is_authenticated:
        return False
    scopes = role_scopes(user)
    return bool(scopes & {Scope.SERVICE, Scope.AGGREGATE}) or (Scope.TEAM in scopes and manages_a_team(user))
