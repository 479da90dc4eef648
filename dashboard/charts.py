"""SVG geometry for the dashboard's charts, drawn on the server (no script).

Each function turns a table (dashboard.selectors.Table) into the coordinates a template draws
(templates/dashboard/inc/*_chart.html). The chart is a picture of the table printed beside it:
it carries role="img", a title and a description, and leaves out what the table suppresses.
Colours are the GOV.UK palette's, chosen to differ in lightness as well as hue.
"""

import math
from dataclasses import dataclass, field

from dashboard.selectors import GRADES
from dashboard.tables import Table, shown_count, shown_percent

WIDTH = 640
LABEL_WIDTH = 290
BAR_HEIGHT = 18
BAR_GAP = 8
TOP = 24
LABEL_CHARS = 40
BLUE, GREEN, LIGHT_GREEN, ORANGE, RED = "#1d70b8", "#00703c", "#85994b", "#f47738", "#d4351c"
GRADE_COLOURS = {"outstanding": GREEN, "good": LIGHT_GREEN, "requires_improvement": ORANGE, "inadequate": RED}


@dataclass
class Bar:
    label: str
    short_label: str
    text: str
    y: float
    width: float
    drawn: bool
    text_y: float = 0
    value_x: float = 0


@dataclass
class BarChart:
    key: str
    title: str
    desc: str
    height: float
    bars: list[Bar]
    ticks: list[tuple[float, str]]
    colour: str = BLUE
    width: int = WIDTH
    label_width: int = LABEL_WIDTH
    bar_height: int = BAR_HEIGHT
    kind: str = "bar"

    @property
    def axis_bottom(self) -> float:
        return self.height - 6

    @property
    def label_x(self) -> int:
        return self.label_width - 8


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1].rstrip() + "…"


def bar_chart(table: Table, *, label: str, value: str, title: str, suppress: bool, colour: str = BLUE) -> BarChart:
    """Horizontal bars of one column of a table: a rate (0 to 100%) or a count (0 to the largest)."""
    column = next(c for c in table.columns if c.key == value)
    rows = [row for row in table.rows if row.get(value) is not None]
    if column.kind == "rate":
        values = [shown_percent(row[value], suppress=suppress) for row in rows]
        top, unit = 100.0, "%"
    else:
        values = [shown_count(row[value], suppress=suppress) for row in rows]
        # A multiple of 4 at least the largest count, so the quarter ticks are whole numbers.
        largest = max([v for v in values if v is not None] or [0])
        top, unit = float(max(4, math.ceil(largest / 4) * 4)), ""
    plot = WIDTH - LABEL_WIDTH - 60
    bars = []
    for index, (row, number) in enumerate(zip(rows, values, strict=True)):
        text = (f"{round(number)}{unit}" if number is not None else "not shown") if rows else ""
        bars.append(
            Bar(
                label=str(row[label]),
                short_label=_short(str(row[label])),
                text=text,
                y=TOP + index * (BAR_HEIGHT + BAR_GAP),
                width=0 if number is None else round(plot * number / top, 1),
                drawn=number is not None,
                text_y=TOP + index * (BAR_HEIGHT + BAR_GAP) + 13,
                value_x=LABEL_WIDTH + (0 if number is None else round(plot * number / top, 1)) + 6,
            )
        )
    ticks = [(round(LABEL_WIDTH + plot * share, 1), f"{round(top * share)}{unit}") for share in (0, 0.25, 0.5, 0.75, 1)]
    described = ", ".join(f"{bar.label}: {bar.text}" for bar in bars[:12])
    more = f" and {len(bars) - 12} more" if len(bars) > 12 else ""
    return BarChart(
        key=table.key,
        title=title,
        desc=f"Bar chart of {column.heading.lower()}. {described}{more}. The table beside it has every figure.",
        height=TOP + max(len(bars), 1) * (BAR_HEIGHT + BAR_GAP) + 10,
        bars=bars,
        ticks=ticks,
        colour=colour,
    )


@dataclass
class Segment:
    y: float
    height: float
    colour: str
    label: str


@dataclass
class Column:
    x: float
    label: str
    total_text: str
    segments: list[Segment] = field(default_factory=list)


@dataclass
class ColumnChart:
    key: str
    title: str
    desc: str
    columns: list[Column]
    legend: list[tuple[str, str, float]]  # colour, label, x
    column_width: float
    baseline: float
    width: int = WIDTH
    height: int = 300
    kind: str = "column"


def grades_chart(table: Table, *, suppress: bool) -> ColumnChart:
    """Stacked columns: graded records per month, split by grade (the "All months" row left out)."""
    months = [row for row in table.rows if row.get("month")]
    baseline, plot_height = 240, 200.0
    top = max([row["graded"] for row in months] or [1]) or 1
    step = (WIDTH - 40) / max(len(months), 1)
    columns = []
    for index, row in enumerate(months):
        column = Column(x=round(30 + index * step, 1), label=row["month"].strftime("%b %y"), total_text="")
        y = baseline
        for grade, label in GRADES:
            count = shown_count(row[grade], suppress=suppress)
            if not count:
                continue
            height = round(plot_height * count / top, 1)
            y -= height
            column.segments.append(
                Segment(y=round(y, 1), height=height, colour=GRADE_COLOURS[grade], label=f"{label}: {count}")
            )
        graded = shown_count(row["graded"], suppress=suppress)
        column.total_text = str(graded) if graded is not None else ""
        columns.append(column)
    legend = [(GRADE_COLOURS[grade], label, 10 + i * 155) for i, (grade, label) in enumerate(GRADES)]
    return ColumnChart(
        key=table.key,
        title="Grades of graded records, by month",
        desc="Stacked column chart: for each month, the graded records split into outstanding, good, requires "
        "improvement and inadequate. The table beside it has every figure.",
        columns=columns,
        legend=legend,
        column_width=round(step * 0.7, 1),
        baseline=baseline,
    )


@dataclass
class Series:
    label: str
    colour: str
    dash: str
    points: list[tuple[float, float, str]]  # x, y, text
    path: str


@dataclass
class LineChart:
    key: str
    title: str
    desc: str
    series: list[Series]
    x_labels: list[tuple[float, str]]
    y_ticks: list[tuple[float, str]]
    width: int = WIDTH
    height: int = 300
    left: int = 50
    right: int = WIDTH - 20
    kind: str = "line"


def trends_chart(table: Table, *, suppress: bool) -> LineChart:
    """Lines of the monthly rates: on-time completion and outcomes met (gaps where not shown)."""
    top, bottom = 30.0, 240.0
    step = (WIDTH - 70) / max(len(table.rows) - 1, 1)
    x_labels = [(round(50 + i * step, 1), row["month"].strftime("%b %y")) for i, row in enumerate(table.rows)]
    series = []
    for key, label, colour, dash in (
        ("on_time_rate", "On-time rate", BLUE, ""),
        ("met_rate", "Outcomes met", GREEN, "6 4"),
        ("agreement_rate", "Moderation agreement", ORANGE, "2 3"),
    ):
        points, path, pen_down = [], [], False
        for i, row in enumerate(table.rows):
            percent = shown_percent(row[key], suppress=suppress)
            if percent is None:
                pen_down = False
                continue
            x, y = round(50 + i * step, 1), round(bottom - (bottom - top) * percent / 100, 1)
            points.append((x, y, f"{row['month']:%b %Y}: {round(percent)}%"))
            path.append(f"{'L' if pen_down else 'M'}{x},{y}")
            pen_down = True
        series.append(Series(label=label, colour=colour, dash=dash, points=points, path=" ".join(path)))
    y_ticks = [
        (round(bottom - (bottom - top) * share, 1), f"{round(100 * share)}%") for share in (0, 0.25, 0.5, 0.75, 1)
    ]
    return LineChart(
        key=table.key,
        title="Monthly trends: on-time rate, outcomes met and moderation agreement",
        desc="Line chart of three monthly percentages over the period. The table beside it has every figure.",
        series=series,
        x_labels=x_labels,
        y_ticks=y_ticks,
    )


CHARTS = {
    "timeliness_area": lambda table, suppress: bar_chart(
        table, label="name", value="rate", title="On-time rate by area", suppress=suppress
    ),
    "timeliness_team": lambda table, suppress: bar_chart(
        table, label="name", value="rate", title="On-time rate by team", suppress=suppress
    ),
    "outcomes_process": lambda table, suppress: bar_chart(
        table, label="process", value="rate", title="Outcomes met by process", suppress=suppress, colour=GREEN
    ),
    "themes": lambda table, suppress: bar_chart(
        table, label="outcome", value="not_met", title="Outcomes most often not met", suppress=suppress, colour=RED
    ),
    "coverage": lambda table, suppress: bar_chart(
        table, label="team", value="rate_12m", title="Open cases audited in 12 months, by team", suppress=suppress
    ),
    "grades": lambda table, suppress: grades_chart(table, suppress=suppress),
    "trends": lambda table, suppress: trends_chart(table, suppress=suppress),
}


def dashboard_charts(tables: dict[str, Table], *, suppress: bool) -> dict:
    """The charts drawn beside the tables, by table key (tables without a chart have none)."""
    return {key: CHARTS[key](table, suppress) for key, table in tables.items() if key in CHARTS and table.rows}


@dataclass
class Section:
    """A table ready to render: its cells as text (suppressed where asked), with the chart drawn of it."""

    table: Table
    rows: list[list[tuple[str, bool]]]  # (text, numeric) per cell
    chart: object = None

    @property
    def linked_rows(self) -> list[tuple[str | None, list[tuple[str, bool]]]]:
        """Each row with the link of its first cell (the never-audited list links each case), or None."""
        links = self.table.links or [None] * len(self.rows)
        return list(zip(links, self.rows, strict=True))

    @property
    def headings(self) -> list[tuple[str, bool]]:
        return [(column.heading, column.numeric) for column in self.table.columns]


def dashboard_sections(tables: dict[str, Table], *, suppress: bool) -> dict[str, Section]:
    charts = dashboard_charts(tables, suppress=suppress)
    sections = {}
    for key, table in tables.items():
        numeric = [column.numeric for column in table.columns]
        rows = [list(zip(cells, numeric, strict=True)) for cells in table.display_rows(suppress=suppress)]
        sections[key] = Section(table=table, rows=rows, chart=charts.get(key))
    return sections
