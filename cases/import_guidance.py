"""What each column of a case CSV holds, for the import's guidance page and its template file. The
same words as the table in docs/case-import.md (a test keeps the two alike)."""

from dataclasses import dataclass

from cases.case_import import COLUMNS


@dataclass(frozen=True)
class ColumnGuide:
    column: str
    required: str
    format: str
    example: str


GUIDE = (
    ColumnGuide(
        "reference",
        "yes",
        "the case-management system's reference, up to 40 characters, on one line (no newline, tab or control"
        " character); the key that matches rows to cases",
        "C-0001",
    ),
    ColumnGuide(
        "child_name",
        "yes",
        "up to 200 characters",
        "Ada Lovelace",
    ),
    ColumnGuide(
        "date_of_birth",
        "yes",
        "YYYY-MM-DD, not in the future",
        "2015-03-04",
    ),
    ColumnGuide(
        "ethnicity",
        "no (see below)",
        "up to 100 characters",
        "White British",
    ),
    ColumnGuide(
        "faith",
        "no (see below)",
        "up to 100 characters",
        "None",
    ),
    ColumnGuide(
        "language",
        "no (see below)",
        "up to 100 characters",
        "English",
    ),
    ColumnGuide(
        "team",
        "yes",
        "the exact name of an active team in the portal",
        "North Assessment Team",
    ),
    ColumnGuide(
        "allocated_worker",
        "no",
        "the username of a user with a staff profile",
        "sw.north",
    ),
    ColumnGuide(
        "chair",
        "no",
        "a username: the independent chair of the child protection conferences (an assignment, below)",
        "chair.one",
    ),
    ColumnGuide(
        "iro",
        "no",
        "a username: the independent reviewing officer of the looked-after reviews (an assignment, below)",
        "iro.one",
    ),
    ColumnGuide(
        "status",
        "no",
        "open or closed (any case); empty means open",
        "open",
    ),
    ColumnGuide(
        "closed_on",
        "when closed",
        "YYYY-MM-DD, not in the future; required when status is closed, empty when open",
        "2024-02-29",
    ),
    ColumnGuide(
        "episode_kind",
        "no",
        "one of child_in_need, child_protection_plan, looked_after, care_leaver, youth_justice_order",
        "looked_after",
    ),
    ColumnGuide(
        "episode_start",
        "with episode_kind",
        "YYYY-MM-DD, not in the future nor before date_of_birth; required when episode_kind is given, empty otherwise",
        "2023-05-02",
    ),
    ColumnGuide(
        "episode_end",
        "no",
        "YYYY-MM-DD, not before episode_start; empty while the episode is open",
        "2024-05-01",
    ),
)
assert tuple(guide.column for guide in GUIDE) == COLUMNS, "every column of the import, in its order"


def template_rows() -> list[list[str]]:
    """The template CSV: the header and one example row (fictional, as every example here): an open
    case, so its closed_on is empty, as the import wants."""
    example = {guide.column: guide.example for guide in GUIDE} | {"closed_on": ""}
    return [list(COLUMNS), [example[column] for column in COLUMNS]]
