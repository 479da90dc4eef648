"""Benchmarks: `make bench` (or `python bench/run.py`) prints one JSON object per measurement.

It creates a throw-away database beside the configured one (test_<name>, as the test runner does),
so a PostgreSQL DATABASE_URL measures PostgreSQL without touching real data.
Scenarios add themselves to SCENARIOS; each takes the parsed arguments:
  home   the signed-in home page and /healthz, on an empty database;
  cases  the case list against the home page at --sizes synthetic cases (bench/cases.py), and how
         fast generate_synthetic wrote them;
  audits the audit list against the home page at --audits synthetic audits (bench/audits.py);
  due_items  plan_due_items at --due-items planned items, its time, queries and peak memory (bench/due_items.py);
  dashboard  /dashboard/ beside the home page at --dashboard-audits synthetic audits, and the rollup refresh
             (bench/dashboard.py);
  reminders  send_reminders at --reminder-items open due items: time, queries per digest, peak memory,
             reminders, emails (bench/reminders.py);
  case_import  a browser case import of --import-rows new cases, checked and written by the worker's
             task bodies: each step's time, peak memory (tracemalloc) and queries, beside the catalogue
             load's in the same run (bench/case_import.py). Not in the default run.
  national  a large national service's tables (--national-scale 1.0: 200k cases, 2M due items, 100k
             audits, ~4M reminders, 10M access-log rows) loaded by SQL, each load timed, then the
             due, case, audit, dashboard and access-log pages beside the home page; --stale adds 20%
             more due items and reminders after ANALYZE (bench/national.py). Not in the default run.
"""

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qa_portal.settings_test")


def home_page(args):
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from bench.measure import emit, page_timing

    user = get_user_model().objects.create_user("bench.user", password="bench-only-password-1")
    client = Client()
    client.force_login(user)
    for path, name in (("/", "home_page"), ("/healthz", "healthz")):
        emit(bench=name, path=path, database=connection.vendor, **page_timing(client, path, repeat=args.repeat))


def cases(args):
    from bench.cases import cases_benchmark

    cases_benchmark(args)


def audits(args):
    from bench.audits import audits_benchmark

    audits_benchmark(args)


def due_items(args):
    from bench.due_items import due_items_benchmark

    due_items_benchmark(args)


def reminders(args):
    from bench.reminders import reminders_benchmark

    reminders_benchmark(args)


def dashboard(args):
    from bench.dashboard import dashboard_benchmark

    dashboard_benchmark(args)


def national(args):
    from bench.national import national_benchmark

    national_benchmark(args)


def case_import(args):
    from bench.case_import import case_import_benchmark

    case_import_benchmark(args)


SCENARIOS = {
    "home": home_page,
    "cases": cases,
    "audits": audits,
    "due_items": due_items,
    "reminders": reminders,
    "dashboard": dashboard,
    "case_import": case_import,
    "national": national,
}
# Run only when named: case_import writes 100,000 cases one by one, as the import does (minutes);
# national loads millions of rows.
DEFAULT_SCENARIOS = [name for name in SCENARIOS if name not in ("case_import", "national")]


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("scenarios", nargs="*", default=DEFAULT_SCENARIOS, help=f"any of {', '.join(SCENARIOS)}")
    parser.add_argument("--repeat", type=int, default=20, help="timed requests per page")
    parser.add_argument(
        "--sizes", default="10000,100000", help="cases: numbers of synthetic cases to measure at (default 10000,100000)"
    )
    parser.add_argument("--teams", type=int, default=20, help="cases, audits: synthetic teams (default 20)")
    parser.add_argument("--seed", type=int, default=1, help="cases, audits: random seed of the synthetic data")
    parser.add_argument(
        "--audits", type=int, default=100_000, help="audits: synthetic audits to measure at (default 100000)"
    )
    parser.add_argument(
        "--audit-cases",
        type=int,
        default=20_000,
        help="audits: synthetic cases the audits are spread over, at least (default 20000)",
    )
    parser.add_argument(
        "--due-items",
        default="100000,1000000",
        help="due_items: numbers of due items to plan, comma-separated (default 100000,1000000)",
    )
    parser.add_argument(
        "--reminder-items",
        default="100000,1000000",
        help="reminders: numbers of open due items to remind about, comma-separated (default 100000,1000000)",
    )
    parser.add_argument(
        "--reminder-people",
        type=int,
        default=500,
        help="reminders: responsible people they are spread over (default 500)",
    )
    parser.add_argument(
        "--dashboard-audits",
        default="100000,1000000",
        help="dashboard: numbers of synthetic audits to measure at, comma-separated (default 100000,1000000)",
    )
    parser.add_argument(
        "--import-rows", type=int, default=100_000, help="case_import: rows of the CSV (default 100000)"
    )
    parser.add_argument(
        "--national-scale",
        type=float,
        default=1.0,
        help="national: share of the national sizes to load (default 1.0; 0.01 for a quick try)",
    )
    parser.add_argument(
        "--stale", action="store_true", help="national: add 20%% more due items and reminders after ANALYZE"
    )
    args = parser.parse_args()
    unknown = set(args.scenarios) - set(SCENARIOS)
    if unknown:
        parser.error(f"unknown scenario {', '.join(sorted(unknown))}")
    if args.audits < 0 or args.audit_cases < 1:
        parser.error("--audits wants 0 or more, --audit-cases 1 or more")

    import django

    django.setup()
    if "cases" in args.scenarios:
        from bench.cases import parse_sizes

        try:
            parse_sizes(args.sizes)
        except ValueError as exc:
            parser.error(str(exc))
    if "reminders" in args.scenarios:
        from bench.reminders import parse_items

        try:
            parse_items(args.reminder_items)
        except ValueError as exc:
            parser.error(str(exc))
    if "dashboard" in args.scenarios:
        from bench.dashboard import parse_sizes as dashboard_sizes

        try:
            dashboard_sizes(args.dashboard_audits)
        except ValueError as exc:
            parser.error(str(exc))
    from django.db import connection
    from django.test.utils import setup_test_environment, teardown_test_environment

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        for name in args.scenarios:
            SCENARIOS[name](args)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


if __name__ == "__main__":
    main()
