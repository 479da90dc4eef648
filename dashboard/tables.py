"""The dashboard's tables of figures and how a figure is shown: a `Table` (columns and rows) is what the
page, its charts, the CSV export and the printed report all render, with counts of 1 to 4 suppressed
(and rates built on them) where the audience sees aggregates only, and as many more cells as keep them
from being found by subtraction (`Table.protect`, the rule in dashboard.suppression).
"""

from dataclasses import dataclass, field, replace

from dashboard.suppression import Line, secondary_suppression

SUPPRESS_BELOW = 5


SUPPRESSED_COUNT = "fewer than 5"


SUPPRESSED_RATE = "suppressed"


# A count hidden only so that a small one beside it cannot be worked out (it may be any size).
SECONDARY_SUPPRESSED = "suppressed"


class SuppressedCount(int):
    """A count hidden by secondary suppression: still a number for sums, shown as SECONDARY_SUPPRESSED."""


NO_DATA = "no data"


@dataclass(frozen=True)
class Rate:
    """A share: numerator of denominator. Shown as a whole percentage."""

    part: int
    whole: int
    hidden: bool = False  # its part or whole is suppressed (Table.protect)

    @property
    def percent(self) -> float | None:
        return 100 * self.part / self.whole if self.whole else None


@dataclass
class Column:
    key: str
    heading: str
    kind: str = "text"  # text, count, rate, month
    # A rate's part and whole, as keys of the row (the counts it is built on, shown or not).
    part: str = ""
    whole: str = ""

    @property
    def numeric(self) -> bool:
        return self.kind in ("count", "rate")


@dataclass
class Table:
    key: str
    title: str
    caption: str
    columns: list[Column]
    rows: list[dict] = field(default_factory=list)
    links: list[str | None] = field(default_factory=list)  # per row: a link for the first cell (cases)
    note: str = ""
    has_next: bool = False  # a paged table (the never-audited list): another page follows
    # The sums the figures obey, for secondary suppression: in each row, `sums` (total key, part keys);
    # with `total_row`, the last row is the sum of the rows above it in every `column_totals` key.
    sums: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    total_row: bool = False
    column_totals: tuple[str, ...] = ()
    # A row shown elsewhere (the trends' period totals, in the page's headline): the sum of the rows
    # `footer_of` in every `column_totals` key, protected with the table.
    footer: dict | None = None
    footer_of: list[int] = field(default_factory=list)
    suppressed: set = field(default_factory=set)  # (row index or "footer", key), after protect()

    def _rows(self) -> list[tuple[object, dict]]:
        return [*enumerate(self.rows), *([("footer", self.footer)] if self.footer is not None else [])]

    def lines(self) -> list[Line]:
        lines = [
            Line((index, total), tuple((index, part) for part in parts))
            for index, _ in self._rows()
            for total, parts in self.sums
        ]
        if self.total_row and len(self.rows) > 1:
            last = len(self.rows) - 1
            lines += [Line((last, key), tuple((index, key) for index in range(last))) for key in self.column_totals]
        if self.footer is not None:
            lines += [
                Line(("footer", key), tuple((index, key) for index in self.footer_of)) for key in self.column_totals
            ]
        return lines

    def count_keys(self) -> set[str]:
        keys = {column.key for column in self.columns if column.kind == "count"}
        keys |= {key for column in self.columns if column.kind == "rate" for key in (column.part, column.whole)}
        keys |= {key for total, parts in self.sums for key in (total, *parts)} | set(self.column_totals)
        return keys - {""}

    def protect(self) -> "Table":
        """Hide small counts and the cells that would give them away; mark the rates built on them.
        For board and scrutiny audiences (called by dashboard.selectors when the scope is aggregate)."""
        keys = self.count_keys()
        rows = dict(self._rows())
        values = {(index, key): row[key] for index, row in rows.items() for key in keys if key in row}
        shown = {column.key for column in self.columns if column.kind == "count"}
        shown |= {key for column in self.columns if column.kind == "rate" for key in (column.part, column.whole)}
        unshown = frozenset(cell for cell in values if cell[1] not in shown)
        primary = {cell for cell, value in values.items() if is_small(value)}
        self.suppressed = secondary_suppression(values, self.lines(), primary, unshown=unshown)
        for index, key in self.suppressed - primary:
            rows[index][key] = SuppressedCount(rows[index][key])
        rates = [column for column in self.columns if column.kind == "rate" and column.part]
        for index, row in rows.items():
            for column in rates:
                if column.key in row and {(index, column.part), (index, column.whole)} & self.suppressed:
                    row[column.key] = replace(row[column.key], hidden=True)
        return self

    def display_rows(self, *, suppress: bool) -> list[list[str]]:
        return [
            [display(row.get(column.key), column.kind, suppress=suppress) for column in self.columns]
            for row in self.rows
        ]


def is_small(count: int) -> bool:
    return 0 < count < SUPPRESS_BELOW


def display(value, kind: str, *, suppress: bool) -> str:
    """A cell as people read it (and as the CSV has it), with small counts suppressed when asked."""
    if value is None:
        return ""
    if kind == "count":
        if suppress and isinstance(value, SuppressedCount):
            return SECONDARY_SUPPRESSED
        return SUPPRESSED_COUNT if suppress and is_small(value) else str(value)
    if kind == "rate":
        if not value.whole:
            return NO_DATA
        if suppress and (value.hidden or is_small(value.part) or is_small(value.whole)):
            return SUPPRESSED_RATE
        return f"{round(value.percent)}%"
    if kind == "month":
        return value.strftime("%b %Y")
    return str(value)


def shown_percent(value: Rate, *, suppress: bool) -> float | None:
    """The percentage a chart may draw: None where the table shows no figure."""
    if value.percent is None or (suppress and (value.hidden or is_small(value.part) or is_small(value.whole))):
        return None
    return value.percent


def shown_count(value: int, *, suppress: bool) -> int | None:
    return None if suppress and (is_small(value) or isinstance(value, SuppressedCount)) else value
