"""The "case_import" benchmark: a browser case import of --import-rows new cases (100,000 by default),
checked and written by the worker's task bodies (cases.import_jobs), each timed, beside the catalogue load
(fixtures/processes through catalogue_apply, as `load_processes` does) in the same run and database.

It loads the catalogue, makes one team, writes the CSV (fictional children, one open episode each),
creates the job as the upload does, then runs the check and the write as the worker would, and prints

  {"bench": "catalogue_load", "seconds": .., "peak_mb": .., "tables": .., "processes": .., "queries": ..}
  {"bench": "case_import", "rows": N, "check_seconds": .., "write_seconds": .., "check_peak_mb": ..,
   "write_peak_mb": .., "queries": .., "cases": N, "status": "done", "database": ..}

Peak memory is tracemalloc's: the Python objects each step allocates at most at once (the job's text read
back from the database included), not the process's resident size; tracing slows each step somewhat, so
the seconds are a little above an untraced worker's. The goal: a file of 100,000 rows finishes, whatever
the time; the page shows the progress meanwhile.
"""

import time
import tracemalloc
from datetime import date
from pathlib import Path

from django.db import connection

from bench.measure import emit

CATALOGUE = Path(__file__).resolve().parents[1] / "fixtures" / "processes"


class Traced:
    """Time, tracemalloc peak (MB) and queries of the block: `with Traced() as traced: ...`."""

    def __enter__(self):
        self.queries = 0
        self._wrapper = connection.execute_wrapper(self._count)
        self._wrapper.__enter__()
        tracemalloc.start()
        self._started = time.perf_counter()
        return self

    def __exit__(self, *exc_info):
        self.seconds = round(time.perf_counter() - self._started, 2)
        self.peak_mb = round(tracemalloc.get_traced_memory()[1] / 2**20, 1)
        tracemalloc.stop()
        self._wrapper.__exit__(*exc_info)

    def _count(self, execute, sql, params, many, context):
        self.queries += 1
        return execute(sql, params, many, context)


def catalogue_load_benchmark(actor) -> None:
    from processes.catalogue_files import read_paths
    from processes.services import catalogue_apply

    with Traced() as traced:
        tables = read_paths([CATALOGUE])
        catalogue_apply(tables, actor=actor)
    emit(
        bench="catalogue_load",
        seconds=traced.seconds,
        peak_mb=traced.peak_mb,
        queries=traced.queries,
        tables=len(tables),
        processes=sum(len(loaded.table.processes) for loaded in tables),
        database=connection.vendor,
    )


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
    catalogue_load_benchmark(actor)
    area = Area.objects.get_or_create(
        key="bench-area", defaults={"number": 99, "title": "Bench", "version": 1, "effective_date": date(2014, 4, 1)}
    )[0]
    team_create(actor=actor, name="North Assessment Team", service_area=area)
    admin = get_user_model().objects.create_user("bench.admin")

    job = case_import_job_create(actor=admin, source="bench.csv", text=cases_csv(args.import_rows))
    with Traced() as checked:
        case_import_job_check(job.pk)
    case_import_job_apply_request(actor=admin, job=job)
    with Traced() as written:
        case_import_job_write(job.pk)
    job = CaseImportJob.objects.get(pk=job.pk)
    emit(
        bench="case_import",
        rows=args.import_rows,
        check_seconds=checked.seconds,
        write_seconds=written.seconds,
        check_peak_mb=checked.peak_mb,
        write_peak_mb=written.peak_mb,
        queries=checked.queries + written.queries,
        cases=Case.objects.count(),
        status=job.status,
        database=connection.vendor,
    )
