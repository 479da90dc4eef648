"""The cast of the demo, in miniature: one user per demo role, three teams and a few cases.

Tests that check who may see what use this cast (the `cast` fixture in tests/conftest.py), so the
permission matrix reads like the product brief: tm.assessment sees the assessment team's cases, etc.
"""

from dataclasses import dataclass
from datetime import date

from django.contrib.auth import get_user_model

from cases.models import Case, Episode
from cases.services import assignment_start, case_save
from core.history import save_with_history
from processes.models import Area, Role
from processes.services import roles_sync, system_user
from tests.factories import UserFactory
from workforce.account_emails import account_email_confirmed
from workforce.models import StaffProfile
from workforce.services import staff_profile_save, team_create

AREAS = {
    "advice-and-assessment": (6, "Advice and Assessment / Children in the Community"),
    "children-in-care": (7, "Children in Care"),
    "youth-offending-service": (8, "Youth Offending Service"),
}

# username -> (roles, team key or None, job title)
PEOPLE = {
    "qa.admin": (["qa-administrator"], None, "QA administrator"),
    "tm.assessment": (["team-manager"], "assessment", "Team manager"),
    "tm.cic": (["team-manager"], "cic", "Team manager"),
    "tm.yos": (["team-manager"], "yos", "Team manager"),
    "sw.assessment": (["social-worker"], "assessment", "Social worker"),
    "chair": (["independent-chair"], None, "Independent chair"),
    "iro": (["iro"], None, "Independent reviewing officer"),
    "hos": (["head-of-service"], None, "Head of service"),
    "scrutiny": (["scrutiny-panel-member"], None, "Scrutiny panel member"),
}
ROLE_NAMES = list(PEOPLE)
# The cast's short names of the roles its cases are assigned (new_case(..., chair="chair")).
ASSIGNED_AS = {"chair": "independent-chair", "iro": "iro"}


@dataclass
class Cast:
    users: dict
    teams: dict
    cases: dict

    def __getitem__(self, username):
        return self.users[username]


def area(key):
    number, title = AREAS[key]
    return Area.objects.get_or_create(
        key=key, defaults={"number": number, "title": title, "version": 1, "effective_date": date(2014, 4, 1)}
    )[0]


def build_cast() -> Cast:
    actor = system_user()
    if not Role.objects.exists():
        roles_sync(actor=actor)
    teams = {
        "assessment": team_create(actor=actor, name="Assessment Team", service_area=area("advice-and-assessment")),
        "cic": team_create(actor=actor, name="Children in Care Team", service_area=area("children-in-care")),
        "yos": team_create(actor=actor, name="Youth Offending Service", service_area=area("youth-offending-service")),
    }
    users = {}
    for username, (role_keys, team_key, job_title) in PEOPLE.items():
        first, _, last = username.partition(".")
        user = UserFactory(username=username, first_name=first.title(), last_name=(last or "user").title())
        account_email_confirmed(user=user)  # people in the cast use their accounts
        profile = StaffProfile(user=user, job_title=job_title, team=teams.get(team_key), start_date=date(2020, 1, 6))
        staff_profile_save(actor=actor, profile=profile, roles=list(Role.objects.filter(key__in=role_keys)))
        users[username] = get_user_model().objects.get(pk=user.pk)  # fresh: no cached scopes
    for key, manager in (("assessment", "tm.assessment"), ("cic", "tm.cic"), ("yos", "tm.yos")):
        teams[key].manager = users[manager]
        save_with_history(teams[key], actor=actor)

    def new_case(reference, team, episode, allocated_worker=None, **assigned):
        """`assigned`: {role key or its short name ("chair", "iro"): username}, assigned from the episode's start."""
        case = Case(
            reference=reference,
            child_name=f"Child {reference}",
            date_of_birth=date(2015, 3, 14),
            team=teams[team],
            allocated_worker=users[allocated_worker] if allocated_worker else None,
        )
        case_save(actor=actor, case=case)
        save_with_history(Episode(case=case, kind=episode, start=date(2026, 1, 5)), actor=actor)
        for name, username in assigned.items():
            role = Role.objects.get(key=ASSIGNED_AS.get(name, name))
            assignment_start(case=case, role=role, user=users[username], start=date(2026, 1, 5), actor=actor)
        return case

    cases = {
        "assessment": new_case(
            "CASE-A1", "assessment", "child_protection_plan", allocated_worker="sw.assessment", chair="chair"
        ),
        "assessment_unchaired": new_case("CASE-A2", "assessment", "child_in_need"),
        "cic": new_case("CASE-C1", "cic", "looked_after", iro="iro"),
        "yos": new_case("CASE-Y1", "yos", "youth_justice_order"),
    }
    return Cast(users=users, teams=teams, cases=cases)
