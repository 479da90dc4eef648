"""Small-number suppression that subtraction cannot undo: in every table the scrutiny panel sees, and in
tables of any shape hypothesis makes, no suppressed count can be worked out from the figures shown.

The check here reads what is *shown* (the cells as the page, CSV and report print them), not the
suppression's own bookkeeping: a cell is known when it shows a number, when a line (a total and its
parts, `Table.lines()`) has it as its only unknown cell, or when a shown rate and its known whole (or
part) give it. A count shown as suppressed that becomes known so is a disclosure.
"""

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.scope import DashboardScope
from dashboard.selectors import dashboard_tables, headline
from dashboard.tables import SECONDARY_SUPPRESSED, SUPPRESSED_COUNT, Column, Rate, Table, display
from tests.dashboard.helpers import service_filters

HIDDEN = {SUPPRESSED_COUNT, SECONDARY_SUPPRESSED}


def rows_of(table: Table) -> dict:
    return {**dict(enumerate(table.rows)), **({"footer": table.footer} if table.footer is not None else {})}


def shown_text(table: Table) -> dict:
    """(row, key) -> the text printed for every count and rate cell (footer: the headline's figures)."""
    text = {}
    for index, row in rows_of(table).items():
        for column in table.columns:
            if column.kind in ("count", "rate") and column.key in row:
                text[(index, column.key)] = display(row[column.key], column.kind, suppress=True)
    return text


def disclosures(table: Table) -> list:
    """The counts shown as suppressed that the shown figures give away."""
    text = shown_text(table)
    hidden = {cell for cell, shown in text.items() if shown in HIDDEN}
    known = {cell for cell, shown in text.items() if shown not in HIDDEN and not shown.endswith("%")}
    rates = [column for column in table.columns if column.kind == "rate" and column.part]
    progress = True
    while progress:
        progress = False
        for line in table.lines():
            missing = [cell for cell in line.cells if cell not in known]
            if len(missing) == 1:
                known.add(missing[0])
                progress = True
        for index in rows_of(table):
            for column in rates:
                if text.get((index, column.key), "").endswith("%"):
                    pair = {(index, column.part), (index, column.whole)}
                    if len(pair & known) == 1:
                        known |= pair
                        progress = True
    return sorted(hidden & known, key=str)


def lines_hold(table: Table) -> bool:
    rows = rows_of(table)
    return all(rows[line.total[0]][line.total[1]] == sum(rows[i][k] for i, k in line.parts) for line in table.lines())


#
# The scrutiny panel's view of the test data
#


@pytest.mark.django_db
@pytest.mark.parametrize("period", ["12m", "3m", f"fy{date.today().year - 1}"])
def test_no_table_of_the_aggregate_view_gives_a_suppressed_count_away(cast, data, period):
    filters = service_filters(period)
    tables = dashboard_tables(DashboardScope("aggregate"), filters)
    suppressed_somewhere = False
    for key, table in tables.items():
        assert lines_hold(table), key
        assert disclosures(table) == [], key
        suppressed_somewhere |= any(text in HIDDEN for text in shown_text(table).values())
    assert suppressed_somewhere, "the test data has small counts to hide"


@pytest.mark.django_db
def test_the_headline_shows_what_the_protected_trends_footer_allows(cast, data):
    tables = dashboard_tables(DashboardScope("aggregate"), service_filters())
    figures = headline(tables["trends"])
    assert figures["overdue"] is tables["trends"].footer["overdue"]
    assert figures["agreement_rate"] is tables["trends"].footer["agreement_rate"]


@pytest.mark.django_db
def test_a_service_wide_audience_sees_every_figure(cast, data):
    tables = dashboard_tables(DashboardScope("service"), service_filters())
    for table in tables.values():
        assert not table.suppressed
        assert SECONDARY_SUPPRESSED not in str(table.display_rows(suppress=False))


#
# Tables of any shape
#

counts = st.one_of(st.integers(0, 4), st.integers(0, 40))


def grid_table(grid: list[list[int]], *, rates: bool) -> Table:
    """Parts in columns p0.., each row's total, and a last row of column totals, like the grades table;
    with `rates`, each row's first part as a share of its total, like the moderation table."""
    width = len(grid[0])
    keys = [f"p{number}" for number in range(width)]
    rows = [{"label": str(number), **dict(zip(keys, values, strict=True))} for number, values in enumerate(grid)]
    rows.append({"label": "All", **{key: sum(row[key] for row in rows) for key in keys}})
    for row in rows:
        row["total"] = sum(row[key] for key in keys)
        row["share"] = Rate(row["p0"], row["total"])
    columns = [
        Column("label", "Label"),
        *[Column(key, key, "count") for key in keys],
        Column("total", "Total", "count"),
    ]
    if rates:
        columns.append(Column("share", "Share", "rate", part="p0", whole="total"))
    return Table(
        "grid",
        "Grid",
        "",
        columns,
        rows,
        sums=[("total", tuple(keys))],
        total_row=True,
        column_totals=(*keys, "total"),
    )


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(1, 6).flatmap(
        lambda width: st.lists(st.lists(counts, min_size=width, max_size=width), min_size=1, max_size=8)
    ),
    st.booleans(),
)
def test_no_generated_table_gives_a_suppressed_count_away(grid, rates):
    table = grid_table(grid, rates=rates).protect()
    assert disclosures(table) == []
    # Only what needs hiding is hidden: every small count, and no zero.
    for cell in table.suppressed:
        assert rows_of(table)[cell[0]][cell[1]] > 0
    text = shown_text(table)
    for index, row in rows_of(table).items():
        for key in [column.key for column in table.columns if column.kind == "count"]:
            if 0 < row[key] < 5:
                assert text[(index, key)] == SUPPRESSED_COUNT


def test_one_small_count_in_a_row_with_its_total_hides_the_next_smallest_too():
    table = grid_table([[3, 7, 20], [10, 10, 10]], rates=False).protect()
    text = shown_text(table)
    assert text[(0, "p0")] == SUPPRESSED_COUNT
    assert text[(0, "p1")] == SECONDARY_SUPPRESSED  # 7: the smallest other cell of the row
    assert text[(0, "total")] == "30"
    # The columns of the two hidden cells need one more each: the second row's, whose own row then
    # holds two hidden cells.
    assert text[(1, "p0")] == SECONDARY_SUPPRESSED and text[(1, "p1")] == SECONDARY_SUPPRESSED
    assert disclosures(table) == []


def test_without_secondary_suppression_the_check_finds_the_count():
    table = grid_table([[3, 7, 20], [10, 10, 10]], rates=False)
    # Not protected: display hides only the small count, and the row's total gives it away.
    assert disclosures(table) == [(0, "p0")]


@pytest.mark.django_db
def test_the_page_and_its_csv_hide_the_same_cells_and_the_page_says_why(client, cast, data):
    client.force_login(cast["scrutiny"])
    page = client.get("/dashboard/")
    assert 'another count is also shown as "suppressed"' in page.getvalue().decode()
    section = page.context["sections"]["grades"]
    exported = client.get("/dashboard/export.csv?table=grades").getvalue().decode().splitlines()[1:]
    assert [",".join(text for text, _ in row) for row in section.rows] == exported
