"""The "due_items" benchmark: plan_due_items over synthetic episodes, at --due-items sizes.

It tops the throw-away database up with synthetic cases and their episodes (demo.synthetic, shaped
like the demo: looked-after children have a statutory visit every 6 weeks, plans a visit every 10
working days, ...), calibrating how many cases give the wanted number of due items, then runs the
planner in a fresh child process (so its peak memory is the planner's, not the generator's) and prints

  {"bench": "plan_due_items", "due_items": N, "seconds": .., "queries": .., "queries_per_batch": ..,
   "peak_mb": .., "second_run_created": 0, ...}

Queries are counted with an execute wrapper, not CaptureQueriesContext: keeping the SQL of 200
five-thousand-row INSERTs would itself cost hundreds of megabytes. A batch is one INSERT of up to
5,000 items with the episode reads that fed it. The goal: 1M items in under a minute, under 300 MB
(docs/schedules.md has the figures).
"""

import json
import os
import subprocess
import sys
import time
from datetime import date

from django.db import connection

from bench.measure import emit

TODAY = date(2026, 11, 27)
HORIZON = 90
CALIBRATION_CASES = 2_000


def _child_env() -> dict:
    settings = connection.settings_dict
    env = dict(os.environ)
    if connection.vendor == "postgresql":
        user = settings.get("USER") or ""
        host = settings.get("HOST") or "127.0.0.1"
        port = settings.get("PORT") or 5432
        env["DATABASE_URL"] = f"postgres://{user}@{host}:{port}/{settings['NAME']}"
    else:
        env["DATABASE_URL"] = f"sqlite:///{settings['NAME']}"
    return env


def _plan_in_child() -> dict:
    """Run the planner twice in a new process; return its figures."""
    connection.close()
    output = subprocess.run(  # noqa: S603 (our own module, fixed arguments)
        [sys.executable, "-m", "bench.due_items", "--child", TODAY.isoformat(), str(HORIZON)],
        env=_child_env(),
        capture_output=True,
        text=True,
        check=False,
        cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
    )
    if output.returncode:
        # The planner's own traceback, not only "exit status 1".
        sys.exit(f"bench due_items: the planning child failed:\n{output.stderr[-4000:]}")
    return json.loads(output.stdout.strip().splitlines()[-1])


def due_items_benchmark(args):
    from demo.synthetic import synthetic_case_count, synthetic_generate
    from timeliness.models import DueItem

    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith(("file:", ":memory:")):
        sys.exit("bench due_items: needs a database a child process can open (PostgreSQL, or a file)")
    sizes = [int(size) for size in args.due_items.split(",")]
    per_case = None
    for target in sizes:
        if per_case is None:
            have = synthetic_case_count()
            if have < CALIBRATION_CASES:
                synthetic_generate(cases=CALIBRATION_CASES - have, teams=args.teams, seed=args.seed, today=TODAY)
            per_case = _plan_in_child()["due_items"] / max(1, synthetic_case_count())
        wanted_cases = int(target / per_case) + 1
        have = synthetic_case_count()
        if wanted_cases > have:
            started = time.perf_counter()
            synthetic_generate(cases=wanted_cases - have, teams=args.teams, seed=args.seed, today=TODAY)
            emit(
                bench="generate_synthetic",
                cases=wanted_cases,
                seconds=round(time.perf_counter() - started, 1),
                database=connection.vendor,
            )
        _empty(DueItem)
        figures = _plan_in_child()
        emit(bench="plan_due_items", target=target, cases=wanted_cases, database=connection.vendor, **figures)


def _empty(model):
    """Empty the table between sizes (a throw-away database: TRUNCATE, not a delete that loads every row)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {model._meta.db_table} CASCADE")
    else:
        model.objects.all()._raw_delete(model.objects.db)


def _child(today: str, horizon: str) -> None:
    import resource

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qa_portal.settings_test")
    django.setup()
    from django.conf import settings
    from django.db import connection as child_connection

    from timeliness.models import DueItem
    from timeliness.planning import PlanStats, plan_due_items

    queries = 0

    def count(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    stats = PlanStats()
    profile_to = os.environ.get("BENCH_PROFILE")  # a file for cProfile's figures of the first run
    profiler = None
    if profile_to:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    with child_connection.execute_wrapper(count):
        created = plan_due_items(today=date.fromisoformat(today), horizon_days=int(horizon), stats=stats)
    if profiler:
        profiler.disable()
        profiler.dump_stats(profile_to)
    again_started = time.perf_counter()
    again = plan_due_items(today=date.fromisoformat(today), horizon_days=int(horizon))
    again_seconds = time.perf_counter() - again_started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "due_items": DueItem.objects.count(),
                "created": created,
                "seconds": round(stats.seconds, 2),
                "episodes": stats.episodes,
                "queries": queries + stats.queries,
                "inserts": stats.inserts,
                "episode_reads": stats.batches,
                "queries_per_batch": round((queries + stats.queries) / max(1, stats.inserts), 2),
                "workers": settings.DUE_PLANNING_WORKERS if child_connection.vendor == "postgresql" else 1,
                "peak_mb": round(peak_mb, 1),
                "second_run_created": again,
                "second_run_seconds": round(again_seconds, 2),
            }
        )
    )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        _child(*sys.argv[2:4])
