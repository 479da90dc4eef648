"""The one way a page answers with a CSV download, so that every export has the same encoding and headers."""

import csv
import io
from collections.abc import Iterable, Sequence

from django.http import HttpResponse
from django.utils import timezone


def csv_response(
    filename_stem: str,
    header: Sequence,
    rows: Iterable[Sequence],
    *,
    stamped: bool = True,
    no_store: bool = True,
) -> HttpResponse:
    """`header` then `rows` as a UTF-8 CSV attachment named `<filename_stem>-YYYYMMDD-HHMM.csv`.

    `rows` is read to the end before the response is made, so a generator may gather what the caller
    logs afterwards (e.g. the cases an export showed). `stamped=False` names the file `<stem>.csv`;
    `no_store` keeps browsers and proxies from keeping a copy of what may name children's cases.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    filename = f"{filename_stem}-{timezone.localtime():%Y%m%d-%H%M}.csv" if stamped else f"{filename_stem}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    if no_store:
        response["Cache-Control"] = "no-store"
    return response
