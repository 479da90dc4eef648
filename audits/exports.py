"""The audit list's CSV (/audits/export.csv): its columns, and its rows read as the file streams.

The rows come from the list's own scoped, filtered queryset (audits.views.audit_export) as `values_list`
tuples through a server-side cursor (core.csv_export.queryset_rows), the related names joined in the same
query; no audit object is made. References only: no child's name.
"""

from collections.abc import Iterator

from core.csv_export import person_name, queryset_rows

AUDIT_CSV_COLUMNS = [
    "id",
    "process",
    "table",
    "subject",
    "team",
    "carried_out_by",
    "due_on",
    "held_on",
    "on_time",
    "status",
    "grade",
    "moderated",
    "moderation_agreed",
]


def _subject(case_reference, staff_first, staff_last, staff_username, carer_name, carer_reference, label) -> str:
    # As Audit.subject_display: the case, else the member of staff, else the carer, else the label.
    if case_reference is not None:
        return case_reference
    if staff_username is not None:
        return person_name(staff_first, staff_last, staff_username)
    if carer_reference is not None:
        return f"{carer_name} ({carer_reference})"
    return label or "The service"


def audit_export_rows(audits) -> Iterator[list]:
    """The CSV rows of `audits` (the list's queryset, in its order)."""
    # The list's prefetches make objects; the export reads columns.
    rows = audits.prefetch_related(None).values_list(
        "pk",
        "process__name",
        "process__area__title",
        "case__reference",
        "staff_member__first_name",
        "staff_member__last_name",
        "staff_member__username",
        "foster_carer__name",
        "foster_carer__reference",
        "subject_label",
        "team__name",
        "carried_out_by__first_name",
        "carried_out_by__last_name",
        "carried_out_by__username",
        "due_on",
        "held_on",
        "status",
        "grade",
        "moderation__pk",
        "moderation__agreed",
    )
    for row in queryset_rows(rows):
        pk, process, area, *subject, team, first, last, username, due_on, held_on, status, grade, moderation, agreed = (
            row
        )
        yield [
            pk,
            process,
            area,
            _subject(*subject),
            team or "",
            person_name(first, last, username),
            due_on or "",
            held_on or "",
            "" if not (due_on and held_on) else ("no" if held_on > due_on else "yes"),
            status,
            grade,
            "yes" if moderation is not None else "no",
            "" if moderation is None else ("yes" if agreed else "no"),
        ]
