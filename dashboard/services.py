"""Rebuilding the dashboard's rollup tables (dashboard.models) from the records.

Each table is rebuilt whole, in one transaction, by `INSERT INTO rollup SELECT ... GROUP BY ...`: the
database groups the records and writes the groups, and no record passes through Python. Readers see
the old figures until the transaction commits, then the new ones. The Celery task
(`refresh_dashboard_task`, every 10 minutes in qa_portal/celery.py) and the `refresh_dashboard` command
call `rollup_refresh`; the dashboard shows the latest refresh's time, so staleness is visible.
"""

import time
from datetime import date

from django.db import connection, transaction
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from audits.choices import AuditStatus, Judgement
from audits.models import Audit, Finding, Moderation
from cases.choices import CaseStatus
from cases.models import Case
from dashboard.models import AuditRollup, CoverageRollup, DashboardRefresh, DueRollup, FindingRollup
from processes.timescales import add_months
from timeliness.choices import DueStatus
from timeliness.models import DueItem


def rollup_refresh(*, today: date | None = None) -> DashboardRefresh:
    """Rebuild every rollup as of `today` (default: today) and record the refresh."""
    today = today or timezone.localdate()
    started_at = timezone.now()
    started = time.perf_counter()
    with transaction.atomic():
        _lock_rollups()
        rows = 0
        for model, queryset in (
            (AuditRollup, _audit_groups()),
            (FindingRollup, _finding_groups()),
            (DueRollup, _due_groups(today)),
            (CoverageRollup, _coverage_groups(today)),
        ):
            model.objects.all().delete()
            rows += _insert_from(model, queryset)
        return DashboardRefresh.objects.create(
            as_of=today,
            started_at=started_at,
            finished_at=timezone.now(),
            seconds=round(time.perf_counter() - started, 3),
            rows=rows,
        )


ROLLUPS = (AuditRollup, FindingRollup, DueRollup, CoverageRollup)


def _lock_rollups() -> None:
    """One rebuild at a time. Without the lock, a second rebuild's DELETE (its snapshot taken before the
    first committed) would miss the first's new rows and both sets would stay. EXCLUSIVE mode still lets
    the dashboard read the old figures meanwhile. SQLite writes one transaction at a time anyway."""
    if connection.vendor != "postgresql":
        return
    tables = ", ".join(connection.ops.quote_name(model._meta.db_table) for model in ROLLUPS)
    with connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {tables} IN EXCLUSIVE MODE")


def latest_refresh() -> DashboardRefresh | None:
    return DashboardRefresh.objects.order_by("-finished_at", "-pk").first()


def _submitted_audits() -> QuerySet:
    return Audit.objects.exclude(status=AuditStatus.DRAFT).filter(held_on__isnull=False)


def _audit_groups() -> QuerySet:
    moderation = Moderation.objects.filter(audit=OuterRef("pk"))
    return (
        _submitted_audits()
        .order_by()
        .annotate(month=TruncMonth("held_on"))
        .values("month", "process_id", "team_id", "grade")
        .annotate(
            audits=Count("pk"),
            moderated=Count("pk", filter=Q(Exists(moderation))),
            agreed=Count("pk", filter=Q(Exists(moderation.filter(agreed=True)))),
        )
    )


def _finding_groups() -> QuerySet:
    submitted = Q(audit__held_on__isnull=False) & ~Q(audit__status=AuditStatus.DRAFT)
    return (
        Finding.objects.filter(submitted)
        .order_by()
        .annotate(month=TruncMonth("audit__held_on"), process_id=F("audit__process_id"), team_id=F("audit__team_id"))
        .values("month", "process_id", "outcome_id", "team_id")
        .annotate(
            met=Count("pk", filter=Q(judgement=Judgement.MET)),
            partly_met=Count("pk", filter=Q(judgement=Judgement.PARTLY_MET)),
            not_met=Count("pk", filter=Q(judgement=Judgement.NOT_MET)),
            not_applicable=Count("pk", filter=Q(judgement=Judgement.NOT_APPLICABLE)),
        )
    )


def _due_groups(today: date) -> QuerySet:
    done = Q(status=DueStatus.DONE)
    is_open = Q(status=DueStatus.OPEN)
    return (
        DueItem.objects.exclude(status=DueStatus.CANCELLED)
        .order_by()
        .annotate(month=TruncMonth("due_on"))
        .values("month", "process_id", "team_id")
        .annotate(
            on_time=Count("pk", filter=done & Q(completed_on__lte=F("due_on"))),
            late=Count("pk", filter=done & Q(completed_on__gt=F("due_on"))),
            overdue=Count("pk", filter=is_open & Q(due_on__lt=today)),
            missed=Count("pk", filter=Q(status=DueStatus.MISSED)),
            pending=Count("pk", filter=is_open & Q(due_on__gte=today)),
        )
    )


def _coverage_groups(today: date) -> QuerySet:
    audits = _submitted_audits().filter(case=OuterRef("pk")).order_by()
    return (
        Case.objects.filter(status=CaseStatus.OPEN)
        .order_by()
        .values("team_id")
        .annotate(
            open_cases=Count("pk"),
            audited_6m=Count("pk", filter=Q(Exists(audits.filter(held_on__gte=add_months(today, -6))))),
            audited_12m=Count("pk", filter=Q(Exists(audits.filter(held_on__gte=add_months(today, -12))))),
            audited_ever=Count("pk", filter=Q(Exists(audits))),
        )
    )


def _insert_from(model, queryset: QuerySet) -> int:
    """INSERT INTO the rollup's table the rows of a values().annotate() queryset, in the database.

    The compiler names each SELECT column (its alias, in the order it writes them); each is named
    like the rollup field it fills.
    """
    compiler = queryset.query.get_compiler(connection=connection)
    sql, params = compiler.as_sql()
    names = [alias for _, _, alias in compiler.select]
    columns = ", ".join(connection.ops.quote_name(model._meta.get_field(name).column) for name in names)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({columns}) {sql}", params)
        return max(cursor.rowcount, 0)
