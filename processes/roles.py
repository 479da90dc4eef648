"""The shared list of roles: one definition per role, with every way the support tool prints it.

Fixtures name lead roles by key. The loader creates a Role row and an auth Group for each, so that
object permissions (guardian) can be granted to the group. `scope` says how a holder reaches case
data; `manager` marks the roles that "All Managers" covers; `capabilities` say what else a holder may
do (moderate grades, record about any member of staff, receive escalations, answer for drawn samples,
use the admin site); `model_permissions` are the model-wide permissions its group holds.

This is the only module that writes a role's key: the rest of the code asks it by capability.
"""

from dataclasses import dataclass, field


class Scope:
    TEAM = "team"  # their team's cases
    ASSIGNED = "assigned"  # the cases they hold a live assignment on (chairs, IROs, PEP officers, ...)
    SERVICE = "service"  # every case, through the role
    AGGREGATE = "aggregate"  # service-wide figures only, never a child's record

    CHOICES = [
        (TEAM, "Own team's cases"),
        (ASSIGNED, "Assigned cases"),
        (SERVICE, "Every case"),
        (AGGREGATE, "Aggregates only"),
    ]


class Capability:
    MODERATE = "moderate"  # takes the second look at a submitted grade
    SEE_ALL_STAFF = "see_all_staff"  # may record about any member of staff, not only those they manage
    RECEIVE_ESCALATIONS = "receive_escalations"  # overdue items escalate to them after the line manager
    DRAW_SAMPLES = "draw_samples"  # answers for the cases drawn in a team's monthly random sample
    USE_ADMIN_SITE = "use_admin_site"  # signs in to Django's admin site (staff flag follows the role)
    # Sees every foster carer of the register, whichever team supervises them (fostering.scope): the
    # roles that serve the whole fostering service (its reviewing officer, the panel's advisor).
    SEE_ALL_FOSTER_CARERS = "see_all_foster_carers"

    ALL = (MODERATE, SEE_ALL_STAFF, RECEIVE_ESCALATIONS, DRAW_SAMPLES, USE_ADMIN_SITE, SEE_ALL_FOSTER_CARERS)


@dataclass(frozen=True)
class RoleDefinition:
    key: str
    name: str
    scope: str
    manager: bool = False
    aliases: tuple[str, ...] = field(default_factory=tuple)
    capabilities: frozenset[str] = frozenset()
    model_permissions: tuple[str, ...] = ()


ALL_MANAGERS = "all-managers"

# Every role's key, named once: other modules write these names, never the strings (a test says so).
QA_ADMINISTRATOR = "qa-administrator"
HEAD_OF_SERVICE = "head-of-service"
ASSISTANT_DIRECTOR = "assistant-director"
SERVICE_MANAGER = "service-manager"
PROFESSIONAL_DEVELOPMENT_MANAGER = "professional-development-manager"
TEAM_MANAGER = "team-manager"
THRESHOLD_MANAGER = "threshold-manager"
SOCIAL_WORKER = "social-worker"
IDENTIFIED_COLLEAGUE = "identified-colleague"
INDEPENDENT_CHAIR = "independent-chair"
IRO = "iro"
FOSTERING_REVIEWING_OFFICER = "fostering-reviewing-officer"
PEP_OFFICER = "pep-officer"
PANEL_ADVISOR = "panel-advisor"
AGENCY_DECISION_MAKER = "agency-decision-maker"
YOT_CASE_MANAGER = "yot-case-manager"
PERSONAL_ADVISER = "personal-adviser"
MANAGEMENT_TEAM = "management-team"
CHIEF_EXECUTIVE = "chief-executive"
SAFEGUARDING_BOARD_CHAIR = "safeguarding-board-chair"
TRUST_BOARD_CHAIR = "trust-board-chair"
SHADOW_TRUST_CHAIR = "shadow-trust-chair"
SCRUTINY_PANEL_CHAIR = "scrutiny-panel-chair"
SCRUTINY_PANEL_MEMBER = "scrutiny-panel-member"

ROLES: tuple[RoleDefinition, ...] = (
    RoleDefinition(
        QA_ADMINISTRATOR,
        "QA administrator",
        Scope.SERVICE,
        capabilities=frozenset({Capability.MODERATE, Capability.SEE_ALL_STAFF, Capability.USE_ADMIN_SITE}),
        model_permissions=(
            "processes.load_catalogue",
            "processes.add_closureday",
            "processes.change_closureday",
            "processes.delete_closureday",
            "processes.add_scheduleoverride",
            "processes.change_scheduleoverride",
            "processes.delete_scheduleoverride",
            "cases.add_case",
            "cases.change_case",
            "cases.view_accesslogentry",
            "cases.review_breakglassgrant",
            "workforce.add_team",
            "workforce.change_team",
            "workforce.add_staffprofile",
            "workforce.change_staffprofile",
            "fostering.add_fostercarer",
            "fostering.change_fostercarer",
        ),
    ),
    RoleDefinition(
        HEAD_OF_SERVICE,
        "Head of Service",
        Scope.SERVICE,
        manager=True,
        aliases=("Head of Service", "Head of Service Children in Care"),
        capabilities=frozenset({Capability.MODERATE, Capability.SEE_ALL_STAFF, Capability.RECEIVE_ESCALATIONS}),
    ),
    RoleDefinition(
        ASSISTANT_DIRECTOR,
        "Assistant Director",
        Scope.SERVICE,
        manager=True,
        aliases=("Assistant Director", "Assistant Director - Children's Social Care"),
        capabilities=frozenset({Capability.SEE_ALL_STAFF}),
    ),
    RoleDefinition(
        SERVICE_MANAGER,
        "Service Manager",
        Scope.SERVICE,
        manager=True,
        aliases=("Service Manager", "Service manager", "Service Managers"),
    ),
    RoleDefinition(
        PROFESSIONAL_DEVELOPMENT_MANAGER,
        "Service Manager for Professional Development",
        Scope.AGGREGATE,
        manager=True,
        aliases=("Service Manager for Professional Development",),
        capabilities=frozenset({Capability.SEE_ALL_STAFF}),
    ),
    RoleDefinition(
        TEAM_MANAGER,
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
        capabilities=frozenset({Capability.DRAW_SAMPLES}),
    ),
    RoleDefinition(THRESHOLD_MANAGER, "Threshold Manager", Scope.TEAM, manager=True, aliases=("Threshold Manager",)),
    RoleDefinition(
        SOCIAL_WORKER,
        "Social Worker",
        Scope.TEAM,
        aliases=("Social Worker",),
    ),
    RoleDefinition(
        IDENTIFIED_COLLEAGUE,
        "Identified Colleague",
        Scope.TEAM,
        aliases=("Identified Colleague", "Identified Gatekeeper"),
    ),
    RoleDefinition(
        INDEPENDENT_CHAIR,
        "Independent Chair",
        Scope.ASSIGNED,
        aliases=("Independent Chair",),
    ),
    RoleDefinition(
        IRO,
        "Independent Reviewing Officer (IRO)",
        Scope.ASSIGNED,
        aliases=("Independent Reviewing Officer (IRO)", "IRO"),
    ),
    RoleDefinition(
        FOSTERING_REVIEWING_OFFICER,
        "Fostering Service Reviewing Officer",
        Scope.ASSIGNED,
        aliases=("Fostering Service Reviewing Officer",),
        capabilities=frozenset({Capability.SEE_ALL_FOSTER_CARERS}),
    ),
    RoleDefinition(
        PEP_OFFICER,
        "Personal Educational Plan Officer",
        Scope.ASSIGNED,
        aliases=("Personal Educational Plan Officer",),
    ),
    RoleDefinition(
        PANEL_ADVISOR,
        "Panel Advisor",
        Scope.ASSIGNED,
        aliases=("Panel Advisor",),
        capabilities=frozenset({Capability.SEE_ALL_FOSTER_CARERS}),
    ),
    RoleDefinition(AGENCY_DECISION_MAKER, "Agency Decision Maker", Scope.ASSIGNED, aliases=("Agency Decision Maker",)),
    # The youth justice case manager of one young person: assigned, not team-wide, because the YOS team's
    # own colleagues (the Identified Colleague) already reach the team's cases; a case manager seconded
    # from elsewhere (police, probation, health) reaches only the young people they hold.
    RoleDefinition(YOT_CASE_MANAGER, "YOT Case Manager", Scope.ASSIGNED, aliases=("YOT Case Manager",)),
    # The care leaver's personal adviser (Children (Leaving Care) Act 2000; Care Leavers (England)
    # Regulations 2010): named for each eligible, relevant or former relevant young person.
    RoleDefinition(PERSONAL_ADVISER, "Personal Adviser", Scope.ASSIGNED, aliases=("Personal Adviser",)),
    RoleDefinition(
        MANAGEMENT_TEAM,
        "Children's Social Care Management Team",
        Scope.AGGREGATE,
        aliases=("Children's Social Care Management Team",),
    ),
    RoleDefinition(CHIEF_EXECUTIVE, "Chief Executive", Scope.AGGREGATE, aliases=("Chief Executive",)),
    RoleDefinition(
        SAFEGUARDING_BOARD_CHAIR,
        "Chair of Plymouth Safeguarding Children's Board",
        Scope.AGGREGATE,
        aliases=("Chair of Plymouth Safeguarding Children's Board",),
    ),
    RoleDefinition(
        TRUST_BOARD_CHAIR,
        "Chair of Children and Young People's Trust",
        Scope.AGGREGATE,
        aliases=("Chair of Children and Young People's Trust",),
    ),
    RoleDefinition(
        SHADOW_TRUST_CHAIR,
        "Chair of Children and Young People's Shadow Trust",
        Scope.AGGREGATE,
        aliases=("Chair of Children and Young People's Shadow Trust",),
    ),
    RoleDefinition(
        SCRUTINY_PANEL_CHAIR,
        "Chair of Overview Scrutiny Panel",
        Scope.AGGREGATE,
        aliases=("Chair of Overview Scrutiny Panel",),
    ),
    RoleDefinition(SCRUTINY_PANEL_MEMBER, "Scrutiny panel member", Scope.AGGREGATE),
)

ROLES_BY_KEY = {role.key: role for role in ROLES}

# The roles a child can be assigned (cases.CaseAssignment): the people the case system names for one child,
# each from a date to a date. Not the allocated worker (the case system's allocation: Case.allocated_worker),
# nor the team manager (the team's manager), nor the fostering reviewing officer (who reviews carers, not
# children). An assigned-scope holder reaches the cases they hold a live assignment on (cases.services).
ASSIGNABLE_ROLE_KEYS: tuple[str, ...] = (
    INDEPENDENT_CHAIR,
    IRO,
    PEP_OFFICER,
    PANEL_ADVISOR,
    AGENCY_DECISION_MAKER,
    IDENTIFIED_COLLEAGUE,
    YOT_CASE_MANAGER,
    PERSONAL_ADVISER,
)


def role_keys_with(capability: str) -> frozenset[str]:
    """The keys of the roles that hold `capability` (one of Capability.ALL)."""
    if capability not in Capability.ALL:
        raise ValueError(f"Unknown capability: {capability}")
    return frozenset(role.key for role in ROLES if capability in role.capabilities)


def role_keys_seeing_every_child() -> frozenset[str]:
    """The keys of the roles whose holders reach every child's case (service scope: head of service, QA
    administrator, ...). Granting one is granting the whole service's records, so workforce.account_rules
    lets only a superuser do it directly, or a second QA administrator approve another's request."""
    return frozenset(role.key for role in ROLES if role.scope == Scope.SERVICE)


def role_keys_managed_by_superusers() -> frozenset[str]:
    """The roles whose holders manage other people's accounts (the QA administrator's admin site and staff
    pages): their accounts are managed only by a superuser (workforce.account_rules)."""
    return role_keys_with(Capability.USE_ADMIN_SITE)


# Who answers for a case's items, by the lead roles of its process: the first of its leads in this order
# who can hold the work for one child (an assignment, or the allocated worker), else the team manager.
# The person-level roles come first: where the support tool names "Team Manager and IRO", the IRO chairs
# the review and the manager oversees it (the manager's oversight is its own process, with its own cadence).
OWING_ORDER: tuple[str, ...] = (
    IRO,
    INDEPENDENT_CHAIR,
    PEP_OFFICER,
    PANEL_ADVISOR,
    AGENCY_DECISION_MAKER,
    IDENTIFIED_COLLEAGUE,
    SOCIAL_WORKER,
    TEAM_MANAGER,
)
DEFAULT_CASE_RESPONSIBLE = TEAM_MANAGER
# The role whose holder for a child is the case's allocated worker (Case.allocated_worker), not an assignment.
ALLOCATED_WORKER_ROLE = SOCIAL_WORKER


def owing_role_key(lead_keys, owed_by: str | None = None) -> str:
    """The role that owes a process's items on a case: the rule's `owed_by` where it names one, else the
    first of its lead roles in OWING_ORDER, else the team manager."""
    if owed_by:
        return owed_by
    for key in OWING_ORDER:
        if key in lead_keys:
            return key
    return DEFAULT_CASE_RESPONSIBLE


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
