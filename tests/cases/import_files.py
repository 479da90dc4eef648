"""Case CSV files of any size, for the import's tests and its measurement: fictional children, one row
each, in the teams and with the people of tests/cases/test_case_import.py's fixtures."""

from cases.case_import import COLUMNS

HEADER = ",".join(COLUMNS)


def cases_csv(count: int, *, team: str = "North Assessment Team", prefix: str = "BULK") -> str:
    """`count` new cases, each with one open child-in-need episode."""
    rows = [HEADER]
    for number in range(count):
        rows.append(f"{prefix}-{number:06d},Child {number},2015-03-04,,,,{team},,,,open,,child_in_need,2024-01-10,")
    return "\n".join(rows) + "\n"
