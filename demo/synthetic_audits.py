"""Synthetic records for the benchmarks: years of audits, findings, actions, conference and visit records
and moderations over the synthetic cases (demo.synthetic), in bulk, one transaction per batch.
"""

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from audits.choices import ActionStatus, AuditStatus, ConferenceDecision, Grade, Judgement
from audits.models import Action, Audit, ConferenceRecord, Finding, Moderation, VisitRecord
from cases.models import Case, CaseAssignment
from demo.data import CASE_AREAS
from demo.synthetic import (
    DEFAULT_TEAMS,
    HEAD_OF_SERVICE,
    REFERENCE_PREFIX,
    SyntheticResult,
    staff_ensure,
    weighted_options,
)
from processes import roles
from processes.models import Process, RequiredOutcome
from processes.services import system_user
from workforce.models import Team

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
    staff = staff_ensure(actor, teams, seed, SyntheticResult())
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
    statuses = rng.choices(*weighted_options(AUDIT_STATUSES), k=size)
    lately = today - timedelta(days=DRAFT_DAYS)
    grades = rng.choices(*weighted_options(GRADES), k=size)
    judgement_values, judgement_weights = weighted_options(JUDGEMENTS)
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
