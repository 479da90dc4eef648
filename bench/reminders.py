"""The "reminders" benchmark: send_reminders over --reminder-items open due items (100,000 and 1,000,000
by default, comma-separated).

It makes --reminder-people responsible people, one line manager to every ten of them and two heads of
service, then for each size empties the reminder tables, writes that many open due items (due dates
spread from 40 calendar days late to 10 days ahead of the run's day, so every stage occurs; COPY on
PostgreSQL) and runs send_reminders twice on that day in a fresh child process, so its peak memory is
the command's own and not the generator's. It prints per size

  {"bench": "send_reminders", "items": N, "seconds": .., "queries": .., "digests": ..,
   "queries_per_digest": .., "peak_mb": ..,
   "reminders": .., "rows": .., "emails": .., "longest_email_kb": .., "second_run_sent": 0,
   "second_run_seconds": .., ...}

A batch is one person's digest (one transaction: an advisory lock, one INSERT ... SELECT per stage,
two reads of what went in, the notification); a few queries more find the people and load them.
Queries are counted with an execute wrapper.
The goal: 1M items in under 2 minutes with a peak under 300 MB, time growing no faster than the rows.
"""

import json
import os
import random
import subprocess
import sys
import time
from datetime import date, timedelta

from django.db import connection

from bench.measure import emit
from processes.roles import HEAD_OF_SERVICE

TODAY = date(2026, 12, 29)
ITEM_BATCH = 50_000


def parse_items(value: str) -> list[int]:
    sizes = [int(size) for size in value.split(",") if size.strip()]
    if not sizes or any(size < 1 for size in sizes):
        raise ValueError("--reminder-items wants whole numbers of 1 or more, comma-separated")
    return sizes


def _people(people: int):
    """The responsible people, their line managers and two heads of service; returns (process, worker ids)."""
    from django.contrib.auth import get_user_model

    from processes.models import Area, Process, Role
    from processes.services import roles_sync, system_user
    from workforce.models import StaffProfile

    if not Role.objects.exists():
        roles_sync(actor=system_user())
    user_model = get_user_model()
    area = Area.objects.get_or_create(
        key="bench-area", defaults={"number": 99, "title": "Bench", "version": 1, "effective_date": date(2014, 4, 1)}
    )[0]
    process = Process.objects.create(
        area=area,
        key="bench-supervision",
        name="Case supervision",
        position=1,
        lead="Team manager",
        subject_kind="case",
    )
    managers = user_model.objects.bulk_create(
        user_model(username=f"bench.tm{i:03}", email=f"bench.tm{i:03}@example.org", first_name="Manager")
        for i in range(max(1, people // 10))
    )
    workers = user_model.objects.bulk_create(
        user_model(username=f"bench.sw{i:05}", email=f"bench.sw{i:05}@example.org", first_name="Worker")
        for i in range(people)
    )
    StaffProfile.objects.bulk_create(
        StaffProfile(user=w, job_title="Social worker", start_date=date(2020, 1, 6), line_manager=managers[i // 10])
        for i, w in enumerate(workers)
    )
    head_group = Role.objects.get(key=HEAD_OF_SERVICE).group
    for i in range(2):
        head = user_model.objects.create(username=f"bench.hos{i}", email=f"bench.hos{i}@example.org")
        head.groups.add(head_group)
    return process, [w.pk for w in workers]


def _items(count: int, process, worker_ids: list[int], seed: int) -> None:
    """Empty the reminder tables and write `count` open due items (a throw-away database: TRUNCATE)."""
    from timeliness.models import DueItem, Notification, Reminder

    rng = random.Random(seed)
    tables = [model._meta.db_table for model in (Reminder, Notification, DueItem)]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            history = [model.history.model._meta.db_table for model in (Reminder, Notification)]
            cursor.execute(f"TRUNCATE {', '.join(tables + history)} CASCADE")
            for start in range(0, count, ITEM_BATCH):
                with cursor.cursor.copy(
                    f"COPY {tables[2]} (key, process_id, responsible_id, due_on, created_at, updated_at, source,"
                    " status) FROM STDIN"
                ) as copy:
                    for n in range(start, min(count, start + ITEM_BATCH)):
                        due_on = TODAY + timedelta(days=rng.randint(-40, 10))
                        responsible = worker_ids[n % len(worker_ids)]
                        copy.write_row((f"bench:{n}", process.pk, responsible, due_on, "now", "now", "rule", "open"))
            cursor.execute("ANALYZE")
        return
    for model in (Reminder, Notification, DueItem):
        model.objects.all()._raw_delete(model.objects.db)
    for start in range(0, count, 5_000):
        DueItem.objects.bulk_create(
            DueItem(
                key=f"bench:{n}",
                process=process,
                responsible_id=worker_ids[n % len(worker_ids)],
                due_on=TODAY + timedelta(days=rng.randint(-40, 10)),
            )
            for n in range(start, min(count, start + 5_000))
        )


def reminders_benchmark(args):
    from bench.due_items import _child_env

    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith(("file:", ":memory:")):
        sys.exit("bench reminders: needs a database a child process can open (PostgreSQL, or a file)")
    process, worker_ids = _people(args.reminder_people)
    for size in parse_items(args.reminder_items):
        start = time.perf_counter()
        _items(size, process, worker_ids, args.seed)
        emit(
            bench="reminders_generate",
            items=size,
            people=args.reminder_people,
            seconds=round(time.perf_counter() - start, 2),
            database=connection.vendor,
        )
        connection.close()
        output = subprocess.run(  # noqa: S603 (our own module, fixed arguments)
            [sys.executable, "-m", "bench.reminders", "--child", TODAY.isoformat()],
            env=_child_env(),
            capture_output=True,
            text=True,
            check=True,
            cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
        )
        figures = json.loads(output.stdout.strip().splitlines()[-1])
        emit(bench="send_reminders", items=size, people=args.reminder_people, database=connection.vendor, **figures)


def _child(today: str) -> None:
    import resource

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qa_portal.settings_test")
    django.setup()
    from django.core import mail
    from django.db import connection as child_connection

    from timeliness.models import Reminder
    from timeliness.reminders import send_reminders

    day = date.fromisoformat(today)
    queries = 0

    def count(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    mail.outbox = []
    with child_connection.execute_wrapper(count):
        started = time.perf_counter()
        sent = send_reminders(today=day)
        finished = time.perf_counter()
    digests = len(mail.outbox)
    longest = max((len(m.body) + len(m.alternatives[0][0]) for m in mail.outbox), default=0)
    mail.outbox = []
    again_started = time.perf_counter()
    again = send_reminders(today=day)
    again_seconds = time.perf_counter() - again_started
    print(
        json.dumps(
            {
                "seconds": round(finished - started, 2),
                "queries": queries,
                "digests": digests,
                "queries_per_digest": round(queries / max(1, digests), 2),
                "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
                "reminders": sent,
                "rows": Reminder.objects.count(),
                "emails": digests,
                "longest_email_kb": round(longest / 1024, 1),
                "second_run_sent": again,
                "second_run_seconds": round(again_seconds, 2),
            }
        )
    )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        _child(sys.argv[2])
