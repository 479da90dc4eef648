"""The "dashboard" benchmark: /dashboard/ at --dashboard-audits synthetic audits (100,000 and 1,000,000
by default), beside the home page in the same run.

For each size it tops the throw-away database up to --audit-cases synthetic cases and that many
synthetic audits (demo.synthetic, as the "audits" scenario does), gives each case audit a due item
(met by a submitted audit, on time or late; open for a draft, overdue or not), rebuilds the dashboard's
rollups (timed: that is what the Celery task does every 10 minutes), then times GET /dashboard/ and the
home page as a head of service (every team), a team manager (one team) and a scrutiny panel member
(service-wide aggregates, suppressed). The goal: the dashboard under 1 second at 1M audits.
"""

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client

from bench.measure import emit, page_timing
from processes.roles import SCRUTINY_PANEL_MEMBER

DASHBOARD = "/dashboard/"
HOME = "/"
GOAL_MS = 1000
DUE_KEY_PREFIX = "bench-dash-"


def parse_sizes(text: str) -> list[int]:
    sizes = [int(part) for part in text.split(",") if part.strip()]
    if not sizes or any(size < 1 for size in sizes):
        raise ValueError("--dashboard-audits wants positive numbers, comma-separated")
    return sorted(sizes)


def dashboard_benchmark(args):
    from dashboard.services import rollup_refresh
    from demo.synthetic import HEAD_OF_SERVICE, TEAM_PREFIX
    from workforce.models import Team

    for size in parse_sizes(args.dashboard_audits):
        _top_up(args, size)
        added = _due_items_top_up()
        emit(bench="dashboard_due_items", audits=size, added=added, database=connection.vendor)
        _analyze()
        refresh = rollup_refresh()
        emit(
            bench="dashboard_refresh",
            audits=size,
            seconds=refresh.seconds,
            rollup_rows=refresh.rows,
            database=connection.vendor,
        )
        _analyze()
        team = Team.objects.select_related("manager").get(name=f"{TEAM_PREFIX}01")
        users = {
            "hos": get_user_model().objects.get(username=HEAD_OF_SERVICE),
            "tm": team.manager,
            "scrutiny": _scrutiny_user(),
        }
        for label, user in users.items():
            client = Client()
            client.force_login(user)
            figures = {"audits": size, "user": label, "database": connection.vendor}
            dashboard = page_timing(client, DASHBOARD, repeat=args.repeat)
            met = dashboard["median_ms"] < GOAL_MS
            emit(bench="dashboard", path=DASHBOARD, goal_ms=GOAL_MS, met=met, **dashboard, **figures)
            home = page_timing(client, HOME, repeat=args.repeat)
            emit(bench="home_page", path=HOME, **home, **figures)


def _top_up(args, size):
    from demo.synthetic import synthetic_case_count, synthetic_generate
    from demo.synthetic_audits import synthetic_audit_count, synthetic_audits_generate

    have = synthetic_case_count()
    if args.audit_cases > have:
        result = synthetic_generate(cases=args.audit_cases - have, teams=args.teams, seed=args.seed)
        emit(bench="generate_synthetic", cases=args.audit_cases, added=result.cases, seconds=round(result.seconds, 2))
    have = synthetic_audit_count()
    if size > have:
        result = synthetic_audits_generate(audits=size - have, teams=args.teams, seed=args.seed)
        emit(
            bench="generate_synthetic_audits",
            audits=size,
            added=result.audits,
            findings=result.findings,
            seconds=round(result.seconds, 2),
            rows_per_second=round(result.rows_per_second),
            database=connection.vendor,
        )


def _due_items_top_up() -> int:
    """A due item for each synthetic case audit that has none yet, written by the database: done by the
    audit (on time when held by its due date) for a submitted one, open for a draft (overdue once its
    due date has passed). Keys name the audit, so a rerun adds only the new audits' items."""
    from audits.models import Audit
    from demo.synthetic_audits import AUDIT_SUMMARY
    from timeliness.models import DueItem

    table = connection.ops.quote_name(DueItem._meta.db_table)
    audits = connection.ops.quote_name(Audit._meta.db_table)
    key = "'" + DUE_KEY_PREFIX + "' || " + ("CAST(a.id AS TEXT)" if connection.vendor == "postgresql" else "a.id")
    # Table names come from the models and the values are parameters: nothing here comes from input.
    sql = f"""
        INSERT INTO {table} (created_at, updated_at, key, process_id, case_id, team_id, due_on, source, status,
                             satisfied_by_id, completed_on)
        SELECT CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, {key}, a.process_id, a.case_id, a.team_id, a.due_on, 'rule',
               CASE WHEN a.status = 'draft' THEN 'open' ELSE 'done' END,
               CASE WHEN a.status = 'draft' THEN NULL ELSE a.id END,
               CASE WHEN a.status = 'draft' THEN NULL ELSE a.held_on END
        FROM {audits} a
        WHERE a.summary = %s AND a.case_id IS NOT NULL AND a.due_on IS NOT NULL
          AND (a.status = 'draft' OR a.held_on IS NOT NULL)
          AND a.id > %s
        ORDER BY a.id
    """  # noqa: S608
    last = DueItem.objects.filter(key__startswith=DUE_KEY_PREFIX).order_by("-pk").values_list("key", flat=True).first()
    last_audit = int(last.removeprefix(DUE_KEY_PREFIX)) if last else 0
    with connection.cursor() as cursor:
        cursor.execute(sql, [AUDIT_SUMMARY, last_audit])
        return cursor.rowcount


def _scrutiny_user():
    from processes.models import Role
    from processes.services import system_user
    from workforce.models import StaffProfile
    from workforce.services import staff_profile_save

    user, created = get_user_model().objects.get_or_create(username="bench.scrutiny")
    if created:
        from datetime import date

        profile = StaffProfile(user=user, job_title="Scrutiny panel member", start_date=date(2024, 1, 1))
        staff_profile_save(
            actor=system_user(), profile=profile, roles=list(Role.objects.filter(key=SCRUTINY_PANEL_MEMBER))
        )
    return get_user_model().objects.get(pk=user.pk)


def _analyze():
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
