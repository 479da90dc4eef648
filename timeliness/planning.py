"""Due items: planning what is owed from schedule rules, every night and for a horizon ahead. What a
submitted record meets and starts is timeliness.follow_ons'; what an episode's end or a case's closure
closes, and the repair of what a lost task left undone, timeliness.closing's.

Planning is idempotent by the database: every planned occurrence has a unique `key`, and rows go in
with bulk_create(ignore_conflicts=True), so a second run (or a task racing the nightly command) adds
nothing. No Python check decides whether a row exists.

Keys:
- `rule:<process>:episode:<episode>:<n>` the n-th due date (from 1) of an episode_start clock;
- `rule:<process>:after:<audit>` the one item a record starts (timeliness.follow_ons).

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
from django.db import connection

from cases.assignments import holders
from cases.choices import CaseStatus
from cases.models import Case, Episode
from processes.fixture_schema import is_journey_rule
from processes.models import Process
from processes.schedules import closure_days, due_dates, effective_rule
from processes.timescales import age_on
from timeliness import journey_planning
from timeliness.choices import DueStatus
from timeliness.closing import repair_due_items
from timeliness.follow_ons import plan_after_records
from timeliness.foster_carer_planning import plan_foster_carer_items
from timeliness.item_history import (
    INSERT_BATCH,
    INSERT_COLUMNS,
    STATE_COLUMNS,
    due_items_insert,
    unflushed_commits,
)
from timeliness.responsibility import CasePeople, owing_role, owner_on_case, role_ids

EPISODE_BATCH = 2_000  # episodes read per query (by id range)
MIN_CASES_PER_WORKER = 2_000  # fewer cases a range than this, and planning runs in one thread
MAX_OCCURRENCES = 10_000  # a safety stop far beyond any horizon (a 1-day rule for 27 years)
CACHE_LIMIT = 50_000  # (process, start) due-date sequences kept between batches


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
