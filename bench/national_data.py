"""The `national` benchmark's data: a large national service's tables, written by the database itself.

Staff come from demo.synthetic's `staff_ensure` (through the services, so each person's groups follow
their roles: a head of service, a manager and eight social workers per team, chairs, IROs, ...), plus a
QA administrator. Everything big is one `INSERT ... SELECT generate_series(...)` per table, so 10M
rows cost seconds, not the ORM's hours: cases (NAT-0000001, ...) with the guardian grants
case_access_sync would give (the team's group, the allocated worker, the IRO), one episode each, an IRO
assignment for each looked-after child, due items (about 68.5% overdue and open), submitted audits
(their tally rows follow from the table's own triggers), reminders (the overdue notice, the line
manager's and the head of service's escalation of each overdue item) and the access log. Every row
meets the tables' foreign keys and checks; the history tables hold none of it.

At `scale` 1.0: 200k cases, 2M due items, 100k audits, ~4M reminders, 10M access-log rows over 100
teams. `extra_due_items` adds a share more items and their reminders (for the stale-statistics run).
"""

import time
from dataclasses import dataclass
from datetime import date

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction

from audits.models import Audit
from bench.measure import emit
from cases.models import (
    AccessLogEntry,
    Case,
    CaseAssignment,
    CaseGroupObjectPermission,
    CaseUserObjectPermission,
    Episode,
)
from cases.services import view_case_permission
from demo.data import CASE_AREAS, ETHNICITIES, FAITHS, LANGUAGES
from demo.synthetic import FIRST_NAMES, HEAD_OF_SERVICE, LAST_NAMES, TEAM_PREFIX, SyntheticResult, staff_ensure
from processes import roles
from processes.choices import SubjectKind
from processes.models import Process, Role
from processes.services import system_user
from timeliness.models import DueItem, Reminder
from workforce.models import StaffProfile, Team
from workforce.services import staff_profile_save

REFERENCE_PREFIX = "NAT-"
KEY_PREFIX = "nat:"
QA_ADMINISTRATOR = "nat.qa"
PASSWORD = "national-bench-password-1"  # noqa: S105 (a throw-away database's fictional staff)
# What a team of each service area holds (demo.synthetic gives team n the area CASE_AREAS[(n - 1) % 4]).
EPISODE_OF_AREA = {
    "advice-and-assessment": "child_in_need",
    "children-in-care": "looked_after",
    "youth-offending-service": "youth_justice_order",
    "sixteen-plus-service": "care_leaver",
}
# Shares of the due items, per thousand: overdue, done, not yet due, cancelled. The items of closed cases
# (15%) that would be open are missed or cancelled instead, as closing the case leaves them: so about
# 806 x 0.85 = 685 per thousand are overdue and open (1.37M of 2M).
OVERDUE_PER_MILLE, DONE_PER_MILLE, FUTURE_PER_MILLE = 806, 120, 60
CLOSED_PER_CENT = 15
# Whether case g is closed: by a hash of its number, so that it does not follow the due items' shares
# (which go by the item's number, and item g belongs to case g mod cases).
CLOSED = f"abs(hashint4(g::int)) %% 100 < {CLOSED_PER_CENT}"


@dataclass(frozen=True)
class Sizes:
    cases: int
    due_items: int
    audits: int
    access_log: int
    teams: int

    @classmethod
    def at(cls, scale: float) -> "Sizes":
        def scaled(full: int, least: int) -> int:
            return max(least, round(full * scale))

        return cls(
            cases=scaled(200_000, 100),
            due_items=scaled(2_000_000, 1_000),
            audits=scaled(100_000, 50),
            access_log=scaled(10_000_000, 5_000),
            teams=scaled(100, 4),
        )


@dataclass
class Cast:
    """The users the pages are timed as, by label."""

    users: dict[str, object]


def national_load(sizes: Sizes, *, today: date, seed: int = 1) -> Cast:
    """Write every table at `sizes`, timing each (one JSON line a table), then ANALYZE."""
    started = time.perf_counter()
    cast = _staff(sizes, seed)
    _timed("staff", lambda: get_user_model().objects.count(), started)
    _cases_table()
    params = _params(sizes, today)
    for table, step in (
        ("cases", _insert_cases),
        ("grants", _insert_grants),
        ("episodes", _insert_episodes),
        ("assignments", _insert_assignments),
        ("due_items", _insert_due_items),
        ("audits", _insert_audits),
        ("reminders", _insert_reminders),
        ("access_log", _insert_access_log),
    ):
        began = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            rows = step(cursor, params)
        _timed(table, lambda rows=rows: rows, began)
    analyze()
    emit(bench="national_load_total", seconds=round(time.perf_counter() - started, 1), **sizes.__dict__)
    return cast


def extra_due_items(share: float, *, today: date) -> int:
    """Add `share` more due items (and their reminders) after the last, without ANALYZE: the planner's
    statistics then describe a smaller table than the one it reads."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {DUE} WHERE key LIKE %s", [KEY_PREFIX + "%"])  # noqa: S608
        have = cursor.fetchone()[0]
    sizes = Sizes(cases=0, due_items=round(have * share), audits=0, access_log=0, teams=0)
    params = _params(sizes, today) | {"first": have + 1}
    began = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        rows = _insert_due_items(cursor, params)
        rows += _insert_reminders(cursor, params)
    _timed("stale_extra_due_items_and_reminders", lambda: rows, began)
    return rows


def analyze() -> None:
    """This machine's PostgreSQL runs without autovacuum: nothing else refreshes the planner's statistics."""
    began = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    emit(bench="national_analyze", seconds=round(time.perf_counter() - began, 1))


def _timed(table: str, rows, began: float) -> None:
    emit(bench="national_load", table=table, rows=rows(), seconds=round(time.perf_counter() - began, 2))


#
# Staff: few rows, through the services
#


def _staff(sizes: Sizes, seed: int) -> Cast:
    actor = system_user()
    staff_ensure(actor, sizes.teams, seed, SyntheticResult())
    User = get_user_model()
    qa, created = User.objects.get_or_create(
        username=QA_ADMINISTRATOR, defaults={"first_name": "Quinn", "last_name": "Ashdown"}
    )
    if created:
        profile = StaffProfile(user=qa, job_title="Quality Assurance Officer", start_date=date(2020, 1, 6))
        staff_profile_save(actor=actor, profile=profile, roles=[Role.objects.get(key=roles.QA_ADMINISTRATOR)])
    # Pages are timed through the sign-in form: the fictional staff need a password (one hash for all).
    User.objects.filter(username__startswith="syn.").update(password=make_password(PASSWORD))
    User.objects.filter(pk=qa.pk).update(password=make_password(PASSWORD))
    users = {
        "head_of_service": HEAD_OF_SERVICE,
        "team_manager": "syn.tm.01",
        "social_worker": "syn.sw.01.1",
        "qa_administrator": QA_ADMINISTRATOR,
        "iro": "syn.iro.1",
    }
    return Cast(users={label: User.objects.get(username=name) for label, name in users.items()})


def _params(sizes: Sizes, today: date) -> dict:
    teams = list(Team.objects.filter(name__startswith=TEAM_PREFIX).select_related("service_area").order_by("name"))
    workers = {team.pk: [] for team in teams}
    for user_id, team_id in (
        StaffProfile.objects.filter(team__in=teams, roles__key=roles.SOCIAL_WORKER)
        .order_by("team_id", "user__username")
        .values_list("user_id", "team_id")
    ):
        workers[team_id].append(user_id)
    per_team = min(len(ids) for ids in workers.values())
    case_processes = list(
        Process.objects.filter(subject_kind=SubjectKind.CASE, is_active=True)
        .order_by("key")
        .values_list("pk", flat=True)
    )
    User = get_user_model()
    return {
        "n": sizes.cases,
        "due": sizes.due_items,
        "audits": sizes.audits,
        "log": sizes.access_log,
        "first": 1,
        "today": today,
        "team_ids": [team.pk for team in teams],
        "group_ids": [team.group_id for team in teams],
        "manager_ids": [team.manager_id for team in teams],
        "kinds": [EPISODE_OF_AREA[team.service_area.key] for team in teams],
        "per_team": per_team,
        "worker_ids": [user_id for team in teams for user_id in workers[team.pk][:per_team]],
        "iro_ids": list(
            User.objects.filter(username__startswith="syn.iro.").order_by("pk").values_list("pk", flat=True)
        ),
        "hos": User.objects.get(username=HEAD_OF_SERVICE).pk,
        "processes": case_processes,
        "permission": view_case_permission().pk,
        "sw_role": Role.objects.get(key=roles.SOCIAL_WORKER).pk,
        "iro_role": Role.objects.get(key=roles.IRO).pk,
        "first_names": list(FIRST_NAMES),
        "last_names": list(LAST_NAMES),
        "ethnicities": [value for value, _ in ETHNICITIES],
        "faiths": [value for value, _ in FAITHS],
        "languages": [value for value, _ in LANGUAGES],
        "areas": list(CASE_AREAS),
    }


#
# The big tables: one statement each
#

CASE = Case._meta.db_table
EPISODE = Episode._meta.db_table
ASSIGNMENT = CaseAssignment._meta.db_table
GROUP_GRANT = CaseGroupObjectPermission._meta.db_table
USER_GRANT = CaseUserObjectPermission._meta.db_table
DUE = DueItem._meta.db_table
AUDIT = Audit._meta.db_table
REMINDER = Reminder._meta.db_table
ACCESS_LOG = AccessLogEntry._meta.db_table


def _cases_table() -> None:
    """nat_case: the cases numbered 1..n with what the later tables join on (session-only, unlogged)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS nat_case (rn integer PRIMARY KEY, id bigint, team_id bigint,"
            " worker_id integer, manager_id integer, episode_id bigint, closed_on date)"
        )


def _insert_cases(cursor, p) -> int:
    # Team t (0-based) of case g is g mod teams; its worker one of that team's eight.
    cursor.execute(
        f"""
        INSERT INTO {CASE} (created_at, updated_at, reference, child_name, date_of_birth, ethnicity, faith,
                            language, status, closed_on, allocated_worker_id, team_id)
        SELECT now(), now(), %(prefix)s || lpad(g::text, 7, '0'),
               (%(first_names)s::text[])[1 + g %% 48] || ' ' || (%(last_names)s::text[])[1 + (g / 48) %% 48],
               %(today)s::date - (800 + (g * 7919) %% 6000)::int,
               (%(ethnicities)s::text[])[1 + g %% cardinality(%(ethnicities)s::text[])],
               (%(faiths)s::text[])[1 + g %% cardinality(%(faiths)s::text[])],
               (%(languages)s::text[])[1 + g %% cardinality(%(languages)s::text[])],
               CASE WHEN {CLOSED} THEN 'closed' ELSE 'open' END,
               CASE WHEN {CLOSED} THEN %(today)s::date - (1 + g %% 300)::int END,
               (%(worker_ids)s::int[])[1 + (g %% cardinality(%(team_ids)s::bigint[])) * %(per_team)s
                                       + (g / cardinality(%(team_ids)s::bigint[])) %% %(per_team)s],
               (%(team_ids)s::bigint[])[1 + g %% cardinality(%(team_ids)s::bigint[])]
        FROM generate_series(1, %(n)s) AS g
        """,  # noqa: S608 (table names from the models; values are parameters)
        p | {"prefix": REFERENCE_PREFIX},
    )
    rows = cursor.rowcount
    cursor.execute(
        f"""
        INSERT INTO nat_case (rn, id, team_id, worker_id, manager_id, closed_on)
        SELECT substr(c.reference, 5)::int, c.id, c.team_id, c.allocated_worker_id, t.manager_id, c.closed_on
        FROM {CASE} c JOIN workforce_team t ON t.id = c.team_id
        WHERE c.reference LIKE %(like)s
        """,  # noqa: S608
        {"like": REFERENCE_PREFIX + "%"},
    )
    return rows


def _insert_grants(cursor, p) -> int:
    cursor.execute(
        f"""
        INSERT INTO {GROUP_GRANT} (content_object_id, group_id, permission_id)
        SELECT n.id, t.group_id, %(permission)s FROM nat_case n JOIN workforce_team t ON t.id = n.team_id
        """,  # noqa: S608
        p,
    )
    rows = cursor.rowcount
    cursor.execute(
        f"INSERT INTO {USER_GRANT} (content_object_id, user_id, permission_id) SELECT id, worker_id, %(permission)s FROM nat_case",  # noqa: S608, E501
        p,
    )
    return rows + cursor.rowcount


def _insert_episodes(cursor, p) -> int:
    cursor.execute(
        f"""
        INSERT INTO {EPISODE} (created_at, updated_at, kind, start, "end", case_id)
        SELECT now(), now(), k.kind, c.date_of_birth + (100 + c.id %% 200)::int,
               c.closed_on, c.id
        FROM {CASE} c
        JOIN unnest(%(team_ids)s::bigint[], %(kinds)s::text[]) AS k(team_id, kind) ON k.team_id = c.team_id
        WHERE c.reference LIKE %(like)s
        """,  # noqa: S608
        p | {"like": REFERENCE_PREFIX + "%"},
    )
    rows = cursor.rowcount
    cursor.execute(
        f"UPDATE nat_case n SET episode_id = e.id FROM {EPISODE} e WHERE e.case_id = n.id"  # noqa: S608
    )
    return rows


def _insert_assignments(cursor, p) -> int:
    """Each looked-after child's IRO, from the episode's start, with the view grant assigned people hold."""
    cursor.execute(
        f"""
        INSERT INTO {ASSIGNMENT} (created_at, updated_at, start, "end", case_id, role_id, user_id)
        SELECT now(), now(), e.start, e."end", e.case_id, %(iro_role)s,
               (%(iro_ids)s::int[])[1 + e.case_id %% cardinality(%(iro_ids)s::int[])]
        FROM {EPISODE} e JOIN nat_case n ON n.id = e.case_id WHERE e.kind = 'looked_after'
        """,  # noqa: S608
        p,
    )
    rows = cursor.rowcount
    cursor.execute(
        f"""
        INSERT INTO {USER_GRANT} (content_object_id, user_id, permission_id)
        SELECT a.case_id, a.user_id, %(permission)s FROM {ASSIGNMENT} a JOIN nat_case n ON n.id = a.case_id
        WHERE a."end" IS NULL AND a.user_id <> n.worker_id
        """,  # noqa: S608
        p,
    )
    return rows + cursor.rowcount


def _insert_due_items(cursor, p) -> int:
    """Items numbered from `first`, case by case round the cases; shares by the item's number mod 1000."""
    cursor.execute("SELECT count(*) FROM nat_case")
    cases = cursor.fetchone()[0]
    cursor.execute(
        f"""
        INSERT INTO {DUE} (created_at, updated_at, key, due_on, source, status, completed_on, met_by, case_id,
                           episode_id, process_id, responsible_id, responsible_role_id, team_id)
        SELECT now(), now(), %(key)s || g, d.due_on, 'rule', s.status,
               CASE WHEN s.status = 'done' THEN d.due_on END,
               CASE WHEN s.status = 'done' THEN 'national-bench' ELSE '' END,
               n.id, n.episode_id, (%(processes)s::bigint[])[1 + g %% cardinality(%(processes)s::bigint[])],
               n.worker_id, %(sw_role)s, n.team_id
        FROM generate_series(%(first)s, %(first)s + %(due)s - 1) AS g
        JOIN nat_case n ON n.rn = 1 + g %% %(cases)s
        CROSS JOIN LATERAL (
            SELECT CASE WHEN g %% 1000 < {OVERDUE_PER_MILLE} THEN 'open'
                        WHEN g %% 1000 < {OVERDUE_PER_MILLE + DONE_PER_MILLE} THEN 'done'
                        WHEN g %% 1000 < {OVERDUE_PER_MILLE + DONE_PER_MILLE + FUTURE_PER_MILLE} THEN 'open'
                        ELSE 'cancelled' END AS status,
                   CASE WHEN g %% 1000 < {OVERDUE_PER_MILLE + DONE_PER_MILLE} THEN %(today)s::date - (1 + g %% 365)::int
                        ELSE %(today)s::date + (g %% 90)::int END AS due_on
        ) AS d
        CROSS JOIN LATERAL (
            SELECT CASE WHEN n.closed_on IS NULL OR d.status <> 'open' THEN d.status
                        WHEN d.due_on <= n.closed_on THEN 'missed' ELSE 'cancelled' END AS status
        ) AS s
        """,  # noqa: S608
        p | {"key": KEY_PREFIX, "cases": cases},
    )
    return cursor.rowcount


def _insert_reminders(cursor, p) -> int:
    """For each overdue open item from `first` on: the overdue notice to the person responsible, the
    escalation to the team's manager after a week and to the head of service after three."""
    cursor.execute(
        f"""
        INSERT INTO {REMINDER} (stage, claimed_at, sent_at, due_item_id, recipient_id)
        SELECT s.stage, now(), now(), d.id, CASE s.stage WHEN 'overdue' THEN d.responsible_id
                                                        WHEN 'escalated' THEN t.manager_id ELSE %(hos)s END
        FROM {DUE} d
        JOIN workforce_team t ON t.id = d.team_id
        CROSS JOIN (VALUES ('overdue', 0), ('escalated', 7), ('escalated_head', 21)) AS s(stage, after_days)
        WHERE d.key LIKE %(like)s AND substr(d.key, 5)::bigint >= %(first)s
          AND d.status = 'open' AND d.due_on < %(today)s::date - s.after_days
        """,  # noqa: S608
        p | {"like": KEY_PREFIX + "%"},
    )
    return cursor.rowcount


def _insert_audits(cursor, p) -> int:
    """Submitted records of the cases' processes, by the team manager, over the last three years."""
    cursor.execute("SELECT count(*) FROM nat_case")
    cases = cursor.fetchone()[0]
    cursor.execute(
        f"""
        INSERT INTO {AUDIT} (created_at, updated_at, subject_label, due_on, held_on, status, submitted_at, grade,
                             summary, child_voice, carried_out_by_id, case_id, process_id, team_id, version,
                             case_references)
        SELECT now(), now(), '', %(today)s::date - (g %% 1095)::int + 5, %(today)s::date - (g %% 1095)::int,
               CASE WHEN g %% 10 = 0 THEN 'moderated' ELSE 'submitted' END, now(),
               (ARRAY['outstanding', 'good', 'good', 'requires_improvement', 'inadequate'])[1 + g %% 5],
               'National benchmark record.', '', n.manager_id, n.id,
               (%(processes)s::bigint[])[1 + g %% cardinality(%(processes)s::bigint[])], n.team_id, 1, '[]'::jsonb
        FROM generate_series(1, %(audits)s) AS g JOIN nat_case n ON n.rn = 1 + (g * 7) %% %(cases)s
        """,  # noqa: S608
        p | {"cases": cases},
    )
    return cursor.rowcount


def _insert_access_log(cursor, p) -> int:
    """Views of the cases by their workers over the last year, newest last."""
    cursor.execute("SELECT count(*) FROM nat_case")
    cases = cursor.fetchone()[0]
    cursor.execute(
        f"""
        INSERT INTO {ACCESS_LOG} (at, action, path, user_id, case_id)
        SELECT now() - make_interval(secs => (%(log)s - g) * (31536000.0 / %(log)s)),
               CASE WHEN g %% 20 = 0 THEN 'exported' ELSE 'viewed' END, '/cases/' || n.id || '/',
               n.worker_id, n.id
        FROM generate_series(1, %(log)s) AS g JOIN nat_case n ON n.rn = 1 + (g * 13) %% %(cases)s
        """,  # noqa: S608
        p | {"cases": cases},
    )
    return cursor.rowcount
