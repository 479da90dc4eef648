"""Due items that follow the facts of a child's journey: visits from each placement, reviews from the
last one held, the ICPC from the strategy discussion that started section 47 enquiries, ...

For each case, the rules' occurrences are derived from its facts (timeliness.journey_clocks, pure) and
the database is brought to match, each write with a history row:
- an occurrence with no item gets one (keys `j:<process>:<clock>:<id>:<n>`, unique: a race adds nothing);
- an open item whose occurrence is met becomes done, naming the fact or record that met it;
- an open item whose due date moved (a visit recorded, so the next one counts from it) takes the new date;
- an open item whose period ended is closed: missed if it was due by the end, cancelled if after;
- an open item no occurrence owes any more (a fact withdrawn) is cancelled;
- open items go to whoever holds the owing role for the child today (timeliness.responsibility).
Done, missed and cancelled items are the record and are not rewritten.

Run for every case by plan_due_items (batched by case id, a fixed number of queries per batch), and
for the cases a write touched, inside its transaction: an import of facts (journey_facts_changed), a
record submitted in the portal (follow_ons.due_items_satisfy), a case that changed hands.
"""

from collections import defaultdict
from datetime import date

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from audits.choices import AuditStatus
from audits.models import Audit
from cases.models import Case, Episode
from journeys.choices import StrategyOutcome
from journeys.models import (
    CareLeaverAccommodation,
    Detention,
    MeetingHeld,
    Placement,
    StrategyDiscussion,
    Visit,
)
from processes.fixture_schema import is_journey_rule
from processes.models import Process
from processes.schedules import closure_days, effective_rule
from timeliness.choices import DueStatus
from timeliness.item_history import STATE_COLUMNS, due_items_change, due_items_insert
from timeliness.journey_clocks import Journey, JourneyRule, Meet, Occurrence, Span, occurrences
from timeliness.models import DueItem
from timeliness.responsibility import owing_role, owner_on_case, people_of_cases, role_ids

CASE_BATCH = 1_000
SUBMITTED = (AuditStatus.SUBMITTED, AuditStatus.AMENDED, AuditStatus.MODERATED)
PLAN_REASON = "plan_due_items: planned from the child's journey (the key names the fact that starts it)"
KEY_PREFIX = "j:"
MET_REASON = "Met by the journey's fact or record that met_by (a fact) or satisfied_by (a record) names"
PLANNED_MET_REASON = f"{PLAN_REASON}. {MET_REASON}"
REOPENED_REASON = "Owed again: the fact that met it was withdrawn or changed"
MET_AGAIN_REASON = "Met by another fact or record: the fact that met it was withdrawn or changed (met_by names which)"
FACT_WITHDRAWN_REASON = "No longer owed: the fact that started it was withdrawn or changed"
ENDED_REASONS = {
    DueStatus.MISSED: "Its placement, episode or case ended before it was done: missed",
    DueStatus.CANCELLED: "Its placement, episode or case ended before it fell due: no longer owed",
}


def journey_rules() -> list[tuple[JourneyRule, Process]]:
    """The active rules that follow the journey's facts, each with the processes whose records meet it."""
    processes = (
        Process.objects.filter(is_active=True)
        .select_related("schedule_override")
        .prefetch_related("lead_roles", "same_acts")
        .order_by("pk")
    )
    found = []
    for process in processes:
        rule = effective_rule(process)
        if is_journey_rule(rule):
            same = tuple(other.pk for other in process.same_acts.all() if other.is_active)
            found.append((JourneyRule(process.pk, rule, (process.pk, *same)), process))
    return found


#
# Reading a batch of journeys
#


def journeys_of(case_ids: list[int], record_process_ids: set[int], *, today: date) -> dict[int, Journey]:
    """The facts of these cases, as Journeys on `today`: one query per kind of fact."""
    journeys = {
        pk: Journey(pk, born, closed_on, as_of=today)
        for pk, born, closed_on in Case.objects.filter(pk__in=case_ids).values_list("pk", "date_of_birth", "closed_on")
    }
    ids = list(journeys)
    for pk, case_id, kind, start, end in Episode.objects.filter(case_id__in=ids).values_list(
        "pk", "case_id", "kind", "start", "end"
    ):
        journeys[case_id].episodes.append(Span(pk, start, end, kind))
    live = {"case_id__in": ids, "withdrawn_at__isnull": True}
    for pk, case_id, start, end, kind, long_term in Placement.objects.filter(**live).values_list(
        "pk", "case_id", "start", "end", "kind", "long_term"
    ):
        journeys[case_id].placements.append(Span(pk, start, end, kind, long_term))
    for model, attribute in ((CareLeaverAccommodation, "accommodations"), (Detention, "detentions")):
        for pk, case_id, start, end in model.objects.filter(**live).values_list("pk", "case_id", "start", "end"):
            getattr(journeys[case_id], attribute).append(Span(pk, start, end))
    for pk, case_id, visited_on in Visit.objects.filter(child_seen=True, **live).values_list(
        "pk", "case_id", "visited_on"
    ):
        journeys[case_id].visits_seen.append(Meet(visited_on, f"visit {pk}"))
    for pk, case_id, kind, held_on in MeetingHeld.objects.filter(**live).values_list(
        "pk", "case_id", "kind", "held_on"
    ):
        journeys[case_id].meetings.setdefault(kind, []).append(Meet(held_on, f"meeting {pk}"))
    for pk, case_id, held_on in StrategyDiscussion.objects.filter(outcome=StrategyOutcome.S47, **live).values_list(
        "pk", "case_id", "held_on"
    ):
        journeys[case_id].s47_discussions.append((pk, held_on))
    # A visit recorded here in which the child was not seen meets nothing, as one from the case system.
    records = (
        Audit.objects.filter(
            case_id__in=ids, process_id__in=record_process_ids, status__in=SUBMITTED, held_on__isnull=False
        )
        .exclude(visit__child_seen=False)
        .values_list("pk", "case_id", "process_id", "held_on", "conference__next_review_on")
    )
    for pk, case_id, process_id, held_on, next_on in records:
        meet = Meet(held_on, f"record {pk}", audit_id=pk, next_on=next_on)
        journeys[case_id].records.setdefault(process_id, []).append(meet)
    return journeys


#
# Bringing the items to match
#


def plan_journeys(*, today: date, actor=None, case_ids=None, after: int | None = None, up_to: int | None = None) -> int:
    """Derive and write the journey items of every case (or of `case_ids`, or of the ids in (after,
    up_to]); returns how many items were added. Cases are read CASE_BATCH at a time, by id."""
    rules = journey_rules()
    if not rules:
        return 0
    context = _Context(rules, today=today, actor=actor)
    if case_ids is not None:
        wanted = sorted(set(case_ids))
        return sum(context.plan(wanted[i : i + CASE_BATCH]) for i in range(0, len(wanted), CASE_BATCH))
    created, last_id = 0, after or 0
    cases = Case.objects.all() if up_to is None else Case.objects.filter(pk__lte=up_to)
    while True:
        batch = list(cases.filter(pk__gt=last_id).order_by("pk").values_list("pk", flat=True)[:CASE_BATCH])
        if not batch:
            return created
        created += context.plan(batch)
        last_id = batch[-1]


@transaction.atomic
def replan_cases(case_ids, *, actor=None, today: date | None = None) -> int:
    """plan_journeys for a few cases, inside the caller's transaction (a fact written, a record submitted)."""
    return plan_journeys(today=today or timezone.localdate(), actor=actor, case_ids=list(case_ids))


class _Context:
    """What every batch shares: the rules, the roles' ids, the closure days, the day and the actor."""

    def __init__(self, rules, *, today: date, actor):
        self.rules = [rule for rule, _ in rules]
        self.owing = {rule.process_id: owing_role(process) for rule, process in rules}
        self.record_process_ids = {pk for rule in self.rules for pk in rule.record_process_ids}
        self.role_ids = role_ids()
        self.closures = closure_days()
        self.today, self.actor = today, actor
        self.not_before = settings.DUE_PLANNING_FROM

    @transaction.atomic
    def plan(self, case_ids: list[int]) -> int:
        journeys = journeys_of(case_ids, self.record_process_ids, today=self.today)
        people = people_of_cases(case_ids, on=self.today)
        process_ids = [rule.process_id for rule in self.rules]
        items = DueItem.objects.filter(case_id__in=case_ids, process_id__in=process_ids, key__startswith=KEY_PREFIX)
        # Read as plain rows, not model instances: a night's run reads every journey item (a million at
        # scale) and changes a few, and building the instances took half the run (profiled, 150k items).
        rows_now = items.select_for_update().order_by("pk").values_list(*_Existing.__slots__)
        existing = {row[1]: _Existing(*row) for row in rows_now}
        wanted: dict[str, tuple[int, int, Occurrence]] = {}
        for journey in journeys.values():
            for rule in self.rules:
                for occurrence in occurrences(rule, journey, closures=self.closures):
                    if self.not_before and occurrence.due_on < self.not_before:
                        continue  # before the authority started here
                    wanted[occurrence.key] = (journey.case_id, rule.process_id, occurrence)

        rows: dict[str, list[tuple]] = defaultdict(list)  # reason -> rows
        for key, (case_id, process_id, occurrence) in wanted.items():
            if key in existing or journeys[case_id].closed_on is not None:
                continue  # planned already; or the case is closed, and a closed case is owed nothing new
            owner = owner_on_case(people[case_id], self.owing[process_id], self.role_ids)
            reason, state = _first_state(occurrence)
            rows[reason].append(
                (
                    key,
                    occurrence.due_on,
                    case_id,
                    occurrence.episode_id,
                    process_id,
                    owner.responsible_id,
                    owner.role_id,
                    people[case_id].team_id,
                    owner.unassigned_role_id,
                    None,  # staff member
                    None,  # foster carer
                    *state,
                )
            )
        # An occurrence of the past is written as it stands (met, missed or ended), with the reason
        # that says so in its "+" history row: one insert per reason, never an insert and an update.
        created = sum(
            due_items_insert(batch, columns=STATE_COLUMNS, actor=self.actor, reason=reason)
            for reason, batch in rows.items()
        )
        self._bring_to_match(existing, wanted, people)
        return created

    def _bring_to_match(self, existing: dict[str, "_Existing"], wanted, people) -> None:
        changes: dict[str, list[_Existing]] = defaultdict(list)  # reason -> items
        fields: dict[str, list[str]] = {}
        for key, item in existing.items():
            if _met_by_a_fact(item):
                reason = self._follow_the_fact(item, wanted.get(key))
                if reason:
                    changes[reason].append(item)
                    fields[reason] = ["status", "completed_on", "satisfied_by", "met_by", "due_on"]
                continue
            if item.status != DueStatus.OPEN:
                continue
            if key not in wanted:
                item.status = DueStatus.CANCELLED
                reason = FACT_WITHDRAWN_REASON
                changes[reason].append(item)
                fields[reason] = ["status"]
                continue
            case_id, process_id, occurrence = wanted[key]
            if occurrence.met is not None:
                item.status, item.completed_on = DueStatus.DONE, occurrence.met.on
                item.satisfied_by_id = occurrence.met.audit_id
                item.met_by = occurrence.met.ref
                item.due_on = occurrence.due_on
                reason = MET_REASON  # one reason a batch (one bulk update); met_by and satisfied_by say which
                changes[reason].append(item)
                fields[reason] = ["status", "completed_on", "satisfied_by", "met_by", "due_on"]
                continue
            if occurrence.ended_on is not None:
                item.due_on = occurrence.due_on
                item.status = DueStatus.MISSED if occurrence.due_on <= occurrence.ended_on else DueStatus.CANCELLED
                reason = ENDED_REASONS[item.status]
                changes[reason].append(item)
                fields[reason] = ["status", "due_on"]
                continue
            owner = owner_on_case(people[case_id], self.owing[process_id], self.role_ids)
            now = (occurrence.due_on, owner.responsible_id, owner.role_id, owner.unassigned_role_id)
            if (item.due_on, item.responsible_id, item.responsible_role_id, item.unassigned_role_id) != now:
                moved = item.due_on != occurrence.due_on
                item.due_on, item.responsible_id, item.responsible_role_id, item.unassigned_role_id = now
                reason = "Due date follows the last occurrence done" if moved else "Owed by whoever holds the role now"
                changes[reason].append(item)
                fields[reason] = ["due_on", "responsible", "responsible_role", "unassigned_role"]
        for reason, items in changes.items():
            due_items_change(_as_items(items, fields[reason]), fields=fields[reason], actor=self.actor, reason=reason)

    @staticmethod
    def _follow_the_fact(item: "_Existing", want) -> str | None:
        """An item done by an imported fact follows that fact: withdrawn (entered in error in the case
        system), the item is owed again, or met by another fact, or no longer owed at all."""
        if want is None:
            item.status = DueStatus.CANCELLED
            return FACT_WITHDRAWN_REASON
        occurrence = want[2]
        if occurrence.met is not None and occurrence.met.ref == item.met_by:
            return None  # still met by the same fact
        item.due_on = occurrence.due_on
        if occurrence.met is not None:
            met = occurrence.met
            item.completed_on, item.satisfied_by_id, item.met_by = met.on, met.audit_id, met.ref
            return MET_AGAIN_REASON
        item.status, item.completed_on, item.met_by = DueStatus.OPEN, None, ""
        return REOPENED_REASON


class _Existing:
    """An item as planning reads it: the columns it compares and may change (attribute names as the model's)."""

    __slots__ = (
        "pk",
        "key",
        "status",
        "due_on",
        "completed_on",
        "satisfied_by_id",
        "met_by",
        "responsible_id",
        "responsible_role_id",
        "unassigned_role_id",
    )

    def __init__(self, *values):
        for name, value in zip(self.__slots__, values, strict=True):
            setattr(self, name, value)


def _as_items(changed: list[_Existing], fields: list[str]) -> list[DueItem]:
    """The changed rows as DueItems for due_items_change. PostgreSQL's set-based update needs only the
    pk and the changed fields; elsewhere simple-history writes each history row from a whole instance,
    so those are read (a handful: SQLite is the demo's database)."""
    attnames = [DueItem._meta.get_field(name).attname for name in fields]
    if connection.vendor == "postgresql":
        return [DueItem(pk=row.pk, **{name: getattr(row, name) for name in attnames}) for row in changed]
    whole = DueItem.objects.in_bulk([row.pk for row in changed])
    for row in changed:
        for name in attnames:
            setattr(whole[row.pk], name, getattr(row, name))
    return [whole[row.pk] for row in changed]


def _met_by_a_fact(item: _Existing) -> bool:
    return item.status == DueStatus.DONE and item.met_by != "" and item.satisfied_by_id is None


def _first_state(occurrence: Occurrence) -> tuple[str, tuple]:
    """The reason and the (status, completed_on, satisfied_by_id, met_by) of an occurrence's new item."""
    if occurrence.met is not None:
        met = occurrence.met
        return PLANNED_MET_REASON, (DueStatus.DONE, met.on, met.audit_id, met.ref)
    if occurrence.ended_on is not None:
        status = DueStatus.MISSED if occurrence.due_on <= occurrence.ended_on else DueStatus.CANCELLED
        return f"{PLAN_REASON}. {ENDED_REASONS[status]}", (status, None, None, "")
    return PLAN_REASON, (DueStatus.OPEN, None, None, "")


def is_journey_process(process: Process) -> bool:
    """Whether the process's items (or those of the process it is the same act as) follow the journey."""
    primary = process.same_act_as if process.same_act_as_id else process
    return is_journey_rule(effective_rule(primary))
