"""The "audits" benchmark: the audit list at --audits synthetic audits (100,000 by default).

It tops the throw-away database up to --audit-cases synthetic cases (demo.synthetic, as the "cases"
scenario does; a run that measured cases already has them) and --audits synthetic audits with their
findings, moderations, actions and conference or visit forms, then times, as a team manager (the
audits of one team's cases and staff, through guardian's object permissions) and as a head of
service (every audit, through the role), GET /audits/ and the signed-in home page "/" (their requests
interleaved, so both see the same load), and prints their ratio. The goal: the audit list within 3
times the home page, however many audits there are.
"""

import sys

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client

from bench.measure import emit, paired_page_timing

AUDIT_LIST = "/audits/"
HOME = "/"
GOAL_RATIO = 3


def audits_benchmark(args):
    from audits.models import Audit
    from demo.synthetic import HEAD_OF_SERVICE, TEAM_PREFIX, synthetic_case_count, synthetic_generate
    from demo.synthetic_audits import synthetic_audit_count, synthetic_audits_generate
    from workforce.models import Team

    have = synthetic_case_count()
    if args.audit_cases > have:
        result = synthetic_generate(cases=args.audit_cases - have, teams=args.teams, seed=args.seed)
        emit(
            bench="generate_synthetic",
            cases=args.audit_cases,
            added=result.cases,
            rows=result.rows,
            seconds=round(result.seconds, 2),
            rows_per_second=round(result.rows_per_second),
            database=connection.vendor,
        )
    have = synthetic_audit_count()
    if args.audits > have:
        result = synthetic_audits_generate(audits=args.audits - have, teams=args.teams, seed=args.seed)
        emit(
            bench="generate_synthetic_audits",
            audits=args.audits,
            added=result.audits,
            findings=result.findings,
            moderations=result.moderations,
            actions=result.actions,
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
        figures = {"audits": args.audits, "user": label, "database": connection.vendor}
        visible = Audit.objects.for_user(user).count()
        timings = paired_page_timing(client, [AUDIT_LIST, HOME], repeat=args.repeat)
        audit_list, home = timings[AUDIT_LIST], timings[HOME]
        if audit_list["status"] != 200 or home["status"] != 200:
            sys.exit(f"bench: {AUDIT_LIST} answered {audit_list['status']}, {HOME} answered {home['status']}")
        emit(bench="audit_list", path=AUDIT_LIST, visible=visible, **audit_list, **figures)
        emit(bench="home_page", path=HOME, **home, **figures)
        if home["median_ms"]:
            ratio = round(audit_list["median_ms"] / home["median_ms"], 2)
            emit(bench="audit_list_vs_home", ratio=ratio, goal=GOAL_RATIO, met=ratio <= GOAL_RATIO, **figures)


def _analyze():
    """Fresh planner statistics, as autovacuum would have them on a database that grew slowly."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
