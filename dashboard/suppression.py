"""Secondary suppression: a count hidden because it is small must not be found again by subtraction.

Primary suppression hides counts of 1 to 4 (dashboard.tables.SUPPRESS_BELOW). Where a table also shows
a total and every other part of it, the hidden count is the total less the others. So, as official
statistics do, a second cell is hidden in such a line (secondary suppression):

- a *line* is a total and its parts (a row's "due = on time + late + overdue", a column's "all months =
  each month"), each cell named (row, key);
- while some line has exactly one unknown cell that is suppressed, hide one more of that line's cells:
  the smallest non-zero one, a part before the total. An unknown cell that is not suppressed (a count
  the table never shows) is unknown only until a line gives it away, and then counts as known;
- repeat until no line gives a suppressed cell away.

A rate is hidden when its part or its whole is (dashboard.tables.Rate.hidden). Zeros are never hidden:
a zero reveals nothing a small count needs kept. Secondary cells are shown as "suppressed", primary
ones as "fewer than 5".

`given_away` is also the test's check: tests/dashboard/test_suppression.py runs it over every table.
"""

from collections.abc import Iterable
from dataclasses import dataclass

Cell = tuple[object, str]  # (row, key)


@dataclass(frozen=True)
class Line:
    """`total` is the sum of `parts`."""

    total: Cell
    parts: tuple[Cell, ...]

    @property
    def cells(self) -> tuple[Cell, ...]:
        return (self.total, *self.parts)


def given_away(lines: Iterable[Line], unknown: set[Cell], protected: set[Cell]) -> tuple[Cell, Line] | None:
    """A protected cell that the known cells give away, with the line that does; None if there is none.

    Lines with one unknown cell make it known, which may leave another line with one; a protected cell
    made known so is a disclosure."""
    lines = list(lines)
    unknown = set(unknown)
    progress = True
    while progress:
        progress = False
        for line in lines:
            missing = [cell for cell in line.cells if cell in unknown]
            if len(missing) == 1:
                if missing[0] in protected:
                    return missing[0], line
                unknown.discard(missing[0])
                progress = True
    return None


def secondary_suppression(
    values: dict[Cell, int], lines: list[Line], primary: set[Cell], *, unshown: frozenset[Cell] = frozenset()
) -> set[Cell]:
    """The cells to hide: `primary` and as few more as the rule above needs. `unshown` are counts the
    table never shows (they take part in lines but need no hiding)."""
    suppressed = set(primary)
    while found := given_away(lines, suppressed | unshown, suppressed):
        cell, line = found
        # Every other cell of the line is known here, so none is suppressed; one is non-zero, since the
        # total is the sum of its parts and the suppressed cell is not zero.
        candidates = [other for other in line.cells if other != cell and values[other] > 0]
        suppressed.add(min(candidates, key=lambda other: (values[other], other == line.total)))
    return suppressed
