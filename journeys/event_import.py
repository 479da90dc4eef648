"""Reading dated facts from the case-management system (CSV, one event a row) and planning what importing
them would change; applying the plan (events_import_apply) writes through the services only
(journeys.services.facts_record, cases.services.assignments_apply), in one transaction.

As with the case import (cases/case_import.py), the whole file is read and validated before anything is
written, and every problem is reported at once as "line N: column: problem", N being the row number a
spreadsheet shows (the header is line 1; a quoted cell's newlines stay inside its row). Messages never
quote a child's details: a bad date or username is quoted, a carer's reference is not.

Columns: `reference`, `event` and `date` in every file; the others as each event needs them (EVENTS),
empty or absent otherwise. docs/case-import.md, "Events (import_events)", is the reference.
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from cases.csv_files import CaseImportError, line_messages, read_rows
from cases.models import Case, CaseAssignment
from cases.services import AssignmentRow, assignments_apply
from journeys.choices import CareLeaverCategory, LegalStatusKind, MeetingKind, PlacementKind, StrategyOutcome
from journeys.models import (
    CareLeaverAccommodation,
    CareLeaverStatus,
    Detention,
    LegalStatus,
    MeetingHeld,
    Placement,
    StrategyDiscussion,
    Visit,
)
from journeys.services import STATED_FIELDS, FactsPlan, facts_compare, facts_record, natural_key
from processes import roles
from processes.models import Role

REQUIRED_COLUMNS = ("reference", "event", "date")
# The columns each event reads besides reference, event and date; a column it does not read must be empty.
EVENTS: dict[str, tuple[str, ...]] = {
    "placement": ("end_date", "long_term", "kind", "carer_reference"),
    "legal_status": ("status", "end_date"),
    "care_leaver_status": ("category", "end_date"),
    "care_leaver_accommodation": ("end_date",),
    "detention": ("end_date",),
    "strategy_discussion": ("outcome",),
    "visit": ("child_seen", "seen_alone", "visitor"),
    "assignment": ("role", "username", "end_date"),
    "looked_after_review_held": (),
    "cp_conference_held": (),
    "pathway_plan_review_held": (),
    "core_group_held": (),
}
MEETING_EVENTS = {
    "looked_after_review_held": MeetingKind.LOOKED_AFTER_REVIEW,
    "cp_conference_held": MeetingKind.CP_CONFERENCE,
    "pathway_plan_review_held": MeetingKind.PATHWAY_PLAN_REVIEW,
    "core_group_held": MeetingKind.CORE_GROUP,
}
OPTIONAL_COLUMNS = tuple(dict.fromkeys(name for names in EVENTS.values() for name in names))
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
# Columns an event may leave empty (the others it reads are required).
MAY_BE_EMPTY = {"end_date", "kind", "carer_reference", "seen_alone", "visitor"}
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
UK_DATE = re.compile(r"^\d{2}/\d{2}/\d{4}$")
LOOKUP_BATCH = 2000


class EventImportError(CaseImportError):
    """The file is not valid; `problems` lists each one as 'line N: column: problem', in line order."""


def assignable_role_keys() -> frozenset[str]:
    """The roles an `assignment` row may name: processes.roles' list of roles held for one child where it
    has one; otherwise every role but those that see aggregates only (a board member holds no child)."""
    listed = getattr(roles, "ASSIGNABLE", None)
    if listed is not None:
        return frozenset(listed)
    return frozenset(role.key for role in roles.ROLES if role.scope != roles.Scope.AGGREGATE)


@dataclass(frozen=True)
class EventLine:
    number: int
    event: str
    item: object  # an unsaved fact, or a cases.services.AssignmentRow

    @property
    def key(self) -> tuple:
        if isinstance(self.item, AssignmentRow):
            return (CaseAssignment, self.item.case.pk, self.item.role.pk, self.item.user.pk, self.item.start)
        return natural_key(self.item)


@dataclass
class EventImportPlan:
    """What importing the file would do, by event: each distinct fact (or assignment) of the file added,
    changed or unchanged."""

    source: str
    lines: list[EventLine] = field(default_factory=list)
    facts: FactsPlan = field(default_factory=FactsPlan)
    assignments: list[AssignmentRow] = field(default_factory=list)  # those to write
    outcome: dict[tuple, str] = field(default_factory=dict)  # key -> "added", "changed" or "unchanged"

    def counts(self) -> dict[str, dict[str, int]]:
        """{event: {"added": n, "changed": n, "unchanged": n}} for the events of the file, in EVENTS order."""
        seen: dict[tuple, str] = {}
        for line in self.lines:
            seen.setdefault(line.key, line.event)
        counts = {
            event: dict.fromkeys(("added", "changed", "unchanged"), 0) for event in EVENTS if event in seen.values()
        }
        for key, event in seen.items():
            counts[event][self.outcome[key]] += 1
        return counts

    def counts_lines(self) -> list[str]:
        return [
            f"{event}: {numbers['added']} added, {numbers['changed']} changed, {numbers['unchanged']} unchanged"
            for event, numbers in self.counts().items()
        ]

    @property
    def is_empty(self) -> bool:
        return self.facts.is_empty and not self.assignments


def event_import_plan(text: str, *, source: str, lock: bool = False) -> EventImportPlan:
    """Validate the whole file, then compare it with the database. Raises EventImportError listing every
    problem. `lock` selects the existing facts for update (events_import_apply plans again inside its
    transaction)."""
    lines, problems = _read(text)
    problems += _agreement_problems(lines)
    if problems:
        raise EventImportError(line_messages(problems))
    plan = EventImportPlan(source=source, lines=lines)
    plan.facts = facts_compare([line.item for line in lines if not isinstance(line.item, AssignmentRow)], lock=lock)
    for bucket, facts in (("added", plan.facts.added), ("unchanged", plan.facts.unchanged)):
        plan.outcome.update((natural_key(fact), bucket) for fact in facts)
    plan.outcome.update((natural_key(fact), "changed") for fact, _ in plan.facts.changed)
    _plan_assignments(plan, [line for line in lines if isinstance(line.item, AssignmentRow)])
    return plan


@transaction.atomic
def events_import_apply(text: str, *, source: str, actor) -> EventImportPlan:
    """Plan the file again inside one transaction, with the existing facts locked (cases, people or facts
    may have changed since a check), then write it all: the facts (one journey_facts_changed for every
    case they change) and the assignments. Raises EventImportError, writing nothing, if it no longer holds.
    History rows carry `actor` and the reason "import_events <source>"."""
    plan = event_import_plan(text, source=source, lock=True)
    reason = f"import_events {source}"
    facts = [line.item for line in plan.lines if not isinstance(line.item, AssignmentRow)]
    if not plan.facts.is_empty:
        facts_record(facts, actor=actor, reason=reason)
    if plan.assignments:
        assignments_apply(plan.assignments, actor=actor, reason=reason)
    return plan


def _plan_assignments(plan: EventImportPlan, lines: list[EventLine]) -> None:
    case_ids = sorted({line.item.case.pk for line in lines})
    existing = {}
    for index in range(0, len(case_ids), LOOKUP_BATCH):
        found = CaseAssignment.objects.filter(case_id__in=case_ids[index : index + LOOKUP_BATCH])
        existing.update(((CaseAssignment, a.case_id, a.role_id, a.user_id, a.start), a.end) for a in found)
    for line in lines:
        if line.key in plan.outcome:
            continue  # the same assignment twice (the rows agree: checked)
        if line.key not in existing:
            plan.outcome[line.key] = "added"
        elif existing[line.key] != line.item.end:
            plan.outcome[line.key] = "changed"
        else:
            plan.outcome[line.key] = "unchanged"
            continue
        plan.assignments.append(line.item)


#
# Reading and checking
#


def _read(text: str) -> tuple[list[EventLine], list[tuple[int, str]]]:
    """The valid rows, and the problems of the others as (line number, message). A bad header raises."""
    rows, problems = read_rows(text, columns=COLUMNS, required=REQUIRED_COLUMNS, error=EventImportError)
    # The columns an event does not read may be left out of the file: read as empty.
    raw = [
        (number, {name: value.strip() for name, value in (dict.fromkeys(COLUMNS, "") | values).items()})
        for number, values in rows
    ]
    lookups = _lookups(raw)
    lines = []
    for number, values in raw:
        row_problems: list[str] = []
        line = _line(number, values, lookups, row_problems)
        problems += [(number, message) for message in row_problems]
        if line is not None and not row_problems:
            lines.append(line)
    return lines, problems


def _lookups(raw) -> dict:
    """The cases, users and roles the file names, fetched once (not one query per row)."""
    references = sorted({values["reference"] for _, values in raw} - {""})
    usernames = sorted({values[name] for _, values in raw for name in ("username", "visitor")} - {""})
    cases, users = {}, {}
    for index in range(0, len(references), LOOKUP_BATCH):
        found = Case.objects.filter(reference__in=references[index : index + LOOKUP_BATCH])
        cases.update((case.reference, case) for case in found)
    for index in range(0, len(usernames), LOOKUP_BATCH):
        found = get_user_model().objects.filter(username__in=usernames[index : index + LOOKUP_BATCH])
        users.update((user.username, user) for user in found.select_related("staff_profile"))
    role_keys = {values["role"] for _, values in raw} - {""}
    return {
        "cases": cases,
        "users": users,
        "roles": {role.key: role for role in Role.objects.filter(key__in=role_keys)},
    }


def _line(number: int, values: dict[str, str], lookups: dict, problems: list[str]) -> EventLine | None:
    """One row as an event line; its problems appended to `problems`, in column order."""

    def problem(column: str, message: str) -> None:
        problems.append(f"{column}: {message}")

    reference = values["reference"]
    case = None
    if not reference:
        problem("reference", "is required")
    elif not reference.isprintable() or len(reference) > 40:
        problem("reference", "is not a case reference (one line, up to 40 characters)")
    else:
        case = lookups["cases"].get(reference)
        if case is None:
            problem("reference", f"no case has the reference {reference!r}")
    event = values["event"]
    if not event:
        problem("event", "is required")
        return None
    if event not in EVENTS:
        problem("event", f"{event!r} is not an event; write one of {', '.join(EVENTS)}")
        return None
    used = EVENTS[event]
    born = case.date_of_birth if case is not None else None
    start = _date_cell("date", values["date"], problem, required=True, born=born)
    for column in OPTIONAL_COLUMNS:
        if column not in used and values[column]:
            problem(column, f"is not used by a {event} row; leave it empty")
        elif column in used and column not in MAY_BE_EMPTY and not values[column]:
            problem(column, f"is required for a {event} row")
    end = None
    if "end_date" in used:
        end = _date_cell("end_date", values["end_date"], problem, born=born)
        if start is not None and end is not None and end < start:
            problem("end_date", f"{values['end_date']!r} is before date")

    common = {"case": case, "source": "case_system"}
    item = None
    if event == "placement":
        long_term = _yes_no("long_term", values["long_term"], problem)
        kind = values["kind"] or PlacementKind.STANDARD
        if kind not in PlacementKind.values:
            problem("kind", f"{kind!r} is not a placement kind; write one of {', '.join(PlacementKind.values)}")
        if len(values["carer_reference"]) > 40:
            problem("carer_reference", "is longer than 40 characters")
        item = Placement(
            **common,
            start=start,
            end=end,
            long_term=bool(long_term),
            kind=kind,
            carer_reference=values["carer_reference"],
        )
    elif event == "legal_status":
        status = _choice("status", values["status"], LegalStatusKind.values, "a legal status", problem)
        item = LegalStatus(**common, status=status, start=start, end=end)
    elif event == "care_leaver_status":
        category = _choice("category", values["category"], CareLeaverCategory.values, "a care-leaver category", problem)
        item = CareLeaverStatus(**common, category=category, start=start, end=end)
    elif event == "care_leaver_accommodation":
        item = CareLeaverAccommodation(**common, start=start, end=end)
    elif event == "detention":
        item = Detention(**common, start=start, end=end)
    elif event == "strategy_discussion":
        outcome = _choice("outcome", values["outcome"], StrategyOutcome.values, "an outcome", problem)
        item = StrategyDiscussion(**common, held_on=start, outcome=outcome)
    elif event == "visit":
        child_seen = _yes_no("child_seen", values["child_seen"], problem)
        seen_alone = _yes_no("seen_alone", values["seen_alone"], problem) if values["seen_alone"] else None
        if child_seen and seen_alone is None:
            problem("seen_alone", "is required when child_seen is yes")
        if child_seen is False and seen_alone:
            problem("seen_alone", "cannot be yes when child_seen is no")
        visitor = _user("visitor", values["visitor"], lookups, problem) if values["visitor"] else None
        item = Visit(
            **common, visited_on=start, child_seen=bool(child_seen), seen_alone=bool(seen_alone), visitor=visitor
        )
    elif event == "assignment":
        role = None
        key = values["role"]
        if key:
            if key not in roles.ROLES_BY_KEY:
                problem("role", f"{key!r} is not a role key (export_processes prints them)")
            elif key not in assignable_role_keys():
                problem("role", f"{key!r} is not a role held for one child")
            else:
                role = lookups["roles"].get(key)
                if role is None:
                    problem("role", f"{key!r} is not loaded yet (run load_processes)")
        user = _user("username", values["username"], lookups, problem) if values["username"] else None
        item = AssignmentRow(case=case, role=role, user=user, start=start, end=end)
    else:
        item = MeetingHeld(**common, kind=MEETING_EVENTS[event], held_on=start)
    return EventLine(number, event, item)


def _date_cell(column: str, value: str, problem, *, required: bool = False, born: date | None = None) -> date | None:
    if not value:
        if required:
            problem(column, "is required")
        return None
    parsed = None
    try:
        if ISO_DATE.match(value):
            parsed = date.fromisoformat(value)
        elif UK_DATE.match(value):
            parsed = datetime.strptime(value, "%d/%m/%Y").date()
    except ValueError:
        parsed = None
    if parsed is None:
        problem(column, f"{value!r} is not a date in the form YYYY-MM-DD or DD/MM/YYYY")
        return None
    if parsed > timezone.localdate():
        problem(column, f"{value!r} is in the future")
        return None
    if born is not None and parsed < born:
        problem(column, f"{value!r} is before the child's date of birth")
        return None
    return parsed


def _yes_no(column: str, value: str, problem) -> bool | None:
    answer = value.lower()
    if answer in ("yes", "no"):
        return answer == "yes"
    if value:
        problem(column, f"{value!r} is not yes or no")
    return None


def _choice(column: str, value: str, allowed, what: str, problem) -> str:
    if value and value not in allowed:
        problem(column, f"{value!r} is not {what}; write one of {', '.join(allowed)}")
    return value


def _user(column: str, username: str, lookups: dict, problem):
    user = lookups["users"].get(username)
    if user is None:
        problem(column, f"no user is called {username!r}")
        return None
    profile = getattr(user, "staff_profile", None)
    gone = not user.is_active or (profile is not None and profile.left_on and profile.left_on <= timezone.localdate())
    # An assignment goes to someone who can act on it; a past visit's visitor may have left since.
    if gone and column == "username":
        problem(column, f"{username!r} has left or cannot sign in")
        return None
    return user


def _agreement_problems(lines: list[EventLine]) -> list[tuple[int, str]]:
    """The same fact twice in one file is fine if both rows state the same; an error naming both otherwise."""
    problems, first = [], {}
    for line in lines:
        earlier = first.setdefault(line.key, line)
        if earlier is not line and _stated(earlier.item) != _stated(line.item):
            problems.append((line.number, f"event: the same {line.event} as line {earlier.number}, stated differently"))
    return problems


def _stated(item) -> tuple:
    if isinstance(item, AssignmentRow):
        return (item.end,)
    return tuple(getattr(item, name) for name in STATED_FIELDS[type(item)])
