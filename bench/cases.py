"""The "cases" benchmark: how the case list scales with the number of cases.

For each size (10k and 100k by default) it tops the throw-away database up with synthetic cases
(demo.synthetic, the same code as `manage.py generate_synthetic`), then times, as a team manager
(one team's cases, through guardian's object permissions) and as a head of service (every case,
through the role), GET /cases/ and the signed-in home page "/" (their requests interleaved, so both
see the same load), and prints their ratio: the list should cost about as much as a page that
touches no case at all, however many cases there are.
"""

import sys

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client

from bench.measure import emit, paired_page_timing

CASE_LIST = "/cases/"
HOME = "/"


def parse_sizes(text: str) -> list[int]:
    sizes = sorted({int(part.replace("_", "")) for part in text.split(",") if part.strip()})
    if not sizes or sizes[0] < 1:
        raise ValueError(f"--sizes wants positive whole numbers separated by commas, got {text!r}")
    return sizes


def cases_benchmark(args):
    from demo.synthetic import HEAD_OF_SERVICE, TEAM_PREFIX, synthetic_case_count, synthetic_generate
    from workforce.models import Team

    for size in parse_sizes(args.sizes):
        have = synthetic_case_count()
        if size > have:
            result = synthetic_generate(cases=size - have, teams=args.teams, seed=args.seed)
            emit(
                bench="generate_synthetic",
                cases=size,
                added=result.cases,
                rows=result.rows,
                seconds=round(result.seconds, 2),
                rows_per_second=round(result.rows_per_second),
                database=connection.vendor,
            )
        _analyze()

        team = Team.objects.select_related("manager").get(name=f"{TEAM_PREFIX}01")
        users = {"tm": team.manager, "hos": get_user_model().objects.get(username=HEAD_OF_SERVICE)}
        for label, user in users.items():
            client = Client()
            client.force_login(user)
            figures = {"cases": size, "user": label, "database": connection.vendor}
            timings = paired_page_timing(client, [CASE_LIST, HOME], repeat=args.repeat)
            case_list, home = timings[CASE_LIST], timings[HOME]
            if home["status"] != 200:
                sys.exit(f"bench: GET {HOME} answered {home['status']}")
            if case_list["status"] != 200:
                emit(
                    bench="case_list",
                    path=CASE_LIST,
                    note=f"GET {CASE_LIST} answered {case_list['status']}: no case list to measure",
                    **case_list,
                    **figures,
                )
            else:
                emit(bench="case_list", path=CASE_LIST, **case_list, **figures)
            emit(bench="home_page", path=HOME, **home, **figures)
            if case_list["status"] == 200 and home["median_ms"]:
                emit(
                    bench="case_list_vs_home",
                    ratio=round(case_list["median_ms"] / home["median_ms"], 2),
                    **figures,
                )


def _analyze():
    """Fresh planner statistics, as autovacuum would have them on a database that grew slowly."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
