"""The "reminders" benchmark: send_reminders over --reminder-items open due items (100,000 by default).

It bulk-creates the due items directly (no planner): --reminder-people responsible people, one line
manager to every ten of them, two heads of service, due dates spread from 40 calendar days late to 10
days ahead of the run's day (so every stage occurs), then times send_reminders twice on that day and
prints, per run: seconds, queries, peak_mb (the process's peak resident memory so far, in MB, and
rss_before_mb for comparison), reminders (rows sent) and emails (digests). The second run must send 0.
"""

import random
import resource
import time
from datetime import date, timedelta

from django.core import mail
from django.db import connection

from bench.measure import emit

TODAY = date(2026, 12, 29)


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def _generate(items: int, people: int, seed: int):
    from django.contrib.auth import get_user_model

    from audits.models import DueItem
    from processes.models import Area, Process, Role
    from processes.services import roles_sync, system_user
    from workforce.models import StaffProfile

    rng = random.Random(seed)
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
    head_group = Role.objects.get(key="head-of-service").group
    for i in range(2):
        head = user_model.objects.create(username=f"bench.hos{i}", email=f"bench.hos{i}@example.org")
        head.groups.add(head_group)
    batch = []
    for n in range(items):
        batch.append(
            DueItem(
                key=f"bench:{n}",
                process=process,
                responsible=workers[n % people],
                due_on=TODAY + timedelta(days=rng.randint(-40, 10)),
            )
        )
        if len(batch) == 5000:
            DueItem.objects.bulk_create(batch)
            batch = []
    DueItem.objects.bulk_create(batch)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def reminders_benchmark(args):
    from audits.reminders import send_reminders

    start = time.perf_counter()
    _generate(args.reminder_items, args.reminder_people, args.seed)
    emit(
        bench="reminders_generate",
        items=args.reminder_items,
        people=args.reminder_people,
        seconds=round(time.perf_counter() - start, 2),
        database=connection.vendor,
    )
    for run in (1, 2):
        mail.outbox = []
        rss_before = _rss_mb()
        counter = QueryCounter()
        start = time.perf_counter()
        with connection.execute_wrapper(counter):
            sent = send_reminders(today=TODAY)
        seconds = time.perf_counter() - start
        emit(
            bench="send_reminders",
            run=run,
            items=args.reminder_items,
            seconds=round(seconds, 2),
            queries=counter.count,
            peak_mb=round(_rss_mb(), 1),
            rss_before_mb=round(rss_before, 1),
            reminders=sent,
            emails=len(mail.outbox),
            database=connection.vendor,
        )
    mail.outbox = []
