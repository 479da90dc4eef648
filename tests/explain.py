"""What PostgreSQL would read a query's tables by: `seq_scanned_tables(sql, params)` names the tables a
query's plan reads by a sequential scan when sequential scans are discouraged (enable_seqscan = off),
i.e. the tables no index can serve for that query. A page whose queries leave a large table out of it
keeps its plan whatever the planner's statistics say: the index is there to take.

Self-contained (a cursor, EXPLAIN and the plan's JSON), for PostgreSQL only."""

import json

from django.db import connection


def _relations(node, kind: str):
    if node.get("Node Type") == kind and "Relation Name" in node:
        yield node["Relation Name"]
    for child in node.get("Plans", ()):
        yield from _relations(child, kind)


def seq_scanned_tables(sql: str, params=None) -> set[str]:
    """The tables `sql` (with `params`, or None for SQL whose values are written in, as captured
    queries' are) is planned to read by a sequential scan under enable_seqscan = off."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW enable_seqscan")
        before = cursor.fetchone()[0]
        cursor.execute("SET enable_seqscan = off")
        try:
            cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
            plan = cursor.fetchone()[0]
        finally:
            cursor.execute(f"SET enable_seqscan = {'on' if before == 'on' else 'off'}")
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return set(_relations(plan[0]["Plan"], "Seq Scan"))
