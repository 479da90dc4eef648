"""The due list's CSV (/due/export.csv): its columns, and its rows read as the file streams.

The rows come from the list's own scoped, filtered queryset (timeliness.views.due_export) as
`values_list` tuples through a server-side cursor (core.csv_export.queryset_rows), the related names
joined in the same query. A service-wide export is two million rows: made as objects (six a row) it took
minutes and gigabytes; as tuples it holds one chunk. References only: no child's name.
"""

from collections.abc import Iterator

from core.csv_export import person_name, queryset_rows
from timeliness.choices import DueStatus

# The last column names the role nobody holds for the child (DueItem.unassigned_role), which is why the item
# waits with the team's manager: in words, since whoever opens the file reads it, not a program.
DUE_CSV_COLUMNS = [
    "id",
    "process",
    "subject",
    "team",
    "due_on",
    "responsible",
    "status",
    "completed_on",
    "late",
    "No one assigned as",
]


def _subject(case_reference, staff_first, staff_last, staff_username, carer_name, carer_reference) -> str:
    # As timeliness.selectors.subject_of: the case, else the member of staff, else the carer.
    if case_reference is not None:
        return case_reference
    if staff_username is not None:
        return person_name(staff_first, staff_last, staff_username)
    if carer_reference is not None:
        return f"{carer_name} ({carer_reference})"
    return ""


def due_export_rows(items) -> Iterator[list]:
    """The CSV rows of `items` (the list's queryset, in its order)."""
    rows = items.values_list(
        "pk",
        "process__name",
        "case__reference",
        "staff_member__first_name",
        "staff_member__last_name",
        "staff_member__username",
        "foster_carer__name",
        "foster_carer__reference",
        "team__name",
        "due_on",
        "responsible__first_name",
        "responsible__last_name",
        "responsible__username",
        "status",
        "completed_on",
        "unassigned_role__name",
    )
    for row in queryset_rows(rows):
        pk, process, *subject, team, due_on, first, last, username, status, completed_on, unassigned = row
        yield [
            pk,
            process,
            _subject(*subject),
            team or "",
            due_on,
            person_name(first, last, username),
            status,
            completed_on or "",
            # As DueItem.was_late: known only for an item done, with the day it was done.
            "" if status != DueStatus.DONE or not completed_on else ("yes" if completed_on > due_on else "no"),
            unassigned or "",
        ]
