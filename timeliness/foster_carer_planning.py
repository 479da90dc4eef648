"""Due items about foster carers: their reviews, and the fostering panel their first review goes to.

Planned from the register (fostering.FosterCarer), for approved carers only:
- a process whose rule has the `carer_approval` clock (Reviews of Foster Carers) falls due its first
  interval after the carer's approval, then its next interval after the carer's last submitted record of
  it (Fostering Services (England) Regulations 2011 reg 28(2): within a year of approval, then at
  intervals of not more than a year). Where the carer has no record yet and the approval is older than
  DUE_PLANNING_FROM (the day the authority started here), the dates run on the rule's grid from the
  approval and the first one not before that day is planned: the reviews before it were kept elsewhere.
- a process whose rule is `record_of` such a process with `after_first_only` (the Fostering Panel) falls
  due its interval after the carer's first submitted record of it (the first review goes to panel).

Who answers: the carer's reviewing officer for the reviews (with the Fostering Service Reviewing Officer
role); with none named, the supervising team's manager, with no role (they answer as manager), as
planning.responsible_on_case does for a case with nobody in the lead role. The panel is the team
manager's to bring (the register names no panel advisor per carer).

Keys: `carer:<process>:<carer>:approval` (the first, counted from the approval) and
`carer:<process>:<carer>:after:<audit>` (the one item a carer's record starts): planning is idempotent by
the database, as timeliness.planning's is. A submitted record meets the carer's earliest open item of its
process (follow_ons.due_items_satisfy, which matches the carer as it matches a case); the receiver of
audit_submitted then calls plan_after_carer_record, so the next item is planned in the same transaction.

This module is called by planning.plan_due_items and by the receiver; it imports nothing of planning
(the app's modules form no cycle).
"""

from dataclasses import dataclass
from datetime import date

from django.conf import settings

from audits.choices import AuditStatus
from audits.models import Audit
from fostering.models import FosterCarer
from processes.models import Process, Role
from processes.roles import FOSTERING_REVIEWING_OFFICER
from processes.schedules import closure_days, effective_rule, iter_due_dates
from processes.timescales import next_due_after
from timeliness.item_history import INSERT_COLUMNS, due_items_insert

SUBMITTED = (AuditStatus.SUBMITTED, AuditStatus.AMENDED, AuditStatus.MODERATED)
PLAN_REASON = "plan_due_items: planned from the foster carer's approval and last review"
MAX_GRID = 100  # a safety stop: a century of yearly reviews


@dataclass
class _CarerRules:
    reviews: list[tuple[Process, dict]]  # carer_approval clocks
    panels: list[tuple[Process, dict]]  # record_of the first record of a review process


def carer_rules() -> _CarerRules:
    """The active processes planned from the register, with their rules in force."""
    found = _CarerRules(reviews=[], panels=[])
    processes = Process.objects.filter(is_active=True, subject_kind="foster_carer", schedule_rule__isnull=False)
    by_key = {}
    for process in processes.select_related("schedule_override").order_by("pk"):
        rule = effective_rule(process)
        if rule:
            by_key[process.key] = (process, rule)
    for process, rule in by_key.values():
        if rule["clock"] == "carer_approval":
            found.reviews.append((process, rule))
    review_keys = {process.key for process, _ in found.reviews}
    for process, rule in by_key.values():
        if rule["clock"] == "record_of" and rule.get("after_first_only") and rule["after_process"] in review_keys:
            found.panels.append((process, rule))
    return found


def _records(process_ids, carer_ids=None):
    """(carer, process) -> the carer's submitted records of the process, (held_on, pk) in date order."""
    records = Audit.objects.filter(
        process_id__in=process_ids, foster_carer__isnull=False, status__in=SUBMITTED, held_on__isnull=False
    )
    if carer_ids is not None:
        records = records.filter(foster_carer_id__in=carer_ids)
    found: dict[tuple[int, int], list[tuple[date, int]]] = {}
    for carer_id, process_id, held_on, pk in records.order_by("held_on", "pk").values_list(
        "foster_carer_id", "process_id", "held_on", "pk"
    ):
        found.setdefault((carer_id, process_id), []).append((held_on, pk))
    return found


def _next_review(rule, approved_on, records, closures, not_before) -> tuple[str, date] | None:
    """(key suffix, due date) of a carer's next review, from its approval or its last record."""
    if records:
        held_on, pk = records[-1]
        due = next_due_after(rule, held_on, len(records), closures)
        return (f"after:{pk}", due) if due else None
    for n, due in enumerate(iter_due_dates(rule, approved_on, closures)):
        if not not_before or due >= not_before or n >= MAX_GRID:
            return ("approval", due)
    return None


def _rows(carers, rules: _CarerRules, *, horizon: date | None) -> list[tuple]:
    closures = closure_days()
    not_before = settings.DUE_PLANNING_FROM
    officer_role = Role.objects.filter(key=FOSTERING_REVIEWING_OFFICER).values_list("pk", flat=True).first()
    process_ids = [process.pk for process, _ in rules.reviews]
    records = _records(process_ids, carer_ids=[carer.pk for carer in carers])
    rows = []
    for carer in carers:
        manager_id = carer.supervising_team.manager_id
        for process, rule in rules.reviews:
            done = records.get((carer.pk, process.pk), [])
            found = _next_review(rule, carer.approved_on, done, closures, not_before)
            if found is None or (horizon is not None and found[1] > horizon):
                continue
            if carer.reviewing_officer_id:
                responsible, role_id = carer.reviewing_officer_id, officer_role
            else:
                responsible, role_id = manager_id, None
            rows.append(_row(process, carer, found, responsible, role_id))
        for process, rule in rules.panels:
            review = next((p for p, _ in rules.reviews if p.key == rule["after_process"]), None)
            first = records.get((carer.pk, review.pk), [])[:1] if review else []
            if not first:
                continue
            held_on, pk = first[0]
            due = next(iter_due_dates(rule, held_on, closures), None)
            if due is None or (horizon is not None and due > horizon) or (not_before and due < not_before):
                continue
            rows.append(_row(process, carer, (f"after:{pk}", due), manager_id, None))
    return rows


def _row(process, carer, found, responsible, role_id) -> tuple:
    suffix, due = found
    values = {
        "key": f"carer:{process.pk}:{carer.pk}:{suffix}",
        "due_on": due,
        "case_id": None,
        "episode_id": None,
        "process_id": process.pk,
        "responsible_id": responsible,
        "responsible_role_id": role_id,
        "team_id": carer.supervising_team_id,
        "unassigned_role_id": None,
        "staff_member_id": None,
        "foster_carer_id": carer.pk,
    }
    return tuple(values[column] for column in INSERT_COLUMNS)


def plan_foster_carer_items(*, horizon: date, actor=None) -> int:
    """Plan every approved carer's next review and, after a first review, its panel, up to `horizon`;
    returns how many rows were new. The register holds hundreds of households, not millions: one read of
    the carers and one of their records."""
    rules = carer_rules()
    if not (rules.reviews or rules.panels):
        return 0
    carers = list(FosterCarer.objects.approved().select_related("supervising_team").order_by("pk"))
    return due_items_insert(
        _rows(carers, rules, horizon=horizon), columns=INSERT_COLUMNS, actor=actor, reason=PLAN_REASON
    )


def plan_after_carer_record(*, audit: Audit, actor=None) -> int:
    """After a carer's record is submitted (in its transaction): plan the carer's next items, however far
    ahead (the nightly planning's horizon would leave a yearly review for months)."""
    if not audit.foster_carer_id or audit.status not in SUBMITTED:
        return 0
    carer = FosterCarer.objects.approved().select_related("supervising_team").filter(pk=audit.foster_carer_id).first()
    if carer is None:
        return 0
    reason = f"Planned after record {audit.pk}"
    return due_items_insert(
        _rows([carer], carer_rules(), horizon=None),
        columns=INSERT_COLUMNS,
        actor=actor or audit.carried_out_by,
        reason=reason,
    )
