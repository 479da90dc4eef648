"""Benchmarks: `make bench` (or `python bench/run.py`) prints one JSON object per measurement.

It creates a throw-away database beside the configured one (test_<name>, as the test runner does),
so a PostgreSQL DATABASE_URL measures PostgreSQL without touching real data.
Scenarios add themselves to SCENARIOS; each takes the parsed arguments.
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


SCENARIOS = {"home": home_page}


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("scenarios", nargs="*", default=list(SCENARIOS), help=f"any of {', '.join(SCENARIOS)}")
    parser.add_argument("--repeat", type=int, default=20, help="timed requests per page")
    args = parser.parse_args()
    unknown = set(args.scenarios) - set(SCENARIOS)
    if unknown:
        parser.error(f"unknown scenario {', '.join(sorted(unknown))}")

    import django

    django.setup()
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
