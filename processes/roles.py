"""The shared list of roles: one definition per role, with every way the support tool prints it.

Fixtures name lead roles by key. The loader creates a Role row and an auth Group for each, so that
object permissions (guardian) can be granted to the group. `scope` says how a holder reaches case
data (issue: scoped access); `manager` marks the roles that "All Managers" covers.
"""

from dataclasses import dataclass, field


class Scope:
    TEAM = "team"  # their team's cases
    ASSIGNED = "assigned"  # the cases they are assigned to (chairs, IROs)
    SERVICE = "service"  # every case, through the role
    AGGREGATE = "aggregate"  # service-wide figures only, never a child's record

    CHOICES = [
        (TEAM, "Own team's cases"),
        (ASSIGNED, "Assigned cases"),
        (SERVICE, "Every case"),
        (AGGREGATE, "Aggregates only"),
    ]


@dataclass(frozen=True)
class RoleDefinition:
    key: str
    name: str
    scope: str
    manager: bool = False
    aliases: tuple[str, ...] = field(default_factory=tuple)


ALL_MANAGERS = "all-managers"

ROLES: tuple[RoleDefinition, ...] = (
    RoleDefinition("qa-administrator", "QA administrator", Scope.SERVICE),
    RoleDefinition(
        "head-of-service",
        "Head of Service",
        Scope.SERVICE,
        manager=True,
        aliases=("Head of Service", "Head of Service Children in Care"),
    ),
    RoleDefinition(
        "assistant-director",
        "Assistant Director",
        Scope.SERVICE,
        manager=True,
        aliases=("Assistant Director", "Assistant Director - Children's Social Care"),
    ),
    RoleDefinition(
        "service-manager",
        "Service Manager",
        Scope.SERVICE,
        manager=True,
        aliases=("Service Manager", "Service manager", "Service Managers"),
    ),
    RoleDefinition(
        "professional-development-manager",
        "Service Manager for Professional Development",
        Scope.AGGREGATE,
        manager=True,
        aliases=("Service Manager for Professional Development",),
    ),
    RoleDefinition(
        "team-manager",
        "Team Manager",
        Scope.TEAM,
        manager=True,
        aliases=(
            "Team Manager",
            "Team Managers",
            "All Team Managers",
            "Team manager",
            "Adoption Team Manager",
            "Team Manager for the child",
            "Team Manager for child",
        ),
    ),
    RoleDefinition("threshold-manager", "Threshold Manager", Scope.TEAM, manager=True, aliases=("Threshold Manager",)),
    RoleDefinition("social-worker", "Social Worker", Scope.TEAM, aliases=("Social Worker",)),
    RoleDefinition(
        "identified-colleague",
        "Identified Colleague",
        Scope.TEAM,
        aliases=("Identified Colleague", "Identified Gatekeeper"),
    ),
    RoleDefinition("independent-chair", "Independent Chair", Scope.ASSIGNED, aliases=("Independent Chair",)),
    RoleDefinition(
        "iro",
        "Independent Reviewing Officer (IRO)",
        Scope.ASSIGNED,
        aliases=("Independent Reviewing Officer (IRO)", "IRO"),
    ),
    RoleDefinition(
        "fostering-reviewing-officer",
        "Fostering Service Reviewing Officer",
        Scope.ASSIGNED,
        aliases=("Fostering Service Reviewing Officer",),
    ),
    RoleDefinition(
        "pep-officer",
        "Personal Educational Plan Officer",
        Scope.ASSIGNED,
        aliases=("Personal Educational Plan Officer",),
    ),
    RoleDefinition("panel-advisor", "Panel Advisor", Scope.ASSIGNED, aliases=("Panel Advisor",)),
    RoleDefinition(
        "agency-decision-maker", "Agency Decision Maker", Scope.ASSIGNED, aliases=("Agency Decision Maker",)
    ),
    RoleDefinition(
        "management-team",
        "Children's Social Care Management Team",
        Scope.AGGREGATE,
        aliases=("Children's Social Care Management Team",),
    ),
    RoleDefinition("chief-executive", "Chief Executive", Scope.AGGREGATE, aliases=("Chief Executive",)),
    RoleDefinition(
        "safeguarding-board-chair",
        "Chair of Plymouth Safeguarding Children's Board",
        Scope.AGGREGATE,
        aliases=("Chair of Plymouth Safeguarding Children's Board",),
    ),
    RoleDefinition(
        "trust-board-chair",
        "Chair of Children and Young People's Trust",
        Scope.AGGREGATE,
        aliases=("Chair of Children and Young People's Trust",),
    ),
    RoleDefinition(
        "shadow-trust-chair",
        "Chair of Children and Young People's Shadow Trust",
        Scope.AGGREGATE,
        aliases=("Chair of Children and Young People's Shadow Trust",),
    ),
    RoleDefinition(
        "scrutiny-panel-chair",
        "Chair of Overview Scrutiny Panel",
        Scope.AGGREGATE,
        aliases=("Chair of Overview Scrutiny Panel",),
    ),
    RoleDefinition("scrutiny-panel-member", "Scrutiny panel member", Scope.AGGREGATE),
)

ROLES_BY_KEY = {role.key: role for role in ROLES}


def expand_role_keys(keys: list[str]) -> list[str]:
    """Replace the collective "all-managers" by every manager role; keep the order of ROLES, no repeats."""
    wanted = set()
    for key in keys:
        if key == ALL_MANAGERS:
            wanted.update(role.key for role in ROLES if role.manager)
        else:
            wanted.add(key)
    return [role.key for role in ROLES if role.key in wanted]


def is_known_role_key(key: str) -> bool:
    return key == ALL_MANAGERS or key in ROLES_BY_KEY
