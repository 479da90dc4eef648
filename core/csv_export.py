"""The one way a page answers with a CSV download, so that every export has the same encoding, headers and
guard against formulas; and the one way an export reads its rows from the database.

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

**Streamed, in constant memory.** An export of two million due items, built whole, took minutes and
gigabytes and met the web server's timeout before its first byte. `csv_response` answers with a
`StreamingHttpResponse`: the header goes at once, then the rows in blocks of about 64 KB as they are read.
`queryset_rows` reads a queryset's `values_list` rows through a server-side cursor, `chunk_size` rows at
a time, so no model instance is made per row and the process holds one chunk, not the file. Because the
rows are read after the view has returned, whatever the view must record (the access log) it writes
before it answers, never from the rows as they pass.
"""

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal

from django.db import transaction
from django.http import StreamingHttpResponse
from django.utils import timezone

# OWASP, "CSV Injection": the first characters that make a cell a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

# Rows fetched from the server-side cursor at a time: large enough that the round trips cost little,
# small enough that a chunk of the widest export stays a few megabytes.
CHUNK_SIZE = 2_000
# Bytes (about) written to the client at a time: one write per row costs a system call per row.
BLOCK_CHARACTERS = 64 * 1024


def spreadsheet_safe(value):
    """The cell as it may be written: numbers as they are, text that could start a formula quoted."""
    if value is None:
        return ""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def queryset_rows(queryset, *, chunk_size: int = CHUNK_SIZE) -> Iterator[tuple]:
    """The rows of a `values_list` queryset, read through a server-side cursor `chunk_size` at a time.

    The read runs inside a transaction: on PostgreSQL, outside one (autocommit, as when a streamed
    response is read after its view) Django declares the cursor WITH HOLD, and the server then runs the
    whole query and stores every row before the first is sent. Inside, the cursor yields as the query
    runs. A dropped download closes this generator, which ends the transaction (nothing was written in it).
    """
    with transaction.atomic():
        yield from queryset.iterator(chunk_size=chunk_size)


def _csv_text(header: Sequence, rows: Iterable[Sequence]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([spreadsheet_safe(cell) for cell in header])
    try:
        for row in rows:
            writer.writerow([spreadsheet_safe(cell) for cell in row])
            if buffer.tell() >= BLOCK_CHARACTERS:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()
    finally:
        # A client that leaves mid-download closes this generator; close the rows' too, so the cursor
        # and its transaction end now rather than when the garbage collector finds them.
        close = getattr(rows, "close", None)
        if close is not None:
            close()


def csv_response(
    filename_stem: str,
    header: Sequence,
    rows: Iterable[Sequence],
    *,
    stamped: bool = True,
) -> StreamingHttpResponse:
    """`header` then `rows` as a UTF-8 CSV attachment named `<filename_stem>-YYYYMMDD-HHMM.csv`, streamed.

    `rows` is read as the response is sent, after the view has returned: the caller records what the
    export shows (the access log) before calling this. `stamped=False` names the file `<stem>.csv`.
    """
    response = StreamingHttpResponse(_csv_text(header, rows), content_type="text/csv; charset=utf-8")
    filename = f"{filename_stem}-{timezone.localtime():%Y%m%d-%H%M}.csv" if stamped else f"{filename_stem}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def in_chunks(rows: Iterable, size: int = CHUNK_SIZE) -> Iterator[list]:
    """`rows` in lists of `size`: for an export that reads something more about each chunk (one query a
    chunk, e.g. the open episodes of its cases) rather than one query a row."""
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def person_name(first_name: str | None, last_name: str | None, username: str | None) -> str:
    """A person as the pages name them (`get_full_name()`, else the username), from `values_list` columns;
    empty when there is no person."""
    return f"{first_name or ''} {last_name or ''}".strip() or (username or "")
