"""Large fictional data for benchmarks (`python manage.py generate_synthetic`): up to millions of cases
(their audits: demo.synthetic_audits, for bench/audits.py).

Unlike the demo data this skips the per-row services and writes in bulk, but it writes the same
things those services would: each case and episode with its history row (simple-history's
bulk_create_with_history), the guardian object permissions case_access_sync would grant
(the team's group, the allocated worker), and each child's journey (demo.journeys: placements, visits,
strategy discussions, conferences and reviews held, care-leaver status) with the people assigned to
them (IRO, chair, PEP officer, ...). So lists, scoping and the journey planner are measured on data
shaped like real data. Every name is invented; references are "SYN-0000001".

Deterministic: the same seed on the same starting database gives the same rows. Each batch is its
own transaction, so an interrupted run leaves whole batches; the next run carries on numbering.
"""

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from cases.assignments import live_on_q
from cases.choices import CaseStatus
from cases.models import Case, CaseAssignment, CaseGroupObjectPermission, CaseUserObjectPermission, Episode
from cases.services import view_case_permission
from demo.data import CASE_AREAS, ETHNICITIES, FAITHS, LANGUAGES, catalogue_ensure, episodes_plan
from demo.journeys import journeys_bulk_create
from processes import roles
from processes.models import Area, Role
from processes.services import system_user
from workforce.models import StaffProfile, Team
from workforce.services import staff_profile_save, team_create, team_update

REFERENCE_PREFIX = "SYN-"
REFERENCE_DIGITS = 7
MAX_CASES = 10**REFERENCE_DIGITS - 1
DEFAULT_TEAMS = 20
DEFAULT_BATCH = 10_000
WORKERS_PER_TEAM = 8
CLOSED_SHARE = 0.15
REASON = "Synthetic data (generate_synthetic)"
TEAM_PREFIX = "Synthetic team "
HEAD_OF_SERVICE = "syn.hos"  # the synthetic head of service's username

# Invented-looking combinations of common names: 48 x 48 pairs, never a real child's record.
# fmt: off
FIRST_NAMES = (
    "Ada", "Alfie", "Amara", "Archie", "Ava", "Bea", "Caleb", "Cara", "Dara", "Eden", "Eli", "Elsie", "Ezra",
    "Finn", "Freya", "Gus", "Hana", "Harley", "Iris", "Isaac", "Ivy", "Jago", "Jude", "Kit", "Lara", "Leo", "Luca",
    "Mabel", "Milo", "Nell", "Nico", "Orla", "Otis", "Pip", "Quinn", "Remi", "Rosa", "Rowan", "Sami", "Skye", "Tam",
    "Theo", "Una", "Vida", "Wren", "Xan", "Yara", "Zac",
)
LAST_NAMES = (
    "Ashdown", "Bramley", "Carrow", "Dunmore", "Elstow", "Fairholme", "Garside", "Hollins", "Ingleby", "Jessop",
    "Kettering", "Larkham", "Marlow", "Netherby", "Oakhurst", "Pendle", "Quarry", "Ravensworth", "Saltash",
    "Thornbury", "Underhill", "Vellacott", "Wadebridge", "Yarrow", "Ashworth", "Blackmore", "Coldharbour", "Dalby",
    "Eastleigh", "Fenwick", "Greystoke", "Hartland", "Ivybridge", "Kingsley", "Lanhydrock", "Mortehoe", "Northam",
    "Okement", "Polruan", "Redlynch", "Stowford", "Tamerton", "Upcott", "Westleigh", "Whitstone", "Bickleigh",
    "Cotehele", "Dartington",
)
# fmt: on


@dataclass
class SyntheticResult:
    """Counts and time of one run (no names: the command prints this)."""

    teams: int = 0
    users: int = 0
    cases: int = 0
    episodes: int = 0
    history_rows: int = 0
    permission_rows: int = 0
    seconds: float = 0.0
    first_reference: str = ""
    last_reference: str = ""
    episodes_by_kind: dict[str, int] = field(default_factory=dict)
    facts: int = 0  # the journeys' facts (placements, visits, meetings held, ...)
    assignments: int = 0

    @property
    def rows(self) -> int:
        return self.cases + self.episodes + self.facts + self.assignments + self.history_rows + self.permission_rows

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


@dataclass
class _Staff:
    teams: list[Team]
    areas: dict[int, str]  # team id -> service area key
    workers: dict[int, list[int]]  # team id -> user ids
    chairs: list[int]
    iros: list[int]
    assignees: dict[str, list[int]] = field(default_factory=dict)  # role key -> user ids (demo.journeys' roles)
    role_ids: dict[str, int] = field(default_factory=dict)


def synthetic_generate(
    *,
    cases: int,
    teams: int = DEFAULT_TEAMS,
    batch: int = DEFAULT_BATCH,
    seed: int = 1,
    actor=None,
    today: date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> SyntheticResult:
    """Add `cases` synthetic cases, numbered after the last SYN- reference, spread over `teams` teams.

    Callers decide whether it is safe to write here (the command refuses on a database in use).
    """
    if cases < 0 or batch < 1 or teams < 1:
        raise ValueError("cases must be 0 or more, batch and teams 1 or more")
    started = time.perf_counter()
    actor = actor or system_user()
    today = today or timezone.localdate()
    result = SyntheticResult()
    staff = staff_ensure(actor, teams, seed, result)

    first = _last_number() + 1
    if first + cases - 1 > MAX_CASES:
        raise ValueError(f"references would pass {REFERENCE_PREFIX}{MAX_CASES}")
    permission_id = view_case_permission().pk
    done = 0
    while done < cases:
        size = min(batch, cases - done)
        _batch_create(first + done, size, staff, permission_id, seed, today, actor, result)
        done += size
        if progress:
            progress(done, cases)
    if cases:
        result.first_reference, result.last_reference = _reference(first), _reference(first + cases - 1)
    result.seconds = time.perf_counter() - started
    return result


def _reference(number: int) -> str:
    return f"{REFERENCE_PREFIX}{number:0{REFERENCE_DIGITS}d}"


def _last_number() -> int:
    last = (
        Case.objects.filter(reference__startswith=REFERENCE_PREFIX)
        .order_by("-reference")
        .values_list("reference", flat=True)
        .first()
    )
    return int(last.removeprefix(REFERENCE_PREFIX)) if last else 0


#
# Teams and staff (few rows: through the services, so groups follow roles)
#


@transaction.atomic
def staff_ensure(actor, team_count: int, seed: int, result: SyntheticResult) -> _Staff:
    catalogue_ensure(actor)
    areas = {area.key: area for area in Area.objects.filter(key__in=CASE_AREAS)}
    role_rows = {role.key: role for role in Role.objects.all()}
    rng = random.Random(seed)
    password = make_password(None)  # unusable: benchmarks sign in with force_login
    start = date(2020, 1, 6)

    def person(username, role_key, job_title, team=None, line_manager=None):
        user, created = get_user_model().objects.get_or_create(
            username=username,
            defaults={
                "first_name": rng.choice(FIRST_NAMES),
                "last_name": rng.choice(LAST_NAMES),
                "email": f"{username}@synthetic.example.org",
                "password": password,
            },
        )
        if created:
            result.users += 1
            profile = StaffProfile(user=user, job_title=job_title, team=team, line_manager=line_manager)
            profile.start_date = start
            staff_profile_save(actor=actor, profile=profile, roles=[role_rows[role_key]])
        return user

    hos = person(HEAD_OF_SERVICE, roles.HEAD_OF_SERVICE, "Head of Service")
    teams, workers = [], {}
    for index in range(1, team_count + 1):
        name = f"{TEAM_PREFIX}{index:02d}"
        area = areas[CASE_AREAS[(index - 1) % len(CASE_AREAS)]]
        team = Team.objects.select_related("service_area").filter(name=name).first()
        if team is None:
            team = team_create(actor=actor, name=name, service_area=area)
            result.teams += 1
        manager = person(f"syn.tm.{index:02d}", roles.TEAM_MANAGER, "Team Manager", team, hos)
        if team.manager_id is None:
            team_update(actor=actor, team=team, manager=manager)
        workers[team.pk] = [
            person(f"syn.sw.{index:02d}.{n}", roles.SOCIAL_WORKER, "Social Worker", team, manager).pk
            for n in range(1, WORKERS_PER_TEAM + 1)
        ]
        teams.append(team)
    independent = max(1, team_count // 4)
    chairs = [
        person(f"syn.chair.{n}", roles.INDEPENDENT_CHAIR, "Independent Chair", None, hos).pk
        for n in range(1, independent + 1)
    ]
    iros = [
        person(f"syn.iro.{n}", roles.IRO, "Independent Reviewing Officer", None, hos).pk
        for n in range(1, independent + 1)
    ]
    assignees = {roles.INDEPENDENT_CHAIR: chairs, roles.IRO: iros}
    for role_key, username, title in (
        (roles.PEP_OFFICER, "syn.pep", "Virtual School PEP Officer"),
        (roles.PANEL_ADVISOR, "syn.panel", "Panel Advisor"),
        (roles.AGENCY_DECISION_MAKER, "syn.adm", "Agency Decision Maker"),
        (roles.PERSONAL_ADVISER, "syn.pa", "Personal Adviser"),
    ):
        assignees[role_key] = [
            person(f"{username}.{n}", role_key, title, None, hos).pk for n in range(1, independent + 1)
        ]
    # The identified colleague works in the youth offending teams (a team-scoped role).
    assignees[roles.IDENTIFIED_COLLEAGUE] = [
        person(f"syn.ic.{index:02d}", roles.IDENTIFIED_COLLEAGUE, "Identified Colleague", team, team.manager).pk
        for index, team in enumerate(teams, start=1)
        if team.service_area.key == "youth-offending-service"
    ] or chairs  # fewer than three teams: no youth offending team, and no youth justice order to assign
    team_areas = {team.pk: team.service_area.key for team in teams}
    role_ids = dict(Role.objects.filter(key__in=assignees).values_list("key", "pk"))
    return _Staff(
        teams=teams, areas=team_areas, workers=workers, chairs=chairs, iros=iros, assignees=assignees, role_ids=role_ids
    )


#
# Cases (many rows: in bulk, one transaction per batch)
#


def weighted_options(options):
    values, weights = zip(*options, strict=True)
    return list(values), list(weights)


ETHNICITY_CHOICES, FAITH_CHOICES, LANGUAGE_CHOICES = (
    weighted_options(ETHNICITIES),
    weighted_options(FAITHS),
    weighted_options(LANGUAGES),
)


@transaction.atomic
def _batch_create(first, size, staff: _Staff, permission_id, seed, today, actor, result: SyntheticResult) -> None:
    # Seeded by the batch's first number: a rerun from the same starting point writes the same rows.
    rng = random.Random(f"{seed}:{first}")
    now = timezone.now()
    teams, workers = staff.teams, staff.workers
    ethnicities = rng.choices(*ETHNICITY_CHOICES, k=size)
    faiths = rng.choices(*FAITH_CHOICES, k=size)
    languages = rng.choices(*LANGUAGE_CHOICES, k=size)

    cases, plans = [], []
    for offset in range(size):
        team = teams[rng.randrange(len(teams))]
        closed = rng.random() < CLOSED_SHARE
        date_of_birth, plan = episodes_plan(staff.areas[team.pk], rng, today, closed)
        cases.append(
            Case(
                reference=_reference(first + offset),
                child_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                date_of_birth=date_of_birth,
                ethnicity=ethnicities[offset],
                faith=faiths[offset],
                language=languages[offset],
                team=team,
                allocated_worker_id=rng.choice(workers[team.pk]),
                status=CaseStatus.CLOSED if closed else CaseStatus.OPEN,
                closed_on=plan[-1][2] if closed else None,
            )
        )
        plans.append(plan)
    history = dict(default_user=actor, default_change_reason=REASON, default_date=now, batch_size=size)
    bulk_create_with_history(cases, Case, **history)

    episodes, group_grants, user_grants = [], [], []
    for case, plan in zip(cases, plans, strict=True):
        people = {case.allocated_worker_id}
        for kind, start, end in plan:
            episodes.append(Episode(case_id=case.pk, kind=kind, start=start, end=end))
            result.episodes_by_kind[kind] = result.episodes_by_kind.get(kind, 0) + 1
        # The rows case_access_sync grants: the team's group, and each person named on the case.
        group_grants.append(
            CaseGroupObjectPermission(
                content_object_id=case.pk, group_id=case.team.group_id, permission_id=permission_id
            )
        )
        for user_id in people - {None}:
            user_grants.append(
                CaseUserObjectPermission(content_object_id=case.pk, user_id=user_id, permission_id=permission_id)
            )
    bulk_create_with_history(episodes, Episode, **history | {"batch_size": len(episodes)})
    CaseGroupObjectPermission.objects.bulk_create(group_grants, batch_size=size)
    facts, assignments = journeys_bulk_create(
        rng, cases, episodes, assignees=staff.assignees, role_ids=staff.role_ids, today=today, history=history
    )
    # Everyone assigned to a child today holds its view grant (cases.services.case_grantees), as the
    # allocated worker does.
    live = CaseAssignment.objects.filter(case__in=cases).filter(live_on_q(today))
    granted = {(grant.content_object_id, grant.user_id) for grant in user_grants}
    for case_id, user_id in live.values_list("case_id", "user_id").distinct():
        if (case_id, user_id) not in granted:
            granted.add((case_id, user_id))
            user_grants.append(
                CaseUserObjectPermission(content_object_id=case_id, user_id=user_id, permission_id=permission_id)
            )
    CaseUserObjectPermission.objects.bulk_create(user_grants, batch_size=size)
    result.facts += facts
    result.assignments += assignments
    result.history_rows += facts + assignments

    result.cases += size
    result.episodes += len(episodes)
    result.history_rows += size + len(episodes)
    result.permission_rows += len(group_grants) + len(user_grants)


def synthetic_case_count() -> int:
    return Case.objects.filter(reference__startswith=REFERENCE_PREFIX).count()
