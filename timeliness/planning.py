"""Due items: planning what is owed from schedule rules, satisfying it when a record is submitted, and
cancelling what an episode's end makes moot.

Planning is idempotent by the database: every planned occurrence has a unique `key`, and rows go in
with bulk_create(ignore_conflicts=True), so a second run (or a task racing the nightly command) adds
nothing. No Python check decides whether a row exists.

Keys:
- `rule:<process>:episode:<episode>:<n>` the n-th due date (from 1) of an episode_start clock;
- `rule:<process>:after:<audit>` the one item a record starts (previous_record, record_of, or the
  next review date a conference sets).

Every insert and every change writes a history row (timeliness.item_history): planned rows get theirs
in the same set-based statement that inserts them, with the change reason naming what planned them
and the acting user where one asked; an item met, superseded or cancelled gets a "~" row saying so.

Reviews: a process whose next date a conference sets (its form is "conference", or another conference
names it as `next_review_of`) is planned from its episode only for its first occurrence; after that
each review's `next_review_on` plans the next, and supersedes (cancels) any other open item of that
review for the case. Other episode processes (visits, core groups) are planned on the preview dates
from the episode start, and a submitted record meets the earliest open one.
"""

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, Q

from audits.choices import AuditStatus
from audits.models import Audit
from cases.assignments import holders
from cases.choices import CaseStatus
from cases.models import Case, Episode
from core.history import save_with_history
from processes.fixture_schema import is_journey_rule
from processes.models import Process
from processes.schedules import closure_days, due_dates, effective_rule
from processes.timescales import age_on, next_due_after
from timeliness import journey_planning
from timeliness.choices import DueSource, DueStatus
from timeliness.foster_carer_planning import plan_foster_carer_items
from timeliness.item_history import (
    INSERT_BATCH,
    INSERT_COLUMNS,
    STATE_COLUMNS,
    due_items_change,
    due_items_insert,
    unflushed_commits,
)
from timeliness.models import DueItem
from timeliness.responsibility import CasePeople, owing_role, owner_on_case, people_of_cases, role_ids

EPISODE_BATCH = 2_000  # episodes read per query (by id range)
MIN_CASES_PER_WORKER = 2_000  # fewer cases a range than this, and planning runs in one thread
MAX_OCCURRENCES = 10_000  # a safety stop far beyond any horizon (a 1-day rule for 27 years)
CACHE_LIMIT = 50_000  # (process, start) due-date sequences kept between batches
SUBMITTED = (AuditStatus.SUBMITTED, AuditStatus.AMENDED, AuditStatus.MODERATED)


@dataclass
class PlanStats:
    created: int = 0
    episodes: int = 0
    batches: int = 0
    inserts: int = 0
    seconds: float = 0.0
    queries: int = 0  # those of the worker threads' connections (the caller counts its own)

    def add(self, other: "PlanStats") -> None:
        for name in ("created", "episodes", "batches", "inserts", "queries"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def count_query(self, execute, sql, params, many, context):
        """An execute wrapper (connection.execute_wrapper) counting this thread's queries."""
        self.queries += 1
        return execute(sql, params, many, context)


@dataclass
class _Rule:
    process: Process
    rule: dict
    role_key: str  # the role that owes its items on a case (timeliness.responsibility)
    first_only: bool

    def applies_at(self, date_of_birth: date, start: date) -> bool:
        """Whether the rule applies to a child of this birth date on a clock starting on `start`."""
        applies = self.rule.get("applies_to")
        if not applies:
            return True
        age = age_on(date_of_birth, start)
        return (applies.get("age_from") is None or age >= applies["age_from"]) and (
            applies.get("age_below") is None or age < applies["age_below"]
        )


#
# Rules in force
#


def _review_process_ids() -> set[int]:
    """Processes whose next date a conference sets: conferences themselves and their next_review_of."""
    conferences = Process.objects.filter(is_active=True, record_form="conference")
    ids = set(conferences.values_list("pk", flat=True))
    ids |= set(conferences.exclude(next_review_of=None).values_list("next_review_of_id", flat=True))
    return ids


def episode_rules() -> dict[str, list[_Rule]]:
    """Active processes with an episode_start rule on a grid in force, by episode kind. Rules that
    follow the journey's facts (a clock on a placement, counting from the last visit...) are
    journey_planning's."""
    reviews = _review_process_ids()
    by_kind: dict[str, list[_Rule]] = {}
    processes = Process.objects.filter(is_active=True, schedule_rule__isnull=False).select_related("schedule_override")
    for process in processes.prefetch_related("lead_roles").order_by("pk"):
        rule = effective_rule(process)
        if not rule or rule.get("clock") != "episode_start" or is_journey_rule(rule):
            continue
        by_kind.setdefault(rule["episode"], []).append(
            _Rule(process, rule, owing_role(process), first_only=process.pk in reviews)
        )
    return by_kind


#
# Planning from episodes
#


def plan_due_items(*, today: date, horizon_days: int = 90, actor=None, stats: PlanStats | None = None) -> int:
    """Plan every due item up to today + horizon_days; returns how many rows were created.

    Episodes are read by id range, EPISODE_BATCH at a time (one query), and items written
    INSERT_BATCH at a time (item_history.due_items_insert), so memory stays bounded and the query
    count grows only with the rows. Each new row gets a history row naming `actor` (None for the
    nightly task) and PLAN_REASON; an item of an ended episode due by its end is written missed at once.
    Run outside a transaction (the nightly task), its batches commit without waiting for the disk
    (item_history.unflushed_commits: what it writes is derived, and the next run writes it again).
    """
    with unflushed_commits():
        return _plan_due_items(today=today, horizon_days=horizon_days, actor=actor, stats=stats)


def _plan_due_items(*, today: date, horizon_days: int, actor, stats: PlanStats | None) -> int:
    stats = stats or PlanStats()
    started = time.perf_counter()
    horizon = today + timedelta(days=horizon_days)
    ranges = _case_ranges(_workers())
    if len(ranges) == 1:
        _plan_cases(ranges[0], today=today, horizon=horizon, actor=actor, stats=stats)
    else:
        # The cases in contiguous id ranges, one thread and one connection each: a batch's Python (the
        # dates of every rule) runs while another batch's rows are written and their foreign keys
        # checked, and each range's writes run in their own server process, on their own core. The
        # ranges share no case, so no key, row lock or item; each range's items are what one run would
        # plan for those cases.
        parts = [PlanStats() for _ in ranges]
        with ThreadPoolExecutor(max_workers=len(ranges), thread_name_prefix="plan_due_items") as pool:
            futures = [
                pool.submit(_in_own_connection, bounds, today=today, horizon=horizon, actor=actor, stats=part)
                for bounds, part in zip(ranges, parts, strict=True)
            ]
            for future in futures:
                future.result()  # a range's error is the run's
        for part in parts:
            stats.add(part)
    stats.created += plan_foster_carer_items(horizon=horizon, actor=actor)  # the register's (foster_carer_planning)
    plan_after_records(horizon=horizon, actor=actor)
    repair_due_items(actor=actor)
    stats.seconds = time.perf_counter() - started
    return stats.created


def _workers() -> int:
    """Ranges planned at once: on PostgreSQL, outside any transaction (the nightly task, the command).
    Inside one (a test, a caller's atomic block) another connection could not see its rows."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return 1
    return max(1, settings.DUE_PLANNING_WORKERS)


def _case_ranges(workers: int) -> list[tuple[int | None, int | None]]:
    """`workers` ranges of case ids, (after, up to], holding about as many cases each; one, unbounded,
    for a single worker or too few cases to be worth a thread."""
    ids = Case.objects.order_by("pk").values_list("pk", flat=True)
    total = ids.count() if workers > 1 else 0
    if total < workers * MIN_CASES_PER_WORKER:
        return [(None, None)]
    edges = [None, *(ids[total * n // workers] for n in range(1, workers)), None]
    return list(zip(edges, edges[1:], strict=False))


def _in_own_connection(bounds, **kwargs) -> None:
    """_plan_cases in a worker thread: the thread's own connection (Django's are per thread), its
    commits unflushed as the caller's are, its queries counted, and closed when the range is done."""
    stats = kwargs["stats"]
    try:
        with unflushed_commits(), connection.execute_wrapper(stats.count_query):
            _plan_cases(bounds, **kwargs)
    finally:
        connection.close()


def _plan_cases(bounds, *, today: date, horizon: date, actor, stats: PlanStats) -> None:
    """The items of the cases in `bounds` (after, up to]: from their episodes' grids, then their journeys."""
    after, up_to = bounds
    not_before = settings.DUE_PLANNING_FROM
    by_kind = episode_rules()
    ids = role_ids()
    closures = closure_days()
    cache: dict[tuple[int, date], list[date]] = {}
    rows: list[tuple] = []
    missed: list[tuple] = []  # of ended episodes, due by the end: written missed (STATE_COLUMNS)

    def flush():
        if rows:
            stats.created += due_items_insert(rows, columns=PLAN_COLUMNS, actor=actor, reason=PLAN_REASON)
            stats.inserts += 1
            rows.clear()
        if missed:
            stats.created += due_items_insert(missed, columns=STATE_COLUMNS, actor=actor, reason=PLAN_MISSED_REASON)
            stats.inserts += 1
            missed.clear()

    if by_kind:
        last_id = 0
        fields = (
            "pk",
            "kind",
            "start",
            "end",
            "case_id",
            "case__date_of_birth",
            "case__team_id",
            "case__team__manager_id",
            "case__allocated_worker_id",
        )
        in_range = Episode.objects.filter(kind__in=list(by_kind))
        if after is not None:
            in_range = in_range.filter(case_id__gt=after)
        if up_to is not None:
            in_range = in_range.filter(case_id__lte=up_to)
        while True:
            episodes = list(
                in_range.filter(pk__gt=last_id)
                # A closed case owes nothing more: its items were closed with it (due_items_close_for_cases).
                .exclude(case__status=CaseStatus.CLOSED)
                .order_by("pk")
                .values_list(*fields)[:EPISODE_BATCH]
            )
            if not episodes:
                break
            stats.batches += 1
            last_id = episodes[-1][0]
            held = holders({episode[4] for episode in episodes}, on=today)
            for pk, kind, start, end, case_id, born, team_id, manager_id, worker_id in episodes:
                stats.episodes += 1
                people = CasePeople(team_id, manager_id, worker_id, held.get(case_id, {}))
                for item in by_kind[kind]:
                    if not item.applies_at(born, start):
                        continue
                    until = horizon
                    if item.rule.get("stops") == "episode_end" and end is not None:
                        until = min(until, end)
                    owner = owner_on_case(people, item.role_key, ids)
                    prefix = f"rule:{item.process.pk}:episode:{pk}:"
                    for n, due_on in enumerate(_dates(cache, item, start, closures, horizon), start=1):
                        if due_on > until:
                            break
                        if not_before and due_on < not_before:
                            continue  # before the authority started here; numbering still counts it
                        row = (
                            f"{prefix}{n}",
                            due_on,
                            case_id,
                            pk,
                            item.process.pk,
                            owner.responsible_id,
                            owner.role_id,
                            team_id,
                            owner.unassigned_role_id,
                        )
                        if end is not None and due_on <= end:
                            # Owed within an episode that has ended and planned only now: no record made
                            # before now can meet it (repair_due_items), so it was missed; the repair would
                            # close it so, at the cost of an update and a second history row.
                            missed.append((*row, None, None, DueStatus.MISSED, None, None, ""))
                        else:
                            rows.append(row)
                if len(rows) + len(missed) >= INSERT_BATCH:
                    flush()
        flush()
    stats.created += journey_planning.plan_journeys(today=today, actor=actor, after=after, up_to=up_to)


# The columns of the rows plan_due_items writes (a leading part of item_history.INSERT_COLUMNS).
PLAN_COLUMNS = INSERT_COLUMNS[:9]
PLAN_REASON = "plan_due_items: planned from the episode's schedule rule"
PLAN_MISSED_REASON = f"{PLAN_REASON}; the episode ended on or after its due date and it was not done by then: missed"


def _dates(cache, item: _Rule, start: date, closures, horizon: date) -> list[date]:
    """The rule's due dates from `start` up to the horizon, computed once per (process, start)."""
    key = (item.process.pk, start)
    dates = cache.get(key)
    if dates is None:
        if len(cache) >= CACHE_LIMIT:
            cache.clear()
        count = 1 if item.first_only else MAX_OCCURRENCES
        dates = cache[key] = due_dates(item.rule, start, count=count, closures=closures, until=horizon)
    return dates


#
# Planning from records
#


def _follow_ons(audit: Audit) -> list[tuple[Process, date, dict]]:
    """The items a submitted record starts: (process, due date, subject fields)."""
    process = audit.process
    held_on = audit.held_on
    if held_on is None:
        return []
    found = []
    rule = effective_rule(process)
    if is_journey_rule(rule):
        return []  # journey_planning derives what follows from the journey, this record included
    if rule and rule.get("clock") == "previous_record":
        subject = Audit.objects.filter(process=process, status__in=SUBMITTED)
        subject = subject.filter(case_id=audit.case_id, staff_member_id=audit.staff_member_id)
        if not (audit.case_id or audit.staff_member_id):
            subject = subject.filter(subject_label=audit.subject_label)
        records = subject.filter(held_on__lte=held_on).count() or 1
        due_on = next_due_after(rule, held_on, records, closures=closure_days(after=held_on))
        if due_on:
            found.append((process, due_on))
    if audit.case_id:
        for later in Process.objects.filter(is_active=True, schedule_rule__clock="record_of").select_related(
            "schedule_override"
        ):
            later_rule = effective_rule(later)
            if later_rule and later_rule.get("after_process") == process.key:
                dates = due_dates(later_rule, held_on, count=1, closures=closure_days(after=held_on))
                if dates:
                    found.append((later, dates[0]))
        review = process.next_review_of or process
        if process.record_form == "conference" and not is_journey_rule(effective_rule(review)):
            next_review_on = getattr(getattr(audit, "conference", None), "next_review_on", None)
            if next_review_on:
                found.append((review, next_review_on))
    return found


def _item_for(audit: Audit, process: Process, due_on: date, ids: dict[str, int]) -> DueItem:
    item = DueItem(
        key=f"rule:{process.pk}:after:{audit.pk}",
        process=process,
        due_on=due_on,
        source=DueSource.RULE,
    )
    if audit.case_id:
        case = audit.case
        people = people_of_cases([case.pk], on=audit.held_on)[case.pk]
        owner = owner_on_case(people, owing_role(process), ids)
        item.case, item.team_id = case, case.team_id
        item.responsible_id, item.responsible_role_id = owner.responsible_id, owner.role_id
        item.unassigned_role_id = owner.unassigned_role_id
    elif audit.staff_member_id:
        # A staff member's supervision or appraisal is owed by their line manager.
        profile = getattr(audit.staff_member, "staff_profile", None)
        item.staff_member_id = audit.staff_member_id
        item.team_id = profile.team_id if profile else audit.team_id
        item.responsible_id = profile.line_manager_id if profile else None
        if item.responsible_id is None and profile and profile.team_id:
            item.responsible_id = profile.team.manager_id
    else:
        item.team_id = audit.team_id
        item.responsible_id = audit.carried_out_by_id
    return item


def plan_after_records(*, horizon: date | None = None, actor=None) -> None:
    """Items started by records already submitted: from each subject's latest record of each source
    process (records that went through audit_submit planned theirs then; this catches imported ones)."""
    sources = set()
    for process in (
        Process.objects.filter(is_active=True).exclude(schedule_rule=None).select_related("schedule_override")
    ):
        rule = effective_rule(process) or {}
        if rule.get("clock") == "previous_record":
            sources.add(process.key)
        elif rule.get("clock") == "record_of":
            sources.add(rule["after_process"])
    conferences = Process.objects.filter(is_active=True, record_form="conference")
    candidates = Audit.objects.filter(status__in=SUBMITTED, held_on__isnull=False).filter(
        Q(process__key__in=sources) | Q(process__in=conferences)
    )
    later = Audit.objects.filter(
        process=OuterRef("process"),
        case=OuterRef("case"),
        staff_member=OuterRef("staff_member"),
        status__in=SUBMITTED,
        held_on__gt=OuterRef("held_on"),
    )
    candidates = candidates.exclude(Exists(later)).select_related(
        "process", "process__next_review_of", "case", "case__team", "staff_member__staff_profile__team", "conference"
    )
    ids = role_ids()
    batch = []
    for audit in candidates.order_by("pk").iterator(chunk_size=2_000):
        for process, due_on in _follow_ons(audit):
            if horizon is None or due_on <= horizon:
                batch.append(_row(_item_for(audit, process, due_on, ids)))
        if len(batch) >= INSERT_BATCH:
            due_items_insert(batch, columns=INSERT_COLUMNS, actor=actor, reason=AFTER_RECORDS_REASON)
            batch = []
    due_items_insert(batch, columns=INSERT_COLUMNS, actor=actor, reason=AFTER_RECORDS_REASON)


AFTER_RECORDS_REASON = "plan_due_items: planned from a submitted record (the key names it)"


def _row(item: DueItem) -> tuple:
    return tuple(getattr(item, column) for column in INSERT_COLUMNS)


#
# Satisfying and cancelling
#


@transaction.atomic
def due_items_satisfy(*, audit: Audit, actor=None) -> DueItem | None:
    """Mark the audit's item done (on time or late): the one it was started from if still open, else the
    earliest open item of its process and subject, else one its case's closure or its episode's end
    left missed on or after the day the record was held. Then plan the items the record starts.
    Returns the item met, if any."""
    audit = Audit.objects.select_related(
        "process",
        "process__next_review_of",
        "process__same_act_as__schedule_override",
        "process__schedule_override",
        "case",
        "case__team",
        "staff_member",
    ).get(pk=audit.pk)
    if audit.status not in SUBMITTED or audit.held_on is None:
        return None
    actor = actor or audit.carried_out_by
    if audit.case_id and journey_planning.is_journey_process(audit.process):
        # Its items follow the journey: the record is one of the meets that derivation reads.
        journey_planning.replan_cases([audit.case_id], actor=actor)
        return DueItem.objects.filter(satisfied_by=audit).first()
    met = None
    # A process printed twice in the support tool is one act: the record meets the item of either row.
    act = [audit.process_id] + ([audit.process.same_act_as_id] if audit.process.same_act_as_id else [])
    if audit.case_id or audit.staff_member_id or audit.foster_carer_id:
        if DueItem.objects.filter(satisfied_by=audit).exists():
            met = None  # already met by this record (a retried task)
        else:
            subject = DueItem.objects.filter(
                process_id__in=act,
                case_id=audit.case_id,
                staff_member_id=audit.staff_member_id,
                foster_carer_id=audit.foster_carer_id,
            )
            open_items = subject.filter(status=DueStatus.OPEN).select_for_update(of=("self",))
            # The item the record was started from ("Record it"), else the earliest open one, else one
            # closed as missed although this record was held by the closing day (recorded late).
            met = (
                open_items.filter(started_record=audit).first()
                or open_items.order_by("due_on", "pk").first()
                or subject.filter(status=DueStatus.MISSED)
                .filter(Q(episode__end__gte=audit.held_on) | Q(case__closed_on__gte=audit.held_on))
                .select_for_update(of=("self",))
                .order_by("due_on", "pk")
                .first()
            )
            if met is not None:
                met.status, met.satisfied_by, met.completed_on = DueStatus.DONE, audit, audit.held_on
                save_with_history(met, actor=actor, reason=f"Met by record {audit.pk}", validate=False)
    ids = role_ids()
    review = audit.process.next_review_of or audit.process
    for process, due_on in _follow_ons(audit):
        item = _item_for(audit, process, due_on, ids)
        if audit.case_id and audit.process.record_form == "conference" and process.pk == review.pk:
            # The conference set this review's date: other open items of the review are superseded.
            superseded = DueItem.objects.filter(process=process, case_id=audit.case_id, status=DueStatus.OPEN)
            superseded = list(superseded.exclude(key=item.key).select_for_update())
            for other in superseded:
                other.status = DueStatus.CANCELLED
            reason = f"Superseded by conference record {audit.pk}"
            due_items_change(superseded, fields=["status"], actor=actor, reason=reason)
        due_items_insert([_row(item)], columns=INSERT_COLUMNS, actor=actor, reason=f"Planned after record {audit.pk}")
    return met


@transaction.atomic
def due_items_cancel_after(*, episode: Episode, actor=None, planned_before=None) -> int:
    """Cancel the episode's open rule items due after it ended, each with a history row; returns how many.
    An episode has at most a few hundred items after its end, so they are read and written back.
    `planned_before` (a time) limits it to items planned by then (the repair's rule)."""
    if episode.end is None:
        return 0
    items = DueItem.objects.filter(
        episode=episode, source=DueSource.RULE, status=DueStatus.OPEN, due_on__gt=episode.end
    )
    if planned_before is not None:
        items = items.filter(created_at__lte=planned_before)
    items = list(items.select_for_update())
    for item in items:
        item.status = DueStatus.CANCELLED
    reason = f"Episode ended on {episode.end:%d/%m/%Y} (cancel_after_episode_end)"
    return due_items_change(items, fields=["status"], actor=actor, reason=reason)


#
# Closing: what a case's closure or an episode's end leaves open
#


def _close_open_items(items, *, why: str, actor=None) -> int:
    """Close the open items of `items` (a queryset annotated with `closing_on`, the day their case closed
    or episode ended): due after that day, cancelled (never owed); due on or before it, missed (owed and
    not done by then). Each gets a "~" history row saying which and why. Read and written INSERT_BATCH at
    a time, locked, so a first repair over years of ended episodes stays within memory."""
    closed, last_pk = 0, 0
    while True:
        # One transaction a batch: the lock is held while the batch is written (the nightly repair runs
        # outside any transaction; a record submitted meanwhile waits for the batch, then sees it closed).
        with transaction.atomic():
            batch = list(
                items.filter(status=DueStatus.OPEN, pk__gt=last_pk)
                .order_by("pk")
                .select_for_update(of=("self",))[:INSERT_BATCH]
            )
            if not batch:
                return closed
            last_pk = batch[-1].pk
            for item in batch:
                on = f"{why} on {item.closing_on:%d/%m/%Y}"
                if item.due_on > item.closing_on:
                    item.status, item._change_reason = DueStatus.CANCELLED, f"{on}, before it fell due"
                else:
                    item.status, item._change_reason = DueStatus.MISSED, f"{on}; it was not done by then"
            closed += due_items_change(batch, fields=["status"], actor=actor, reason=why)


@transaction.atomic
def due_items_close_for_episode(*, episode: Episode, actor=None, planned_before=None) -> int:
    """An episode ended: its open rule items due on or before the end were missed, those due after it are
    cancelled (due_items_cancel_after, with its `planned_before`). Returns how many were closed."""
    if episode.end is None:
        return 0
    missed = DueItem.objects.filter(episode=episode, source=DueSource.RULE, due_on__lte=episode.end)
    closed = _close_open_items(missed.annotate(closing_on=F("episode__end")), why="Episode ended", actor=actor)
    return closed + due_items_cancel_after(episode=episode, actor=actor, planned_before=planned_before)


@transaction.atomic
def due_items_close_for_cases(*, case_ids, actor=None, reason: str = "") -> int:
    """These cases closed (those of them still closed): every open item of theirs, of any source, is
    closed as their closed_on leaves it (_close_open_items), in the caller's transaction. Returns how many."""
    why = f"Case closed ({reason})" if reason else "Case closed"
    items = DueItem.objects.filter(case_id__in=list(case_ids), case__status=CaseStatus.CLOSED)
    return _close_open_items(items.annotate(closing_on=F("case__closed_on")), why=why, actor=actor)


#
# Repair: what a lost task left undone
#


def repair_due_items(*, actor=None) -> tuple[int, int]:
    """Do what a submission, an episode's end or a case's closure should have done and did not (a task
    lost while the broker was down, a worker killed before an upgrade): meet the open items whose
    satisfying record exists, and close the items an ended episode or a closed case left open (missed
    or cancelled: _close_open_items). Returns (items met, items closed).

    A record meets an item only if the item was open when the record was submitted (created no later),
    as due_items_satisfy would have then: a record never meets an occurrence planned after it. An
    episode's items are cancelled only if they were planned before its end was recorded (its last
    change), as cancel_after_episode_end would have then; its items due by its end are missed whenever
    they were planned (they fell within the episode). The reads use the indexes planning uses,
    and nothing is done twice: a second run finds nothing."""
    open_then = DueItem.objects.filter(
        process=OuterRef("process"), status=DueStatus.OPEN, created_at__lte=OuterRef("submitted_at")
    )
    unmet = Audit.objects.filter(status__in=SUBMITTED, held_on__isnull=False, submitted_at__isnull=False).exclude(
        Exists(DueItem.objects.filter(satisfied_by=OuterRef("pk")))
    )
    unmet = unmet.filter(
        Q(case__isnull=False, staff_member__isnull=True)
        & Exists(open_then.filter(case=OuterRef("case"), staff_member__isnull=True))
        | Q(case__isnull=True, staff_member__isnull=False)
        & Exists(open_then.filter(staff_member=OuterRef("staff_member"), case__isnull=True))
    )
    met = 0
    for audit in unmet.order_by("submitted_at", "pk").iterator(chunk_size=500):
        met += due_items_satisfy(audit=audit, actor=actor) is not None
    # Missed: the open items an ended episode owed by its end, in one pass however many episodes.
    owed = DueItem.objects.filter(source=DueSource.RULE, episode__end__isnull=False, due_on__lte=F("episode__end"))
    closed = _close_open_items(
        owed.annotate(closing_on=F("episode__end")), why=f"Episode ended ({REPAIR_REASON})", actor=actor
    )
    left_open = DueItem.objects.filter(
        source=DueSource.RULE,
        status=DueStatus.OPEN,
        episode__end__isnull=False,
        due_on__gt=F("episode__end"),
        created_at__lte=F("episode__updated_at"),
    )
    for episode in Episode.objects.filter(pk__in=left_open.values("episode_id")).order_by("pk").iterator():
        closed += due_items_cancel_after(episode=episode, actor=actor, planned_before=episode.updated_at)
    # A closed case's items (its closure's signal lost, or the case closed before this rule existed).
    on_closed = DueItem.objects.filter(status=DueStatus.OPEN, case__status=CaseStatus.CLOSED).order_by()
    case_ids = set(on_closed.values_list("case_id", flat=True).distinct())
    if case_ids:
        closed += due_items_close_for_cases(case_ids=case_ids, actor=actor, reason=REPAIR_REASON)
    return met, closed


REPAIR_REASON = "repaired by plan_due_items"
