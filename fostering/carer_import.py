"""The register from a CSV file (`manage.py import_foster_carers`): every row checked before anything is
written, then one transaction; a carer is matched by its reference, and a row that changes nothing writes
nothing, so importing the same file again changes nothing. A carer the file does not list is left as it
is (a partial export must not deregister anyone); deregistering is a row with status deregistered.

Columns (a header row; UTF-8): `reference`, `name`, `approved_on` (YYYY-MM-DD), `supervising_team` (the
team's name), and optionally `approval_kind` (general, connected_person, short_breaks; general when
empty), `status` (approved, on_hold, deregistered; approved when empty), `ended_on` (YYYY-MM-DD, for a
deregistered carer) and `reviewing_officer` (a username holding the reviewing officer's role).
"""

import csv
import io
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from fostering.choices import ApprovalKind, CarerStatus
from fostering.models import FosterCarer
from fostering.selectors import reviewing_officers
from fostering.services import foster_carer_save
from workforce.models import Team

REQUIRED = ("reference", "name", "approved_on", "supervising_team")
OPTIONAL = ("approval_kind", "status", "ended_on", "reviewing_officer")
FIELDS = ("name", "approved_on", "approval_kind", "status", "ended_on", "supervising_team_id", "reviewing_officer_id")
REASON = "import_foster_carers"


class CarerImportError(Exception):
    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class CarerImportPlan:
    added: list[FosterCarer] = field(default_factory=list)
    changed: list[FosterCarer] = field(default_factory=list)
    unchanged: int = 0

    def counts_line(self) -> str:
        return f"{len(self.added)} added, {len(self.changed)} changed, {self.unchanged} unchanged"


def _date(text: str, column: str, problems: list[str], line: int) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        problems.append(f"line {line}: {column} {text!r} is not a date (YYYY-MM-DD)")
        return None


def carer_import_plan(text: str) -> CarerImportPlan:
    """What importing `text` would do; raises CarerImportError naming every problem by line."""
    reader = csv.DictReader(io.StringIO(text))
    missing = [column for column in REQUIRED if column not in (reader.fieldnames or [])]
    if missing:
        raise CarerImportError([f"line 1: missing columns: {', '.join(missing)}"])
    teams = {team.name: team for team in Team.objects.filter(is_active=True)}
    officers = {user.username: user for user in reviewing_officers()}
    existing = {carer.reference: carer for carer in FosterCarer.objects.all()}
    problems, plan, seen = [], CarerImportPlan(), set()
    for line, row in enumerate(reader, start=2):
        row = {key: (value or "").strip() for key, value in row.items() if key}
        reference = row.get("reference", "")
        if reference in seen:
            problems.append(f"line {line}: reference {reference!r} is on an earlier line too")
            continue
        seen.add(reference)
        carer = existing.get(reference) or FosterCarer(reference=reference)
        before = {name: getattr(carer, name) for name in FIELDS} if carer.pk else None
        carer.name = row.get("name", "")
        carer.approved_on = _date(row.get("approved_on", ""), "approved_on", problems, line)
        carer.approval_kind = row.get("approval_kind") or ApprovalKind.GENERAL
        carer.status = row.get("status") or CarerStatus.APPROVED
        carer.ended_on = _date(row.get("ended_on", ""), "ended_on", problems, line)
        team = teams.get(row.get("supervising_team", ""))
        if team is None:
            problems.append(f"line {line}: supervising_team {row.get('supervising_team', '')!r} is no active team")
            continue
        carer.supervising_team = team
        officer = row.get("reviewing_officer", "")
        if officer and officer not in officers:
            problems.append(f"line {line}: reviewing_officer {officer!r} holds no reviewing officer's role")
            continue
        carer.reviewing_officer = officers.get(officer)
        try:
            carer.full_clean(validate_unique=False)
        except ValidationError as error:
            problems.extend(
                f"line {line}: {name}: {' '.join(messages)}" for name, messages in error.message_dict.items()
            )
            continue
        if before is None:
            plan.added.append(carer)
        elif before != {name: getattr(carer, name) for name in FIELDS}:
            plan.changed.append(carer)
        else:
            plan.unchanged += 1
    if problems:
        raise CarerImportError(problems)
    return plan


@transaction.atomic
def carer_import_apply(*, actor, plan: CarerImportPlan) -> CarerImportPlan:
    """Write the plan: each new or changed carer with its history row."""
    for carer in plan.added + plan.changed:
        foster_carer_save(actor=actor, carer=carer, reason=REASON)
    return plan
