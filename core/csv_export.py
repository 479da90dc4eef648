"""The one way a page answers with a CSV download, so that every export has the same encoding, headers and
guard against formulas.

Every cell passes through `spreadsheet_safe`: a text cell that a spreadsheet would read as a formula (one
beginning with `=`, `+`, `-`, `@`, a tab or a carriage return, OWASP's "CSV injection" list) is written
with a single quote in front, so that Excel, LibreOffice and Google Sheets show it as text. A team called
`=HYPERLINK(...)` or a finding `@SUM(...)` then opens as those characters, never as a live formula.

Numbers stay numbers: a cell given as a Python `int`, `float` or `Decimal` is written as the number it is,
so a genuine `-3` opens as minus three. The same characters given as text (`"-3"`) are quoted like any
other text: the helper cannot tell a negative number typed into a free-text field from the start of a
formula, and callers that mean a number pass the number.

Every export answers `Cache-Control: no-store`: each may name children's cases, staff or figures a
browser or proxy must not keep (the signed-in pages say the same through core.middleware).
"""

import csv
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone

# OWASP, "CSV Injection": the first characters that make a cell a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """The cell as it may be written: numbers as they are, text that could start a formula quoted."""
    if value is None:
        return ""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def csv_response(
    filename_stem: str,
    header: Sequence,
    rows: Iterable[Sequence],
    *,
    stamped: bool = True,
) -> HttpResponse:
    """`header` then `rows` as a UTF-8 CSV attachment named `<filename_stem>-YYYYMMDD-HHMM.csv`.

    `rows` is read to the end before the response is made, so a generator may gather what the caller
    logs afterwards (e.g. the cases an export showed). `stamped=False` names the file `<stem>.csv`.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([spreadsheet_safe(cell) for cell in header])
    writer.writerows([spreadsheet_safe(cell) for cell in row] for row in rows)
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    filename = f"{filename_stem}-{timezone.localtime():%Y%m%d-%H%M}.csv" if stamped else f"{filename_stem}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
