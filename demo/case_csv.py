"""Case-management CSV files of any size, of fictional children: for the case import's tests and its
benchmark (bench/case_import.py)."""

from cases.case_import import COLUMNS

HEADER = ",".join(COLUMNS)


def cases_csv(count: int, *, team: str = "North Assessment Team", prefix: str = "BULK") -> str:
    """`count` new cases of `team` (its exact name), each with one open child-in-need episode."""
    rows = [HEADER]
    rows += [
        f"{prefix}-{number:06d},Child {number},2015-03-04,,,,{team},,,,open,,child_in_need,2024-01-10,"
        for number in range(count)
    ]
    return "\n".join(rows) + "\n"
