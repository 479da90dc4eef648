"""The `national` benchmark: the pages at the size of a large national service.

It loads the tables set-based (bench/national_data.py; sizes scale with --national-scale, 1.0 being
200k cases, 2M due items, 100k audits, ~4M reminders, 10M access-log rows), ANALYZEs, and with
--stale then adds 20% more due items and reminders without ANALYZE. Then, as each named user, it times
each page beside the same user's home page (requests interleaved, so both see the same load) and
prints their ratio. The pages are served by Django's test client in this process; timing through a
WSGI server (gunicorn), the exports' peak memory and a concurrent run are not written yet.
"""

from django.db import connection
from django.test import Client
from django.utils import timezone

from bench.measure import emit, paired_page_timing
from bench.national_data import REFERENCE_PREFIX, Sizes, analyze, extra_due_items, national_load

HOME = "/"
STALE_SHARE = 0.2


def _pages(today) -> list[tuple[str, str]]:
    from cases.models import Case

    case = Case.objects.filter(reference__startswith=REFERENCE_PREFIX).order_by("pk").first()
    day = today.isoformat()
    return [
        ("head_of_service", "/due/"),
        ("head_of_service", "/due/?mine=escalated"),
        ("team_manager", "/due/"),
        ("team_manager", "/due/?mine=escalated"),
        ("qa_administrator", HOME),
        ("head_of_service", "/cases/"),
        ("head_of_service", "/audits/"),
        ("head_of_service", f"/cases/{case.pk}/"),
        ("head_of_service", "/dashboard/"),
        ("qa_administrator", "/access-log/"),
        ("qa_administrator", f"/access-log/?since={day}&until={day}"),
        ("qa_administrator", "/access-log/?page=500"),
        ("qa_administrator", f"/access-log/?case={case.reference}"),
    ]


def national_benchmark(args):
    if connection.vendor != "postgresql":
        raise SystemExit("bench national: needs PostgreSQL (DATABASE_URL=postgres://...)")
    today = timezone.localdate()
    sizes = Sizes.at(args.national_scale)
    cast = national_load(sizes, today=today, seed=args.seed)
    if args.stale:
        extra_due_items(STALE_SHARE, today=today)
    clients = {}
    for label, path in _pages(today):
        if label not in clients:
            clients[label] = Client()
            clients[label].force_login(cast.users[label])
        timings = paired_page_timing(clients[label], [path, HOME], repeat=args.repeat)
        page, home = timings[path], timings[HOME]
        figures = {"user": label, "scale": args.national_scale, "cases": sizes.cases, "stale": args.stale}
        emit(bench="national_page", path=path, **page, **figures)
        emit(bench="national_home", path=HOME, **home, **figures)
        if page.get("status") == 200 and home.get("median_ms"):
            emit(bench="national_vs_home", path=path, ratio=round(page["median_ms"] / home["median_ms"], 2), **figures)


__all__ = ["analyze", "national_benchmark"]
