"""Large fictional data for benchmarks (`python manage.py generate_synthetic`): up to millions of cases,
and audits of them (synthetic_audits_generate, for bench/audits.py).

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
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from audits.choices import ActionStatus, AuditStatus, ConferenceDecision, Grade, Judgement
from audits.models import Action, Audit, ConferenceRecord, Finding, Moderation, VisitRecord
from cases.assignments import live_on_q
from cases.choices import CaseStatus
from cases.models import Case, CaseAssignment, CaseGroupObjectPermission, CaseUserObjectPermission, Episode
from cases.services import view_case_permission
from demo.data import CASE_AREAS, ETHNICITIES, FAITHS, LANGUAGES, catalogue_ensure, episodes_plan
from demo.journeys import journeys_bulk_create
from processes import roles
from processes.models import Area, Process, RequiredOutcome, Role
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
    staff = _staff_ensure(actor, teams, seed, result)

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
def _staff_ensure(actor, team_count: int, seed: int, result: SyntheticResult) -> _Staff:
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


def _weights(options):
    values, weights = zip(*options, strict=True)
    return list(values), list(weights)


ETHNICITY_CHOICES, FAITH_CHOICES, LANGUAGE_CHOICES = _weights(ETHNICITIES), _weights(FAITHS), _weights(LANGUAGES)


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


#
# Audits (many rows: in bulk, one transaction per batch)
#

AUDIT_SUMMARY = "Synthetic record (generate_synthetic)."
DEFAULT_AUDIT_BATCH = 5_000
AUDIT_YEARS = 3
DRAFT_DAYS = 60  # records held longer ago than this are submitted, and their actions mostly done
# Share of records by status; a draft is the author's own work in progress.
AUDIT_STATUSES = (
    (AuditStatus.DRAFT, 5),
    (AuditStatus.SUBMITTED, 70),
    (AuditStatus.MODERATED, 15),
    (AuditStatus.AMENDED, 10),
)
JUDGEMENTS = ((Judgement.MET, 70), (Judgement.PARTLY_MET, 14), (Judgement.NOT_MET, 10), (Judgement.NOT_APPLICABLE, 6))
GRADES = ((Grade.OUTSTANDING, 8), (Grade.GOOD, 52), (Grade.REQUIRES_IMPROVEMENT, 32), (Grade.INADEQUATE, 8))
WORKFORCE_SHARE = 0.05
SERVICE_SHARE = 0.01
MODERATION_AGREED_SHARE = 0.8
# Cross-service processes every case team records, beside those of its own area.
SHARED_CASE_AREAS = ("childrens-social-care-overview", "voice-of-the-child")


@dataclass
class SyntheticAuditResult:
    """Counts and time of one audit run."""

    audits: int = 0
    findings: int = 0
    moderations: int = 0
    actions: int = 0
    form_rows: int = 0  # conference and visit records
    seconds: float = 0.0

    @property
    def rows(self) -> int:
        return self.audits + self.findings + self.moderations + self.actions + self.form_rows

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


@dataclass
class _Recording:
    """What a batch needs to know, read once: processes by who records them, cases, teams and people."""

    by_area: dict[str, list[tuple[Process, str]]]  # service area key -> [(case process, author kind)]
    staff_processes: list[Process]
    service_processes: list[Process]
    outcomes: dict[int, list[int]]  # process id -> active outcome ids, in order
    cases: list[tuple]  # (id, team id, allocated worker id, chair id, iro id)
    team_area: dict[int, str]
    team_manager: dict[int, int]
    team_workers: dict[int, list[int]]
    hos: int


def _author_kind(process: Process) -> str | None:
    """Who of a case's people records this process, by its lead roles (None: nobody synthetic does)."""
    leads = {role.key for role in process.lead_roles.all()}
    for role, kind in (
        (roles.TEAM_MANAGER, "manager"),
        (roles.SOCIAL_WORKER, "worker"),
        (roles.INDEPENDENT_CHAIR, "chair"),
        (roles.IRO, "iro"),
    ):
        if role in leads:
            return kind
    return None


def _recording_cases() -> list[tuple]:
    """(id, team id, allocated worker id, chair id, IRO id) of the synthetic cases: the chair and IRO
    who hold the role today, or last held it (a closed case's records are by its last chair)."""
    cases = list(
        Case.objects.filter(reference__startswith=REFERENCE_PREFIX)
        .order_by("pk")
        .values_list("pk", "team_id", "allocated_worker_id")
    )
    held: dict[int, dict[str, int]] = {}
    rows = CaseAssignment.objects.filter(
        case__reference__startswith=REFERENCE_PREFIX, role__key__in=[roles.INDEPENDENT_CHAIR, roles.IRO]
    )
    for case_id, key, user_id in rows.order_by("case_id", "start", "pk").values_list("case_id", "role__key", "user_id"):
        held.setdefault(case_id, {})[key] = user_id
    return [
        (pk, team_id, worker_id, held.get(pk, {}).get(roles.INDEPENDENT_CHAIR), held.get(pk, {}).get(roles.IRO))
        for pk, team_id, worker_id in cases
    ]


def _recording_context(actor, teams: int, seed: int) -> _Recording:
    staff = _staff_ensure(actor, teams, seed, SyntheticResult())
    processes = list(Process.objects.filter(is_active=True).select_related("area").prefetch_related("lead_roles"))
    outcomes: dict[int, list[int]] = {}
    for process_id, outcome_id in (
        RequiredOutcome.objects.filter(is_active=True)
        .order_by("process_id", "position")
        .values_list("process_id", "id")
    ):
        outcomes.setdefault(process_id, []).append(outcome_id)
    by_area: dict[str, list[tuple[Process, str]]] = {key: [] for key in CASE_AREAS}
    for process in processes:
        kind = _author_kind(process)
        if process.subject_kind != "case" or kind is None:
            continue
        for area_key in by_area:
            if process.area.key in (area_key, *SHARED_CASE_AREAS):
                by_area[area_key].append((process, kind))
    return _Recording(
        by_area=by_area,
        staff_processes=[p for p in processes if p.subject_kind == "staff" and _author_kind(p) == "manager"],
        service_processes=[
            p
            for p in processes
            if p.subject_kind == "service" and roles.HEAD_OF_SERVICE in {r.key for r in p.lead_roles.all()}
        ],
        outcomes=outcomes,
        cases=_recording_cases(),
        team_area=staff.areas,
        team_manager={team.pk: team.manager_id for team in Team.objects.filter(pk__in=staff.areas)},
        team_workers=staff.workers,
        hos=get_user_model().objects.get(username=HEAD_OF_SERVICE).pk,
    )


def synthetic_audits_generate(
    *,
    audits: int,
    teams: int = DEFAULT_TEAMS,
    batch: int = DEFAULT_AUDIT_BATCH,
    seed: int = 1,
    actor=None,
    today: date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> SyntheticAuditResult:
    """Add `audits` synthetic records over the synthetic cases (generate those first), in bulk.

    Mostly audits of cases, by the person the process's lead role names on the case (team manager,
    allocated worker, chair or IRO), with a finding per required outcome; a few workforce records
    (a team manager about a worker of the team) and service-wide records by the head of service.
    Moderated records have their moderation, visits and conferences their form, and one in two records
    with an outcome not met an action for the case's worker (or the staff member). Drafts and open
    actions are recent, as in a service that keeps up. Written with bulk_create: no history rows (the
    lists do not read history), and drafts belong to whoever started them, as the services would.
    """
    if audits < 0 or batch < 1:
        raise ValueError("audits must be 0 or more, batch 1 or more")
    started = time.perf_counter()
    actor = actor or system_user()
    today = today or timezone.localdate()
    result = SyntheticAuditResult()
    context = _recording_context(actor, teams, seed)
    if not context.cases:
        raise ValueError("no synthetic cases: generate cases first")
    first = synthetic_audit_count()
    done = 0
    while done < audits:
        size = min(batch, audits - done)
        _audit_batch_create(first + done, size, context, seed, today, result)
        done += size
        if progress:
            progress(done, audits)
    result.seconds = time.perf_counter() - started
    return result


def synthetic_audit_count() -> int:
    return Audit.objects.filter(summary=AUDIT_SUMMARY).count()


@transaction.atomic
def _audit_batch_create(first, size, context: _Recording, seed, today, result: SyntheticAuditResult) -> None:
    # Seeded by the batch's first number: a rerun from the same starting point writes the same rows.
    rng = random.Random(f"{seed}:audits:{first}")
    now = timezone.now()
    statuses = rng.choices(*_weights(AUDIT_STATUSES), k=size)
    lately = today - timedelta(days=DRAFT_DAYS)
    grades = rng.choices(*_weights(GRADES), k=size)
    judgement_values, judgement_weights = _weights(JUDGEMENTS)
    audits, moderations = [], []
    owners: dict[int, int] = {}  # offset -> the case's allocated worker, who owns the actions
    for offset in range(size):
        held_on = today - timedelta(days=rng.randrange(AUDIT_YEARS * 365))
        status = statuses[offset]
        if status == AuditStatus.DRAFT and held_on < lately:
            status = AuditStatus.SUBMITTED  # drafts are recent work: older ones were submitted long ago
        draft = status == AuditStatus.DRAFT
        audit = Audit(
            status=status,
            summary=AUDIT_SUMMARY,
            held_on=None if draft and rng.random() < 0.5 else held_on,
            due_on=held_on + timedelta(days=rng.randint(-20, 10)),
            submitted_at=None if draft else now,
        )
        roll = rng.random()
        if roll < SERVICE_SHARE and context.service_processes:
            audit.process = rng.choice(context.service_processes)
            audit.subject_label = "Synthetic service review"
            audit.carried_out_by_id = context.hos
        elif roll < SERVICE_SHARE + WORKFORCE_SHARE and context.staff_processes:
            team_id = rng.choice(list(context.team_workers))
            audit.process = rng.choice(context.staff_processes)
            audit.staff_member_id = rng.choice(context.team_workers[team_id])
            audit.team_id = team_id
            audit.carried_out_by_id = context.team_manager[team_id]
        else:
            case_id, team_id, worker_id, chair_id, iro_id = rng.choice(context.cases)
            owners[offset] = worker_id
            people = {"manager": context.team_manager[team_id], "worker": worker_id, "chair": chair_id, "iro": iro_id}
            audit.process, kind = rng.choice(
                [(process, kind) for process, kind in context.by_area[context.team_area[team_id]] if people[kind]]
            )
            audit.case_id, audit.team_id = case_id, team_id
            audit.carried_out_by_id = people[kind]
        if audit.process.asks_child_voice and not draft:
            audit.child_voice = "Synthetic: said things are better at home."
        if audit.process.grades and (not draft or rng.random() < 0.5):
            audit.grade = grades[offset]
        if status == AuditStatus.MODERATED and audit.grade:
            agreed = rng.random() < MODERATION_AGREED_SHARE
            moderated = audit.grade if agreed else rng.choice([grade for grade in Grade.values if grade != audit.grade])
            moderations.append(
                Moderation(
                    audit=audit,  # unsaved yet: bulk_create takes its id once the audits are written
                    moderator_id=context.hos,
                    original_grade=audit.grade,
                    agreed=agreed,
                    grade=moderated,
                    reason="" if agreed else "Synthetic moderation: the evidence does not support the grade.",
                )
            )
            audit.grade = moderated  # as audit_moderate leaves it
        audits.append(audit)
    Audit.objects.bulk_create(audits, batch_size=size)

    findings, actions, conferences, visits = [], [], [], []
    for offset, audit in enumerate(audits):
        outcome_ids = context.outcomes.get(audit.process_id, [])
        judged = audit.status != AuditStatus.DRAFT or rng.random() < 0.5
        judgements = rng.choices(judgement_values, judgement_weights, k=len(outcome_ids)) if judged else []
        for outcome_id, judgement in zip(outcome_ids, judgements or [""] * len(outcome_ids), strict=True):
            short = judgement in (Judgement.NOT_MET, Judgement.PARTLY_MET)
            findings.append(
                Finding(
                    audit_id=audit.pk,
                    outcome_id=outcome_id,
                    judgement=judgement,
                    evidence="Synthetic evidence: the plan is not on file." if short else "",
                )
            )
        if Judgement.NOT_MET in judgements and rng.random() < 0.5:
            due_on = (audit.held_on or today) + timedelta(days=28)
            done = due_on < lately and rng.random() < 0.95
            actions.append(
                Action(
                    audit_id=audit.pk,
                    description="Synthetic action: put the missing plan on file.",
                    owner_id=audit.staff_member_id or owners.get(offset) or audit.carried_out_by_id,
                    due_on=due_on,
                    status=ActionStatus.DONE if done else ActionStatus.OPEN,
                    done_on=due_on if done else None,
                )
            )
        if audit.process.record_form == "conference":
            conferences.append(
                ConferenceRecord(
                    audit_id=audit.pk,
                    child_attended=True,
                    views_given=True,
                    advocate_offered=True,
                    decision=ConferenceDecision.PLAN_CONTINUES,
                    next_review_on=(audit.held_on or today) + timedelta(days=182),
                )
            )
        elif audit.process.record_form == "visit":
            visits.append(
                VisitRecord(audit_id=audit.pk, child_seen=True, seen_alone=rng.random() < 0.7, location="At home")
            )
    Finding.objects.bulk_create(findings, batch_size=10_000)
    Moderation.objects.bulk_create(moderations, batch_size=10_000)
    Action.objects.bulk_create(actions, batch_size=10_000)
    ConferenceRecord.objects.bulk_create(conferences, batch_size=10_000)
    VisitRecord.objects.bulk_create(visits, batch_size=10_000)

    result.audits += len(audits)
    result.findings += len(findings)
    result.moderations += len(moderations)
    result.actions += len(actions)
    result.form_rows += len(conferences) + len(visits)
