"""Reading an uploaded CSV file, whatever it imports (cases, journey events): its text, its row count,
its header and rows (read_rows), the NUL characters no record can hold, and the error that lists every
problem by spreadsheet line.
"""

import csv
import io

NUL_PROBLEM = "holds a NUL character (byte 0), which no record can hold; remove it and try again"


class CaseImportError(Exception):
    """The file is not valid; `problems` lists each one as 'line N: column: problem', in line order."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


def line_messages(problems: list[tuple[int, str]]) -> list[str]:
    """'line N: problem', in line order; a line's problems keep the order of its columns (a stable sort)."""
    return [f"line {number}: {message}" for number, message in sorted(problems, key=lambda problem: problem[0])]


def decode_csv(data: bytes) -> str:
    """The file's text: UTF-8, with or without a byte-order mark (as Excel writes it)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CaseImportError([f"the file is not UTF-8 text (byte {exc.start + 1} cannot be read)"]) from exc


def count_rows(text: str) -> int:
    """The file's rows, the header and blank rows aside, as the checks count them (a quoted cell's
    newlines stay inside its row). A file that is not valid CSV counts its rows up to the fault."""
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    rows = 0
    try:
        for cells in reader:
            rows += any(cell.strip() for cell in cells)
    except csv.Error:
        pass  # the check reports the fault with its line
    return max(rows - 1, 0)


def read_rows(
    text: str, *, columns, required, error: type[CaseImportError] = CaseImportError
) -> tuple[list[tuple[int, dict[str, str]]], list[tuple[int, str]]]:
    """The rows of an import file as (line number, {column: value as written}), and the problems of the
    rows left out as (line number, message): a row whose width is not the header's, or with a NUL in a
    value (PostgreSQL refuses it: found here, at the preview, not when applying fails). Blank rows are
    skipped. A header that is missing, repeats a column, names one not in `columns` or lacks one of
    `required`, or a file that is not valid CSV, raises `error` with every problem found so far.

    Line numbers are records, not physical lines (reader.line_num): a quoted cell's newlines stay inside
    its one row, and the number is the row a spreadsheet shows (the header is line 1)."""
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""), strict=True)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise error([f"line 1: not valid CSV: {exc}"]) from exc
    if not header or not any(cell.strip() for cell in header):
        others = " (and others)" if set(columns) - set(required) else ""
        raise error([f"line 1: the header row is missing; it names the columns: {', '.join(required)}{others}"])
    header = [cell.strip() for cell in header]
    problems = [(1, f"column {index}: {NUL_PROBLEM}") for index, name in enumerate(header, 1) if "\x00" in name]
    seen = set()
    for name in header:
        if name in seen:
            problems.append((1, f"column {name!r} appears more than once"))
        elif name not in columns and "\x00" not in name:  # a NUL in a name is reported once, above
            problems.append((1, f"unknown column {name!r}"))
        seen.add(name)
    problems += [(1, f"missing column {name!r}") for name in required if name not in seen]
    if problems:
        raise error(line_messages(problems))

    rows: list[tuple[int, dict[str, str]]] = []
    start = 2
    try:
        for cells in reader:
            number, start = start, start + 1
            if not any(cell.strip() for cell in cells):
                continue  # blank lines (often at the end of a file) are not rows
            if len(cells) != len(header):
                problems.append((number, f"{len(cells)} values where the header has {len(header)} columns"))
                continue
            values = dict(zip(header, cells, strict=True))
            nuls = [(number, f"{name}: {NUL_PROBLEM}") for name, value in values.items() if "\x00" in value]
            if nuls:
                problems += nuls
                continue
            rows.append((number, values))
    except csv.Error as exc:
        problems.append((start, f"not valid CSV: {exc}"))
        raise error(line_messages(problems)) from exc
    return rows, problems


def refuse_nul_characters(text: str) -> None:
    """Raise CaseImportError naming the line and column of every NUL character (byte 0) in the file.

    PostgreSQL can store no NUL in text, and the browser's upload keeps the file in the database for the
    worker: such a file is refused at the upload, where the rest of the rules cannot run yet."""
    if "\x00" not in text:
        return
    problems: list[tuple[int, str]] = []
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    header: list[str] = []
    start = 1  # the record being read, numbered as read_rows numbers them
    try:
        for cells in reader:
            number, start = start, start + 1
            if not header:
                header = [cell.strip() for cell in cells]
                problems += [
                    (1, f"column {index}: {NUL_PROBLEM}") for index, name in enumerate(header, 1) if "\x00" in name
                ]
                continue
            names = header + [f"column {index}" for index in range(len(header) + 1, len(cells) + 1)]
            problems += [
                (number, f"{name}: {NUL_PROBLEM}") for name, value in zip(names, cells, strict=False) if "\x00" in value
            ]
    except csv.Error as exc:
        problems.append((start, f"not valid CSV: {exc}"))
    raise CaseImportError(line_messages(problems or [(start, NUL_PROBLEM)]))
