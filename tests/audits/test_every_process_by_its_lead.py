"""The walk: every active process of the catalogue can be recorded by its own lead role.

For each process of fixtures/processes/*.yaml, a person holding only the first of its lead roles (a team
manager for "all managers") opens its start page, starts a record about a subject they may see (a case
of their team or that names them, a member of staff they manage, a foster carer of the register, a
meeting, a practice review's cases by reference, the service), fills it in, and submits it, through the
pages, as they would.
"""

from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml
from django.utils import timezone

from audits.choices import AuditStatus
from audits.models import Audit
from cases.models import Case, Episode
from cases.services import assignment_start, case_save
from core.history import save_with_history
from fostering.models import FosterCarer
from fostering.services import foster_carer_save
from processes import roles
from processes.models import Area, Role
from processes.roles import Scope
from processes.services import system_user
from tests.audits.helpers import form_data
from tests.factories import UserFactory
from workforce.models import StaffProfile
from workforce.services import team_create

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue_once")]

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "processes"
ENTRIES = [
    entry
    for path in sorted(FIXTURES.glob("*.yaml"))
    for entry in yaml.safe_load(path.read_text(encoding="utf-8"))["processes"]
]


def lead_of(entry) -> str:
    first = entry["lead_roles"][0]
    return roles.TEAM_MANAGER if first == roles.ALL_MANAGERS else first


def walk_params():
    for entry in ENTRIES:
        yield pytest.param(entry, id=entry["key"])


def test_the_walk_covers_the_seventy_eight_processes_of_the_catalogue():
    assert len(ENTRIES) == 78
    assert len({entry["key"] for entry in ENTRIES}) == 78


class World:
    """One lead, a team with a case, a person the lead manages, and a foster carer the team supervises.

    Only a team-scoped lead is a member of the team (and so sees its case and its carers): others reach
    the case only as their role does (assigned to it as chair, IRO, PEP officer, ..., or service-wide), so the
    walk proves the role's own way to its subject, not a team membership the role does not need."""

    def __init__(self, role_key: str):
        actor = system_user()
        role = Role.objects.get(key=role_key)
        area = Area.objects.get(key="children-in-care")
        self.team = team_create(actor=actor, name="Walk Team", service_area=area)
        in_team = role.scope == Scope.TEAM
        self.lead = UserFactory(username="the.lead", first_name="The", last_name="Lead")
        profile = StaffProfile(
            user=self.lead, job_title=role.name, team=self.team if in_team else None, start_date=date(2020, 1, 6)
        )
        save_with_history(profile, actor=actor)
        profile.roles.add(role)
        self.lead.groups.add(role.group)  # only this role
        if in_team:
            self.lead.groups.add(self.team.group)
        if in_team and role.is_manager:
            self.team.manager = self.lead
            save_with_history(self.team, actor=actor)
        self.case = Case(
            reference="WALK-1",
            child_name="Child Walk",
            date_of_birth=date(2012, 3, 14),
            team=self.team,
            allocated_worker=self.lead if role_key == roles.SOCIAL_WORKER else None,
        )
        case_save(actor=actor, case=self.case)
        if role_key in roles.ASSIGNABLE_ROLE_KEYS:  # the chair, the IRO, the PEP officer, ...: assigned to the child
            assignment_start(case=self.case, role=role, user=self.lead, start=date(2026, 1, 5), actor=actor)
        for kind in ("looked_after", "child_protection_plan"):
            save_with_history(Episode(case=self.case, kind=kind, start=date(2026, 1, 5)), actor=actor)
        worker = UserFactory(username="managed.person", first_name="Managed", last_name="Person")
        managed = StaffProfile(user=worker, job_title="Social worker", team=self.team, line_manager=self.lead)
        managed.start_date = date(2021, 1, 4)
        save_with_history(managed, actor=actor)
        self.staff_member = worker
        self.carer = foster_carer_save(
            actor=actor,
            carer=FosterCarer(
                reference="FC-WALK", name="Mr and Mrs Walk", approved_on=date(2025, 6, 2), supervising_team=self.team
            ),
        )

    def subject(self, kind: str) -> dict:
        return {
            "case": {"case": self.case.pk},
            "staff": {"staff_member": self.staff_member.pk},
            "foster_carer": {"foster_carer": self.carer.pk},
            "practice_review": {"subject_label": "Review 2026/1", "case_references": self.case.reference},
        }.get(kind, {"subject_label": "March 2026"})


def record_form(audit) -> dict:
    """What the lead fills in: every outcome met, and the conference's or visit's questions answered."""
    data = form_data(audit, action="submit")
    if audit.process.record_form == "conference":
        data |= {"child_attended": "yes", "views_given": "yes", "advocate_offered": "yes", "decision": "plan_made"}
    if audit.process.record_form == "visit":
        data |= {"child_seen": "yes", "seen_alone": "yes", "location": "At home"}
    return data


@pytest.mark.parametrize("entry", list(walk_params()))
def test_each_process_is_recorded_by_a_person_holding_only_its_lead_role(client, entry):
    world = World(lead_of(entry))
    client.force_login(world.lead)
    start = f"/audits/new/{entry['key']}/"

    assert client.get(start).status_code == 200
    response = client.post(start, world.subject(entry["subject"]))
    assert response.status_code == 302, response.content.decode()[:3000]
    audit = Audit.objects.get(process__key=entry["key"], carried_out_by=world.lead)

    response = client.post(f"/audits/{audit.pk}/edit/", record_form(audit))
    assert response.status_code == 302, response.content.decode()[:3000]
    audit.refresh_from_db()
    assert audit.status == AuditStatus.SUBMITTED
    assert audit.held_on == timezone.localdate() - timedelta(days=7)
    assert client.get(f"/audits/{audit.pk}/").status_code == 200
