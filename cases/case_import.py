"""Reading a case-management export (CSV) and planning what importing it would change. No writes here.

The whole file is read and validated before anything is written; problems are collected, not raised one
at a time, so an administrator sees every mistake in one go as "line N: column: problem". Line numbers
are record numbers as a spreadsheet shows its rows: the header is line 1 and each record is one line,
however many newlines its quoted cells hold (a multi-line name is still one row).

Messages never quote a child's name: a problem with child_name says what is wrong, not what was written.
Applying a plan is cases.services.case_import_apply; docs/case-import.md describes the format.
"""

import re
from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth import get_user_model
from django.utils import timezone
from pydantic import BaseModel, ConfigDict, ValidationError, ValidationInfo, field_validator

from cases.assignments import live_on_q
from cases.choices import CaseStatus, EpisodeKind
from cases.csv_files import CaseImportError, line_messages, read_rows
from cases.models import Case, CaseAssignment, Episode
from processes.roles import INDEPENDENT_CHAIR, IRO
from workforce.models import Team

COLUMNS = (
    "reference",
    "child_name",
    "date_of_birth",
    "ethnicity",
    "faith",
    "language",
    "team",
    "allocated_worker",
    "chair",
    "iro",
    "status",
    "closed_on",
    "episode_kind",
    "episode_start",
    "episode_end",
)
EPISODE_COLUMNS = ("episode_kind", "episode_start", "episode_end")
CASE_COLUMNS = tuple(name for name in COLUMNS if name not in EPISODE_COLUMNS)
PERSON_COLUMNS = ("allocated_worker", "chair", "iro")
# Columns that name who holds a role for the child (cases.CaseAssignment), not fields of the case: the
# person named holds the role from the day of the import; an empty cell ends whoever held it.
ASSIGNMENT_COLUMNS = {"chair": INDEPENDENT_CHAIR, "iro": IRO}
# Case fields as the model names them, in the order the preview and tests expect.
CASE_FIELDS = tuple(name for name in CASE_COLUMNS if name != "reference" and name not in ASSIGNMENT_COLUMNS)
# What the rows of one reference must agree on: the case's fields and its assigned people.
AGREED_COLUMNS = tuple(name for name in CASE_COLUMNS if name != "reference")

DATE_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Big enough to be quick, small enough for SQLite's limit on query parameters.
LOOKUP_BATCH = 2000


#
# One row
#


def _text(value: str, *, max_length: int, required: bool = False, quote: bool = True) -> str:
    value = value.strip()
    if required and not value:
        raise ValueError("is required")
    if len(value) > max_length:
        shown = f"{value!r} " if quote else ""
        raise ValueError(f"{shown}is longer than {max_length} characters")
    return value


def _date(value: str, *, required: bool = False) -> date | None:
    value = value.strip()
    if not value:
        if required:
            raise ValueError("is required")
        return None
    try:
        if not DATE_PATTERN.match(value):
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a date in the form YYYY-MM-DD") from None


class CaseRow(BaseModel):
    """One line of the file. Fields are checked in this order; a later check sees only earlier valid fields.

    Validation needs a context: `teams` (name -> Team) and `users` (username -> user) for the names in the file.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)

    reference: str
    child_name: str
    date_of_birth: date
    ethnicity: str
    faith: str
    language: str
    team: Team
    allocated_worker: object | None
    chair: object | None
    iro: object | None
    status: str
    closed_on: date | None
    episode_kind: str
    episode_start: date | None
    episode_end: date | None

    @field_validator("reference", mode="before")
    @classmethod
    def _reference(cls, value: str) -> str:
        reference = _text(value, max_length=40, required=True)
        # A reference is typed, searched and shown on one line: a newline, tab or control character is a
        # mistake of the export, not part of the reference.
        if not reference.isprintable():
            raise ValueError("must be on one line, without tabs or control characters")
        return reference

    @field_validator("child_name", mode="before")
    @classmethod
    def _child_name(cls, value: str) -> str:
        return _text(value, max_length=200, required=True, quote=False)

    @field_validator("date_of_birth", mode="before")
    @classmethod
    def _date_of_birth(cls, value: str) -> date:
        born = _date(value, required=True)
        if born > timezone.localdate():
            raise ValueError(f"{value.strip()!r} is in the future")
        return born

    @field_validator("ethnicity", "faith", "language", mode="before")
    @classmethod
    def _optional_text(cls, value: str) -> str:
        # Not quoted: these describe the child.
        return _text(value, max_length=100, quote=False)

    @field_validator("team", mode="before")
    @classmethod
    def _team(cls, value: str, info: ValidationInfo) -> Team:
        name = value.strip()
        if not name:
            raise ValueError("is required")
        team = info.context["teams"].get(name)
        if team is None:
            raise ValueError(f"no team is called {name!r}")
        if not team.is_active:
            raise ValueError(f"{name!r} is not an active team")
        return team

    @field_validator(*PERSON_COLUMNS, mode="before")
    @classmethod
    def _person(cls, value: str, info: ValidationInfo):
        username = value.strip()
        if not username:
            return None
        user = info.context["users"].get(username)
        if user is None:
            raise ValueError(f"no user is called {username!r}")
        if info.field_name == "allocated_worker" and not hasattr(user, "staff_profile"):
            raise ValueError(f"{username!r} has no staff profile")
        # A leaver (or anyone who can no longer sign in) cannot hold a case: access would go to no one.
        profile = getattr(user, "staff_profile", None)
        if not user.is_active or (profile is not None and profile.left_on and profile.left_on <= timezone.localdate()):
            raise ValueError(f"{username!r} has left or cannot sign in")
        return user

    @field_validator("status", mode="before")
    @classmethod
    def _status(cls, value: str) -> str:
        status = value.strip().lower() or CaseStatus.OPEN
        if status not in CaseStatus.values:
            raise ValueError(f"{value.strip()!r} is not a status; write {' or '.join(CaseStatus.values)}")
        return status

    @field_validator("closed_on", mode="before")
    @classmethod
    def _closed_on(cls, value: str, info: ValidationInfo) -> date | None:
        closed_on = _date(value)
        if closed_on is not None and closed_on > timezone.localdate():
            raise ValueError(f"{value.strip()!r} is in the future")
        status = info.data.get("status")
        if status == CaseStatus.CLOSED and closed_on is None:
            raise ValueError("is required when the status is closed")
        if status == CaseStatus.OPEN and closed_on is not None:
            raise ValueError("must be empty when the status is open")
        return closed_on

    @field_validator("episode_kind", mode="before")
    @classmethod
    def _episode_kind(cls, value: str) -> str:
        kind = value.strip()
        if kind and kind not in EpisodeKind.values:
            raise ValueError(f"{kind!r} is not an episode kind; write one of {', '.join(EpisodeKind.values)}")
        return kind

    @field_validator("episode_start", mode="before")
    @classmethod
    def _episode_start(cls, value: str, info: ValidationInfo) -> date | None:
        start = _date(value)
        if start is not None and start > timezone.localdate():
            raise ValueError(f"{value.strip()!r} is in the future")
        born = info.data.get("date_of_birth")
        if start is not None and born is not None and start < born:
            raise ValueError(f"{value.strip()!r} is before date_of_birth")
        if "episode_kind" not in info.data:
            return start  # the kind is wrong; that is the problem to report
        kind = info.data["episode_kind"]
        if kind and start is None:
            raise ValueError("is required when episode_kind is given")
        if not kind and start is not None:
            raise ValueError("must be empty when episode_kind is empty")
        return start

    @field_validator("episode_end", mode="before")
    @classmethod
    def _episode_end(cls, value: str, info: ValidationInfo) -> date | None:
        end = _date(value)
        if end is None or "episode_kind" not in info.data or "episode_start" not in info.data:
            return end
        start = info.data["episode_start"]
        if start is None:
            raise ValueError("must be empty when there is no episode")
        if end < start:
            raise ValueError(f"{value.strip()!r} is before episode_start")
        return end

    def case_values(self) -> dict:
        return {name: getattr(self, name) for name in CASE_FIELDS}

    def assigned(self) -> dict:
        """{role key: the user the row names for it, or None}, for the assignment columns."""
        return {key: getattr(self, column) for column, key in ASSIGNMENT_COLUMNS.items()}

    @property
    def episode(self) -> tuple[str, date, date | None] | None:
        return (self.episode_kind, self.episode_start, self.episode_end) if self.episode_kind else None


@dataclass(frozen=True)
class Line:
    number: int
    row: CaseRow


#
# The plan
#


@dataclass
class CaseChange:
    """What importing does to one case: create it or change some fields, add episodes, change their ends,
    start and end assignments (the chair and IRO columns)."""

    reference: str
    values: dict
    case: Case | None = None  # None: a new case
    fields: list[str] = field(default_factory=list)  # changed case fields (all of them for a new case)
    episodes_added: list[tuple[str, date, date | None]] = field(default_factory=list)
    episodes_ended: list[tuple[Episode, date | None]] = field(default_factory=list)
    assigned: dict = field(default_factory=dict)  # {role key: user or None}, as the file names them
    assignments_started: list[tuple[str, object]] = field(default_factory=list)  # (role key, user) from today
    assignments_ended: list[CaseAssignment] = field(default_factory=list)  # live ones that end today

    @property
    def is_new(self) -> bool:
        return self.case is None

    @property
    def is_empty(self) -> bool:
        return not (
            self.is_new or self.fields or self.episodes_added or self.episodes_ended or self.assignments_changed
        )

    @property
    def assignments_changed(self) -> bool:
        return bool(self.assignments_started or self.assignments_ended)


@dataclass
class CaseImportPlan:
    """What importing the file would do; empty when the database already matches it.

    A case counts as updated when any of its fields or episodes would change, unchanged otherwise.
    """

    source: str
    text: str
    changes: list[CaseChange] = field(default_factory=list)

    @property
    def added(self) -> list[str]:
        return [change.reference for change in self.changes if change.is_new]

    @property
    def updated(self) -> list[str]:
        return [change.reference for change in self.changes if not change.is_new and not change.is_empty]

    @property
    def unchanged(self) -> int:
        return sum(1 for change in self.changes if change.is_empty)

    @property
    def episodes_added(self) -> int:
        return sum(len(change.episodes_added) for change in self.changes)

    @property
    def episodes_updated(self) -> int:
        return sum(len(change.episodes_ended) for change in self.changes)

    @property
    def is_empty(self) -> bool:
        return all(change.is_empty for change in self.changes)

    def counts_line(self) -> str:
        return (
            f"{len(self.added)} cases added, {len(self.updated)} updated, {self.unchanged} unchanged; "
            f"{self.episodes_added} episodes added, {self.episodes_updated} updated"
        )


def case_import_plan(text: str, *, source: str, lock: bool = False) -> CaseImportPlan:
    """Validate the whole file, then compare it with the database. Raises CaseImportError listing every problem.

    `lock` selects existing cases for update: case_import_apply plans again inside its transaction.
    """
    lines, problems = _read_lines(text)
    problems += _agreement_problems(lines)  # among the valid rows: every problem is reported in one go
    if problems:
        raise CaseImportError(line_messages(problems))
    plan = CaseImportPlan(source=source, text=text)

    by_reference: dict[str, CaseChange] = {}
    for line in lines:
        row = line.row
        change = by_reference.get(row.reference)
        if change is None:
            change = by_reference[row.reference] = CaseChange(
                reference=row.reference, values=row.case_values(), assigned=row.assigned()
            )
            plan.changes.append(change)
        if row.episode and row.episode not in change.episodes_added:
            change.episodes_added.append(row.episode)

    cases = _existing_cases(list(by_reference), lock=lock)
    episodes = _existing_episodes([case.pk for case in cases.values()])
    live = _live_assignments([case.pk for case in cases.values()], lock=lock)
    for change in plan.changes:
        case = cases.get(change.reference)
        if case is None:
            change.fields = list(CASE_FIELDS)
            change.assignments_started = [(key, user) for key, user in change.assigned.items() if user is not None]
            continue
        change.case = case
        _plan_assignments(change, live.get(case.pk, {}))
        change.fields = [name for name, value in change.values.items() if not _same(case, name, value)]
        wanted = change.episodes_added
        change.episodes_added = []
        for kind, start, end in wanted:
            episode = episodes.get((case.pk, kind, start))
            if episode is None:
                change.episodes_added.append((kind, start, end))
            elif episode.end != end:
                change.episodes_ended.append((episode, end))
    return plan


#
# Reading and checking
#


def _read_lines(text: str) -> tuple[list[Line], list[tuple[int, str]]]:
    """The valid rows, and the problems of the others as (line number, message). A bad header raises."""
    raw, problems = read_rows(text, columns=COLUMNS, required=COLUMNS)
    context = _lookups(raw)
    lines = []
    for number, values in raw:
        try:
            lines.append(Line(number, CaseRow.model_validate(values, context=context)))
        except ValidationError as exc:
            for error in exc.errors():
                column = ".".join(str(part) for part in error["loc"])
                problems.append((number, f"{column}: {error['msg'].removeprefix('Value error, ')}"))
    return lines, problems


def _lookups(raw: list[tuple[int, dict[str, str]]]) -> dict:
    """The teams and users the file names, fetched once (not one query per row)."""
    team_names = {values["team"].strip() for _, values in raw} - {""}
    usernames = {values[name].strip() for _, values in raw for name in PERSON_COLUMNS} - {""}
    teams = {}
    for batch in _batches(sorted(team_names)):
        teams.update((team.name, team) for team in Team.objects.filter(name__in=batch))
    users = {}
    for batch in _batches(sorted(usernames)):
        found = get_user_model().objects.filter(username__in=batch).select_related("staff_profile")
        users.update((user.username, user) for user in found)
    return {"teams": teams, "users": users}


def _agreement_problems(lines: list[Line]) -> list[tuple[int, str]]:
    """Rows of one reference must agree on the case's fields, and on the end of an episode they repeat."""
    problems = []
    first: dict[str, Line] = {}
    episode_lines: dict[tuple[str, str, date], Line] = {}
    for line in lines:
        row = line.row
        earlier = first.setdefault(row.reference, line)
        if earlier is not line:
            differing = [name for name in AGREED_COLUMNS if getattr(row, name) != getattr(earlier.row, name)]
            if differing:
                problems.append(
                    (
                        line.number,
                        f"reference {row.reference!r}: {', '.join(differing)} "
                        f"{'differs' if len(differing) == 1 else 'differ'} from line {earlier.number}; "
                        "the rows of one case must agree on its fields",
                    )
                )
        if row.episode:
            key = (row.reference, row.episode_kind, row.episode_start)
            repeated = episode_lines.setdefault(key, line)
            if repeated is not line and repeated.row.episode_end != row.episode_end:
                problems.append(
                    (
                        line.number,
                        f"episode_end: differs from line {repeated.number}, the same {row.episode_kind} "
                        f"episode of reference {row.reference!r}",
                    )
                )
    return problems


#
# Comparing with the database
#


def _batches(items: list, size: int = LOOKUP_BATCH):
    for index in range(0, len(items), size):
        yield items[index : index + size]


def _existing_cases(references: list[str], *, lock: bool) -> dict[str, Case]:
    cases = {}
    for batch in _batches(references):
        queryset = Case.objects.filter(reference__in=batch)
        if lock:
            queryset = queryset.select_for_update()
        cases.update((case.reference, case) for case in queryset)
    return cases


def _existing_episodes(case_ids: list[int]) -> dict[tuple[int, str, date], Episode]:
    episodes = {}
    for batch in _batches(case_ids):
        for episode in Episode.objects.filter(case_id__in=batch):
            episodes[(episode.case_id, episode.kind, episode.start)] = episode
    return episodes


def _same(case: Case, name: str, value) -> bool:
    model_field = Case._meta.get_field(name)
    if model_field.is_relation:
        return getattr(case, model_field.attname) == (value.pk if value is not None else None)
    return getattr(case, name) == value


def _live_assignments(case_ids: list[int], *, lock: bool) -> dict[int, dict[str, list[CaseAssignment]]]:
    """{case id: {role key: its live assignments today}} for the roles of the assignment columns."""
    today = timezone.localdate()
    found: dict[int, dict[str, list[CaseAssignment]]] = {}
    for batch in _batches(case_ids):
        queryset = CaseAssignment.objects.filter(case_id__in=batch, role__key__in=list(ASSIGNMENT_COLUMNS.values()))
        queryset = queryset.filter(live_on_q(today)).select_related("role").order_by("start", "pk")
        if lock:
            queryset = queryset.select_for_update(of=("self",))
        for assignment in queryset:
            found.setdefault(assignment.case_id, {}).setdefault(assignment.role.key, []).append(assignment)
    return found


def _plan_assignments(change: CaseChange, live: dict[str, list[CaseAssignment]]) -> None:
    """The person a column names holds the role from today: whoever else holds it live ends, and the
    person starts unless they hold it already. An empty cell ends every live holder of the role."""
    for key, user in change.assigned.items():
        holding = live.get(key, [])
        change.assignments_ended += [held for held in holding if user is None or held.user_id != user.pk]
        if user is not None and not any(held.user_id == user.pk for held in holding):
            change.assignments_started.append((key, user))
