"""Who owes a case's items: whoever holds the process's owing role for that child.

The owing role comes from the process (processes.roles.owing_role_key: the rule's `owed_by`, else its
lead roles in OWING_ORDER). Its holder for a child is the allocated worker for the social worker's role,
the team's manager for the manager's, and otherwise the person assigned to the child in that role
(cases.CaseAssignment). With nobody assigned, the item waits with the team's manager and names the
missing role (DueItem.unassigned_role), which the manager's home page counts: "no IRO assigned".

One rule, read by planning, by journey planning and by the items that follow a moved case.
"""

from dataclasses import dataclass, field
from datetime import date

from cases.assignments import holders
from cases.models import Case
from processes.models import Process, Role
from processes.roles import ALLOCATED_WORKER_ROLE, DEFAULT_CASE_RESPONSIBLE, owing_role_key
from processes.schedules import effective_rule


@dataclass(frozen=True)
class CasePeople:
    """A case's team and the people who may owe its items, on one day."""

    team_id: int | None
    manager_id: int | None
    allocated_worker_id: int | None
    holders: dict[str, int] = field(default_factory=dict)  # role key -> user id, live assignments


@dataclass(frozen=True)
class Owner:
    responsible_id: int | None
    role_id: int | None  # the role they answer in (None: the manager, answering for a missing holder)
    unassigned_role_id: int | None = None  # the role nobody holds for the child


def role_ids() -> dict[str, int]:
    """Every role's id, by key."""
    return dict(Role.objects.values_list("key", "pk"))


def owing_role(process: Process) -> str:
    """The key of the role that owes the process's items on a case. Needs its lead_roles (prefetch
    them) and its schedule_override (select_related) for no further queries."""
    rule = effective_rule(process) or {}
    return owing_role_key({role.key for role in process.lead_roles.all()}, rule.get("owed_by"))


def people_of_cases(case_ids, *, on: date) -> dict[int, CasePeople]:
    """{case id: CasePeople} for these cases, on a day: two queries whatever their number."""
    case_ids = list(case_ids)
    held = holders(case_ids, on=on)
    rows = Case.objects.filter(pk__in=case_ids).values_list("pk", "team_id", "team__manager_id", "allocated_worker_id")
    return {
        pk: CasePeople(team_id, manager_id, worker_id, held.get(pk, {})) for pk, team_id, manager_id, worker_id in rows
    }


def owner_on_case(people: CasePeople, role_key: str, ids: dict[str, int]) -> Owner:
    """Who owes an item of `role_key` on a case with these people."""
    if role_key == DEFAULT_CASE_RESPONSIBLE:
        return Owner(people.manager_id, ids.get(role_key))
    holder = people.allocated_worker_id if role_key == ALLOCATED_WORKER_ROLE else people.holders.get(role_key)
    if holder is None:
        return Owner(people.manager_id, None, ids.get(role_key))
    return Owner(holder, ids.get(role_key))
