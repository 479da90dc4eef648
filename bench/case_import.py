"""The "case_import" benchmark: a browser case import of --import-rows new cases (100,000 by default),
checked and written by the worker's task bodies (cases.import_jobs), each timed.

It makes one team, writes the CSV (fictional children, one open episode each), creates the job as the
upload does, then runs the check and the write as the worker would, and prints

  {"bench": "case_import", "rows": N, "check_seconds": .., "write_seconds": .., "queries": ..,
   "cases": N, "status": "done", "database": ..}

The goal: a file of 100,000 rows finishes, whatever the time; the page shows the progress meanwhile.
"""

import time
from datetime import date

from django.db import connection

from bench.measure import emit


def case_import_benchmark(args):
    from django.contrib.auth import get_user_model

    from cases.import_jobs import (
        case_import_job_apply_request,
        case_import_job_check,
        case_import_job_create,
        case_import_job_write,
    )
    from cases.models import Case, CaseImportJob
    from demo.case_csv import cases_csv
    from processes.models import Area, Role
    from processes.services import roles_sync, system_user
    from workforce.services import team_create

    actor = system_user()
    if not Role.objects.exists():
        roles_sync(actor=actor)
    area = Area.objects.get_or_create(
        key="bench-area", defaults={"number": 99, "title": "Bench", "version": 1, "effective_date": date(2014, 4, 1)}
    )[0]
    team_create(actor=actor, name="North Assessment Team", service_area=area)
    admin = get_user_model().objects.create_user("bench.admin")

    job = case_import_job_create(actor=admin, source="bench.csv", text=cases_csv(args.import_rows))
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(1)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        started = time.perf_counter()
        case_import_job_check(job.pk)
        checked = time.perf_counter()
        case_import_job_apply_request(actor=admin, job=job)
        case_import_job_write(job.pk)
        written = time.perf_counter()
    job = CaseImportJob.objects.get(pk=job.pk)
    emit(
        bench="case_import",
        rows=args.import_rows,
        check_seconds=round(checked - started, 2),
        write_seconds=round(written - checked, 2),
        queries=len(queries),
        cases=Case.objects.count(),
        status=job.status,
        database=connection.vendor,
    )
