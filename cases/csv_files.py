"""Reading an uploaded CSV file, whatever it imports (cases, journey events): its text, its row count,
the NUL characters no record can hold, and the error that lists every problem by spreadsheet line.
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


def refuse_nul_characters(text: str) -> None:
    """Raise CaseImportError naming the line and column of every NUL character (byte 0) in the file.

    PostgreSQL can store no NUL in text, and the browser's upload keeps the file in the database for the
    worker: such a file is refused at the upload, where the rest of the rules cannot run yet."""
    if "\x00" not in text:
        return
    problems: list[tuple[int, str]] = []
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    header: list[str] = []
    start = 1  # the record being read, numbered as _read_lines numbers them
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
