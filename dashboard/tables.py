"""The dashboard's tables of figures and how a figure is shown: a `Table` (columns and rows) is what the
page, its charts, the CSV export and the printed report all render, with counts of 1 to 4 suppressed
(and rates built on them) where the audience sees aggregates only.
"""

from dataclasses import dataclass, field

SUPPRESS_BELOW = 5


SUPPRESSED_COUNT = "fewer than 5"


SUPPRESSED_RATE = "suppressed"


NO_DATA = "no data"


@dataclass(frozen=True)
class Rate:
    """A share: numerator of denominator. Shown as a whole percentage."""

    part: int
    whole: int

    @property
    def percent(self) -> float | None:
        return 100 * self.part / self.whole if self.whole else None


@dataclass
class Column:
    key: str
    heading: str
    kind: str = "text"  # text, count, rate, month

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
        return SUPPRESSED_COUNT if suppress and is_small(value) else str(value)
    if kind == "rate":
        if not value.whole:
            return NO_DATA
        if suppress and (is_small(value.part) or is_small(value.whole)):
            return SUPPRESSED_RATE
        return f"{round(value.percent)}%"
    if kind == "month":
        return value.strftime("%b %Y")
    return str(value)


def shown_percent(value: Rate, *, suppress: bool) -> float | None:
    """The percentage a chart may draw: None where the table shows no figure."""
    if value.percent is None or (suppress and (is_small(value.part) or is_small(value.whole))):
        return None
    return value.percent


def shown_count(value: int, *, suppress: bool) -> int | None:
    return None if suppress and is_small(value) else value
