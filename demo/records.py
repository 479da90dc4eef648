"""Demo audits: a year of fictional QA records, so that the audit list, the case pages, the due list and
the dashboard have something to show in `make run`.

Every record goes through the recording services (audit_start, audit_save, audit_submit, audit_moderate)
as the person whose role leads the process, on cases in their scope, exactly as in the browser. The
judgements, grades and texts are drawn from a seeded random generator: the same run gives the same
records. Nothing names a child: the texts are generic practice notes.
"""

import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from audits.choices import ConferenceDecision, Grade, Judgement
from audits.models import Audit
from audits.selectors import case_choices
from audits.services import audit_moderate, audit_save, audit_start, audit_submit
from fostering.choices import ApprovalKind, CarerStatus
from fostering.models import FosterCarer
from fostering.services import foster_carer_save
from processes.models import Process
from timeliness.choices import DueStatus
from timeliness.journey_planning import KEY_PREFIX as JOURNEY_KEY_PREFIX
from timeliness.models import DueItem

SEED = 2027
# How far back the demo records go, in days, and the share that were recorded after their due date.
HISTORY_DAYS = 330
LATE_SHARE = 0.2
MODERATED_SHARE = 0.25


@dataclass(frozen=True)
class RecordPlan:
    process: str  # the process's key
    recorder: str  # the demo user who leads it
    count: int
    allocated_only: bool = False  # only the recorder's own allocated cases (a social worker's visits)


PLANS = (
    RecordPlan("csc-sample-audit", "tm.assessment", 14),
    RecordPlan("aa-social-work-assessment", "tm.assessment", 12),
    RecordPlan("aa-core-groups", "tm.assessment", 8),
    RecordPlan("csc-sample-audit", "tm.cic", 12),
    RecordPlan("cic-statutory-visits", "tm.cic", 12),
    RecordPlan("cic-placement-stability-meeting", "tm.cic", 6),
    RecordPlan("yos-start-asset-assessment", "tm.yos", 12),
    RecordPlan("yos-intervention-plans", "tm.yos", 12),
    RecordPlan("sixteen-plus-fifteen-plus-plans", "tm.16plus", 10),
    RecordPlan("aa-child-protection-review", "chair", 10),
    RecordPlan("voice-children-in-care", "iro", 10),
    RecordPlan("voice-statutory-and-child-in-need-visits", "sw.assessment", 6, allocated_only=True),
)

JUDGEMENTS = (
    (Judgement.MET, 74),
    (Judgement.PARTLY_MET, 13),
    (Judgement.NOT_MET, 8),
    (Judgement.NOT_APPLICABLE, 5),
)
GRADES = ((Grade.OUTSTANDING, 8), (Grade.GOOD, 52), (Grade.REQUIRES_IMPROVEMENT, 32), (Grade.INADEQUATE, 8))
EVIDENCE = (
    "The plan on file is out of date; the last review is not recorded.",
    "Chronology not updated since the last visit.",
    "Management oversight is recorded but the rationale for the decision is not.",
    "The child's views are summarised but not in their own words.",
    "Actions from the last meeting have no named owner or timescale.",
    "Partner agencies' contributions are not evidenced on the record.",
)
SUMMARIES = (
    "Good evidence of direct work; the plan is specific and reviewed on time.",
    "Practice is safe but the recording lags behind the work being done.",
    "Clear analysis of risk; the plan would benefit from measurable outcomes.",
    "Visits on time and purposeful; management oversight needs strengthening.",
)
CHILD_VOICE = (
    "Said they like their school and want to keep seeing their friends.",
    "Talked about feeling safer at home since the last meeting.",
    "Did not want to talk this time; the worker recorded how they seemed and will try again.",
    "Wants more time with their brother and asked when the next family time will be.",
)
LOCATIONS = ("At home", "At school", "At the placement", "At the family centre")


def _weighted(rng: random.Random, options):
    values, weights = zip(*options, strict=True)
    return rng.choices(values, weights=weights)[0]


def demo_records_exist() -> bool:
    return Audit.objects.filter(case__reference__startswith="DEMO-").exists()


def demo_audits_load(*, users: dict, today: date) -> int:
    """Record the planned demo audits unless demo audits exist already. Returns how many were recorded."""
    if demo_records_exist():
        return 0
    rng = random.Random(SEED)
    moderator = users["hos"]
    recorded = 0
    for plan in PLANS:
        process = Process.objects.filter(key=plan.process, is_active=True).first()
        recorder = users.get(plan.recorder)
        if process is None or recorder is None:
            continue  # a catalogue without this process, or a demo without this person: nothing to record
        cases = case_choices(recorder).order_by("reference")
        if plan.allocated_only:
            cases = cases.filter(allocated_worker=recorder)
        cases = list(cases[:200])
        for case in rng.sample(cases, min(plan.count, len(cases))):
            audit = _record(rng, process, recorder, case, today)
            recorded += 1
            if process.grades and rng.random() < MODERATED_SHARE:
                _moderate(rng, moderator, audit)
    return recorded


def _record(rng: random.Random, process: Process, recorder, case, today: date, *, held_on=None, due_on=None) -> Audit:
    if held_on is None:
        held_on = today - timedelta(days=rng.randint(3, HISTORY_DAYS))
        late = rng.random() < LATE_SHARE
        due_on = held_on - timedelta(days=rng.randint(1, 15)) if late else held_on + timedelta(days=rng.randint(0, 10))
    audit = audit_start(actor=recorder, process=process, case=case, due_on=due_on)
    findings = {}
    for finding in audit.findings.all():
        judgement = _weighted(rng, JUDGEMENTS)
        evidence = rng.choice(EVIDENCE) if judgement in (Judgement.NOT_MET, Judgement.PARTLY_MET) else ""
        findings[finding.pk] = {"judgement": judgement, "evidence": evidence}
    fields = {"held_on": held_on, "summary": rng.choice(SUMMARIES)}
    if process.grades:
        fields["grade"] = _weighted(rng, GRADES)
    if process.asks_child_voice:
        fields["child_voice"] = rng.choice(CHILD_VOICE)
    conference = visit = None
    if process.record_form == "conference":
        conference = {
            "child_attended": rng.random() < 0.8,
            "views_given": rng.random() < 0.9,
            "advocate_offered": rng.random() < 0.7,
            "decision": _weighted(rng, ((ConferenceDecision.PLAN_CONTINUES, 70), (ConferenceDecision.PLAN_ENDS, 30))),
        }
    elif process.record_form == "visit":
        seen = rng.random() < 0.95
        visit = {"child_seen": seen, "seen_alone": seen and rng.random() < 0.7, "location": rng.choice(LOCATIONS)}
    audit_save(actor=recorder, audit=audit, fields=fields, findings=findings, conference=conference, visit=visit)
    return audit_submit(actor=recorder, audit=audit)


def _moderate(rng: random.Random, moderator, audit: Audit) -> None:
    if rng.random() < 0.8:
        audit_moderate(actor=moderator, audit=audit, agreed=True)
        return
    grades = [grade for grade, _ in GRADES if grade != audit.grade]
    audit_moderate(
        actor=moderator,
        audit=audit,
        agreed=False,
        grade=rng.choice(grades),
        reason="The evidence on file supports a different grade.",
    )


#
# The records the schedules owe: six months of them, mostly on time
#

# A record made after its due date; and, of each child's run of an item owed, the latest one still not
# done (the backlog a manager's home page shows).
DUE_LATE_SHARE = 0.12
DUE_BACKLOG_SHARE = 0.04


def demo_due_records_load(*, users: dict, today: date) -> int:
    """Record the open items that fell due before today whose rule a record meets (the grid rules: core
    groups, the manager's visit oversight, PEPs, assessments, ...), each by the person who owes it, as
    they would have been over the six months: most by the due date, some late, and a child's latest one
    now and then not yet. An item its owner cannot record (no lead role, or the child outside their
    scope) stays open. Returns how many were recorded."""
    rng = random.Random(SEED + 28)
    open_items = (
        DueItem.objects.filter(status=DueStatus.OPEN, case__isnull=False, due_on__lt=today, responsible__isnull=False)
        .exclude(key__startswith=JOURNEY_KEY_PREFIX)
        .select_related("process", "case", "responsible")
        .order_by("case__reference", "process__key", "due_on", "pk")
    )
    runs: dict[tuple[int, int], list[DueItem]] = {}
    for item in open_items:
        runs.setdefault((item.case_id, item.process_id), []).append(item)
    recorded = 0
    for items in runs.values():
        if rng.random() < DUE_BACKLOG_SHARE * len(items):
            items = items[:-1]
        for item in items:
            late = rng.random() < DUE_LATE_SHARE
            held_on = (
                item.due_on + timedelta(days=rng.randint(1, 12))
                if late
                else item.due_on - timedelta(days=rng.randint(0, 6))
            )
            held_on = min(held_on, today - timedelta(days=1))
            try:
                with transaction.atomic():
                    _record(rng, item.process, item.responsible, item.case, today, held_on=held_on, due_on=item.due_on)
            except (PermissionDenied, ValidationError):
                break  # not theirs to record (yet): the child's run stays open
            recorded += 1
    return recorded


#
# The foster-carer register: households approved over six years, each reviewed on its last anniversary,
# and the panel a first review goes to
#

CARER_PREFIX = "DEMO-FC-"
CARER_REVIEWS = "cic-reviews-of-foster-carers"
CARERS = 15
CARER_YEARS = 6
CARER_KINDS = ((ApprovalKind.GENERAL, 11), (ApprovalKind.CONNECTED_PERSON, 2), (ApprovalKind.SHORT_BREAKS, 2))


def demo_foster_carers_load(*, actor, users: dict, team, today: date) -> tuple[int, int]:
    """Fifteen fictional households approved at dates spread over six years, supervised by the children
    in care team, most with the demo's reviewing officer (a few with none, to show the team manager
    answering for them); one on hold, one deregistered. Each approved household more than a year
    approved has its latest yearly review recorded, a few of them late, so the register's due items are
    what a service six months in would see: the next reviews, and the odd one overdue. Returns (carers
    created, reviews recorded); nothing if the demo's carers exist already."""
    if FosterCarer.objects.filter(reference__startswith=CARER_PREFIX).exists():
        return 0, 0
    from faker import Faker  # a development dependency, as in demo.data

    rng = random.Random(SEED + 14)
    fake = Faker("en_GB")
    fake.seed_instance(SEED + 14)
    officer, process = users.get("fostering.officer"), Process.objects.filter(key=CARER_REVIEWS, is_active=True).first()
    created = reviewed = 0
    for number in range(1, CARERS + 1):
        approved_on = today - timedelta(days=round(number * CARER_YEARS * 365 / CARERS) - rng.randint(0, 40))
        status = {7: CarerStatus.ON_HOLD, 12: CarerStatus.DEREGISTERED}.get(number, CarerStatus.APPROVED)
        initial, last = fake.first_name()[0], fake.last_name()
        name = f"Mr and Mrs {initial} {last}" if rng.random() < 0.6 else f"Ms {initial} {last}"
        carer = foster_carer_save(
            actor=actor,
            reason="Demo data (load_demo)",
            carer=FosterCarer(
                reference=f"{CARER_PREFIX}{number:04d}",
                name=name,
                approved_on=approved_on,
                approval_kind=_weighted(rng, CARER_KINDS),
                status=status,
                ended_on=today - timedelta(days=rng.randint(30, 200)) if status == CarerStatus.DEREGISTERED else None,
                supervising_team=team,
                reviewing_officer=officer if number % 5 else None,
            ),
        )
        created += 1
        years = (today - approved_on).days // 365
        if status != CarerStatus.APPROVED or not years or officer is None or process is None:
            continue
        anniversary = approved_on + timedelta(days=365 * years)
        held_on = min(anniversary + timedelta(days=rng.randint(-30, 20)), today - timedelta(days=1))
        audit = audit_start(actor=officer, process=process, foster_carer=carer, due_on=anniversary)
        findings = {finding.pk: {"judgement": Judgement.MET, "evidence": ""} for finding in audit.findings.all()}
        fields = {"held_on": held_on, "summary": "Household continues to be suitable; terms of approval unchanged."}
        audit_save(actor=officer, audit=audit, fields=fields, findings=findings)
        audit_submit(actor=officer, audit=audit)
        reviewed += 1
    return created, reviewed


CARER_PANEL = "cic-fostering-panel"


def demo_carer_panels_load(*, users: dict, today: date) -> int:
    """The fostering panels the register's planned items ask for, by the panel advisor, most by the due
    date: each carer's first review goes to panel (Fostering Services Regulations). Only where the review
    that started the item was the carer's first, which for the demo is a carer approved within the last
    two years; the others were reviewed at panel before the portal, elsewhere. Returns how many were
    recorded. Run after the items are planned (a record meets an open item; none before it exists)."""
    advisor = users.get("panel.advisor")
    if advisor is None:
        return 0
    rng = random.Random(SEED + 15)
    items = DueItem.objects.filter(
        process__key=CARER_PANEL,
        status=DueStatus.OPEN,
        due_on__lt=today,
        foster_carer__reference__startswith=CARER_PREFIX,
        foster_carer__approved_on__gt=today - timedelta(days=2 * 365),
    ).select_related("process", "foster_carer")
    recorded = 0
    for item in items.order_by("due_on", "pk"):
        late = rng.random() < DUE_LATE_SHARE
        held_on = item.due_on + timedelta(days=rng.randint(1, 12) if late else -rng.randint(0, 20))
        audit = audit_start(actor=advisor, process=item.process, foster_carer=item.foster_carer, due_on=item.due_on)
        findings = {finding.pk: {"judgement": Judgement.MET, "evidence": ""} for finding in audit.findings.all()}
        fields = {"held_on": min(held_on, today - timedelta(days=1))}
        audit_save(actor=advisor, audit=audit, fields=fields, findings=findings)
        audit_submit(actor=advisor, audit=audit)
        recorded += 1
    return recorded
