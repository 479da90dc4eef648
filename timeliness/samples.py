"""The monthly random samples (docs/samples.md): which cases a team manager must audit this month.

Two kinds of draw, both stored as a `SampleDraw` that keeps its population, size, seed and choice, so
anyone can re-derive the choice later (`sample_rederive`) and see that nobody picked the cases:

- a process with a sample rate (the Youth Offending Service's 20% samples): per team, the cases with a
  youth justice order open at any time in the month;
- the Sample Audit of all managers (csc-sample-audit): per team manager, a few open cases of each
  team they manage, skipping cases given a Sample Audit recently.

Each chosen case becomes a `DueItem` (source "sample") for the team's manager.
"""

import calendar
import logging
import math
import random
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from audits.choices import AuditStatus
from audits.models import Audit
from cases.choices import CaseStatus, EpisodeKind
from cases.models import Case, Episode
from core.history import save_with_history
from processes.models import Process, Role
from processes.roles import Capability, role_keys_with
from processes.services import system_user
from timeliness.choices import DueSource
from timeliness.item_history import INSERT_BATCH
from timeliness.models import DueItem, SampleDraw
from workforce.models import Team

logger = logging.getLogger(__name__)

SAMPLE_AUDIT_KEY = "csc-sample-audit"
SAMPLE_REASON = "Chosen in the monthly random sample"
# The records a sampled process draws from, by the process's area. Every process with a sample rate in
# the catalogue is a Youth Offending Service one; a rate given elsewhere needs its episode kind here.
SAMPLED_EPISODE_KINDS = {"youth-offending-service": EpisodeKind.YOUTH_JUSTICE_ORDER}


def sample_audit_cases_per_manager() -> int:
    return getattr(settings, "SAMPLE_AUDIT_CASES_PER_MANAGER", 2)


def sample_audit_skip_months() -> int:
    return getattr(settings, "SAMPLE_AUDIT_SKIP_MONTHS", 6)


#
# Dates
#


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def add_months(day: date, months: int) -> date:
    """The first day of the month `months` after (or before) `day`'s month."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def previous_month(today: date | None = None) -> date:
    return add_months(today or timezone.localdate(), -1)


def sample_due_on(period: date) -> date:
    """The last day of the month after the period: the draw runs early in that month, so the manager
    has the whole of it to audit the cases, and a month's samples are all due on the same day."""
    return month_end(add_months(period, 1))


#
# Drawing
#


def sample_size(rate: Decimal, population: int) -> int:
    """ceil(rate × population), at least one when there is anyone to draw, never more than everyone.

    Decimal, not float: 0.2 × 10 in floats is 2.0000000000000004, whose ceiling is 3."""
    if population == 0:
        return 0
    return min(population, max(1, math.ceil(Decimal(rate) * population)))


def sample_rederive(draw: SampleDraw) -> list[int]:
    """The cases the draw's seed chooses from its population: equal to `draw.chosen`, always."""
    return random.Random(draw.seed).sample(draw.population, draw.size)


@dataclass
class _Plan:
    process: Process
    team: Team
    manager: object  # a user, or None for a per-team draw
    population: list[int]
    size: int


def draw_samples(*, period: date, actor=None) -> list[SampleDraw]:
    """Draw the samples of the month starting `period`; return the draws made now.

    Idempotent: a month already drawn for a (process, team, manager) is skipped, so a re-run (or a
    retried task, or two overlapping runs) never makes a second draw or a second due item.
    """
    period = month_start(period)
    actor = actor or system_user()
    role = Role.objects.filter(key__in=role_keys_with(Capability.DRAW_SAMPLES)).order_by("pk").first()
    draws = []
    for plan in [*_rate_plans(period), *_sample_audit_plans(period)]:
        draw = _draw(plan, period=period, actor=actor, role=role)
        if draw is not None:
            draws.append(draw)
    return draws


def _rate_plans(period: date):
    """Per process with a sample rate, per active team: the team's open cases with an episode of the
    sampled kind open at any time in the month, in id order. Closed cases are left out: a record
    cannot be started on them, so a sampled item on one could never be met."""
    start, end = period, month_end(period)
    processes = Process.objects.filter(is_active=True, sample_rate__isnull=False).select_related("area")
    for process in processes.order_by("area__number", "position"):
        kind = SAMPLED_EPISODE_KINDS.get(process.area.key)
        if kind is None:
            logger.warning("%s has a sample rate but no sampled episode kind: not drawn", process.key)
            continue
        rows = (
            Episode.objects.filter(kind=kind, start__lte=end, case__team__is_active=True, case__status=CaseStatus.OPEN)
            .filter(Q(end__isnull=True) | Q(end__gte=start))
            .values_list("case__team_id", "case_id")
            .distinct()
        )
        by_team: dict[int, set[int]] = {}
        for team_id, case_id in rows:
            by_team.setdefault(team_id, set()).add(case_id)
        teams = Team.objects.filter(pk__in=by_team).select_related("manager").order_by("name")
        for team in teams:
            population = sorted(by_team[team.pk])
            yield _Plan(process, team, None, population, sample_size(process.sample_rate, len(population)))


def _sample_audit_plans(period: date):
    """Per team manager, per team they manage: open cases of the team, less those given a submitted
    Sample Audit held in the last SAMPLE_AUDIT_SKIP_MONTHS months (the month drawn the last of them)."""
    process = Process.objects.filter(key=SAMPLE_AUDIT_KEY, is_active=True).first()
    if process is None:
        return
    per_manager = sample_audit_cases_per_manager()
    # The last N months up to the end of the month drawn: October with 6 months is May to October.
    since = add_months(period, 1 - sample_audit_skip_months())
    since_at = timezone.make_aware(datetime.combine(since, time.min))
    recently_audited = (
        Audit.objects.filter(process=process, case__isnull=False)
        .exclude(status=AuditStatus.DRAFT)
        .filter(Q(held_on__gte=since) | Q(held_on__isnull=True, submitted_at__gte=since_at))
        .values("case_id")
    )
    teams = Team.objects.filter(is_active=True, manager__isnull=False).select_related("manager").order_by("name")
    for team in teams:
        population = list(
            Case.objects.filter(team=team, status=CaseStatus.OPEN)
            .exclude(pk__in=recently_audited)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if population:
            yield _Plan(process, team, team.manager, population, min(per_manager, len(population)))


def _draw(plan: _Plan, *, period: date, actor, role) -> SampleDraw | None:
    if not plan.population or plan.size == 0:
        return None
    identity = {"process": plan.process, "team": plan.team, "manager": plan.manager, "period": period}
    # Checked first so a re-run costs a query, not a failed insert; and on SQLite, which cannot hold
    # the unique constraint (NULLS NOT DISTINCT), this check is the only guard.
    if _drawn_already(identity):
        return None
    seed = secrets.token_hex(16)
    chosen = random.Random(seed).sample(plan.population, plan.size)
    try:
        # A savepoint per draw: on PostgreSQL the unique constraint refuses a draw a concurrent run
        # made since the check above; only that draw is undone, the others stand.
        with transaction.atomic():
            draw = SampleDraw(**identity, population=plan.population, size=plan.size, seed=seed, chosen=chosen)
            # The process, team and manager were read from the database just now: checking that they
            # exist would cost a query each.
            draw.full_clean(exclude=["process", "team", "manager"], validate_constraints=False)
            save_with_history(draw, actor=actor, reason="Monthly random sample", validate=False)
            _due_items_create(draw, actor=actor, role=role)
    except IntegrityError:
        logger.info("%s: drawn already by another run, skipped", draw)
        return None
    return draw


def _drawn_already(identity: dict) -> bool:
    return SampleDraw.objects.filter(**identity).exists()


def _due_items_create(draw: SampleDraw, *, actor, role) -> None:
    """The draw's due items, one per chosen case, with their "+" history rows: set-based, a fixed
    number of queries whatever the number of cases.

    simple-history's bulk_create_with_history rather than timeliness.item_history.due_items_insert:
    that writes schedule-rule items only (its source is "rule", and it has no sample draw), and an
    item's "+" history row must say it was sampled, from the start. Its keys cannot exist already:
    they name this draw, made in the same savepoint."""
    due_on = sample_due_on(draw.period)
    responsible = draw.manager or draw.team.manager
    items = [
        DueItem(
            key=f"sample:{draw.pk}:{case_id}",
            process=draw.process,
            case_id=case_id,
            team=draw.team,
            due_on=due_on,
            responsible=responsible,
            responsible_role=role,
            source=DueSource.SAMPLE,
            sample_draw=draw,
        )
        for case_id in draw.chosen
    ]
    bulk_create_with_history(
        items, DueItem, batch_size=INSERT_BATCH, default_user=actor, default_change_reason=SAMPLE_REASON
    )
